#include "core/alloc/features.h"

#include <array>

#include "base/split.h"

namespace allot::alloc {

std::span<const FeatureGate> FeatureGateTable() {
  // DRADeviceBindingConditions and DRAResourceClaimDeviceStatus drive one allocator flag (the reference's
  // DeviceBindingAndStatus), which the scenario format calls BindingConditions.
  static constexpr std::array<FeatureGate, 10> kTable = {{
      {"DRAAdminAccess", "AdminAccess", &Features::admin_access},
      {"DRAPrioritizedList", "PrioritizedList", &Features::prioritized_list},
      {"DRAPartitionableDevices", "PartitionableDevices", &Features::partitionable_devices},
      {"DRADeviceTaints", "DeviceTaints", &Features::device_taints},
      {"DRAConsumableCapacity", "ConsumableCapacity", &Features::consumable_capacity},
      {"DRADeviceBindingConditions", "BindingConditions", &Features::device_binding_and_status},
      {"DRAResourceClaimDeviceStatus", "", &Features::device_binding_and_status},
      {"DRAListTypeAttributes", "ListTypeAttributes", &Features::list_type_attributes},
      {"DRADeviceTaintRules", "", &Features::device_taint_rules},  // service only (no scenario spelling)
      {"", "ExtendedResource", nullptr},  // scheduler only
  }};
  return kTable;
}

Features Features::None() {
  Features f;
  for (const FeatureGate& gate : FeatureGateTable()) {
    if (gate.field != nullptr) f.*gate.field = false;
  }
  return f;
}

StatusOr<Features> Features::FromNames(const std::vector<std::string>& names) {
  Features f = None();
  for (const std::string& n : names) {
    const FeatureGate* found = nullptr;
    for (const FeatureGate& gate : FeatureGateTable()) {
      if (!gate.scenario_name.empty() && gate.scenario_name == n) found = &gate;
    }
    if (found == nullptr) return InvalidArgumentError("unknown feature name \"" + n + "\"");
    if (found->field != nullptr) f.*found->field = true;
  }
  return f;
}

StatusOr<Features> Features::FromGateList(std::string_view text) {
  Features f;
  for (std::string_view item : SplitView(text, ',')) {
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgumentError("--feature-gates: expected Name=bool, got '" + std::string(item) + "'");
    }
    std::string name(item.substr(0, eq));
    std::string_view value = item.substr(eq + 1);
    if (value != "true" && value != "false") {
      return InvalidArgumentError("--feature-gates: " + name + ": value must be true or false");
    }
    const FeatureGate* found = nullptr;
    for (const FeatureGate& gate : FeatureGateTable()) {
      if (!gate.kubernetes_name.empty() && gate.kubernetes_name == name) found = &gate;
    }
    if (found == nullptr || found->field == nullptr) {
      return InvalidArgumentError("--feature-gates: unknown feature gate '" + name + "'");
    }
    f.*found->field = value == "true";
  }
  return f;
}

}  // namespace allot::alloc
