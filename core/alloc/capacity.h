// Consumable capacity (dra-semantics.md §8.8): how much of each capacity of a device one
// allocation consumes, whether that respects the capacity's request policy, and whether it
// still fits next to earlier shares (allocated state) and in-flight shares (this attempt).
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/index/allocated_state.h"
#include "core/model/device.h"

namespace allot::alloc {

using CapacityMap = index::CapacityMap;

// The consumption of every capacity of `device` for one allocation with `requests`, or nullopt
// if the device cannot serve it: a requested capacity the device lacks, a policy violation,
// or aggregated + in-flight + consumed > value for some capacity. `aggregated` and
// `in_flight` may be null.
std::optional<CapacityMap> ComputeConsumption(const model::Device& device, const CapacityMap& requests,
                                              const CapacityMap* aggregated, const CapacityMap* in_flight);

// Consumed amount for one capacity (exposed for tests).
quantity::Quantity ConsumedFor(const model::Capacity& capacity, const quantity::Quantity* requested);

}  // namespace allot::alloc
