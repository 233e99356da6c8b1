#include "core/alloc/features.h"

namespace allot::alloc {

Features Features::None() {
  Features f;
  f.admin_access = false;
  f.prioritized_list = false;
  f.partitionable_devices = false;
  f.device_taints = false;
  f.device_binding_and_status = false;
  f.consumable_capacity = false;
  f.list_type_attributes = false;
  return f;
}

StatusOr<Features> Features::FromNames(const std::vector<std::string>& names) {
  Features f = None();
  for (const std::string& n : names) {
    if (n == "AdminAccess") {
      f.admin_access = true;
    } else if (n == "PrioritizedList") {
      f.prioritized_list = true;
    } else if (n == "PartitionableDevices") {
      f.partitionable_devices = true;
    } else if (n == "DeviceTaints") {
      f.device_taints = true;
    } else if (n == "ConsumableCapacity") {
      f.consumable_capacity = true;
    } else if (n == "BindingConditions") {
      f.device_binding_and_status = true;
    } else if (n == "ListTypeAttributes") {
      f.list_type_attributes = true;
    } else if (n == "ExtendedResource") {
      // Scheduler-only gate; no allocator behaviour.
    } else {
      return InvalidArgumentError("unknown feature name \"" + n + "\"");
    }
  }
  return f;
}

}  // namespace allot::alloc
