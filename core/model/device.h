// The allocator's view of one device of a ResourceSlice (resource.k8s.io/v1 Device), built
// once by core/model/convert.cc and shared, immutable, by every snapshot that contains it.
//
// Attributes keep the keys as written ("domain/id" or bare "id"); values are the CEL
// contract's AttributeValue plus a marker for an attribute without any value field (the
// reference then fails every CEL evaluation and constraint on the device with
// "unsupported attribute value"). Capacities and counters are exact Quantities.
//
// Thread safety: immutable after construction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/cel/device.h"
#include "core/model/node_selector.h"
#include "core/quantity/quantity.h"

namespace allot::model {

using quantity::Quantity;

struct Attribute {
  std::string key;                         // as written: "domain/id" or "id"
  std::optional<cel::AttributeValue> value;  // nullopt: no value field set (unsupported)
};

struct CapacityRange {
  Quantity min;
  std::optional<Quantity> max;
  std::optional<Quantity> step;
};

struct CapacityRequestPolicy {
  std::optional<Quantity> default_value;
  std::vector<Quantity> valid_values;  // ascending
  std::optional<CapacityRange> valid_range;
};

struct Capacity {
  std::string name;  // QualifiedName as written
  Quantity value;
  // nullptr when the capacity has no requestPolicy. Behind a pointer because the policy is rare and large
  // (five optional Quantities and a list, about 350 bytes inline) while a device has several capacities.
  std::shared_ptr<const CapacityRequestPolicy> request_policy;
};

struct Counter {
  std::string name;
  Quantity value;
};

struct CounterSet {
  std::string name;
  std::vector<Counter> counters;
};

// One consumesCounters entry of a device.
struct CounterConsumption {
  std::string counter_set;
  std::vector<Counter> counters;
};

struct Taint {
  std::string key;
  std::string value;
  std::string effect;  // "NoSchedule", "NoExecute", "None" or anything else (treated as None)
  // Where the taint comes from, for messages (explain): the name of the DeviceTaintRule that applied it
  // (service/state/device_taint_rules.h), shared by every device the rule taints; nullptr when the
  // ResourceSlice declares it. Never read by allocation decisions.
  std::shared_ptr<const std::string> rule;
};

struct Device {
  std::string name;
  std::vector<Attribute> attributes;
  std::vector<Capacity> capacity;
  std::vector<CounterConsumption> consumes_counters;
  std::vector<Taint> taints;
  NodeSelection node_selection;  // only meaningful when the slice has perDeviceNodeSelection
  bool binds_to_node = false;
  bool has_binding_conditions = false;  // bindingConditions non-empty
  std::vector<std::string> binding_conditions;
  std::vector<std::string> binding_failure_conditions;
  bool allow_multiple_allocations = false;

  // Derived at conversion time.
  bool has_unsupported_attribute = false;  // an attribute without a value
  bool has_list_attribute = false;         // any ints/bools/strings/versions attribute
  std::shared_ptr<const cel::Device> cel;  // prepared for selector evaluation

  // Attribute lookup as in the reference constraints: exact key, then (if the domain equals
  // the driver) the bare id. Returns nullptr when absent.
  const Attribute* FindAttribute(const std::string& fully_qualified, const std::string& driver) const;
  const Capacity* FindCapacity(const std::string& capacity_name) const;
};

}  // namespace allot::model
