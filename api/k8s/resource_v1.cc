// JSON codecs for resource.k8s.io/v1: shared pieces, DeviceClass and ResourceSlice.
// ResourceClaim and ResourceClaimTemplate are in resource_claim_v1.cc.
#include "api/k8s/resource_v1.h"

#include "api/internal/json_io.h"

namespace allot::api {

using internal::Field;
using internal::Put;
using internal::PutOmitEmpty;
using internal::Required;
using nlohmann::json;

// ---- shared pieces ----------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, CelDeviceSelector& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "expression", out.expression);
}

json WriteJson(const CelDeviceSelector& v) {
  json j = json::object();
  Put(j, "expression", v.expression);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceSelector& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "cel", out.cel);
}

json WriteJson(const DeviceSelector& v) {
  json j = json::object();
  PutOmitEmpty(j, "cel", v.cel);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, OpaqueDeviceConfiguration& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "driver", out.driver);
  Field(r, j, "parameters", out.parameters);
}

json WriteJson(const OpaqueDeviceConfiguration& v) {
  json j = json::object();
  Put(j, "driver", v.driver);
  PutOmitEmpty(j, "parameters", v.parameters);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceToleration& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "key", out.key);
  Field(r, j, "operator", out.operator_);
  Field(r, j, "value", out.value);
  Field(r, j, "effect", out.effect);
  Field(r, j, "tolerationSeconds", out.toleration_seconds);
}

json WriteJson(const DeviceToleration& v) {
  json j = json::object();
  PutOmitEmpty(j, "key", v.key);
  PutOmitEmpty(j, "operator", v.operator_);
  PutOmitEmpty(j, "value", v.value);
  PutOmitEmpty(j, "effect", v.effect);
  PutOmitEmpty(j, "tolerationSeconds", v.toleration_seconds);
  return j;
}

// ---- DeviceClass ------------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, DeviceClassConfiguration& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "opaque", out.opaque);
}

json WriteJson(const DeviceClassConfiguration& v) {
  json j = json::object();
  PutOmitEmpty(j, "opaque", v.opaque);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceClassSpec& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "selectors", out.selectors);
  Field(r, j, "config", out.config);
  Field(r, j, "extendedResourceName", out.extended_resource_name);
}

json WriteJson(const DeviceClassSpec& v) {
  json j = json::object();
  PutOmitEmpty(j, "selectors", v.selectors);
  PutOmitEmpty(j, "config", v.config);
  PutOmitEmpty(j, "extendedResourceName", v.extended_resource_name);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceClass& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiVersion", out.api_version);
  Field(r, j, "kind", out.kind);
  Field(r, j, "metadata", out.metadata);
  Field(r, j, "spec", out.spec);
}

json WriteJson(const DeviceClass& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiVersion", v.api_version);
  PutOmitEmpty(j, "kind", v.kind);
  Put(j, "metadata", v.metadata);
  Put(j, "spec", v.spec);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceClassList& out) { internal::ReadList(r, j, out); }
json WriteJson(const DeviceClassList& v) { return internal::WriteList(v); }

// ---- ResourceSlice ----------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, ResourcePool& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "generation", out.generation);
  Field(r, j, "resourceSliceCount", out.resource_slice_count);
}

json WriteJson(const ResourcePool& v) {
  json j = json::object();
  Put(j, "name", v.name);
  Put(j, "generation", v.generation);
  Put(j, "resourceSliceCount", v.resource_slice_count);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceAttribute& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "int", out.int_value);
  Field(r, j, "bool", out.bool_value);
  Field(r, j, "string", out.string_value);
  Field(r, j, "version", out.version_value);
  Field(r, j, "ints", out.ints);
  Field(r, j, "bools", out.bools);
  Field(r, j, "strings", out.strings);
  Field(r, j, "versions", out.versions);
}

json WriteJson(const DeviceAttribute& v) {
  json j = json::object();
  PutOmitEmpty(j, "int", v.int_value);
  PutOmitEmpty(j, "bool", v.bool_value);
  PutOmitEmpty(j, "string", v.string_value);
  PutOmitEmpty(j, "version", v.version_value);
  PutOmitEmpty(j, "ints", v.ints);
  PutOmitEmpty(j, "bools", v.bools);
  PutOmitEmpty(j, "strings", v.strings);
  PutOmitEmpty(j, "versions", v.versions);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, CapacityRequestPolicyRange& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "min", out.min);
  Field(r, j, "max", out.max);
  Field(r, j, "step", out.step);
}

json WriteJson(const CapacityRequestPolicyRange& v) {
  json j = json::object();
  PutOmitEmpty(j, "min", v.min);
  PutOmitEmpty(j, "max", v.max);
  PutOmitEmpty(j, "step", v.step);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, CapacityRequestPolicy& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "default", out.default_value);
  Field(r, j, "validValues", out.valid_values);
  Field(r, j, "validRange", out.valid_range);
}

json WriteJson(const CapacityRequestPolicy& v) {
  json j = json::object();
  PutOmitEmpty(j, "default", v.default_value);
  PutOmitEmpty(j, "validValues", v.valid_values);
  PutOmitEmpty(j, "validRange", v.valid_range);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceCapacity& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "value", out.value);
  Field(r, j, "requestPolicy", out.request_policy);
}

json WriteJson(const DeviceCapacity& v) {
  json j = json::object();
  Put(j, "value", v.value);
  PutOmitEmpty(j, "requestPolicy", v.request_policy);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Counter& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "value", out.value);
}

json WriteJson(const Counter& v) {
  json j = json::object();
  Put(j, "value", v.value);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, CounterSet& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "counters", out.counters);
}

json WriteJson(const CounterSet& v) {
  json j = json::object();
  Put(j, "name", v.name);
  Put(j, "counters", v.counters);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceCounterConsumption& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "counterSet", out.counter_set);
  Field(r, j, "counters", out.counters);
}

json WriteJson(const DeviceCounterConsumption& v) {
  json j = json::object();
  Put(j, "counterSet", v.counter_set);
  Put(j, "counters", v.counters);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceTaint& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "key", out.key);
  Field(r, j, "value", out.value);
  Field(r, j, "effect", out.effect);
  Field(r, j, "timeAdded", out.time_added);
}

json WriteJson(const DeviceTaint& v) {
  json j = json::object();
  Put(j, "key", v.key);
  PutOmitEmpty(j, "value", v.value);
  Put(j, "effect", v.effect);
  PutOmitEmpty(j, "timeAdded", v.time_added);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Device& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "attributes", out.attributes);
  Field(r, j, "capacity", out.capacity);
  Field(r, j, "consumesCounters", out.consumes_counters);
  Field(r, j, "nodeName", out.node_name);
  Field(r, j, "nodeSelector", out.node_selector);
  Field(r, j, "allNodes", out.all_nodes);
  Field(r, j, "taints", out.taints);
  Field(r, j, "bindsToNode", out.binds_to_node);
  Field(r, j, "bindingConditions", out.binding_conditions);
  Field(r, j, "bindingFailureConditions", out.binding_failure_conditions);
  Field(r, j, "allowMultipleAllocations", out.allow_multiple_allocations);
}

json WriteJson(const Device& v) {
  json j = json::object();
  Put(j, "name", v.name);
  PutOmitEmpty(j, "attributes", v.attributes);
  PutOmitEmpty(j, "capacity", v.capacity);
  PutOmitEmpty(j, "consumesCounters", v.consumes_counters);
  PutOmitEmpty(j, "nodeName", v.node_name);
  PutOmitEmpty(j, "nodeSelector", v.node_selector);
  PutOmitEmpty(j, "allNodes", v.all_nodes);
  PutOmitEmpty(j, "taints", v.taints);
  PutOmitEmpty(j, "bindsToNode", v.binds_to_node);
  PutOmitEmpty(j, "bindingConditions", v.binding_conditions);
  PutOmitEmpty(j, "bindingFailureConditions", v.binding_failure_conditions);
  PutOmitEmpty(j, "allowMultipleAllocations", v.allow_multiple_allocations);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceSliceSpec& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "driver", out.driver);
  Required(r, j, "pool", out.pool);
  Field(r, j, "nodeName", out.node_name);
  Field(r, j, "nodeSelector", out.node_selector);
  Field(r, j, "allNodes", out.all_nodes);
  Field(r, j, "perDeviceNodeSelection", out.per_device_node_selection);
  Field(r, j, "devices", out.devices);
  Field(r, j, "sharedCounters", out.shared_counters);
}

json WriteJson(const ResourceSliceSpec& v) {
  json j = json::object();
  Put(j, "driver", v.driver);
  Put(j, "pool", v.pool);
  PutOmitEmpty(j, "nodeName", v.node_name);
  PutOmitEmpty(j, "nodeSelector", v.node_selector);
  PutOmitEmpty(j, "allNodes", v.all_nodes);
  PutOmitEmpty(j, "perDeviceNodeSelection", v.per_device_node_selection);
  PutOmitEmpty(j, "devices", v.devices);
  PutOmitEmpty(j, "sharedCounters", v.shared_counters);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceSlice& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiVersion", out.api_version);
  Field(r, j, "kind", out.kind);
  Field(r, j, "metadata", out.metadata);
  Field(r, j, "spec", out.spec);
}

json WriteJson(const ResourceSlice& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiVersion", v.api_version);
  PutOmitEmpty(j, "kind", v.kind);
  Put(j, "metadata", v.metadata);
  Put(j, "spec", v.spec);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceSliceList& out) { internal::ReadList(r, j, out); }
json WriteJson(const ResourceSliceList& v) { return internal::WriteList(v); }

}  // namespace allot::api
