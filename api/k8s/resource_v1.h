// resource.k8s.io/v1 wire types: DeviceClass, ResourceSlice, ResourceClaim, ResourceClaimTemplate.
//
// Field names follow the JSON names in snake_case (`consumesCounters` -> consumes_counters). Field
// semantics are in /work/shared/docs/dra-semantics.md §1-5; this header only states wire rules:
//   * std::optional<T>  = Go pointer field (absent != zero value); encoded only when set.
//   * std::vector / std::map = Go `omitempty` slices/maps; encoded only when non-empty unless noted.
//   * plain strings / integers noted "always" are encoded even when empty/zero (no omitempty in Go).
//   * Quantities keep their original text (api::Quantity); opaque `parameters` stay raw JSON.
// No defaulting and no validation beyond JSON types, required fields and quantity syntax happen
// here: e.g. `count` stays 0 when absent and `allocationMode` stays empty.
//
// Thread safety: plain value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/internal/json_fwd.h"
#include "api/k8s/core_v1.h"
#include "api/k8s/meta.h"
#include "api/k8s/quantity.h"

namespace allot::api {

// ---- shared pieces ----------------------------------------------------------------------------

struct CelDeviceSelector {
  std::string expression;  // required
  bool operator==(const CelDeviceSelector&) const = default;
};

struct DeviceSelector {
  std::optional<CelDeviceSelector> cel;
  bool operator==(const DeviceSelector&) const = default;
};

struct OpaqueDeviceConfiguration {
  std::string driver;         // required
  nlohmann::json parameters;  // raw JSON object, kept verbatim; omitted on encode when null
  bool operator==(const OpaqueDeviceConfiguration&) const = default;
};

// Taint toleration of a (sub)request; copied into results.
struct DeviceToleration {
  std::string key;
  std::string operator_;  // JSON "operator": "Equal" (default when empty) | "Exists"
  std::string value;
  std::string effect;  // "" | NoSchedule | NoExecute | None
  std::optional<int64_t> toleration_seconds;
  bool operator==(const DeviceToleration&) const = default;
};

// ---- DeviceClass ------------------------------------------------------------------------------

struct DeviceClassConfiguration {
  std::optional<OpaqueDeviceConfiguration> opaque;
  bool operator==(const DeviceClassConfiguration&) const = default;
};

struct DeviceClassSpec {
  std::vector<DeviceSelector> selectors;
  std::vector<DeviceClassConfiguration> config;
  std::optional<std::string> extended_resource_name;
  bool operator==(const DeviceClassSpec&) const = default;
};

struct DeviceClass {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  DeviceClassSpec spec;  // always encoded
  bool operator==(const DeviceClass&) const = default;
};
using DeviceClassList = List<DeviceClass>;

// ---- ResourceSlice ----------------------------------------------------------------------------

struct ResourcePool {
  std::string name;                  // required
  int64_t generation = 0;            // always
  int64_t resource_slice_count = 0;  // always
  bool operator==(const ResourcePool&) const = default;
};

// Exactly one member should be set; Decode does not enforce that (an empty attribute `{}` decodes to
// all-unset and encodes back to `{}`). List members are the 1.36 alpha DRAListTypeAttributes.
struct DeviceAttribute {
  std::optional<int64_t> int_value;           // "int"
  std::optional<bool> bool_value;             // "bool"
  std::optional<std::string> string_value;    // "string"
  std::optional<std::string> version_value;   // "version" (semver text)
  std::optional<std::vector<int64_t>> ints;   // "ints"
  std::optional<std::vector<bool>> bools;     // "bools"
  std::optional<std::vector<std::string>> strings;   // "strings"
  std::optional<std::vector<std::string>> versions;  // "versions"
  bool operator==(const DeviceAttribute&) const = default;
};

struct CapacityRequestPolicyRange {
  std::optional<Quantity> min;
  std::optional<Quantity> max;
  std::optional<Quantity> step;
  bool operator==(const CapacityRequestPolicyRange&) const = default;
};

struct CapacityRequestPolicy {
  std::optional<Quantity> default_value;  // JSON "default"
  std::vector<Quantity> valid_values;
  std::optional<CapacityRequestPolicyRange> valid_range;
  bool operator==(const CapacityRequestPolicy&) const = default;
};

struct DeviceCapacity {
  Quantity value;  // required
  std::optional<CapacityRequestPolicy> request_policy;
  bool operator==(const DeviceCapacity&) const = default;
};

struct Counter {
  Quantity value;  // required
  bool operator==(const Counter&) const = default;
};

struct CounterSet {
  std::string name;                         // required
  std::map<std::string, Counter> counters;  // always (also when empty)
  bool operator==(const CounterSet&) const = default;
};

struct DeviceCounterConsumption {
  std::string counter_set;                  // required
  std::map<std::string, Counter> counters;  // always (also when empty)
  bool operator==(const DeviceCounterConsumption&) const = default;
};

struct DeviceTaint {
  std::string key;     // required
  std::string value;
  std::string effect;  // always; None | NoSchedule | NoExecute
  std::optional<std::string> time_added;
  bool operator==(const DeviceTaint&) const = default;
};

struct Device {
  std::string name;  // required
  std::map<std::string, DeviceAttribute> attributes;
  std::map<std::string, DeviceCapacity> capacity;
  std::vector<DeviceCounterConsumption> consumes_counters;
  // Only with the slice's perDeviceNodeSelection: exactly one of these three.
  std::optional<std::string> node_name;
  std::optional<NodeSelector> node_selector;
  std::optional<bool> all_nodes;
  std::vector<DeviceTaint> taints;
  std::optional<bool> binds_to_node;
  std::vector<std::string> binding_conditions;
  std::vector<std::string> binding_failure_conditions;
  std::optional<bool> allow_multiple_allocations;
  bool operator==(const Device&) const = default;
};

struct ResourceSliceSpec {
  std::string driver;  // required
  ResourcePool pool;   // always
  // Exactly one of node_name / node_selector / all_nodes / per_device_node_selection is set.
  std::optional<std::string> node_name;
  std::optional<NodeSelector> node_selector;
  std::optional<bool> all_nodes;
  std::optional<bool> per_device_node_selection;
  std::vector<Device> devices;
  std::vector<CounterSet> shared_counters;
  // 1.37, gate DRAPartitionableDevicesType: the string attribute (fully qualified) whose value names each
  // counter-consuming device's partition type; read by the ResourcePoolStatusRequest views (KEP-5677).
  std::optional<std::string> partition_type_attribute;
  bool operator==(const ResourceSliceSpec&) const = default;
};

struct ResourceSlice {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  ResourceSliceSpec spec;  // always encoded
  bool operator==(const ResourceSlice&) const = default;
};
using ResourceSliceList = List<ResourceSlice>;

// ---- ResourceClaim spec -----------------------------------------------------------------------

struct CapacityRequirements {
  std::map<std::string, Quantity> requests;
  bool operator==(const CapacityRequirements&) const = default;
};

struct ExactDeviceRequest {
  std::string device_class_name;  // always (may be empty on the wire)
  std::vector<DeviceSelector> selectors;
  std::string allocation_mode;  // "" (=ExactCount) | ExactCount | All
  int64_t count = 0;            // 0 = unset (ExactCount then means 1)
  std::optional<bool> admin_access;
  std::vector<DeviceToleration> tolerations;
  std::optional<CapacityRequirements> capacity;
  bool operator==(const ExactDeviceRequest&) const = default;
};

struct DeviceSubRequest {
  std::string name;               // required
  std::string device_class_name;  // always
  std::vector<DeviceSelector> selectors;
  std::string allocation_mode;
  int64_t count = 0;
  std::vector<DeviceToleration> tolerations;
  std::optional<CapacityRequirements> capacity;
  bool operator==(const DeviceSubRequest&) const = default;
};

// Exactly one of `exactly` / `first_available` should be set (not enforced by Decode).
struct DeviceRequest {
  std::string name;  // required
  std::optional<ExactDeviceRequest> exactly;
  std::vector<DeviceSubRequest> first_available;
  bool operator==(const DeviceRequest&) const = default;
};

struct DeviceConstraint {
  std::vector<std::string> requests;  // empty = all requests
  std::optional<std::string> match_attribute;
  std::optional<std::string> distinct_attribute;
  bool operator==(const DeviceConstraint&) const = default;
};

struct DeviceClaimConfiguration {
  std::vector<std::string> requests;  // empty = all requests
  std::optional<OpaqueDeviceConfiguration> opaque;
  bool operator==(const DeviceClaimConfiguration&) const = default;
};

struct DeviceClaim {
  std::vector<DeviceRequest> requests;
  std::vector<DeviceConstraint> constraints;
  std::vector<DeviceClaimConfiguration> config;
  bool operator==(const DeviceClaim&) const = default;
};

struct ResourceClaimSpec {
  DeviceClaim devices;  // always encoded
  bool operator==(const ResourceClaimSpec&) const = default;
};

// ---- ResourceClaim status ---------------------------------------------------------------------

struct DeviceRequestAllocationResult {
  std::string request;  // required: "<request>" or "<request>/<subrequest>"
  std::string driver;   // required
  std::string pool;     // required
  std::string device;   // required
  std::optional<bool> admin_access;
  std::vector<DeviceToleration> tolerations;
  std::vector<std::string> binding_conditions;
  std::vector<std::string> binding_failure_conditions;
  std::optional<std::string> share_id;  // JSON "shareID"
  std::map<std::string, Quantity> consumed_capacity;
  bool operator==(const DeviceRequestAllocationResult&) const = default;
};

struct DeviceAllocationConfiguration {
  std::string source;  // always: FromClass | FromClaim
  std::vector<std::string> requests;
  std::optional<OpaqueDeviceConfiguration> opaque;
  bool operator==(const DeviceAllocationConfiguration&) const = default;
};

struct DeviceAllocationResult {
  std::vector<DeviceRequestAllocationResult> results;
  std::vector<DeviceAllocationConfiguration> config;
  bool operator==(const DeviceAllocationResult&) const = default;
};

struct AllocationResult {
  DeviceAllocationResult devices;  // always encoded
  std::optional<NodeSelector> node_selector;
  std::optional<std::string> allocation_timestamp;
  bool operator==(const AllocationResult&) const = default;
};

struct ResourceClaimConsumerReference {
  std::string api_group;
  std::string resource;  // always
  std::string name;      // always
  std::string uid;       // always
  bool operator==(const ResourceClaimConsumerReference&) const = default;
};

struct NetworkDeviceData {
  std::string interface_name;
  std::vector<std::string> ips;
  std::string hardware_address;
  bool operator==(const NetworkDeviceData&) const = default;
};

struct AllocatedDeviceStatus {
  std::string driver;  // required
  std::string pool;    // required
  std::string device;  // required
  std::optional<std::string> share_id;
  std::vector<Condition> conditions;
  std::optional<nlohmann::json> data;  // raw JSON object
  std::optional<NetworkDeviceData> network_data;
  bool operator==(const AllocatedDeviceStatus&) const = default;
};

struct ResourceClaimStatus {
  std::optional<AllocationResult> allocation;
  std::vector<ResourceClaimConsumerReference> reserved_for;
  std::vector<AllocatedDeviceStatus> devices;
  bool operator==(const ResourceClaimStatus&) const = default;
};

struct ResourceClaim {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  ResourceClaimSpec spec;      // always encoded
  ResourceClaimStatus status;  // encoded only when something in it is set
  bool operator==(const ResourceClaim&) const = default;
};
using ResourceClaimList = List<ResourceClaim>;

struct ResourceClaimTemplateSpec {
  ObjectMeta metadata;  // labels/annotations for generated claims; omitted when empty
  ResourceClaimSpec spec;
  bool operator==(const ResourceClaimTemplateSpec&) const = default;
};

struct ResourceClaimTemplate {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  ResourceClaimTemplateSpec spec;
  bool operator==(const ResourceClaimTemplate&) const = default;
};
using ResourceClaimTemplateList = List<ResourceClaimTemplate>;

ALLOT_API_DECLARE_JSON(CelDeviceSelector);
ALLOT_API_DECLARE_JSON(DeviceSelector);
ALLOT_API_DECLARE_JSON(OpaqueDeviceConfiguration);
ALLOT_API_DECLARE_JSON(DeviceToleration);
ALLOT_API_DECLARE_JSON(DeviceClassConfiguration);
ALLOT_API_DECLARE_JSON(DeviceClassSpec);
ALLOT_API_DECLARE_JSON(DeviceClass);
ALLOT_API_DECLARE_JSON(DeviceClassList);
ALLOT_API_DECLARE_JSON(ResourcePool);
ALLOT_API_DECLARE_JSON(DeviceAttribute);
ALLOT_API_DECLARE_JSON(CapacityRequestPolicyRange);
ALLOT_API_DECLARE_JSON(CapacityRequestPolicy);
ALLOT_API_DECLARE_JSON(DeviceCapacity);
ALLOT_API_DECLARE_JSON(Counter);
ALLOT_API_DECLARE_JSON(CounterSet);
ALLOT_API_DECLARE_JSON(DeviceCounterConsumption);
ALLOT_API_DECLARE_JSON(DeviceTaint);
ALLOT_API_DECLARE_JSON(Device);
ALLOT_API_DECLARE_JSON(ResourceSliceSpec);
ALLOT_API_DECLARE_JSON(ResourceSlice);
ALLOT_API_DECLARE_JSON(ResourceSliceList);
ALLOT_API_DECLARE_JSON(CapacityRequirements);
ALLOT_API_DECLARE_JSON(ExactDeviceRequest);
ALLOT_API_DECLARE_JSON(DeviceSubRequest);
ALLOT_API_DECLARE_JSON(DeviceRequest);
ALLOT_API_DECLARE_JSON(DeviceConstraint);
ALLOT_API_DECLARE_JSON(DeviceClaimConfiguration);
ALLOT_API_DECLARE_JSON(DeviceClaim);
ALLOT_API_DECLARE_JSON(ResourceClaimSpec);
ALLOT_API_DECLARE_JSON(DeviceRequestAllocationResult);
ALLOT_API_DECLARE_JSON(DeviceAllocationConfiguration);
ALLOT_API_DECLARE_JSON(DeviceAllocationResult);
ALLOT_API_DECLARE_JSON(AllocationResult);
ALLOT_API_DECLARE_JSON(ResourceClaimConsumerReference);
ALLOT_API_DECLARE_JSON(NetworkDeviceData);
ALLOT_API_DECLARE_JSON(AllocatedDeviceStatus);
ALLOT_API_DECLARE_JSON(ResourceClaimStatus);
ALLOT_API_DECLARE_JSON(ResourceClaim);
ALLOT_API_DECLARE_JSON(ResourceClaimList);
ALLOT_API_DECLARE_JSON(ResourceClaimTemplateSpec);
ALLOT_API_DECLARE_JSON(ResourceClaimTemplate);
ALLOT_API_DECLARE_JSON(ResourceClaimTemplateList);

}  // namespace allot::api
