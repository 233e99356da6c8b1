// JSON codecs for resource.k8s.io/v1 ResourceClaim, its status and ResourceClaimTemplate.
#include "api/internal/json_fields.h"
#include "api/k8s/resource_v1.h"

namespace allot::api {

// ---- spec -------------------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, CapacityRequirements>& o) {
  v.OmitEmpty("requests", o.requests);
}
ALLOT_API_DEFINE_JSON(CapacityRequirements);

template <class V>
void Fields(V& v, internal::Visited<V, ExactDeviceRequest>& o) {
  v.Required("deviceClassName", o.device_class_name);
  v.OmitEmpty("selectors", o.selectors);
  v.OmitEmpty("allocationMode", o.allocation_mode);
  v.OmitEmpty("count", o.count);
  v.OmitEmpty("adminAccess", o.admin_access);
  v.OmitEmpty("tolerations", o.tolerations);
  v.OmitEmpty("capacity", o.capacity);
}
ALLOT_API_DEFINE_JSON(ExactDeviceRequest);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceSubRequest>& o) {
  v.Required("name", o.name);
  v.Required("deviceClassName", o.device_class_name);
  v.OmitEmpty("selectors", o.selectors);
  v.OmitEmpty("allocationMode", o.allocation_mode);
  v.OmitEmpty("count", o.count);
  v.OmitEmpty("tolerations", o.tolerations);
  v.OmitEmpty("capacity", o.capacity);
}
ALLOT_API_DEFINE_JSON(DeviceSubRequest);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceRequest>& o) {
  v.Required("name", o.name);
  v.OmitEmpty("exactly", o.exactly);
  v.OmitEmpty("firstAvailable", o.first_available);
}
ALLOT_API_DEFINE_JSON(DeviceRequest);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceConstraint>& o) {
  v.OmitEmpty("requests", o.requests);
  v.OmitEmpty("matchAttribute", o.match_attribute);
  v.OmitEmpty("distinctAttribute", o.distinct_attribute);
}
ALLOT_API_DEFINE_JSON(DeviceConstraint);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceClaimConfiguration>& o) {
  v.OmitEmpty("requests", o.requests);
  v.OmitEmpty("opaque", o.opaque);
}
ALLOT_API_DEFINE_JSON(DeviceClaimConfiguration);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceClaim>& o) {
  v.OmitEmpty("requests", o.requests);
  v.OmitEmpty("constraints", o.constraints);
  v.OmitEmpty("config", o.config);
}
ALLOT_API_DEFINE_JSON(DeviceClaim);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceClaimSpec>& o) {
  v.Optional("devices", o.devices);
}
ALLOT_API_DEFINE_JSON(ResourceClaimSpec);

// ---- status -----------------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, DeviceRequestAllocationResult>& o) {
  v.Required("request", o.request);
  v.Required("driver", o.driver);
  v.Required("pool", o.pool);
  v.Required("device", o.device);
  v.OmitEmpty("adminAccess", o.admin_access);
  v.OmitEmpty("tolerations", o.tolerations);
  v.OmitEmpty("bindingConditions", o.binding_conditions);
  v.OmitEmpty("bindingFailureConditions", o.binding_failure_conditions);
  v.OmitEmpty("shareID", o.share_id);
  v.OmitEmpty("consumedCapacity", o.consumed_capacity);
}
ALLOT_API_DEFINE_JSON(DeviceRequestAllocationResult);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceAllocationConfiguration>& o) {
  v.Required("source", o.source);
  v.OmitEmpty("requests", o.requests);
  v.OmitEmpty("opaque", o.opaque);
}
ALLOT_API_DEFINE_JSON(DeviceAllocationConfiguration);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceAllocationResult>& o) {
  v.OmitEmpty("results", o.results);
  v.OmitEmpty("config", o.config);
}
ALLOT_API_DEFINE_JSON(DeviceAllocationResult);

template <class V>
void Fields(V& v, internal::Visited<V, AllocationResult>& o) {
  v.Optional("devices", o.devices);
  v.OmitEmpty("nodeSelector", o.node_selector);
  v.OmitEmpty("allocationTimestamp", o.allocation_timestamp);
}
ALLOT_API_DEFINE_JSON(AllocationResult);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceClaimConsumerReference>& o) {
  v.OmitEmpty("apiGroup", o.api_group);
  v.Required("resource", o.resource);
  v.Required("name", o.name);
  v.Required("uid", o.uid);
}
ALLOT_API_DEFINE_JSON(ResourceClaimConsumerReference);

template <class V>
void Fields(V& v, internal::Visited<V, NetworkDeviceData>& o) {
  v.OmitEmpty("interfaceName", o.interface_name);
  v.OmitEmpty("ips", o.ips);
  v.OmitEmpty("hardwareAddress", o.hardware_address);
}
ALLOT_API_DEFINE_JSON(NetworkDeviceData);

template <class V>
void Fields(V& v, internal::Visited<V, AllocatedDeviceStatus>& o) {
  v.Required("driver", o.driver);
  v.Required("pool", o.pool);
  v.Required("device", o.device);
  v.OmitEmpty("shareID", o.share_id);
  v.OmitEmpty("conditions", o.conditions);
  v.OmitEmpty("data", o.data);
  v.OmitEmpty("networkData", o.network_data);
}
ALLOT_API_DEFINE_JSON(AllocatedDeviceStatus);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceClaimStatus>& o) {
  v.OmitEmpty("allocation", o.allocation);
  v.OmitEmpty("reservedFor", o.reserved_for);
  v.OmitEmpty("devices", o.devices);
}
ALLOT_API_DEFINE_JSON(ResourceClaimStatus);

// ---- objects ----------------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, ResourceClaim>& o) {
  internal::KindAndMetadata(v, o);
  v.Optional("spec", o.spec);
  v.OmitZero("status", o.status);
}
ALLOT_API_DEFINE_JSON(ResourceClaim);

ALLOT_API_DEFINE_JSON(ResourceClaimList);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceClaimTemplateSpec>& o) {
  v.OmitZero("metadata", o.metadata);
  v.Optional("spec", o.spec);
}
ALLOT_API_DEFINE_JSON(ResourceClaimTemplateSpec);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceClaimTemplate>& o) {
  internal::KindAndMetadata(v, o);
  v.Optional("spec", o.spec);
}
ALLOT_API_DEFINE_JSON(ResourceClaimTemplate);

ALLOT_API_DEFINE_JSON(ResourceClaimTemplateList);

}  // namespace allot::api
