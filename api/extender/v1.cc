#include "api/extender/v1.h"

#include "api/internal/json_io.h"

namespace allot::api {

using internal::FieldAnyCase;
using internal::Put;
using nlohmann::json;

void ReadJson(internal::JsonReader& r, const json& j, ExtenderArgs& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "Pod", out.pod);
  FieldAnyCase(r, j, "Nodes", out.nodes);
  FieldAnyCase(r, j, "NodeNames", out.node_names);
}

json WriteJson(const ExtenderArgs& v) {
  json j = json::object();
  Put(j, "Pod", v.pod);
  Put(j, "Nodes", v.nodes);
  Put(j, "NodeNames", v.node_names);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ExtenderFilterResult& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "Nodes", out.nodes);
  FieldAnyCase(r, j, "NodeNames", out.node_names);
  FieldAnyCase(r, j, "FailedNodes", out.failed_nodes);
  FieldAnyCase(r, j, "FailedAndUnresolvableNodes", out.failed_and_unresolvable_nodes);
  FieldAnyCase(r, j, "Error", out.error);
}

json WriteJson(const ExtenderFilterResult& v) {
  json j = json::object();
  Put(j, "Nodes", v.nodes);
  Put(j, "NodeNames", v.node_names);
  Put(j, "FailedNodes", v.failed_nodes);
  Put(j, "FailedAndUnresolvableNodes", v.failed_and_unresolvable_nodes);
  Put(j, "Error", v.error);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, HostPriority& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "Host", out.host);
  FieldAnyCase(r, j, "Score", out.score);
}

json WriteJson(const HostPriority& v) {
  json j = json::object();
  Put(j, "Host", v.host);
  Put(j, "Score", v.score);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ExtenderBindingArgs& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "PodName", out.pod_name);
  FieldAnyCase(r, j, "PodNamespace", out.pod_namespace);
  FieldAnyCase(r, j, "PodUID", out.pod_uid);
  FieldAnyCase(r, j, "Node", out.node);
}

json WriteJson(const ExtenderBindingArgs& v) {
  json j = json::object();
  Put(j, "PodName", v.pod_name);
  Put(j, "PodNamespace", v.pod_namespace);
  Put(j, "PodUID", v.pod_uid);
  Put(j, "Node", v.node);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ExtenderBindingResult& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "Error", out.error);
}

json WriteJson(const ExtenderBindingResult& v) {
  json j = json::object();
  Put(j, "Error", v.error);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, MetaPod& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "UID", out.uid);
}

json WriteJson(const MetaPod& v) {
  json j = json::object();
  Put(j, "UID", v.uid);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, MetaVictims& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "Pods", out.pods);
  FieldAnyCase(r, j, "NumPDBViolations", out.num_pdb_violations);
}

json WriteJson(const MetaVictims& v) {
  json j = json::object();
  Put(j, "Pods", v.pods);
  Put(j, "NumPDBViolations", v.num_pdb_violations);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Victims& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "Pods", out.pods);
  FieldAnyCase(r, j, "NumPDBViolations", out.num_pdb_violations);
}

json WriteJson(const Victims& v) {
  json j = json::object();
  Put(j, "Pods", v.pods);
  Put(j, "NumPDBViolations", v.num_pdb_violations);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ExtenderPreemptionArgs& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "Pod", out.pod);
  FieldAnyCase(r, j, "NodeNameToVictims", out.node_name_to_victims);
  FieldAnyCase(r, j, "NodeNameToMetaVictims", out.node_name_to_meta_victims);
}

json WriteJson(const ExtenderPreemptionArgs& v) {
  json j = json::object();
  Put(j, "Pod", v.pod);
  Put(j, "NodeNameToVictims", v.node_name_to_victims);
  Put(j, "NodeNameToMetaVictims", v.node_name_to_meta_victims);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ExtenderPreemptionResult& out) {
  if (!internal::ExpectObject(r, j)) return;
  FieldAnyCase(r, j, "NodeNameToMetaVictims", out.node_name_to_meta_victims);
}

json WriteJson(const ExtenderPreemptionResult& v) {
  json j = json::object();
  Put(j, "NodeNameToMetaVictims", v.node_name_to_meta_victims);
  return j;
}

}  // namespace allot::api
