// ClusterIndex: the allocator's view (index::Snapshot of slices and classes, model::Nodes by name) of
// one ClusterSnapshot, plus the cache that builds it.
//
// IndexCache::Get converts only what changed: the device snapshot is rebuilt only when the slices or
// classes map of the ClusterSnapshot changed (claims change on every bind and do not force a rebuild);
// slices come converted from the store (ClusterSnapshot::slices, once per resourceVersion). Objects that fail to decode or convert are
// skipped and listed in `problems` (logged once), so one bad slice cannot take the extender down.
//
// Thread safety: ClusterIndex is immutable. IndexCache is thread-safe (a mutex around the cache; the
// first request after a change pays the rebuild, concurrent ones wait for it).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/thread_annotations.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"
#include "service/store/cluster_store.h"

namespace allot::svc {

using NodeMap = std::unordered_map<std::string, model::Node>;

struct ClusterIndex {
  std::shared_ptr<const ClusterSnapshot> cluster;
  std::shared_ptr<const index::Snapshot> devices;
  std::shared_ptr<const NodeMap> nodes;
  std::shared_ptr<const std::vector<std::string>> problems;
};

class IndexCache {
 public:
  std::shared_ptr<const ClusterIndex> Get(const std::shared_ptr<const ClusterSnapshot>& cluster);

 private:
  Mutex mu_;
  std::shared_ptr<const ClusterIndex> last_ ALLOT_GUARDED_BY(mu_);
  std::shared_ptr<const SliceMap> last_slices_ ALLOT_GUARDED_BY(mu_);
  std::shared_ptr<const ObjectMap> last_classes_ ALLOT_GUARDED_BY(mu_);
  std::shared_ptr<const ObjectMap> last_nodes_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::svc
