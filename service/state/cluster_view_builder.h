// ClusterViewBuilder: turns store snapshots into ClusterViews, converting only what changed since the
// previous Build:
//   - the device index (index::Snapshot) is rebuilt only when the slices, classes or DeviceTaintRules map
//     changed; slices come converted from the store (StoreSnapshot::slices, once per resourceVersion), classes
//     and rules are decoded here, and each rule's taint is added to the devices it selects
//     (device_taint_rules.h), so a rule change reaches filter with the next view (one watch event);
//   - the node map only when the nodes map changed;
//   - a claim is decoded once per stored object (the store shares unchanged objects between maps, so a bind
//     decodes one claim, not all of them);
//   - the allocated state only when the list of allocated claims or the device index changed (a new or
//     updated unallocated claim keeps it).
// Objects that fail to decode or convert are left out, listed in the view's `problems` or the claim's
// `status`, and logged once: one bad object cannot take the extender down.
//
// Thread safety: not thread-safe (ClusterViewPublisher calls it under its mutex). The views it returns are
// immutable.
#pragma once

#include <memory>
#include <unordered_map>

#include "service/state/cluster_view.h"

namespace allot::svc {

class ClusterViewBuilder {
 public:
  // `consumable_capacity`: the DRAConsumableCapacity gate, which decides how shared allocations count.
  explicit ClusterViewBuilder(bool consumable_capacity) : consumable_capacity_(consumable_capacity) {}

  std::shared_ptr<const ClusterView> Build(std::shared_ptr<const StoreSnapshot> store);

 private:
  std::shared_ptr<const ClaimTable> BuildClaims(const ObjectMap& claims);
  std::shared_ptr<const AllocatedClaims> BuildAllocated(const ClaimTable& claims,
                                                        const std::shared_ptr<const index::Snapshot>& devices);

  const bool consumable_capacity_;
  std::shared_ptr<const ClusterView> last_;
  // The decoding of every object of the last claim map, by address. An entry holds its object, so the address
  // cannot be reused while it is a key.
  std::unordered_map<const Json*, std::shared_ptr<const DecodedClaim>> decoded_;
};

}  // namespace allot::svc
