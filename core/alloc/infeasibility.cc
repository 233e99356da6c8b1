// Search::ProvablyInfeasible / AllocatableBound: cheap proofs that a search cannot succeed, so that an
// unsatisfiable request does not make allot enumerate every combination as the reference does
// (docs/allocator.md, "Infeasibility check").
//
// Both bounds are relaxations of the search: every allocation the search could find is also counted by
// them, so "the bound is below what is needed" means "the search would end without a solution". The
// counter bound ignores everything that only makes allocation harder (constraints, taints, the order in
// which the ledger checks counters, the reference's counter leaks), which keeps it sound.
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/alloc/search.h"

namespace allot::alloc::internal {
namespace {

// The largest k such that some k of `consumption` sum to at most `available`: the k smallest values have the
// smallest sum of any k, so it is the longest prefix of the sorted values that fits (a prefix sum can first
// fall, for negative values, so every prefix is checked).
int64_t MostThatFit(std::vector<quantity::Quantity> consumption, const quantity::Quantity& available) {
  std::sort(consumption.begin(), consumption.end());
  int64_t best = 0;
  quantity::Quantity sum = quantity::Quantity::FromInt64(0);
  for (size_t k = 0; k < consumption.size(); ++k) {
    sum = sum.Add(consumption[k]);
    if (sum.Compare(available) <= 0) best = static_cast<int64_t>(k) + 1;
  }
  return best;
}

// What `device` consumes of `counter` in `counter_set` (summed over its entries; 0 when it names neither).
quantity::Quantity Consumption(const model::Device& device, const std::string& counter_set, const std::string& counter) {
  quantity::Quantity total = quantity::Quantity::FromInt64(0);
  for (const model::CounterConsumption& cc : device.consumes_counters) {
    if (cc.counter_set != counter_set) continue;
    for (const model::Counter& c : cc.counters) {
      if (c.name == counter) total = total.Add(c.value);
    }
  }
  return total;
}

}  // namespace

int64_t Search::AllocatableBound(const std::vector<char>& usable) {
  int64_t bound = 0;
  // Devices that consume counters, grouped by (pool, first counter set they consume from). A device that
  // also consumes from other sets is only checked against its first one here: fewer checks, a larger bound.
  std::map<std::pair<uint32_t, std::string>, std::vector<const model::Device*>> groups;
  for (uint32_t i = 0; i < usable.size(); ++i) {
    if (!usable[i]) continue;
    const index::Candidate& c = pools_->candidates[i];
    if (c.device->consumes_counters.empty()) {
      ++bound;
    } else if (features_.partitionable_devices) {  // AllocateDevice refuses them otherwise
      groups[{c.pool, c.device->consumes_counters.front().counter_set}].push_back(c.device);
    }
  }
  for (const auto& [key, devices] : groups) {
    int64_t fit = static_cast<int64_t>(devices.size());
    std::optional<CounterLedger::Availability> avail = ledger_->InitialAvailability(key.first, key.second);
    if (avail) {  // without the set the ledger checks nothing for these devices
      for (size_t k = 0; k < avail->set->counters.size() && fit > 0; ++k) {
        std::vector<quantity::Quantity> consumption;
        consumption.reserve(devices.size());
        for (const model::Device* d : devices) consumption.push_back(Consumption(*d, key.second, avail->set->counters[k].name));
        fit = std::min(fit, MostThatFit(std::move(consumption), (*avail->available)[k]));
      }
    }
    bound += fit;
  }
  return bound;
}

bool Search::ProvablyInfeasible() {
  const uint32_t n = static_cast<uint32_t>(pools_->candidates.size());
  std::vector<char> usable_by_any(n, 0);
  std::vector<char> usable_by_slot(n, 0);
  int64_t required = 0;
  for (ClaimData& cd : claim_data_) {
    for (RequestSlot& slot : cd.requests) {
      int64_t need = std::numeric_limits<int64_t>::max();
      std::fill(usable_by_slot.begin(), usable_by_slot.end(), 0);
      for (RequestData& rd : slot.data) {
        if (rd.admin_access || rd.all_mode || !rd.capacity_requests.empty()) return false;
        need = std::min(need, rd.num_devices);
        for (uint32_t i = 0; i < n; ++i) {
          const index::Candidate& c = pools_->candidates[i];
          if (allocated_.IsAllocated(c.uid)) continue;
          StatusOr<bool> selectable = IsSelectable(cd, rd, i);
          if (!selectable.ok()) return false;
          if (!*selectable) continue;
          if (c.device->allow_multiple_allocations) return false;
          usable_by_slot[i] = 1;
          usable_by_any[i] = 1;
        }
      }
      if (AllocatableBound(usable_by_slot) < need) return true;
      required += need;
    }
  }
  return AllocatableBound(usable_by_any) < required;
}

}  // namespace allot::alloc::internal
