// CounterLedger: shared-counter accounting for partitionable devices (dra-semantics.md §8.7)
// within one Allocate call.
//
// Available counters per pool are computed lazily on first use: the pool's counter sets minus
// the consumesCounters of every device of the pool (targeting and non-targeting slices) that
// the allocated state says is in use (exclusive, shared or with aggregated capacity), once per
// device. In-flight consumption is the sum over devices chosen in this attempt. A device fits
// when, after adding its consumption, no counter of the pool has available < in-flight.
//
// Pools are keyed by (driver, pool) through their index in NodePools, i.e. allot does not
// share the reference's pool-name-only cache (§13.2, fixed; see docs/semantics-decisions.md).
//
// Thread safety: not thread-safe; owned by one search.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/index/allocated_state.h"
#include "core/index/pools.h"
#include "core/model/device.h"

namespace allot::alloc {

class CounterLedger;

// RAII: releases the charged consumption on destruction unless Commit() or Leak() was called.
class CounterCharge {
 public:
  CounterCharge() = default;
  CounterCharge(CounterLedger* ledger, uint32_t pool, const model::Device* device)
      : ledger_(ledger), pool_(pool), device_(device) {}
  CounterCharge(CounterCharge&& other) noexcept { *this = std::move(other); }
  CounterCharge& operator=(CounterCharge&& other) noexcept;
  CounterCharge(const CounterCharge&) = delete;
  CounterCharge& operator=(const CounterCharge&) = delete;
  ~CounterCharge() { Release(); }

  bool active() const { return ledger_ != nullptr; }
  void Commit() { ledger_ = nullptr; }
  // Keeps the consumption in the tally for the rest of the call (reference_compat leaks).
  void Leak() { ledger_ = nullptr; }

 private:
  void Release();
  CounterLedger* ledger_ = nullptr;
  uint32_t pool_ = 0;
  const model::Device* device_ = nullptr;
};

class CounterLedger {
 public:
  CounterLedger(const index::NodePools& pools, const index::AllocatedState& state);

  // Adds the device's consumption to the pool's in-flight tally and checks it. On success the
  // returned charge owns the consumption; on failure nothing is left charged.
  std::optional<CounterCharge> TryConsume(uint32_t pool, const model::Device& device);

  // Subtracts a previously charged consumption.
  void Release(uint32_t pool, const model::Device& device);

  // What the allocated state leaves of `counter_set` in `pool` before any consumption of this call: one
  // value per counter of `*set`, in its order. nullopt when the pool has no counter set of that name.
  struct Availability {
    const model::CounterSet* set = nullptr;
    const std::vector<quantity::Quantity>* available = nullptr;
  };
  std::optional<Availability> InitialAvailability(uint32_t pool, std::string_view counter_set);

 private:
  struct SetState {
    const model::CounterSet* set = nullptr;
    std::vector<quantity::Quantity> available;
    std::vector<quantity::Quantity> in_flight;
  };
  struct PoolState {
    bool initialized = false;
    std::vector<SetState> sets;
  };
  PoolState& Get(uint32_t pool);
  void Apply(PoolState& ps, const model::Device& device, bool add, bool to_available);

  const index::NodePools& pools_;
  const index::AllocatedState& state_;
  std::vector<PoolState> states_;
};

}  // namespace allot::alloc
