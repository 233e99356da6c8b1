#include "core/alloc/inventory.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "base/status_macros.h"
#include "core/alloc/counter_ledger.h"
#include "core/alloc/inventory_rows.h"
#include "core/alloc/pool_views.h"
#include "core/index/pools.h"

namespace allot::alloc {
namespace {

bool Wanted(const std::string& want, const std::string& have) { return want.empty() || want == have; }

using internal::PoolKey;

// Counter sets and shared devices of a complete pool, and its KEP counts.
void FillPool(const std::vector<const index::SliceEntry*>& latest, const index::AllocatedState& allocated,
              const Features& features, PoolInventory& out) {
  out.counts = internal::CountPoolDevices(latest, allocated);
  index::NodePools one;  // the whole pool, for the allocator's counter ledger
  index::Pool& pool = one.pools.emplace_back();
  pool.driver = out.driver;
  pool.name = out.pool;
  pool.generation = out.generation;
  for (const index::SliceEntry* e : latest) {
    if (features.partitionable_devices) {
      for (const model::CounterSet& cs : e->slice->shared_counters) pool.counter_sets.push_back(&cs);
    }
    if (e->slice->shared_counters.empty() || !features.partitionable_devices) pool.slices.push_back(e);
    for (size_t i = 0; i < e->slice->devices.size(); ++i) {
      const model::Device& d = e->slice->devices[i];
      const index::DeviceUid uid = e->device_uids[i];
      if (d.allow_multiple_allocations && features.consumable_capacity) {
        SharedDeviceInventory& shared = out.shared_devices.emplace_back();
        shared.device = d.name;
        shared.in_use = allocated.ConsumesCounters(uid);
        const index::CapacityMap* aggregated = allocated.Aggregated(uid);
        for (const model::Capacity& c : d.capacity) {
          QuantityUsage& u = shared.capacity.emplace_back();
          u.name = c.name;
          u.total = c.value;
          if (aggregated != nullptr) {
            for (const auto& [name, q] : *aggregated) {
              if (name == c.name) u.consumed = q;
            }
          }
          u.available = u.consumed < u.total ? u.total.Sub(u.consumed) : quantity::Quantity();
        }
      }
    }
  }

  CounterLedger ledger(one, allocated);
  for (const model::CounterSet* cs : pool.counter_sets) {
    CounterSetInventory& set = out.counter_sets.emplace_back();
    set.name = cs->name;
    std::optional<CounterLedger::Availability> av = ledger.InitialAvailability(0, cs->name);
    for (size_t i = 0; i < cs->counters.size(); ++i) {
      QuantityUsage& u = set.counters.emplace_back();
      u.name = cs->counters[i].name;
      u.total = cs->counters[i].value;
      // A duplicate set name (an invalid pool) reads the first set's availability, as the allocator does.
      u.available = av && av->set == cs ? (*av->available)[i] : u.total;
      u.consumed = u.total.Sub(u.available);
    }
  }
}

}  // namespace

StatusOr<Inventory> ComputeInventory(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                                     const std::vector<const model::Node*>& nodes,
                                     const std::vector<std::string>& class_names, const InventoryFilter& filter,
                                     const Features& features, const Options& options) {
  Inventory inv;

  // Validity as the allocator sees it: GatherPools from every node (memoised in the snapshot).
  std::map<std::string, std::string> invalid;  // pool id -> reason
  for (const model::Node* node : nodes) {
    ALLOT_ASSIGN_OR_RETURN(std::shared_ptr<const index::NodePools> gathered,
                           index::GatherPoolsShared(snapshot, *node, features.partitionable_devices));
    for (const index::Pool& p : gathered->pools) {
      if (p.invalid) invalid.emplace(p.id(), p.invalid_reason);
    }
  }

  const std::map<PoolKey, std::vector<const index::SliceEntry*>> latest_slices = internal::LatestSlices(snapshot);
  const std::set<PoolKey> declaring = internal::DeclaringPools(latest_slices);
  for (const auto& [key, latest] : latest_slices) {
    PoolInventory pool;
    pool.driver = std::string(key.first);
    pool.pool = std::string(key.second);
    pool.generation = latest.front()->slice->generation;
    const std::string& first_node = latest.front()->slice->node_selection.node_name.value_or("");
    const bool local = !first_node.empty() && std::all_of(latest.begin(), latest.end(), [&](const index::SliceEntry* e) {
      return e->slice->node_selection.node_name.value_or("") == first_node;
    });
    if (local) pool.node = first_node;
    if (!Wanted(filter.driver, pool.driver) || !Wanted(filter.pool, pool.pool) ||
        (!filter.node.empty() && pool.node != filter.node)) {
      continue;
    }
    const int64_t declared = latest.front()->slice->resource_slice_count;
    const auto observed = static_cast<int64_t>(latest.size());
    if (observed < declared) {
      pool.validation_error = "PoolIncomplete: pool " + pool.driver + "/" + pool.pool + " is incomplete: observed " +
                              std::to_string(observed) + "/" + std::to_string(declared) + " slices at generation " +
                              std::to_string(pool.generation);
    } else {
      FillPool(latest, allocated, features, pool);
      PoolViews views = ComputePoolViews(latest, allocated, filter.default_partition_type_attribute, features);
      pool.partition_summary = std::move(views.partition_summary);
      pool.shareable_summary = std::move(views.shareable_summary);
      if (auto it = invalid.find(pool.driver + "/" + pool.pool); it != invalid.end()) {
        pool.validation_error = "PoolInvalid: " + it->second;
      } else if (!views.validation_error.empty()) {
        pool.validation_error = std::move(views.validation_error);
      }
    }
    inv.pools.push_back(std::move(pool));
  }

  std::vector<const model::Node*> sorted = nodes;
  std::sort(sorted.begin(), sorted.end(), [](const model::Node* a, const model::Node* b) { return a->name < b->name; });
  std::vector<std::string> classes = class_names;
  std::sort(classes.begin(), classes.end());
  for (const std::string& cls : classes) {
    if (!Wanted(filter.device_class, cls)) continue;
    for (const model::Node* node : sorted) {
      if (!Wanted(filter.node, node->name)) continue;
      ClassNodeInventory row =
          internal::ClassNodeRow(snapshot, allocated, *node, cls, filter, declaring, features, options);
      if (!row.error.empty()) {
        inv.classes.push_back(std::move(row));
        continue;
      }
      if (row.devices == 0 && (!filter.driver.empty() || !filter.pool.empty())) continue;
      inv.classes.push_back(std::move(row));
    }
  }
  return inv;
}

}  // namespace allot::alloc
