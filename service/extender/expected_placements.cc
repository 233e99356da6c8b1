#include "service/extender/expected_placements.h"

#include <utility>

namespace allot::svc {

void ExpectedPlacements::Expect(const std::string& pod_uid, std::string node, size_t devices) {
  MutexLock lock(mu_);
  if (by_pod_.size() > 10000) by_pod_.clear();  // bounded; entries are short-lived anyway
  by_pod_[pod_uid] = Placement{std::move(node), devices, std::chrono::steady_clock::now()};
}

void ExpectedPlacements::Forget(const std::string& pod_uid) {
  MutexLock lock(mu_);
  by_pod_.erase(pod_uid);
}

std::unordered_map<std::string, size_t> ExpectedPlacements::DevicesByNode(const std::string& pod_uid) {
  std::unordered_map<std::string, size_t> held;
  const auto now = std::chrono::steady_clock::now();
  MutexLock lock(mu_);
  for (auto it = by_pod_.begin(); it != by_pod_.end();) {
    if (now - it->second.at > kTtl) {
      it = by_pod_.erase(it);
      continue;
    }
    if (it->first != pod_uid) held[it->second.node] += it->second.devices;
    ++it;
  }
  return held;
}

}  // namespace allot::svc
