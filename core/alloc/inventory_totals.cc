#include "core/alloc/inventory_totals.h"

#include <set>

#include "core/alloc/inventory_rows.h"

namespace allot::alloc {

StatusOr<InventoryTotals> ComputeInventoryTotals(const index::Snapshot& snapshot,
                                                 const index::AllocatedState& allocated,
                                                 const std::vector<const model::Node*>& nodes,
                                                 const std::vector<std::string>& class_names,
                                                 const InventoryTotalsOptions& which, const Features& features,
                                                 const Options& options) {
  InventoryTotals totals;
  const auto latest_slices = internal::LatestSlices(snapshot);
  for (const auto& [key, latest] : latest_slices) {
    if (static_cast<int64_t>(latest.size()) < latest.front()->slice->resource_slice_count) continue;  // incomplete
    const PoolCounts counts = internal::CountPoolDevices(latest, allocated);
    PoolCounts& sum = totals.drivers[std::string(key.first)];
    sum.resource_slice_count += counts.resource_slice_count;
    sum.total_devices += counts.total_devices;
    sum.allocated_devices += counts.allocated_devices;
    sum.available_devices += counts.available_devices;
    sum.unavailable_devices += counts.unavailable_devices;
    if (which.per_pool) totals.pools[{std::string(key.first), std::string(key.second)}] = counts;
  }

  const std::set<internal::PoolKey> declaring = internal::DeclaringPools(latest_slices);
  InventoryFilter all;
  all.default_partition_type_attribute = which.default_partition_type_attribute;
  for (const std::string& cls : class_names) {
    for (const model::Node* node : nodes) {
      ClassTotals& class_sum = totals.classes[cls];  // a class appears once it has a row, as in the answer
      const ClassNodeInventory row =
          internal::ClassNodeRow(snapshot, allocated, *node, cls, all, declaring, features, options);
      class_sum.selected += row.devices;
      class_sum.free += row.free;
      for (const ClassPartition& part : row.partitions) {
        PartitionTotals& p = totals.partitions[{cls, part.type}];
        p.selected += part.devices;
        p.free += part.free;
        p.allocatable += part.allocatable;
      }
    }
  }
  return totals;
}

}  // namespace allot::alloc
