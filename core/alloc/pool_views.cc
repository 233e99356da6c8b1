#include "core/alloc/pool_views.h"

#include <algorithm>
#include <map>
#include <utility>

namespace allot::alloc {
namespace {

constexpr size_t kMaxStatusListItems = 32;  // +k8s:maxItems on the status lists

using CounterTally = std::map<std::string, std::map<std::string, quantity::Quantity>>;  // set -> counter -> left

struct Record {
  const model::Device* device;
  index::DeviceUid uid;
  std::string attribute;  // resolved grouping attribute; empty for none
  std::optional<std::string> type;
};

bool Fits(const std::vector<model::CounterConsumption>& cost, const CounterTally& left) {
  for (const model::CounterConsumption& cc : cost) {
    auto set = left.find(cc.counter_set);
    for (const model::Counter& c : cc.counters) {
      if (set == left.end()) return false;
      auto have = set->second.find(c.name);
      if (have == set->second.end() || have->second < c.value) return false;
    }
  }
  return true;
}

void Deduct(const std::vector<model::CounterConsumption>& cost, CounterTally& left) {
  for (const model::CounterConsumption& cc : cost) {
    auto set = left.find(cc.counter_set);
    if (set == left.end()) continue;
    for (const model::Counter& c : cc.counters) {
      auto have = set->second.find(c.name);
      if (have != set->second.end()) have->second = have->second.Sub(c.value);
    }
  }
}

// A device's counter cost as one comparable string (set/counter=value, sorted).
std::string CostKey(const std::vector<model::CounterConsumption>& cost) {
  std::vector<std::string> parts;
  for (const model::CounterConsumption& cc : cost) {
    for (const model::Counter& c : cc.counters) parts.push_back(cc.counter_set + "/" + c.name + "=" + c.value.ToString());
  }
  std::sort(parts.begin(), parts.end());
  std::string key;
  for (const std::string& p : parts) key += p + ",";
  return key;
}

std::string PoolName(const model::Slice& s) { return s.driver + "/" + s.pool; }

// Partition summary, or a validation error.
std::vector<PartitionTypeStatus> PartitionSummary(const std::vector<Record>& records, const CounterTally& baseline,
                                                  const index::AllocatedState& allocated, const model::Slice& first,
                                                  std::string& error) {
  struct Group {
    int64_t total = 0;
    std::string cost;
    std::vector<const model::Device*> fresh;
  };
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (const Record& r : records) {
    if (r.device->consumes_counters.empty() || r.attribute.empty()) continue;
    if (!r.type) {
      error = "PartitionTypeMissing: device \"" + r.device->name + "\" in pool " + PoolName(first) +
              " does not carry partition type attribute \"" + r.attribute + "\"";
      return {};
    }
    Group& g = groups[{r.attribute, *r.type}];
    std::string cost = CostKey(r.device->consumes_counters);
    if (g.total == 0) {
      g.cost = std::move(cost);
    } else if (cost != g.cost) {
      error = "PartitionCostMismatch: devices of partition type \"" + *r.type + "\" in pool " + PoolName(first) +
              " consume different counters";
      return {};
    }
    ++g.total;
    if (!allocated.ConsumesCounters(r.uid)) g.fresh.push_back(r.device);
  }
  std::vector<PartitionTypeStatus> out;
  for (const auto& [key, g] : groups) {  // std::map: sorted by (attribute, type)
    CounterTally left = baseline;
    int64_t allocatable = 0;
    for (const model::Device* d : g.fresh) {
      if (Fits(d->consumes_counters, left)) {
        ++allocatable;
        Deduct(d->consumes_counters, left);
      }
    }
    out.push_back({key.first, key.second, g.total, allocatable});
  }
  if (out.size() > kMaxStatusListItems) {
    error = "PartitionSummaryOverCap: pool " + PoolName(first) + " has " + std::to_string(out.size()) +
            " partition types, exceeding the maximum of " + std::to_string(kMaxStatusListItems);
    return {};
  }
  return out;
}

std::optional<ShareableSummary> Shareable(const std::vector<Record>& records, const index::AllocatedState& allocated,
                                          const model::Slice& first, std::string& error) {
  ShareableSummary out;
  bool any = false;
  std::map<std::string, quantity::Quantity> total;
  std::map<std::string, quantity::Quantity> consumed;
  for (const Record& r : records) {
    if (!r.device->allow_multiple_allocations) continue;
    any = true;
    ++(allocated.ConsumesCounters(r.uid) ? out.partially_available_devices : out.fully_available_devices);
    for (const model::Capacity& c : r.device->capacity) total[c.name] = total[c.name].Add(c.value);
    if (const index::CapacityMap* aggregated = allocated.Aggregated(r.uid)) {
      for (const auto& [name, q] : *aggregated) consumed[name] = consumed[name].Add(q);
    }
  }
  if (!any) return std::nullopt;
  for (const auto& [name, t] : total) {
    ShareableCapacityStatus& s = out.capacity.emplace_back();
    s.name = name;
    s.total = t;
    if (auto it = consumed.find(name); it != consumed.end()) s.consumed = it->second;
    s.available = s.consumed < t ? t.Sub(s.consumed) : quantity::Quantity();
  }
  if (out.capacity.size() > kMaxStatusListItems) {
    error = "ShareableSummaryOverCap: pool " + PoolName(first) + " has " + std::to_string(out.capacity.size()) +
            " shareable capacity keys, exceeding the maximum of " + std::to_string(kMaxStatusListItems);
    return std::nullopt;
  }
  return out;
}

}  // namespace

bool IsQualifiedAttributeName(std::string_view name) {
  const size_t slash = name.find('/');
  return slash != std::string_view::npos && slash != 0 && slash + 1 != name.size() &&
         name.find('/', slash + 1) == std::string_view::npos;
}

const std::string& PartitionAttributeOf(const model::Slice& slice, bool pool_declares,
                                        const std::string& default_attribute) {
  static const std::string kNone;
  if (!slice.partition_type_attribute.empty()) return slice.partition_type_attribute;
  return pool_declares ? kNone : default_attribute;
}

std::optional<std::string> PartitionTypeOf(const std::string& driver, const model::Device& device,
                                           const std::string& attribute) {
  const model::Attribute* found = nullptr;
  const std::string prefix = driver + "/";
  const bool in_domain = attribute.size() > prefix.size() && attribute.compare(0, prefix.size(), prefix) == 0;
  for (const model::Attribute& a : device.attributes) {
    if (a.key == attribute) {
      found = &a;  // the explicit form wins
      break;
    }
    if (in_domain && found == nullptr && a.key == std::string_view(attribute).substr(prefix.size())) found = &a;
  }
  if (found == nullptr || !found->value) return std::nullopt;
  if (const std::string* s = std::get_if<std::string>(&*found->value)) return *s;
  return std::nullopt;
}

PoolViews ComputePoolViews(const std::vector<const index::SliceEntry*>& latest,
                           const index::AllocatedState& allocated, const std::string& default_attribute,
                           const Features& features) {
  PoolViews views;
  if (latest.empty()) return views;
  const model::Slice& first = *latest.front()->slice;
  const bool declares = std::any_of(latest.begin(), latest.end(), [](const index::SliceEntry* e) {
    return !e->slice->partition_type_attribute.empty();
  });
  std::vector<Record> records;
  CounterTally baseline;
  bool has_counters = false;
  for (const index::SliceEntry* e : latest) {
    for (const model::CounterSet& cs : e->slice->shared_counters) {
      has_counters = true;
      auto& set = baseline[cs.name];
      for (const model::Counter& c : cs.counters) set[c.name] = c.value;
    }
    const std::string& attribute = PartitionAttributeOf(*e->slice, declares, default_attribute);
    for (size_t i = 0; i < e->slice->devices.size(); ++i) {
      const model::Device& d = e->slice->devices[i];
      Record& r = records.emplace_back(Record{&d, e->device_uids[i], attribute, std::nullopt});
      if (!attribute.empty()) r.type = PartitionTypeOf(first.driver, d, attribute);
    }
  }
  for (const Record& r : records) {  // headroom after the in-use devices, each once
    if (allocated.ConsumesCounters(r.uid)) Deduct(r.device->consumes_counters, baseline);
  }
  const bool grouped = std::any_of(records.begin(), records.end(), [](const Record& r) { return !r.attribute.empty(); });
  if (grouped && !has_counters) {
    views.validation_error = "PartitionTypeMissing: pool " + PoolName(first) +
                             " declares partitionTypeAttribute but publishes no sharedCounters";
  } else if (grouped && features.partitionable_devices) {
    views.partition_summary = PartitionSummary(records, baseline, allocated, first, views.validation_error);
  }
  std::string shareable_error;
  if (features.consumable_capacity) views.shareable_summary = Shareable(records, allocated, first, shareable_error);
  if (views.validation_error.empty()) views.validation_error = shareable_error;
  if (!views.validation_error.empty()) views.partition_summary.clear();
  return views;
}

}  // namespace allot::alloc
