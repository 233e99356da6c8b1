// InventoryTotals: the inventory (inventory.h) reduced to what the Prometheus gauges export, computed from
// the same per-pool counts and (class, node) rows as ComputeInventory (inventory_rows.h), so that every total
// equals the sum of the matching numbers of the unfiltered whole answer over the same snapshot and allocated
// state:
//   * drivers: KEP-5677 counts of the complete pools, summed by driver (pools: per pool, only when asked);
//   * classes: per DeviceClass the `devices` (selected) and `free` of its rows, summed over `nodes`;
//   * partitions: per (DeviceClass, partition type) the rows' partition numbers, summed over nodes (and
//     over grouping attributes that give the same type name).
// Left out, because no gauge reads them: counter sets, shared devices, KEP partitionSummary /
// shareableSummary, validation errors (a PoolInvalid pool's counts are kept, as in the whole answer).
//
//   StatusOr<InventoryTotals> t = alloc::ComputeInventoryTotals(snapshot, allocated, nodes, classes, which,
//                                                               features, options);
//
// Errors: none today (a class that cannot be evaluated on a node adds nothing, as its row counts 0); a
// Status so that callers need not change when one appears.
//
// Thread safety: reentrant, as ComputeInventory.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/alloc/inventory.h"

namespace allot::alloc {

struct ClassTotals {
  int64_t selected = 0;
  int64_t free = 0;
};

struct PartitionTotals {
  int64_t selected = 0;
  int64_t free = 0;
  int64_t allocatable = 0;
};

struct InventoryTotals {
  std::map<std::string, PoolCounts> drivers;                          // resource_slice_count summed too
  std::map<std::pair<std::string, std::string>, PoolCounts> pools;    // (driver, pool); only with per_pool
  std::map<std::string, ClassTotals> classes;                         // by class
  std::map<std::pair<std::string, std::string>, PartitionTotals> partitions;  // by (class, type)
};

struct InventoryTotalsOptions {
  // KEP-5677's defaultPartitionTypeAttribute, as InventoryFilter's; empty for none.
  std::string default_partition_type_attribute;
  bool per_pool = false;  // fill `pools`
};

StatusOr<InventoryTotals> ComputeInventoryTotals(const index::Snapshot& snapshot,
                                                 const index::AllocatedState& allocated,
                                                 const std::vector<const model::Node*>& nodes,
                                                 const std::vector<std::string>& class_names,
                                                 const InventoryTotalsOptions& which, const Features& features,
                                                 const Options& options = {});

}  // namespace allot::alloc
