#include "api/k8s/core_v1.h"

#include "api/internal/json_io.h"

namespace allot::api {

using internal::Field;
using internal::Put;
using internal::PutOmitEmpty;
using internal::Required;
using nlohmann::json;

// ---- NodeSelector -----------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, NodeSelectorRequirement& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "key", out.key);
  Required(r, j, "operator", out.operator_);
  Field(r, j, "values", out.values);
}

json WriteJson(const NodeSelectorRequirement& v) {
  json j = json::object();
  Put(j, "key", v.key);
  Put(j, "operator", v.operator_);
  PutOmitEmpty(j, "values", v.values);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, NodeSelectorTerm& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "matchExpressions", out.match_expressions);
  Field(r, j, "matchFields", out.match_fields);
}

json WriteJson(const NodeSelectorTerm& v) {
  json j = json::object();
  PutOmitEmpty(j, "matchExpressions", v.match_expressions);
  PutOmitEmpty(j, "matchFields", v.match_fields);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, NodeSelector& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "nodeSelectorTerms", out.node_selector_terms);
}

json WriteJson(const NodeSelector& v) {
  json j = json::object();
  Put(j, "nodeSelectorTerms", v.node_selector_terms);
  return j;
}

// ---- Node -------------------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, Taint& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "key", out.key);
  Field(r, j, "value", out.value);
  Required(r, j, "effect", out.effect);
  Field(r, j, "timeAdded", out.time_added);
}

json WriteJson(const Taint& v) {
  json j = json::object();
  Put(j, "key", v.key);
  PutOmitEmpty(j, "value", v.value);
  Put(j, "effect", v.effect);
  PutOmitEmpty(j, "timeAdded", v.time_added);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, NodeSpec& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "unschedulable", out.unschedulable);
  Field(r, j, "taints", out.taints);
}

json WriteJson(const NodeSpec& v) {
  json j = json::object();
  PutOmitEmpty(j, "unschedulable", v.unschedulable);
  PutOmitEmpty(j, "taints", v.taints);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, NodeCondition& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "type", out.type);
  Required(r, j, "status", out.status);
  Field(r, j, "lastHeartbeatTime", out.last_heartbeat_time);
  Field(r, j, "lastTransitionTime", out.last_transition_time);
  Field(r, j, "reason", out.reason);
  Field(r, j, "message", out.message);
}

json WriteJson(const NodeCondition& v) {
  json j = json::object();
  Put(j, "type", v.type);
  Put(j, "status", v.status);
  PutOmitEmpty(j, "lastHeartbeatTime", v.last_heartbeat_time);
  PutOmitEmpty(j, "lastTransitionTime", v.last_transition_time);
  PutOmitEmpty(j, "reason", v.reason);
  PutOmitEmpty(j, "message", v.message);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, NodeStatus& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "capacity", out.capacity);
  Field(r, j, "allocatable", out.allocatable);
  Field(r, j, "conditions", out.conditions);
}

json WriteJson(const NodeStatus& v) {
  json j = json::object();
  PutOmitEmpty(j, "capacity", v.capacity);
  PutOmitEmpty(j, "allocatable", v.allocatable);
  PutOmitEmpty(j, "conditions", v.conditions);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Node& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiVersion", out.api_version);
  Field(r, j, "kind", out.kind);
  Field(r, j, "metadata", out.metadata);
  Field(r, j, "spec", out.spec);
  Field(r, j, "status", out.status);
}

json WriteJson(const Node& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiVersion", v.api_version);
  PutOmitEmpty(j, "kind", v.kind);
  Put(j, "metadata", v.metadata);
  Put(j, "spec", v.spec);
  Put(j, "status", v.status);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, NodeList& out) { internal::ReadList(r, j, out); }
json WriteJson(const NodeList& v) { return internal::WriteList(v); }

// ---- Pod --------------------------------------------------------------------------------------

void ReadJson(internal::JsonReader& r, const json& j, PodResourceClaim& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "resourceClaimName", out.resource_claim_name);
  Field(r, j, "resourceClaimTemplateName", out.resource_claim_template_name);
}

json WriteJson(const PodResourceClaim& v) {
  json j = json::object();
  Put(j, "name", v.name);
  PutOmitEmpty(j, "resourceClaimName", v.resource_claim_name);
  PutOmitEmpty(j, "resourceClaimTemplateName", v.resource_claim_template_name);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceClaimReference& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "request", out.request);
}

json WriteJson(const ResourceClaimReference& v) {
  json j = json::object();
  Put(j, "name", v.name);
  PutOmitEmpty(j, "request", v.request);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ResourceRequirements& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "limits", out.limits);
  Field(r, j, "requests", out.requests);
  Field(r, j, "claims", out.claims);
}

json WriteJson(const ResourceRequirements& v) {
  json j = json::object();
  PutOmitEmpty(j, "limits", v.limits);
  PutOmitEmpty(j, "requests", v.requests);
  PutOmitEmpty(j, "claims", v.claims);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Container& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "image", out.image);
  Field(r, j, "resources", out.resources);
}

json WriteJson(const Container& v) {
  json j = json::object();
  Put(j, "name", v.name);
  PutOmitEmpty(j, "image", v.image);
  if (v.resources != ResourceRequirements{}) Put(j, "resources", v.resources);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, PodSpec& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "nodeName", out.node_name);
  Field(r, j, "schedulerName", out.scheduler_name);
  Field(r, j, "resourceClaims", out.resource_claims);
  Field(r, j, "initContainers", out.init_containers);
  Field(r, j, "containers", out.containers);
}

json WriteJson(const PodSpec& v) {
  json j = json::object();
  PutOmitEmpty(j, "nodeName", v.node_name);
  PutOmitEmpty(j, "schedulerName", v.scheduler_name);
  PutOmitEmpty(j, "resourceClaims", v.resource_claims);
  PutOmitEmpty(j, "initContainers", v.init_containers);
  Put(j, "containers", v.containers);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, PodResourceClaimStatus& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "resourceClaimName", out.resource_claim_name);
}

json WriteJson(const PodResourceClaimStatus& v) {
  json j = json::object();
  Put(j, "name", v.name);
  PutOmitEmpty(j, "resourceClaimName", v.resource_claim_name);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ContainerExtendedResourceRequest& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "containerName", out.container_name);
  Field(r, j, "resourceName", out.resource_name);
  Field(r, j, "requestName", out.request_name);
}

json WriteJson(const ContainerExtendedResourceRequest& v) {
  json j = json::object();
  Put(j, "containerName", v.container_name);
  Put(j, "resourceName", v.resource_name);
  Put(j, "requestName", v.request_name);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, PodExtendedResourceClaimStatus& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "requestMappings", out.request_mappings);
  Field(r, j, "resourceClaimName", out.resource_claim_name);
}

json WriteJson(const PodExtendedResourceClaimStatus& v) {
  json j = json::object();
  Put(j, "requestMappings", v.request_mappings);
  Put(j, "resourceClaimName", v.resource_claim_name);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, PodStatus& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "phase", out.phase);
  Field(r, j, "resourceClaimStatuses", out.resource_claim_statuses);
  Field(r, j, "extendedResourceClaimStatus", out.extended_resource_claim_status);
}

json WriteJson(const PodStatus& v) {
  json j = json::object();
  PutOmitEmpty(j, "phase", v.phase);
  PutOmitEmpty(j, "resourceClaimStatuses", v.resource_claim_statuses);
  PutOmitEmpty(j, "extendedResourceClaimStatus", v.extended_resource_claim_status);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Pod& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiVersion", out.api_version);
  Field(r, j, "kind", out.kind);
  Field(r, j, "metadata", out.metadata);
  Field(r, j, "spec", out.spec);
  Field(r, j, "status", out.status);
}

json WriteJson(const Pod& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiVersion", v.api_version);
  PutOmitEmpty(j, "kind", v.kind);
  Put(j, "metadata", v.metadata);
  Put(j, "spec", v.spec);
  Put(j, "status", v.status);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, PodList& out) { internal::ReadList(r, j, out); }
json WriteJson(const PodList& v) { return internal::WriteList(v); }

}  // namespace allot::api
