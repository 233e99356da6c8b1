#include "api/k8s/meta.h"

#include "api/internal/json_io.h"

namespace allot::api {

using internal::Field;
using internal::Put;
using internal::PutOmitEmpty;
using internal::Required;
using nlohmann::json;

void ReadJson(internal::JsonReader& r, const json& j, OwnerReference& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "apiVersion", out.api_version);
  Required(r, j, "kind", out.kind);
  Required(r, j, "name", out.name);
  Required(r, j, "uid", out.uid);
  Field(r, j, "controller", out.controller);
  Field(r, j, "blockOwnerDeletion", out.block_owner_deletion);
}

json WriteJson(const OwnerReference& v) {
  json j = json::object();
  Put(j, "apiVersion", v.api_version);
  Put(j, "kind", v.kind);
  Put(j, "name", v.name);
  Put(j, "uid", v.uid);
  PutOmitEmpty(j, "controller", v.controller);
  PutOmitEmpty(j, "blockOwnerDeletion", v.block_owner_deletion);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ObjectMeta& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "name", out.name);
  Field(r, j, "generateName", out.generate_name);
  Field(r, j, "namespace", out.namespace_);
  Field(r, j, "uid", out.uid);
  Field(r, j, "resourceVersion", out.resource_version);
  Field(r, j, "generation", out.generation);
  Field(r, j, "creationTimestamp", out.creation_timestamp);
  Field(r, j, "deletionTimestamp", out.deletion_timestamp);
  Field(r, j, "deletionGracePeriodSeconds", out.deletion_grace_period_seconds);
  Field(r, j, "labels", out.labels);
  Field(r, j, "annotations", out.annotations);
  Field(r, j, "finalizers", out.finalizers);
  Field(r, j, "ownerReferences", out.owner_references);
}

json WriteJson(const ObjectMeta& v) {
  json j = json::object();
  PutOmitEmpty(j, "name", v.name);
  PutOmitEmpty(j, "generateName", v.generate_name);
  PutOmitEmpty(j, "namespace", v.namespace_);
  PutOmitEmpty(j, "uid", v.uid);
  PutOmitEmpty(j, "resourceVersion", v.resource_version);
  PutOmitEmpty(j, "generation", v.generation);
  PutOmitEmpty(j, "creationTimestamp", v.creation_timestamp);
  PutOmitEmpty(j, "deletionTimestamp", v.deletion_timestamp);
  PutOmitEmpty(j, "deletionGracePeriodSeconds", v.deletion_grace_period_seconds);
  PutOmitEmpty(j, "labels", v.labels);
  PutOmitEmpty(j, "annotations", v.annotations);
  PutOmitEmpty(j, "finalizers", v.finalizers);
  PutOmitEmpty(j, "ownerReferences", v.owner_references);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ListMeta& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "resourceVersion", out.resource_version);
  Field(r, j, "continue", out.continue_token);
  Field(r, j, "remainingItemCount", out.remaining_item_count);
}

json WriteJson(const ListMeta& v) {
  json j = json::object();
  PutOmitEmpty(j, "resourceVersion", v.resource_version);
  PutOmitEmpty(j, "continue", v.continue_token);
  PutOmitEmpty(j, "remainingItemCount", v.remaining_item_count);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Condition& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "type", out.type);
  Required(r, j, "status", out.status);
  Field(r, j, "observedGeneration", out.observed_generation);
  Field(r, j, "lastTransitionTime", out.last_transition_time);
  Field(r, j, "reason", out.reason);
  Field(r, j, "message", out.message);
}

json WriteJson(const Condition& v) {
  json j = json::object();
  Put(j, "type", v.type);
  Put(j, "status", v.status);
  PutOmitEmpty(j, "observedGeneration", v.observed_generation);
  Put(j, "lastTransitionTime", v.last_transition_time);
  Put(j, "reason", v.reason);
  Put(j, "message", v.message);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ApiStatus& out) {
  if (!internal::ExpectObject(r, j)) return;
  Field(r, j, "apiVersion", out.api_version);
  Field(r, j, "kind", out.kind);
  Field(r, j, "status", out.status);
  Field(r, j, "message", out.message);
  Field(r, j, "reason", out.reason);
  Field(r, j, "code", out.code);
}

json WriteJson(const ApiStatus& v) {
  json j = json::object();
  PutOmitEmpty(j, "apiVersion", v.api_version);
  PutOmitEmpty(j, "kind", v.kind);
  PutOmitEmpty(j, "status", v.status);
  PutOmitEmpty(j, "message", v.message);
  PutOmitEmpty(j, "reason", v.reason);
  PutOmitEmpty(j, "code", v.code);
  return j;
}

}  // namespace allot::api
