// ExpectedPlacements: where prioritize expects each pod to be bound, until its bind arrives.
//
// The node allot scored highest for a pod is where the scheduler most likely binds it. Until that pod's bind
// arrives (Forget), or kTtl passes, the devices it needs count as taken in other pods' scores. Without this,
// pods prioritized back to back (the scheduler's next cycle runs before the previous pod's bind reaches allot)
// all pack onto a node's last free devices and all but one lose the race in bind (bench-e2e: 8 % of binds).
// Scores only: filter is unaffected.
//
// Thread safety: thread-safe (mu_ guards the table). Bounded: the table is cleared past 10,000 entries.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

#include "base/thread_annotations.h"

namespace allot::svc {

class ExpectedPlacements {
 public:
  static constexpr std::chrono::seconds kTtl{2};

  void Expect(const std::string& pod_uid, std::string node, size_t devices);
  void Forget(const std::string& pod_uid);
  // Devices expected on each node by pods other than `pod_uid`; drops expired entries.
  std::unordered_map<std::string, size_t> DevicesByNode(const std::string& pod_uid);

 private:
  struct Placement {
    std::string node;
    size_t devices = 0;
    std::chrono::steady_clock::time_point at;
  };
  Mutex mu_;
  std::unordered_map<std::string, Placement> by_pod_ ALLOT_GUARDED_BY(mu_);  // by pod uid
};

}  // namespace allot::svc
