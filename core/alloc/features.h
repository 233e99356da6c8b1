// Allocator feature flags, one per Kubernetes feature gate that changes allocation
// (dra-semantics.md §6.2). Defaults are the Kubernetes 1.37 gate defaults (for these gates the same as
// 1.36's), under which the reference runs its deterministic "incubating" allocator; allot always implements the
// deterministic incubating/experimental behaviour.
//
// The gates have two spellings: Kubernetes' (--feature-gates, "DRAAdminAccess") and the scenario
// format's (FORMAT.md, "AdminAccess"). Both are read from one table, FeatureGateTable(), so a new gate is
// added in one place.
//
// Thread safety: value type; the table is immutable.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace allot::alloc {

struct Features {
  bool admin_access = true;               // DRAAdminAccess (GA 1.36)
  bool prioritized_list = true;           // DRAPrioritizedList (GA 1.36)
  bool partitionable_devices = true;      // DRAPartitionableDevices (beta, on)
  bool device_taints = true;              // DRADeviceTaints (GA 1.37)
  bool device_binding_and_status = true;  // DRADeviceBindingConditions (beta, on) && DRAResourceClaimDeviceStatus (GA 1.37)
  bool consumable_capacity = true;        // DRAConsumableCapacity (beta, on)
  bool list_type_attributes = false;      // DRAListTypeAttributes (alpha, off)
  // DRADeviceTaintRules (GA 1.37, on). Not read by the allocator: the service watches DeviceTaintRules and
  // adds their taints to the device index only when it is on (service/state/device_taint_rules.h).
  bool device_taint_rules = true;

  // Everything off (GA behaviour of the allocator core only).
  static Features None();

  // The scenario-file spelling (FORMAT.md): exactly the listed gates on, all others off.
  // Names: AdminAccess, PrioritizedList, PartitionableDevices, DeviceTaints, ConsumableCapacity,
  // BindingConditions, ListTypeAttributes, ExtendedResource (scheduler only, accepted and ignored).
  static StatusOr<Features> FromNames(const std::vector<std::string>& names);

  // Kubernetes --feature-gates syntax "Name=true,Other=false" over the defaults above. Known names:
  // DRAAdminAccess, DRAPrioritizedList, DRAPartitionableDevices, DRADeviceTaints, DRAConsumableCapacity,
  // DRADeviceBindingConditions, DRAResourceClaimDeviceStatus, DRAListTypeAttributes, DRADeviceTaintRules. Unknown names and
  // values other than true/false are kInvalidArgument naming the item.
  static StatusOr<Features> FromGateList(std::string_view text);
};

// One row per gate spelling. `field` is nullptr for a gate that exists in one spelling only and has no
// allocator behaviour (the scenario format's ExtendedResource).
struct FeatureGate {
  std::string_view kubernetes_name;  // --feature-gates spelling; empty if none
  std::string_view scenario_name;    // FORMAT.md spelling; empty if none
  bool Features::*field;
};
std::span<const FeatureGate> FeatureGateTable();

}  // namespace allot::alloc
