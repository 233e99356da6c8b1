// JSON codecs for resource.k8s.io/v1 ResourceClaim, its status and ResourceClaimTemplate.
#include "api/internal/json_io.h"
#include "api/k8s/resource_v1.h"

namespace allot::api {

using internal::Field;
using internal::Put;
using internal::PutOmitEmpty;
using internal::Required;
using nlohmann::json;

// ---- spec -------------------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, CapacityRequirements& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "requests", out.requests);
}

json WriteJson(const CapacityRequirements& v) {
  json j = json::object();
  PutOmitEmpty(j, "requests", v.requests);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ExactDeviceRequest& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "deviceClassName", out.device_class_name);
  Field(r, j, "selectors", out.selectors);
  Field(r, j, "allocationMode", out.allocation_mode);
  Field(r, j, "count", out.count);
  Field(r, j, "adminAccess", out.admin_access);
  Field(r, j, "tolerations", out.tolerations);
  Field(r, j, "capacity", out.capacity);
}

json WriteJson(const ExactDeviceRequest& v) {
  json j = json::object();
  Put(j, "deviceClassName", v.device_class_name);
  PutOmitEmpty(j, "selectors", v.selectors);
  PutOmitEmpty(j, "allocationMode", v.allocation_mode);
  PutOmitEmpty(j, "count", v.count);
  PutOmitEmpty(j, "adminAccess", v.admin_access);
  PutOmitEmpty(j, "tolerations", v.tolerations);
  PutOmitEmpty(j, "capacity", v.capacity);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceSubRequest& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Required(r, j, "deviceClassName", out.device_class_name);
  Field(r, j, "selectors", out.selectors);
  Field(r, j, "allocationMode", out.allocation_mode);
  Field(r, j, "count", out.count);
  Field(r, j, "tolerations", out.tolerations);
  Field(r, j, "capacity", out.capacity);
}

json WriteJson(const DeviceSubRequest& v) {
  json j = json::object();
  Put(j, "name", v.name);
  Put(j, "deviceClassName", v.device_class_name);
  PutOmitEmpty(j, "selectors", v.selectors);
  PutOmitEmpty(j, "allocationMode", v.allocation_mode);
  PutOmitEmpty(j, "count", v.count);
  PutOmitEmpty(j, "tolerations", v.tolerations);
  PutOmitEmpty(j, "capacity", v.capacity);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceRequest& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "exactly", out.exactly);
  Field(r, j, "firstAvailable", out.first_available);
}

json WriteJson(const DeviceRequest& v) {
  json j = json::object();
  Put(j, "name", v.name);
  PutOmitEmpty(j, "exactly", v.exactly);
  PutOmitEmpty(j, "firstAvailable", v.first_available);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceConstraint& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "requests", out.requests);
  Field(r, j, "matchAttribute", out.match_attribute);
  Field(r, j, "distinctAttribute", out.distinct_attribute);
}

json WriteJson(const DeviceConstraint& v) {
  json j = json::object();
  PutOmitEmpty(j, "requests", v.requests);
  PutOmitEmpty(j, "matchAttribute", v.match_attribute);
  PutOmitEmpty(j, "distinctAttribute", v.distinct_attribute);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceClaimConfiguration& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "requests", out.requests);
  Field(r, j, "opaque", out.opaque);
}

json WriteJson(const DeviceClaimConfiguration& v) {
  json j = json::object();
  PutOmitEmpty(j, "requests", v.requests);
  PutOmitEmpty(j, "opaque", v.opaque);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceClaim& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "requests", out.requests);
  Field(r, j, "constraints", out.constraints);
  Field(r, j, "config", out.config);
}

json WriteJson(const DeviceClaim& v) {
  json j = json::object();
  PutOmitEmpty(j, "requests", v.requests);
  PutOmitEmpty(j, "constraints", v.constraints);
  PutOmitEmpty(j, "config", v.config);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimSpec& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "devices", out.devices);
}

json WriteJson(const ResourceClaimSpec& v) {
  json j = json::object();
  Put(j, "devices", v.devices);
  return j;
}

// ---- status -----------------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, DeviceRequestAllocationResult& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "request", out.request);
  Required(r, j, "driver", out.driver);
  Required(r, j, "pool", out.pool);
  Required(r, j, "device", out.device);
  Field(r, j, "adminAccess", out.admin_access);
  Field(r, j, "tolerations", out.tolerations);
  Field(r, j, "bindingConditions", out.binding_conditions);
  Field(r, j, "bindingFailureConditions", out.binding_failure_conditions);
  Field(r, j, "shareID", out.share_id);
  Field(r, j, "consumedCapacity", out.consumed_capacity);
}

json WriteJson(const DeviceRequestAllocationResult& v) {
  json j = json::object();
  Put(j, "request", v.request);
  Put(j, "driver", v.driver);
  Put(j, "pool", v.pool);
  Put(j, "device", v.device);
  PutOmitEmpty(j, "adminAccess", v.admin_access);
  PutOmitEmpty(j, "tolerations", v.tolerations);
  PutOmitEmpty(j, "bindingConditions", v.binding_conditions);
  PutOmitEmpty(j, "bindingFailureConditions", v.binding_failure_conditions);
  PutOmitEmpty(j, "shareID", v.share_id);
  PutOmitEmpty(j, "consumedCapacity", v.consumed_capacity);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceAllocationConfiguration& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "source", out.source);
  Field(r, j, "requests", out.requests);
  Field(r, j, "opaque", out.opaque);
}

json WriteJson(const DeviceAllocationConfiguration& v) {
  json j = json::object();
  Put(j, "source", v.source);
  PutOmitEmpty(j, "requests", v.requests);
  PutOmitEmpty(j, "opaque", v.opaque);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, DeviceAllocationResult& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "results", out.results);
  Field(r, j, "config", out.config);
}

json WriteJson(const DeviceAllocationResult& v) {
  json j = json::object();
  PutOmitEmpty(j, "results", v.results);
  PutOmitEmpty(j, "config", v.config);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, AllocationResult& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "devices", out.devices);
  Field(r, j, "nodeSelector", out.node_selector);
  Field(r, j, "allocationTimestamp", out.allocation_timestamp);
}

json WriteJson(const AllocationResult& v) {
  json j = json::object();
  Put(j, "devices", v.devices);
  PutOmitEmpty(j, "nodeSelector", v.node_selector);
  PutOmitEmpty(j, "allocationTimestamp", v.allocation_timestamp);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimConsumerReference& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiGroup", out.api_group);
  Required(r, j, "resource", out.resource);
  Required(r, j, "name", out.name);
  Required(r, j, "uid", out.uid);
}

json WriteJson(const ResourceClaimConsumerReference& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiGroup", v.api_group);
  Put(j, "resource", v.resource);
  Put(j, "name", v.name);
  Put(j, "uid", v.uid);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, NetworkDeviceData& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "interfaceName", out.interface_name);
  Field(r, j, "ips", out.ips);
  Field(r, j, "hardwareAddress", out.hardware_address);
}

json WriteJson(const NetworkDeviceData& v) {
  json j = json::object();
  PutOmitEmpty(j, "interfaceName", v.interface_name);
  PutOmitEmpty(j, "ips", v.ips);
  PutOmitEmpty(j, "hardwareAddress", v.hardware_address);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, AllocatedDeviceStatus& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "driver", out.driver);
  Required(r, j, "pool", out.pool);
  Required(r, j, "device", out.device);
  Field(r, j, "shareID", out.share_id);
  Field(r, j, "conditions", out.conditions);
  Field(r, j, "data", out.data);
  Field(r, j, "networkData", out.network_data);
}

json WriteJson(const AllocatedDeviceStatus& v) {
  json j = json::object();
  Put(j, "driver", v.driver);
  Put(j, "pool", v.pool);
  Put(j, "device", v.device);
  PutOmitEmpty(j, "shareID", v.share_id);
  PutOmitEmpty(j, "conditions", v.conditions);
  PutOmitEmpty(j, "data", v.data);
  PutOmitEmpty(j, "networkData", v.network_data);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimStatus& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "allocation", out.allocation);
  Field(r, j, "reservedFor", out.reserved_for);
  Field(r, j, "devices", out.devices);
}

json WriteJson(const ResourceClaimStatus& v) {
  json j = json::object();
  PutOmitEmpty(j, "allocation", v.allocation);
  PutOmitEmpty(j, "reservedFor", v.reserved_for);
  PutOmitEmpty(j, "devices", v.devices);
  return j;
}

// ---- objects ----------------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaim& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiVersion", out.api_version);
  Field(r, j, "kind", out.kind);
  Field(r, j, "metadata", out.metadata);
  Field(r, j, "spec", out.spec);
  Field(r, j, "status", out.status);
}

json WriteJson(const ResourceClaim& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiVersion", v.api_version);
  PutOmitEmpty(j, "kind", v.kind);
  Put(j, "metadata", v.metadata);
  Put(j, "spec", v.spec);
  if (v.status != ResourceClaimStatus{}) Put(j, "status", v.status);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimList& out) { internal::ReadList(r, j, out); }
json WriteJson(const ResourceClaimList& v) { return internal::WriteList(v); }

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimTemplateSpec& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "metadata", out.metadata);
  Field(r, j, "spec", out.spec);
}

json WriteJson(const ResourceClaimTemplateSpec& v) {
  json j = json::object();
  if (v.metadata != ObjectMeta{}) Put(j, "metadata", v.metadata);
  Put(j, "spec", v.spec);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimTemplate& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiVersion", out.api_version);
  Field(r, j, "kind", out.kind);
  Field(r, j, "metadata", out.metadata);
  Field(r, j, "spec", out.spec);
}

json WriteJson(const ResourceClaimTemplate& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiVersion", v.api_version);
  PutOmitEmpty(j, "kind", v.kind);
  Put(j, "metadata", v.metadata);
  Put(j, "spec", v.spec);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimTemplateList& out) {
  internal::ReadList(r, j, out);
}
json WriteJson(const ResourceClaimTemplateList& v) { return internal::WriteList(v); }

}  // namespace allot::api
