// JSON codecs for resource.k8s.io/v1: shared pieces, DeviceClass and ResourceSlice.
// ResourceClaim and ResourceClaimTemplate are in resource_claim_v1.cc.
#include "api/k8s/resource_v1.h"

#include "api/internal/json_fields.h"

namespace allot::api {

// ---- shared pieces ----------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, CelDeviceSelector>& o) {
  v.Required("expression", o.expression);
}
ALLOT_API_DEFINE_JSON(CelDeviceSelector);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceSelector>& o) {
  v.OmitEmpty("cel", o.cel);
}
ALLOT_API_DEFINE_JSON(DeviceSelector);

template <class V>
void Fields(V& v, internal::Visited<V, OpaqueDeviceConfiguration>& o) {
  v.Required("driver", o.driver);
  v.OmitEmpty("parameters", o.parameters);
}
ALLOT_API_DEFINE_JSON(OpaqueDeviceConfiguration);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceToleration>& o) {
  v.OmitEmpty("key", o.key);
  v.OmitEmpty("operator", o.operator_);
  v.OmitEmpty("value", o.value);
  v.OmitEmpty("effect", o.effect);
  v.OmitEmpty("tolerationSeconds", o.toleration_seconds);
}
ALLOT_API_DEFINE_JSON(DeviceToleration);

// ---- DeviceClass ------------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, DeviceClassConfiguration>& o) {
  v.OmitEmpty("opaque", o.opaque);
}
ALLOT_API_DEFINE_JSON(DeviceClassConfiguration);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceClassSpec>& o) {
  v.OmitEmpty("selectors", o.selectors);
  v.OmitEmpty("config", o.config);
  v.OmitEmpty("extendedResourceName", o.extended_resource_name);
}
ALLOT_API_DEFINE_JSON(DeviceClassSpec);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceClass>& o) {
  internal::KindAndMetadata(v, o);
  v.Optional("spec", o.spec);
}
ALLOT_API_DEFINE_JSON(DeviceClass);

ALLOT_API_DEFINE_JSON(DeviceClassList);

// ---- ResourceSlice ----------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, ResourcePool>& o) {
  v.Required("name", o.name);
  v.Optional("generation", o.generation);
  v.Optional("resourceSliceCount", o.resource_slice_count);
}
ALLOT_API_DEFINE_JSON(ResourcePool);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceAttribute>& o) {
  v.OmitEmpty("int", o.int_value);
  v.OmitEmpty("bool", o.bool_value);
  v.OmitEmpty("string", o.string_value);
  v.OmitEmpty("version", o.version_value);
  v.OmitEmpty("ints", o.ints);
  v.OmitEmpty("bools", o.bools);
  v.OmitEmpty("strings", o.strings);
  v.OmitEmpty("versions", o.versions);
}
ALLOT_API_DEFINE_JSON(DeviceAttribute);

template <class V>
void Fields(V& v, internal::Visited<V, CapacityRequestPolicyRange>& o) {
  v.OmitEmpty("min", o.min);
  v.OmitEmpty("max", o.max);
  v.OmitEmpty("step", o.step);
}
ALLOT_API_DEFINE_JSON(CapacityRequestPolicyRange);

template <class V>
void Fields(V& v, internal::Visited<V, CapacityRequestPolicy>& o) {
  v.OmitEmpty("default", o.default_value);
  v.OmitEmpty("validValues", o.valid_values);
  v.OmitEmpty("validRange", o.valid_range);
}
ALLOT_API_DEFINE_JSON(CapacityRequestPolicy);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceCapacity>& o) {
  v.Required("value", o.value);
  v.OmitEmpty("requestPolicy", o.request_policy);
}
ALLOT_API_DEFINE_JSON(DeviceCapacity);

template <class V>
void Fields(V& v, internal::Visited<V, Counter>& o) {
  v.Required("value", o.value);
}
ALLOT_API_DEFINE_JSON(Counter);

template <class V>
void Fields(V& v, internal::Visited<V, CounterSet>& o) {
  v.Required("name", o.name);
  v.Optional("counters", o.counters);
}
ALLOT_API_DEFINE_JSON(CounterSet);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceCounterConsumption>& o) {
  v.Required("counterSet", o.counter_set);
  v.Optional("counters", o.counters);
}
ALLOT_API_DEFINE_JSON(DeviceCounterConsumption);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceTaint>& o) {
  v.Required("key", o.key);
  v.OmitEmpty("value", o.value);
  v.Optional("effect", o.effect);
  v.OmitEmpty("timeAdded", o.time_added);
}
ALLOT_API_DEFINE_JSON(DeviceTaint);

template <class V>
void Fields(V& v, internal::Visited<V, Device>& o) {
  v.Required("name", o.name);
  v.OmitEmpty("attributes", o.attributes);
  v.OmitEmpty("capacity", o.capacity);
  v.OmitEmpty("consumesCounters", o.consumes_counters);
  v.OmitEmpty("nodeName", o.node_name);
  v.OmitEmpty("nodeSelector", o.node_selector);
  v.OmitEmpty("allNodes", o.all_nodes);
  v.OmitEmpty("taints", o.taints);
  v.OmitEmpty("bindsToNode", o.binds_to_node);
  v.OmitEmpty("bindingConditions", o.binding_conditions);
  v.OmitEmpty("bindingFailureConditions", o.binding_failure_conditions);
  v.OmitEmpty("allowMultipleAllocations", o.allow_multiple_allocations);
}
ALLOT_API_DEFINE_JSON(Device);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceSliceSpec>& o) {
  v.Required("driver", o.driver);
  v.Required("pool", o.pool);
  v.OmitEmpty("nodeName", o.node_name);
  v.OmitEmpty("nodeSelector", o.node_selector);
  v.OmitEmpty("allNodes", o.all_nodes);
  v.OmitEmpty("perDeviceNodeSelection", o.per_device_node_selection);
  v.OmitEmpty("devices", o.devices);
  v.OmitEmpty("sharedCounters", o.shared_counters);
  v.OmitEmpty("partitionTypeAttribute", o.partition_type_attribute);
}
ALLOT_API_DEFINE_JSON(ResourceSliceSpec);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceSlice>& o) {
  internal::KindAndMetadata(v, o);
  v.Optional("spec", o.spec);
}
ALLOT_API_DEFINE_JSON(ResourceSlice);

ALLOT_API_DEFINE_JSON(ResourceSliceList);

}  // namespace allot::api
