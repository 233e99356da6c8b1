#include "core/index/pools.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <utility>

namespace allot::index {
namespace {

struct Gathered {
  int64_t generation = 0;
  std::vector<const SliceEntry*> slices;
};

// `*reads_labels` becomes true when a node selector (the only use of the node's labels) is looked
// at; it is conservative: a selection with a selector counts even if its nodeName decides.
StatusOr<bool> Relevant(const model::Slice& s, const model::Node& node, bool partitionable, bool* reads_labels) {
  if (!partitionable && (s.has_per_device_node_selection_field || !s.shared_counters.empty())) return false;
  // 1.37: a counter slice is relevant by its own node selection like any slice (1.36 made every counter
  // slice relevant to every node). A pool whose device slices target the node but whose counter slice
  // does not is incomplete among the relevant slices, so BuildPool collects the counter slice from the
  // whole pool.
  if (s.node_selection.any_set()) {
    if (s.node_selection.node_selector) *reads_labels = true;
    return model::Matches(s.node_selection, node);
  }
  if (s.per_device_node_selection) {
    for (const auto& d : s.devices) {
      if (d.node_selection.node_selector) *reads_labels = true;
      StatusOr<bool> m = model::Matches(d.node_selection, node);
      if (!m.ok()) return m;
      if (*m) return true;
    }
    return false;
  }
  return false;
}

void Validate(Pool& pool, bool partitionable) {
  std::set<std::string_view> names;
  for (const SliceEntry* e : pool.slices) {
    for (const auto& d : e->slice->devices) {
      if (!names.insert(d.name).second) {
        pool.invalid = true;
        pool.invalid_reason = "duplicate device name " + d.name;
        return;
      }
    }
  }
  if (!partitionable) return;
  std::set<std::string_view> sets;
  for (const model::CounterSet* cs : pool.counter_sets) {
    if (!sets.insert(cs->name).second) {
      pool.invalid = true;
      pool.invalid_reason = "duplicate counter set name " + cs->name;
      return;
    }
  }
  auto check = [&](const std::vector<const SliceEntry*>& slices) {
    for (const SliceEntry* e : slices) {
      for (const auto& d : e->slice->devices) {
        for (const auto& cc : d.consumes_counters) {
          const model::CounterSet* found = nullptr;
          for (const model::CounterSet* cs : pool.counter_sets) {
            if (cs->name == cc.counter_set) found = cs;
          }
          if (found == nullptr) {
            pool.invalid = true;
            pool.invalid_reason = "device " + d.name + " references unknown counter set " + cc.counter_set;
            return;
          }
          for (const auto& c : cc.counters) {
            bool ok = std::any_of(found->counters.begin(), found->counters.end(),
                                  [&](const model::Counter& x) { return x.name == c.name; });
            if (!ok) {
              pool.invalid = true;
              pool.invalid_reason = "device " + d.name + " references unknown counter " + c.name +
                                    " in counter set " + cc.counter_set;
              return;
            }
          }
        }
      }
    }
  };
  check(pool.slices);
  if (!pool.invalid) check(pool.non_targeting_slices);
}

// Completeness (dra-semantics.md §8.2.3) and building/validation (§8.2.4) of one pool from its relevant
// slices `g` (in candidate order). A function of the snapshot and `g` only: memoized per snapshot.
std::shared_ptr<const BuiltPool> BuildPool(const Snapshot& snapshot, std::string_view driver, std::string_view name,
                                           const Gathered& g, bool partitionable) {
  auto built = std::make_shared<BuiltPool>();
  Pool& pool = built->pool;
  pool.driver = std::string(driver);
  pool.name = std::string(name);
  pool.generation = g.generation;
  const int64_t want = g.slices.front()->slice->resource_slice_count;
  std::vector<const SliceEntry*> relevant = g.slices;
  std::vector<const SliceEntry*> non_targeting_counters;  // counter slices of the pool not targeting the node
  if (static_cast<int64_t>(relevant.size()) != want) {
    const auto* all = snapshot.pool_slices(driver, name);
    bool newer = false;
    std::vector<const SliceEntry*> same_gen;
    for (uint32_t idx : *all) {
      const SliceEntry& e = snapshot.slices()[idx];
      if (e.slice->generation > g.generation) newer = true;
      if (e.slice->generation == g.generation) same_gen.push_back(&e);
    }
    if (newer) {  // the driver is mid-update: treat the pool as absent
      built->absent = true;
      return built;
    }
    if (static_cast<int64_t>(same_gen.size()) == want) {
      for (const SliceEntry* e : same_gen) {
        if (std::find(relevant.begin(), relevant.end(), e) != relevant.end()) continue;
        if (partitionable && !e->slice->shared_counters.empty()) {
          non_targeting_counters.push_back(e);
        } else {
          pool.non_targeting_slices.push_back(e);
        }
      }
    } else {
      pool.incomplete = true;  // as in the reference, an incomplete pool carries no slices
      return built;
    }
  }
  std::stable_sort(relevant.begin(), relevant.end(),
                   [](const SliceEntry* a, const SliceEntry* b) { return a->slice->name < b->slice->name; });
  for (const SliceEntry* e : relevant) {
    if (partitionable && !e->slice->shared_counters.empty()) {
      for (const auto& cs : e->slice->shared_counters) pool.counter_sets.push_back(&cs);
    } else {
      pool.slices.push_back(e);
    }
  }
  // After the targeting counter slices, as the reference appends them.
  for (const SliceEntry* e : non_targeting_counters) {
    for (const auto& cs : e->slice->shared_counters) pool.counter_sets.push_back(&cs);
  }
  Validate(pool, partitionable);
  for (const SliceEntry* e : pool.slices) {
    for (const auto& d : e->slice->devices) {
      if (d.has_binding_conditions) pool.has_binding_conditions = true;
    }
  }
  return built;
}

StatusOr<NodePools> GatherPoolsImpl(const Snapshot& snapshot, const model::Node& node, bool partitionable_devices,
                                    bool* reads_labels) {
  std::map<std::pair<std::string_view, std::string_view>, Gathered> gathered;
  auto consider = [&](uint32_t idx) -> Status {
    const SliceEntry& e = snapshot.slices()[idx];
    const model::Slice& s = *e.slice;
    StatusOr<bool> relevant = Relevant(s, node, partitionable_devices, reads_labels);
    if (!relevant.ok()) return relevant.status();
    if (!*relevant) return OkStatus();
    Gathered& g = gathered[{s.driver, s.pool}];
    if (g.slices.empty() || s.generation > g.generation) {
      g.generation = s.generation;
      g.slices.clear();
      g.slices.push_back(&e);
    } else if (s.generation == g.generation) {
      g.slices.push_back(&e);
    }
    return OkStatus();
  };
  if (const auto* local = snapshot.node_local_slices(node.name)) {
    for (uint32_t idx : *local) {
      Status st = consider(idx);
      if (!st.ok()) return st;
    }
  }
  for (uint32_t idx : snapshot.shared_slices()) {
    Status st = consider(idx);
    if (!st.ok()) return st;
  }

  NodePools out;
  std::vector<Pool> with_binding;
  std::string memo_key;
  for (auto& [key, g] : gathered) {
    memo_key.assign(key.first).push_back('\0');
    memo_key.append(key.second).push_back('\0');
    memo_key.push_back(partitionable_devices ? 'P' : '-');
    for (const SliceEntry* e : g.slices) {
      auto idx = static_cast<uint32_t>(e - snapshot.slices().data());
      memo_key.append(reinterpret_cast<const char*>(&idx), sizeof(idx));
    }
    std::shared_ptr<const BuiltPool> built = snapshot.FindBuiltPool(memo_key);
    if (built == nullptr) {
      built = snapshot.AddBuiltPool(memo_key, BuildPool(snapshot, key.first, key.second, g, partitionable_devices));
    }
    if (built->absent) continue;
    const Pool& pool = built->pool;
    if (pool.slices.empty() && !pool.incomplete && !pool.invalid) continue;  // nothing for this node
    if (pool.has_binding_conditions) {
      with_binding.push_back(pool);
    } else {
      out.pools.push_back(pool);
    }
  }
  for (auto& p : with_binding) out.pools.push_back(std::move(p));

  for (uint32_t pi = 0; pi < out.pools.size(); ++pi) {
    const Pool& pool = out.pools[pi];
    out.any_invalid = out.any_invalid || pool.invalid;
    out.any_incomplete = out.any_incomplete || pool.incomplete;
    if (pool.invalid || pool.incomplete) continue;
    for (const SliceEntry* e : pool.slices) {
      for (size_t di = 0; di < e->slice->devices.size(); ++di) {
        out.candidates.push_back(Candidate{&e->slice->devices[di], e->slice.get(), pi, e->device_uids[di]});
      }
    }
  }
  return out;
}

}  // namespace

StatusOr<NodePools> GatherPools(const Snapshot& snapshot, const model::Node& node, bool partitionable_devices) {
  bool reads_labels = false;
  return GatherPoolsImpl(snapshot, node, partitionable_devices, &reads_labels);
}

StatusOr<std::shared_ptr<const NodePools>> GatherPoolsShared(const Snapshot& snapshot, const model::Node& node,
                                                             bool partitionable_devices) {
  std::string key = node.name;
  key.push_back('\0');
  key.push_back(partitionable_devices ? 'P' : '-');
  if (auto hit = snapshot.FindNodePools(key);
      hit != nullptr && (!hit->reads_labels || hit->labels == node.labels)) {
    return hit->pools;
  }
  bool reads_labels = false;
  StatusOr<NodePools> gathered = GatherPoolsImpl(snapshot, node, partitionable_devices, &reads_labels);
  if (!gathered.ok()) return gathered.status();
  auto entry = std::make_shared<NodePoolsEntry>();
  entry->reads_labels = reads_labels;
  if (reads_labels) entry->labels = node.labels;
  entry->pools = std::make_shared<const NodePools>(std::move(gathered).value());
  snapshot.SetNodePools(key, entry);
  return entry->pools;
}

}  // namespace allot::index
