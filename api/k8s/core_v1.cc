// JSON codecs for the core/v1 subset (Node, Pod): one field list per struct
// (api/internal/json_fields.h).
#include "api/k8s/core_v1.h"

#include "api/internal/json_fields.h"

namespace allot::api {

// ---- NodeSelector -----------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, NodeSelectorRequirement>& o) {
  v.Required("key", o.key);
  v.Required("operator", o.operator_);
  v.OmitEmpty("values", o.values);
}
ALLOT_API_DEFINE_JSON(NodeSelectorRequirement);

template <class V>
void Fields(V& v, internal::Visited<V, NodeSelectorTerm>& o) {
  v.OmitEmpty("matchExpressions", o.match_expressions);
  v.OmitEmpty("matchFields", o.match_fields);
}
ALLOT_API_DEFINE_JSON(NodeSelectorTerm);

template <class V>
void Fields(V& v, internal::Visited<V, NodeSelector>& o) {
  v.Optional("nodeSelectorTerms", o.node_selector_terms);
}
ALLOT_API_DEFINE_JSON(NodeSelector);

// ---- Node -------------------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, Taint>& o) {
  v.Required("key", o.key);
  v.OmitEmpty("value", o.value);
  v.Required("effect", o.effect);
  v.OmitEmpty("timeAdded", o.time_added);
}
ALLOT_API_DEFINE_JSON(Taint);

template <class V>
void Fields(V& v, internal::Visited<V, NodeSpec>& o) {
  v.OmitEmpty("unschedulable", o.unschedulable);
  v.OmitEmpty("taints", o.taints);
}
ALLOT_API_DEFINE_JSON(NodeSpec);

template <class V>
void Fields(V& v, internal::Visited<V, NodeCondition>& o) {
  v.Required("type", o.type);
  v.Required("status", o.status);
  v.OmitEmpty("lastHeartbeatTime", o.last_heartbeat_time);
  v.OmitEmpty("lastTransitionTime", o.last_transition_time);
  v.OmitEmpty("reason", o.reason);
  v.OmitEmpty("message", o.message);
}
ALLOT_API_DEFINE_JSON(NodeCondition);

template <class V>
void Fields(V& v, internal::Visited<V, NodeStatus>& o) {
  v.OmitEmpty("capacity", o.capacity);
  v.OmitEmpty("allocatable", o.allocatable);
  v.OmitEmpty("conditions", o.conditions);
}
ALLOT_API_DEFINE_JSON(NodeStatus);

template <class V>
void Fields(V& v, internal::Visited<V, Node>& o) {
  internal::KindAndMetadata(v, o);
  v.Optional("spec", o.spec);
  v.Optional("status", o.status);
}
ALLOT_API_DEFINE_JSON(Node);

ALLOT_API_DEFINE_JSON(NodeList);

// ---- Pod --------------------------------------------------------------------------------------

template <class V>
void Fields(V& v, internal::Visited<V, PodResourceClaim>& o) {
  v.Required("name", o.name);
  v.OmitEmpty("resourceClaimName", o.resource_claim_name);
  v.OmitEmpty("resourceClaimTemplateName", o.resource_claim_template_name);
}
ALLOT_API_DEFINE_JSON(PodResourceClaim);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceClaimReference>& o) {
  v.Required("name", o.name);
  v.OmitEmpty("request", o.request);
}
ALLOT_API_DEFINE_JSON(ResourceClaimReference);

template <class V>
void Fields(V& v, internal::Visited<V, ResourceRequirements>& o) {
  v.OmitEmpty("limits", o.limits);
  v.OmitEmpty("requests", o.requests);
  v.OmitEmpty("claims", o.claims);
}
ALLOT_API_DEFINE_JSON(ResourceRequirements);

template <class V>
void Fields(V& v, internal::Visited<V, Container>& o) {
  v.Required("name", o.name);
  v.OmitEmpty("image", o.image);
  v.OmitZero("resources", o.resources);
}
ALLOT_API_DEFINE_JSON(Container);

template <class V>
void Fields(V& v, internal::Visited<V, PodSpec>& o) {
  v.OmitEmpty("nodeName", o.node_name);
  v.OmitEmpty("nodeSelector", o.node_selector);
  v.OmitEmpty("schedulerName", o.scheduler_name);
  v.OmitEmpty("resourceClaims", o.resource_claims);
  v.OmitEmpty("initContainers", o.init_containers);
  v.Optional("containers", o.containers);
}
ALLOT_API_DEFINE_JSON(PodSpec);

template <class V>
void Fields(V& v, internal::Visited<V, PodResourceClaimStatus>& o) {
  v.Required("name", o.name);
  v.OmitEmpty("resourceClaimName", o.resource_claim_name);
}
ALLOT_API_DEFINE_JSON(PodResourceClaimStatus);

template <class V>
void Fields(V& v, internal::Visited<V, ContainerExtendedResourceRequest>& o) {
  v.Optional("containerName", o.container_name);
  v.Optional("resourceName", o.resource_name);
  v.Optional("requestName", o.request_name);
}
ALLOT_API_DEFINE_JSON(ContainerExtendedResourceRequest);

template <class V>
void Fields(V& v, internal::Visited<V, PodExtendedResourceClaimStatus>& o) {
  v.Optional("requestMappings", o.request_mappings);
  v.Optional("resourceClaimName", o.resource_claim_name);
}
ALLOT_API_DEFINE_JSON(PodExtendedResourceClaimStatus);

template <class V>
void Fields(V& v, internal::Visited<V, PodStatus>& o) {
  v.OmitEmpty("phase", o.phase);
  v.OmitEmpty("resourceClaimStatuses", o.resource_claim_statuses);
  v.OmitEmpty("extendedResourceClaimStatus", o.extended_resource_claim_status);
}
ALLOT_API_DEFINE_JSON(PodStatus);

template <class V>
void Fields(V& v, internal::Visited<V, Pod>& o) {
  internal::KindAndMetadata(v, o);
  v.Optional("spec", o.spec);
  v.Optional("status", o.status);
}
ALLOT_API_DEFINE_JSON(Pod);

ALLOT_API_DEFINE_JSON(PodList);

}  // namespace allot::api
