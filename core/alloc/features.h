// Allocator feature flags, one per Kubernetes feature gate that changes allocation
// (dra-semantics.md §6.2). Defaults are the Kubernetes 1.36 gate defaults, under which the
// reference runs its deterministic "incubating" allocator; allot always implements the
// deterministic incubating/experimental behaviour.
//
// Thread safety: value type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace allot::alloc {

struct Features {
  bool admin_access = true;               // DRAAdminAccess (GA 1.36)
  bool prioritized_list = true;           // DRAPrioritizedList (GA 1.36)
  bool partitionable_devices = true;      // DRAPartitionableDevices (beta, on)
  bool device_taints = true;              // DRADeviceTaints (beta, on)
  bool device_binding_and_status = true;  // DRADeviceBindingConditions && DRAResourceClaimDeviceStatus
  bool consumable_capacity = true;        // DRAConsumableCapacity (beta, on)
  bool list_type_attributes = false;      // DRAListTypeAttributes (alpha, off)

  // Everything off (GA behaviour of the allocator core only).
  static Features None();

  // The scenario-file spelling (FORMAT.md): exactly the listed gates on, all others off.
  // Names: AdminAccess, PrioritizedList, PartitionableDevices, DeviceTaints, ConsumableCapacity,
  // BindingConditions, ListTypeAttributes, ExtendedResource (scheduler only, accepted and ignored).
  static StatusOr<Features> FromNames(const std::vector<std::string>& names);
};

}  // namespace allot::alloc
