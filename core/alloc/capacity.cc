#include "core/alloc/capacity.h"

namespace allot::alloc {
namespace {

using quantity::Quantity;

const Quantity* Find(const CapacityMap* m, const std::string& name) {
  if (m == nullptr) return nullptr;
  for (const auto& [n, q] : *m) {
    if (n == name) return &q;
  }
  return nullptr;
}

bool ViolatesPolicy(const model::Capacity& cap, const Quantity& consumed) {
  if (!cap.request_policy) return false;
  const model::CapacityRequestPolicy& p = *cap.request_policy;
  if (p.default_value && consumed.Compare(*p.default_value) == 0) return false;
  if (p.valid_range) {
    const model::CapacityRange& r = *p.valid_range;
    if (r.max && consumed.Compare(*r.max) > 0) return true;
    if (r.step) {
      const int64_t step = r.step->Value();
      if (step != 0 && (consumed.Value() - r.min.Value()) % step != 0) return true;
    }
    return false;
  }
  if (!p.valid_values.empty()) {
    for (const auto& v : p.valid_values) {
      if (consumed.Compare(v) == 0) return false;
    }
    return true;
  }
  return false;
}

}  // namespace

Quantity ConsumedFor(const model::Capacity& cap, const Quantity* requested) {
  if (requested == nullptr) {
    if (cap.request_policy && cap.request_policy->default_value) return *cap.request_policy->default_value;
    return cap.value;
  }
  if (!cap.request_policy) return *requested;
  const model::CapacityRequestPolicy& p = *cap.request_policy;
  if (p.valid_range) {
    const model::CapacityRange& r = *p.valid_range;
    if (requested->Compare(r.min) < 0) return r.min;
    if (!r.step) return *requested;
    const int64_t step = r.step->Value();
    if (step <= 0) return *requested;
    const int64_t min = r.min.Value();
    const int64_t diff = requested->Value() - min;
    const int64_t n = diff / step + (diff % step != 0 ? 1 : 0);
    // In the step's format, as 1.37 (1.36 always used BinarySI: "2G" came out as "1953125Ki").
    return Quantity::FromInt64(min + n * step, r.step->format());
  }
  if (!p.valid_values.empty()) {
    for (const auto& v : p.valid_values) {
      if (v.Compare(*requested) >= 0) return v;
    }
    return *requested;
  }
  return *requested;
}

std::optional<CapacityMap> ComputeConsumption(const model::Device& device, const CapacityMap& requests,
                                              const CapacityMap* aggregated, const CapacityMap* in_flight) {
  for (const auto& [name, q] : requests) {
    if (device.FindCapacity(name) == nullptr) return std::nullopt;
  }
  CapacityMap out;
  out.reserve(device.capacity.size());
  for (const model::Capacity& cap : device.capacity) {
    const Quantity* requested = Find(&requests, cap.name);
    Quantity consumed = ConsumedFor(cap, requested);
    if (ViolatesPolicy(cap, consumed)) return std::nullopt;
    const Quantity* a = Find(aggregated, cap.name);
    const Quantity* f = Find(in_flight, cap.name);
    if (a == nullptr && f == nullptr) {
      if (consumed.Compare(cap.value) > 0) return std::nullopt;
    } else {
      Quantity total = a != nullptr ? consumed.Add(*a) : consumed.Add(*f);
      if (a != nullptr && f != nullptr) total = total.Add(*f);
      if (total.Compare(cap.value) > 0) return std::nullopt;
    }
    out.emplace_back(cap.name, std::move(consumed));
  }
  return out;
}

}  // namespace allot::alloc
