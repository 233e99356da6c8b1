// AllocatedState: the devices already in use, derived from allocated ResourceClaims exactly as
// the scheduler does it (dra-semantics.md §9):
//   * a result with adminAccess: true is ignored (not in use, no capacity, no counters);
//   * with ConsumableCapacity on, a result with a shareID is a shared allocation: the
//     (device, shareID) pair is recorded and its consumedCapacity is added to the device's
//     aggregated capacity;
//   * anything else marks the device exclusively allocated.
//
// Devices are identified by the Snapshot's uids; results naming devices that no slice of the
// snapshot has are irrelevant for allocation and dropped. An AllocatedState therefore belongs
// to the snapshot it was built against.
//
// Thread safety: immutable after construction (build with AllocatedStateBuilder); shareable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/status.h"
#include "core/index/snapshot.h"
#include "core/quantity/quantity.h"

namespace allot::api {
struct ResourceClaim;
}

namespace allot::index {

using CapacityMap = std::vector<std::pair<std::string, quantity::Quantity>>;  // small, by name

class AllocatedState {
 public:
  AllocatedState() = default;

  // Exclusively allocated (AllocatedDevices in the reference).
  bool IsAllocated(DeviceUid uid) const { return uid < exclusive_.size() && exclusive_[uid]; }
  // In AllocatedDevices, any shared ID, or AggregatedCapacity: consumes its counters.
  bool ConsumesCounters(DeviceUid uid) const {
    return IsAllocated(uid) || (uid < shared_.size() && shared_[uid]) || aggregated_.count(uid) > 0;
  }
  // Has at least one shared allocation (a result with a shareID), with or without consumed capacity.
  bool HasShares(DeviceUid uid) const { return uid < shared_.size() && shared_[uid]; }
  // Aggregated consumed capacity of earlier shares, nullptr if none.
  const CapacityMap* Aggregated(DeviceUid uid) const {
    auto it = aggregated_.find(uid);
    return it == aggregated_.end() ? nullptr : &it->second;
  }
  size_t exclusive_count() const { return exclusive_count_; }
  size_t shared_count() const { return shared_ids_.size(); }

 private:
  friend class AllocatedStateBuilder;
  std::vector<bool> exclusive_;
  std::vector<bool> shared_;
  size_t exclusive_count_ = 0;
  std::unordered_set<std::string> shared_ids_;  // uid + '/' + shareID
  std::unordered_map<DeviceUid, CapacityMap> aggregated_;
};

// Thread safety: not thread-safe; single owner.
class AllocatedStateBuilder {
 public:
  explicit AllocatedStateBuilder(const Snapshot& snapshot);
  // Starts from `base`, which must have been built against the same snapshot.
  AllocatedStateBuilder(const Snapshot& snapshot, AllocatedState base);

  void AddExclusive(std::string_view driver, std::string_view pool, std::string_view device);
  void AddShared(std::string_view driver, std::string_view pool, std::string_view device, std::string_view share_id,
                 const CapacityMap* consumed);

  // Adds every device result of an allocated claim (no-op if not allocated). Fails only on an
  // unparsable consumedCapacity quantity.
  Status AddClaim(const api::ResourceClaim& claim, bool consumable_capacity);

  AllocatedState Build() &&;

 private:
  const Snapshot& snapshot_;
  AllocatedState state_;
};

}  // namespace allot::index
