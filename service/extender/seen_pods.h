// SeenPods: the pods filter was asked about, by uid, so that bind (whose request names the pod but does
// not carry it) usually needs no GET. Bounded: cleared past 10,000 pods.
//
// Thread safety: thread-safe (mu_ guards the table).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "api/k8s/core_v1.h"
#include "base/thread_annotations.h"

namespace allot::svc {

class SeenPods {
 public:
  void Remember(const api::Pod& pod) {
    if (pod.metadata.uid.empty()) return;
    MutexLock lock(mu_);
    if (by_uid_.size() > 10000) by_uid_.clear();
    by_uid_[pod.metadata.uid] = pod;
  }
  // The pod with `uid` if it was seen under `name`.
  std::optional<api::Pod> Find(const std::string& uid, const std::string& name) {
    MutexLock lock(mu_);
    auto it = by_uid_.find(uid);
    if (it == by_uid_.end() || it->second.metadata.name != name) return std::nullopt;
    return it->second;
  }

 private:
  Mutex mu_;
  std::unordered_map<std::string, api::Pod> by_uid_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::svc
