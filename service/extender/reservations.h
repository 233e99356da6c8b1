// ReservationTable: allocations made by bind that the watch has not shown yet (the assume-cache idea of
// the scheduler's DRA plugin). Filter and bind count them as in use, so a device handed to one pod is
// not offered to the next one while the claim status write is in flight.
//
// A reservation ends when the store shows the claim allocated (Observe, reason "observed"), when bind
// fails and undoes its writes (Release, "failed"), or when its TTL passes ("expired").
//
// Thread safety: thread-safe (one mutex, mu_, guards the table; no method calls out while holding it except
// the metrics gauge and counters).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"
#include "api/k8s/resource_v1.h"
#include "service/metrics/service_metrics.h"
#include "service/store/cluster_store.h"

namespace allot::svc {

struct Reservation {
  std::string claim_key;  // "ns/name"
  std::string claim_uid;
  std::string pod_uid;
  api::AllocationResult allocation;
  std::chrono::steady_clock::time_point expires;
};

class ReservationTable {
 public:
  ReservationTable(ServiceMetrics* metrics, std::chrono::seconds ttl) : metrics_(metrics), ttl_(ttl) {}

  // Adds or replaces the reservation of r.claim_key; sets its expiry to now + ttl.
  void Add(Reservation r);
  // Drops the reservation of `claim_key` if present.
  void Release(const std::string& claim_key, std::string_view reason);
  // Live reservations (expired ones are dropped first).
  std::vector<Reservation> Active();
  std::optional<Reservation> Find(const std::string& claim_key);
  // Drops reservations whose claim `snapshot` shows allocated, or no longer has.
  void Observe(const StoreSnapshot& snapshot);
  size_t size();

 private:
  void ReleaseLocked(std::map<std::string, Reservation>::iterator it, std::string_view reason)
      ALLOT_REQUIRES(mu_);
  void UpdateGauge() ALLOT_REQUIRES(mu_);

  ServiceMetrics* const metrics_;
  const std::chrono::seconds ttl_;
  Mutex mu_;
  std::map<std::string, Reservation> by_claim_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::svc
