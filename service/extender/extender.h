// Extender: the three scheduler-extender verbs over the cluster store and the allocator.
//
//   Filter      which of the candidate nodes can satisfy the pod's claims (advisory; nothing is held)
//   Prioritize  0..10 per node by the score policy (pack | spread | none)
//   Bind        the authoritative allocation: allocate against the latest state plus in-flight binds,
//               reserve in memory at once, write finalizer + claim status (resourceVersion, 409 retry),
//               POST pods/binding, undo the claim writes if anything fails
//
// Each verb takes the raw request body and returns the HTTP status and response body, so the logic is
// tested without sockets. Malformed bodies are 400 {"error": "<json path>: <problem>"}; everything else
// is 200 with the wire result (errors in its Error field), as kube-scheduler expects.
// Wire format and failure semantics: docs/extender-api.md.
//
// Thread safety: thread-safe. Filter/Prioritize read one ClusterSnapshot each and never block on writers;
// Bind serialises only its allocate-and-reserve step (bind_mu_), not the API writes.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/k8s/core_v1.h"
#include "base/thread_annotations.h"
#include "core/alloc/features.h"
#include "base/status.h"
#include "core/index/allocated_state.h"
#include "service/extender/cluster_index.h"
#include "service/extender/pod_claims.h"
#include "service/extender/reservations.h"
#include "service/metrics/service_metrics.h"
#include "service/store/cluster_store.h"
#include "service/watch/kube_client.h"

namespace allot::alloc {
class NodeFanout;
struct NodeVerdict;
}
namespace allot::cel {
class CompileCache;
}

namespace allot::svc {

enum class ScorePolicy { kPack, kSpread, kNone };

// "pack", "spread", "none"; kInvalidArgument otherwise.
StatusOr<ScorePolicy> ParseScorePolicy(std::string_view text);
// Kubernetes --feature-gates syntax over the 1.36 defaults: alloc::Features::FromGateList (one table of gate
// names for both spellings, core/alloc/features.h).
StatusOr<alloc::Features> ParseFeatureGates(std::string_view text);

struct ExtenderOptions {
  alloc::Features features;
  ScorePolicy score_policy = ScorePolicy::kPack;
  size_t fanout_threads = 2;
  std::chrono::milliseconds filter_timeout{4000};
  // Search steps per node and call (alloc::Options::max_steps; 0 = unlimited). A node whose search runs out
  // of steps fails the filter with that reason instead of holding the request until the deadline.
  uint64_t max_search_steps = 500000;
  std::chrono::seconds reservation_ttl{120};
  int max_write_attempts = 5;  // claim status writes retried on 409
};

class Extender {
 public:
  struct Reply {
    int status = 200;
    std::string body;
  };

  // `store`, `kube` and `metrics` must outlive the extender. Registers a store listener (construct before
  // the reflectors start).
  Extender(ClusterStore& store, KubeClient& kube, ServiceMetrics& metrics, ExtenderOptions options);
  ~Extender();

  // True once the device index of a synced cluster state has been built (part of /readyz: the first
  // requests would otherwise wait for it against their deadline).
  bool IndexWarm() const { return index_warm_.load(); }

  Reply Filter(std::string_view body);
  Reply Prioritize(std::string_view body);
  Reply Bind(std::string_view body);

  ReservationTable& reservations() { return reservations_; }

 private:
  struct State;  // one request's view: snapshot, index, reservations, allocated state
  struct ClaimWrite;

  // Loads the current snapshot and builds the allocated state (claims + in-flight reservations).
  StatusOr<State> LoadState();
  // Allocated claims of the snapshot's claim map, decoded once per map version.
  using ClaimList = std::vector<std::shared_ptr<const api::ResourceClaim>>;
  // The allocated claims of `snapshot`, decoded (cached per claim map; claims decoded again only when their
  // resourceVersion changed). Hold the returned pointer while using the list.
  std::shared_ptr<const ClaimList> AllocatedClaims(const ClusterSnapshot& snapshot);
  // The allocated state of `snapshot`'s allocated claims plus the in-flight `reservations`. The part of the
  // claims alone is cached per (allocated claim list, device index) and shared: most requests see the same
  // claims as the one before, and rebuilding it was a per-request O(allocated claims) cost on every verb.
  StatusOr<std::shared_ptr<const index::AllocatedState>> BuildAllocated(const ClusterIndex& index,
                                                                       const ClusterSnapshot& snapshot,
                                                                       const std::vector<Reservation>& reservations);
  struct AllocatedBase {
    std::shared_ptr<const ClaimList> claims;     // the list it was built from (held: its address is the key)
    std::shared_ptr<const index::Snapshot> devices;  // the device index it was built against (held, likewise)
    std::shared_ptr<const index::AllocatedState> state;
    std::unordered_set<std::string> claim_keys;  // "namespace/name" of every claim in `claims`
  };
  std::shared_ptr<const AllocatedBase> AllocatedClaimsState(const ClusterIndex& index, const ClusterSnapshot& snapshot);
  // Bind helpers (binder.cc).
  StatusOr<api::Pod> LookupPod(const std::string& ns, const std::string& name, const std::string& uid);
  Status WriteClaim(const api::Pod& pod, ClaimWrite& write);
  void UndoClaim(const api::Pod& pod, const ClaimWrite& write);
  void RememberPod(const api::Pod& pod);
  // Per-node allocation times and selector statistics of one filter call into the metrics.
  void ObserveNodeVerdicts(const std::vector<alloc::NodeVerdict>& verdicts);

  ClusterStore& store_;
  KubeClient& kube_;
  ServiceMetrics& metrics_;
  const ExtenderOptions options_;
  IndexCache index_cache_;
  ReservationTable reservations_;
  std::unique_ptr<alloc::NodeFanout> fanout_;
  std::unique_ptr<cel::CompileCache> cel_cache_;

  Mutex bind_mu_;  // serialises allocate-and-reserve in Bind (guards no field: the step is the critical section)

  Mutex claims_mu_;
  std::shared_ptr<const ObjectMap> claims_map_ ALLOT_GUARDED_BY(claims_mu_);
  std::shared_ptr<const ClaimList> allocated_claims_ ALLOT_GUARDED_BY(claims_mu_);
  // Every object of the last claim map, by address, with its decoding (nullptr: not allocated or undecodable).
  // The entry holds the object, so the address cannot be reused while it is a key.
  struct DecodedClaim {
    std::shared_ptr<const Json> object;
    std::shared_ptr<const api::ResourceClaim> claim;
  };
  std::unordered_map<const Json*, DecodedClaim> decoded_claims_ ALLOT_GUARDED_BY(claims_mu_);

  Mutex base_mu_;  // held while a new base is built, so that concurrent requests build it once
  std::shared_ptr<const AllocatedBase> allocated_base_ ALLOT_GUARDED_BY(base_mu_);

  // Expected placements (Prioritize): the node allot scored highest for a pod is where the scheduler most
  // likely binds it. Until that pod's bind arrives, or kExpectedPlacementTtl passes, the devices it needs
  // count as taken in other pods' scores. Without this, pods prioritized back to back (the scheduler's next
  // cycle runs before the previous pod's bind reaches allot) all pack onto a node's last free devices and
  // all but one lose the race in bind (bench-e2e: 8 % of binds). Scores only: filter is unaffected.
  struct ExpectedPlacement {
    std::string node;
    size_t devices = 0;
    std::chrono::steady_clock::time_point at;
  };
  void ExpectPlacement(const std::string& pod_uid, ExpectedPlacement placement);
  void ForgetPlacement(const std::string& pod_uid);
  // Devices expected on each node by pods other than `pod_uid`; drops expired entries.
  std::unordered_map<std::string, size_t> ExpectedDevices(const std::string& pod_uid);
  Mutex expected_mu_;
  std::unordered_map<std::string, ExpectedPlacement> expected_ ALLOT_GUARDED_BY(expected_mu_);  // by pod uid

  Mutex pods_mu_;
  std::unordered_map<std::string, api::Pod> pods_by_uid_ ALLOT_GUARDED_BY(pods_mu_);  // pods seen by filter

  // Index warmer: after every publication of a synced store, builds the device index (IndexCache::Get) on
  // its own thread, so that requests do not pay for decoding and indexing changed slices (seconds for
  // 100 k devices) against their allocation deadline. Requests still call Get, which returns the warmed
  // index or waits for the build in progress.
  void WarmIndexLoop();
  // Fills a new device index's memos before readiness (per-node pool lists, every device class's selector
  // results) with a verdict-only allocation of an `All` request of each class on every node. Without it the
  // first filters after a start pay for that against their deadline: at 5,000 8xH100 nodes about 4 ms per
  // node, and the first four filters ran out of their 4 s.
  void WarmMemos(const ClusterSnapshot& snapshot, const ClusterIndex& index);
  Mutex warm_mu_;
  CondVar warm_cv_;
  bool warm_pending_ ALLOT_GUARDED_BY(warm_mu_) = false;
  bool warm_stop_ ALLOT_GUARDED_BY(warm_mu_) = false;
  std::atomic<bool> index_warm_{false};
  std::thread warmer_;         // last member: started after everything it uses
};

}  // namespace allot::svc
