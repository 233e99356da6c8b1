// Inventory: where DRA capacity is, as a pure function of the device index and the allocated state (the
// core of GET /api/v1/inventory, docs/tooling.md).
//
//   StatusOr<Inventory> inv = alloc::ComputeInventory(snapshot, allocated, nodes, classes, filter, features,
//                                                     options);
//
// Per resource pool (driver, pool), with KEP-5677's definitions (ResourcePoolStatusRequest, Kubernetes 1.37;
// the KEP text and its source are quoted in docs/tooling.md):
//   * generation: the highest pool generation of the pool's slices; only slices of that generation count.
//   * resourceSliceCount: slices observed at that generation. The pool is incomplete when that is less than
//     the resourceSliceCount declared by the first of them; it then gets validationError
//     "PoolIncomplete: ..." and no counts.
//   * node: the node of a node-local pool (every slice names the same node); none otherwise.
//   * totalDevices: device entries of the pool's slices.
//   * allocatedDevices: devices held by at least one allocation result without adminAccess (exclusive, a
//     share of a multi-allocatable device, or consumed capacity), each device counted at most once.
//   * unavailableDevices: devices with at least one NoSchedule or NoExecute taint, allocated or not (as the
//     1.37 controller does: a device both allocated and tainted is subtracted twice below).
//   * availableDevices: max(0, total - allocated - unavailable).
// And what the KEP lacks:
//   * counterSets: per shared counter set each counter's total, consumed (by the in-use devices of the pool,
//     each once, as the allocator's CounterLedger computes it) and available;
//   * sharedDevices: per multi-allocatable device each capacity's total, consumed (aggregated by the
//     allocated state) and available (clamped at zero);
//   * validationError "PoolInvalid: <reason>" (an allot extension; counts kept) for a pool GatherPools
//     rejects (duplicate device names, duplicate counter sets, unknown counter references), as seen from
//     any of `nodes` the pool is relevant for;
//   * per DeviceClass and node: the devices the class selects there (SelectClassDevices: the allocator's
//     own selector evaluation and memo) and how many of them are free: not allocated, without a
//     NoSchedule/NoExecute taint, and whose counter consumption still fits the pool's counters now;
//   * per DeviceClass, node and partition type (the grouping attribute of pool_views.h): how many more
//     devices of that type the class could still be given there, one after another, by the allocator's own
//     candidate order and CounterLedger (first fit, as successive one-device claims would get them). Unlike
//     the KEP's partitionSummary this works when placements of one type consume different counters
//     (dynamic MIG), and counts only devices the class selects on that node.
// Also KEP-5677's partitionSummary and shareableSummary per complete pool (pool_views.h), with their
// validation errors when the pool has no other.
//
// Both views are computed only for complete pools, as in the KEP. Devices named by allocations but absent
// from the index are not counted (the KEP counts them if they match a device name of the pool).
// DeviceTaintRules count like slice taints: the service applies them to the index's devices (service/state).
//
// Errors: a node selector GatherPools cannot evaluate. A class that cannot be evaluated on a node (unknown
// class, CEL runtime error) is reported in that row's `error`, not as a failure of the whole inventory.
//
// Thread safety: reentrant; reads the snapshot (and fills its memos, which are thread-safe) and the
// allocated state. The result owns its data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/alloc/allocator.h"
#include "core/alloc/pool_views.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"
#include "core/quantity/quantity.h"

namespace allot::alloc {

struct QuantityUsage {
  std::string name;
  quantity::Quantity total;
  quantity::Quantity consumed;
  quantity::Quantity available;  // total - consumed; never negative for capacities
};

struct CounterSetInventory {
  std::string name;
  std::vector<QuantityUsage> counters;  // in the slice's order
};

struct SharedDeviceInventory {
  std::string device;
  bool in_use = false;                  // at least one non-admin allocation holds a share
  std::vector<QuantityUsage> capacity;  // in the slice's order
};

struct PoolCounts {
  int64_t resource_slice_count = 0;
  int64_t total_devices = 0;
  int64_t allocated_devices = 0;
  int64_t available_devices = 0;
  int64_t unavailable_devices = 0;
};

struct PoolInventory {
  std::string driver;
  std::string pool;
  std::optional<std::string> node;           // node-local pools only
  int64_t generation = 0;
  std::optional<PoolCounts> counts;          // unset for an incomplete pool
  std::optional<std::string> validation_error;
  std::vector<CounterSetInventory> counter_sets;
  std::vector<SharedDeviceInventory> shared_devices;
  std::vector<PartitionTypeStatus> partition_summary;  // KEP-5677, pool_views.h
  std::optional<ShareableSummary> shareable_summary;   // KEP-5677, pool_views.h
};

// One partition type among the devices a class selects on a node.
struct ClassPartition {
  std::string attribute;    // grouping attribute (fully qualified)
  std::string type;         // its value, e.g. "1g.10gb"
  int64_t devices = 0;      // devices of this type the class selects on the node
  int64_t free = 0;         // of those: not allocated, untainted, counters fit (each alone)
  int64_t allocatable = 0;  // how many of them could be allocated one after another now
};

struct ClassNodeInventory {
  std::string device_class;
  std::string node;
  int64_t devices = 0;  // devices the class selects on the node
  int64_t free = 0;     // of those: not allocated, untainted, counters fit
  std::string error;    // why the class could not be evaluated on the node (CEL runtime error, ...); counts 0
  std::vector<ClassPartition> partitions;  // by (attribute, type); counter-consuming devices with a type only
};

struct Inventory {
  std::vector<PoolInventory> pools;          // by (driver, pool)
  std::vector<ClassNodeInventory> classes;   // by (class, node)
};

// Empty fields match everything. A pool matches driver and pool, and node when it is local to that node. A
// class row matches class and node; with driver or pool set it counts only the selected devices of that
// driver / pool and is left out when there are none.
struct InventoryFilter {
  std::string driver;
  std::string pool;
  std::string node;
  std::string device_class;
  // Not a filter: the grouping attribute for partition types when no slice of a pool declares one
  // (KEP-5677's defaultPartitionTypeAttribute); empty for none.
  std::string default_partition_type_attribute;
};

StatusOr<Inventory> ComputeInventory(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                                     const std::vector<const model::Node*>& nodes,
                                     const std::vector<std::string>& class_names, const InventoryFilter& filter,
                                     const Features& features, const Options& options = {});

}  // namespace allot::alloc
