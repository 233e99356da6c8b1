#include "core/alloc/counter_ledger.h"

#include <utility>

namespace allot::alloc {

CounterCharge& CounterCharge::operator=(CounterCharge&& other) noexcept {
  if (this != &other) {
    Release();
    ledger_ = other.ledger_;
    pool_ = other.pool_;
    device_ = other.device_;
    other.ledger_ = nullptr;
  }
  return *this;
}

void CounterCharge::Release() {
  if (ledger_ != nullptr) {
    ledger_->Release(pool_, *device_);
    ledger_ = nullptr;
  }
}

CounterLedger::CounterLedger(const index::NodePools& pools, const index::AllocatedState& state)
    : pools_(pools), state_(state), states_(pools.pools.size()) {}

CounterLedger::PoolState& CounterLedger::Get(uint32_t pool) {
  PoolState& ps = states_[pool];
  if (ps.initialized) return ps;
  ps.initialized = true;
  const index::Pool& p = pools_.pools[pool];
  for (const model::CounterSet* cs : p.counter_sets) {
    SetState s;
    s.set = cs;
    for (const auto& c : cs->counters) {
      s.available.push_back(c.value);
      s.in_flight.push_back(quantity::Quantity::FromInt64(0));
    }
    ps.sets.push_back(std::move(s));
  }
  auto subtract_allocated = [&](const std::vector<const index::SliceEntry*>& slices) {
    for (const index::SliceEntry* e : slices) {
      for (size_t i = 0; i < e->slice->devices.size(); ++i) {
        if (state_.ConsumesCounters(e->device_uids[i])) Apply(ps, e->slice->devices[i], false, true);
      }
    }
  };
  subtract_allocated(p.slices);
  subtract_allocated(p.non_targeting_slices);
  return ps;
}

void CounterLedger::Apply(PoolState& ps, const model::Device& device, bool add, bool to_available) {
  for (const auto& cc : device.consumes_counters) {
    for (SetState& s : ps.sets) {
      if (s.set->name != cc.counter_set) continue;
      for (const auto& c : cc.counters) {
        for (size_t i = 0; i < s.set->counters.size(); ++i) {
          if (s.set->counters[i].name != c.name) continue;
          quantity::Quantity& q = to_available ? s.available[i] : s.in_flight[i];
          q = add ? q.Add(c.value) : q.Sub(c.value);
        }
      }
    }
  }
}

std::optional<CounterCharge> CounterLedger::TryConsume(uint32_t pool, const model::Device& device) {
  PoolState& ps = Get(pool);
  Apply(ps, device, true, false);
  for (const SetState& s : ps.sets) {
    for (size_t i = 0; i < s.available.size(); ++i) {
      if (s.available[i].Compare(s.in_flight[i]) < 0) {
        Apply(ps, device, false, false);
        return std::nullopt;
      }
    }
  }
  return CounterCharge(this, pool, &device);
}

std::optional<CounterLedger::Availability> CounterLedger::InitialAvailability(uint32_t pool,
                                                                           std::string_view counter_set) {
  for (const SetState& s : Get(pool).sets) {
    if (s.set->name == counter_set) return Availability{s.set, &s.available};
  }
  return std::nullopt;
}

void CounterLedger::Release(uint32_t pool, const model::Device& device) { Apply(states_[pool], device, false, false); }

}  // namespace allot::alloc
