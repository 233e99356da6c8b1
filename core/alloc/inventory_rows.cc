#include "core/alloc/inventory_rows.h"

#include <algorithm>
#include <optional>

#include "core/alloc/class_devices.h"
#include "core/alloc/counter_ledger.h"
#include "core/alloc/pool_views.h"

namespace allot::alloc::internal {
namespace {

bool Wanted(const std::string& want, const std::string& have) { return want.empty() || want == have; }

// Whether `c`'s counter consumption fits alone into what its pool has left: the answer of TryConsume followed
// by a release on a ledger with nothing in flight, without adding and subtracting quantities and without
// rescanning every counter of the pool per device (most of the class rows' cost at 1 M devices). Exact: a
// pool with a counter already below zero (no device fits there) and a device naming one counter twice take
// TryConsume itself. `overdrawn` caches, per pool index, whether any counter of the pool is below zero.
bool FitsAlone(CounterLedger& ledger, const index::NodePools& pools, const index::Candidate& c,
               std::map<uint32_t, bool>& overdrawn) {
  auto [it, added] = overdrawn.try_emplace(c.pool, false);
  if (added) {
    const quantity::Quantity zero;
    for (const model::CounterSet* cs : pools.pools[c.pool].counter_sets) {
      std::optional<CounterLedger::Availability> av = ledger.InitialAvailability(c.pool, cs->name);
      if (!av || av->set != cs) continue;  // a duplicate set name: an invalid pool, which offers no candidates
      for (const quantity::Quantity& q : *av->available) it->second = it->second || q.Compare(zero) < 0;
    }
  }
  auto slow = [&] { return ledger.TryConsume(c.pool, *c.device).has_value(); };  // released at once
  if (it->second) return slow();
  std::vector<std::pair<const model::CounterSet*, size_t>> seen;
  for (const model::CounterConsumption& cc : c.device->consumes_counters) {
    std::optional<CounterLedger::Availability> av = ledger.InitialAvailability(c.pool, cc.counter_set);
    if (!av) continue;  // a set the pool lacks: TryConsume charges nothing for it
    for (const model::Counter& counter : cc.counters) {
      for (size_t i = 0; i < av->set->counters.size(); ++i) {
        if (av->set->counters[i].name != counter.name) continue;
        if (std::find(seen.begin(), seen.end(), std::make_pair(av->set, i)) != seen.end()) return slow();
        seen.emplace_back(av->set, i);
        if ((*av->available)[i].Compare(counter.value) < 0) return false;
      }
    }
  }
  return true;
}

}  // namespace

bool Unschedulable(const model::Device& device) {
  return std::any_of(device.taints.begin(), device.taints.end(), [](const model::Taint& t) {
    return t.effect == "NoSchedule" || t.effect == "NoExecute";
  });
}

std::map<PoolKey, std::vector<const index::SliceEntry*>> LatestSlices(const index::Snapshot& snapshot) {
  std::map<PoolKey, std::vector<const index::SliceEntry*>> pools;
  for (const index::SliceEntry& e : snapshot.slices()) {
    auto& latest = pools[{e.slice->driver, e.slice->pool}];
    if (!latest.empty() && e.slice->generation < latest.front()->slice->generation) continue;
    if (!latest.empty() && e.slice->generation > latest.front()->slice->generation) latest.clear();
    latest.push_back(&e);
  }
  return pools;
}

std::set<PoolKey> DeclaringPools(const std::map<PoolKey, std::vector<const index::SliceEntry*>>& latest_slices) {
  std::set<PoolKey> declaring;
  for (const auto& [key, latest] : latest_slices) {
    for (const index::SliceEntry* e : latest) {
      if (!e->slice->partition_type_attribute.empty()) declaring.insert(key);
    }
  }
  return declaring;
}

PoolCounts CountPoolDevices(const std::vector<const index::SliceEntry*>& latest, const index::AllocatedState& allocated) {
  PoolCounts counts;
  counts.resource_slice_count = static_cast<int64_t>(latest.size());
  // Each device at most once (a pool with duplicate device names maps them to one uid): sort and count.
  std::vector<index::DeviceUid> in_use;
  std::vector<index::DeviceUid> tainted;
  for (const index::SliceEntry* e : latest) {
    for (size_t i = 0; i < e->slice->devices.size(); ++i) {
      const index::DeviceUid uid = e->device_uids[i];
      ++counts.total_devices;
      if (allocated.ConsumesCounters(uid)) in_use.push_back(uid);
      if (Unschedulable(e->slice->devices[i])) tainted.push_back(uid);
    }
  }
  auto distinct = [](std::vector<index::DeviceUid>& uids) {
    std::sort(uids.begin(), uids.end());
    return static_cast<int64_t>(std::unique(uids.begin(), uids.end()) - uids.begin());
  };
  counts.allocated_devices = distinct(in_use);
  counts.unavailable_devices = distinct(tainted);
  counts.available_devices =
      std::max<int64_t>(0, counts.total_devices - counts.allocated_devices - counts.unavailable_devices);
  return counts;
}

ClassNodeInventory ClassNodeRow(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                                const model::Node& node, const std::string& cls, const InventoryFilter& filter,
                                const std::set<PoolKey>& declaring, const Features& features, const Options& options) {
  ClassNodeInventory row{cls, node.name, 0, 0, "", {}};
  StatusOr<ClassDevices> got = SelectClassDevices(snapshot, node, cls, features, options);
  if (!got.ok()) {
    row.error = std::string(got.status().message());
    return row;
  }
  const ClassDevices& selected = *got;
  CounterLedger ledger(*selected.pools, allocated);
  std::map<uint32_t, bool> overdrawn;  // FitsAlone's per-pool cache
  struct Typed {
    const index::Candidate* candidate;
    bool usable;  // not allocated, untainted
    bool fits;    // usable and its counters fit alone (the row's `free`)
  };
  std::map<std::pair<std::string, std::string>, std::vector<Typed>> by_type;
  for (uint32_t i : selected.candidates) {
    const index::Candidate& c = selected.pools->candidates[i];
    if (!Wanted(filter.driver, c.slice->driver) || !Wanted(filter.pool, c.slice->pool)) continue;
    ++row.devices;
    const bool usable = !allocated.ConsumesCounters(c.uid) && !(features.device_taints && Unschedulable(*c.device));
    const bool fits = usable && FitsAlone(ledger, *selected.pools, c, overdrawn);
    if (fits) ++row.free;
    if (c.device->consumes_counters.empty() || !features.partitionable_devices) continue;
    const std::string& attribute = PartitionAttributeOf(
        *c.slice, declaring.count({c.slice->driver, c.slice->pool}) > 0, filter.default_partition_type_attribute);
    std::optional<std::string> type = attribute.empty() ? std::nullopt : PartitionTypeOf(c.slice->driver, *c.device, attribute);
    if (!type) continue;
    by_type[{attribute, *type}].push_back({&c, usable, fits});
  }
  for (const auto& [key, group] : by_type) {
    ClassPartition& part = row.partitions.emplace_back(ClassPartition{key.first, key.second, 0, 0, 0});
    CounterLedger successive(*selected.pools, allocated);  // each type alone, from what is in use now
    for (const Typed& t : group) {
      ++part.devices;
      if (!t.usable) continue;
      if (t.fits) ++part.free;
      if (std::optional<CounterCharge> charge = successive.TryConsume(t.candidate->pool, *t.candidate->device)) {
        charge->Commit();  // stays consumed: the next device of this type sees it
        ++part.allocatable;
      }
    }
  }
  return row;
}

}  // namespace allot::alloc::internal
