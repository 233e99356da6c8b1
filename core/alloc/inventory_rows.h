// Internal: the parts of the inventory (inventory.h) that both the whole answer (ComputeInventory) and the
// gauges' totals (inventory_totals.h) compute, so that the two cannot disagree: a pool's KEP-5677 counts and
// one (class, node) row with its partitions.
//
// Thread safety: reentrant, as ComputeInventory.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/alloc/inventory.h"

namespace allot::alloc::internal {

using PoolKey = std::pair<std::string_view, std::string_view>;  // (driver, pool), pointing into the snapshot

// Whether `device` has a NoSchedule or NoExecute taint (from its slice or a DeviceTaintRule).
bool Unschedulable(const model::Device& device);

// The slices of each pool at its highest generation, in snapshot order.
std::map<PoolKey, std::vector<const index::SliceEntry*>> LatestSlices(const index::Snapshot& snapshot);

// The pools with a slice (at the latest generation) that declares partitionTypeAttribute.
std::set<PoolKey> DeclaringPools(const std::map<PoolKey, std::vector<const index::SliceEntry*>>& latest_slices);

// KEP-5677's counts of a complete pool from its latest slices (inventory.h has the definitions).
PoolCounts CountPoolDevices(const std::vector<const index::SliceEntry*>& latest, const index::AllocatedState& allocated);

// The row of class `cls` on `node`: devices selected (narrowed by filter.driver / filter.pool), free, and the
// partitions by type. A class that cannot be evaluated gives a row with `error` and zero counts.
ClassNodeInventory ClassNodeRow(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                                const model::Node& node, const std::string& cls, const InventoryFilter& filter,
                                const std::set<PoolKey>& declaring, const Features& features, const Options& options);

}  // namespace allot::alloc::internal
