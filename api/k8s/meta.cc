// JSON codecs for meta/v1 types: one field list per struct (api/internal/json_fields.h).
#include "api/k8s/meta.h"

#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, OwnerReference>& o) {
  v.Required("apiVersion", o.api_version);
  v.Required("kind", o.kind);
  v.Required("name", o.name);
  v.Required("uid", o.uid);
  v.OmitEmpty("controller", o.controller);
  v.OmitEmpty("blockOwnerDeletion", o.block_owner_deletion);
}
ALLOT_API_DEFINE_JSON(OwnerReference);

template <class V>
void Fields(V& v, internal::Visited<V, ObjectMeta>& o) {
  v.OmitEmpty("name", o.name);
  v.OmitEmpty("generateName", o.generate_name);
  v.OmitEmpty("namespace", o.namespace_);
  v.OmitEmpty("uid", o.uid);
  v.OmitEmpty("resourceVersion", o.resource_version);
  v.OmitEmpty("generation", o.generation);
  v.OmitEmpty("creationTimestamp", o.creation_timestamp);
  v.OmitEmpty("deletionTimestamp", o.deletion_timestamp);
  v.OmitEmpty("deletionGracePeriodSeconds", o.deletion_grace_period_seconds);
  v.OmitEmpty("labels", o.labels);
  v.OmitEmpty("annotations", o.annotations);
  v.OmitEmpty("finalizers", o.finalizers);
  v.OmitEmpty("ownerReferences", o.owner_references);
}
ALLOT_API_DEFINE_JSON(ObjectMeta);

template <class V>
void Fields(V& v, internal::Visited<V, ListMeta>& o) {
  v.OmitEmpty("resourceVersion", o.resource_version);
  v.OmitEmpty("continue", o.continue_token);
  v.OmitEmpty("remainingItemCount", o.remaining_item_count);
}
ALLOT_API_DEFINE_JSON(ListMeta);

template <class V>
void Fields(V& v, internal::Visited<V, Condition>& o) {
  v.Required("type", o.type);
  v.Required("status", o.status);
  v.OmitEmpty("observedGeneration", o.observed_generation);
  v.Optional("lastTransitionTime", o.last_transition_time);
  v.Optional("reason", o.reason);
  v.Optional("message", o.message);
}
ALLOT_API_DEFINE_JSON(Condition);

template <class V>
void Fields(V& v, internal::Visited<V, ApiStatus>& o) {
  v.OmitEmpty("apiVersion", o.api_version);
  v.OmitEmpty("kind", o.kind);
  v.OmitEmpty("status", o.status);
  v.OmitEmpty("message", o.message);
  v.OmitEmpty("reason", o.reason);
  v.OmitEmpty("code", o.code);
}
ALLOT_API_DEFINE_JSON(ApiStatus);

}  // namespace allot::api
