// JSON codecs for the kube-scheduler extender messages. Every field is AnyCase: matched ignoring ASCII
// case on decode and always written on encode (an absent optional as null), as Go does for untagged
// struct fields.
#include "api/extender/v1.h"

#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, ExtenderArgs>& o) {
  v.AnyCase("Pod", o.pod);
  v.AnyCase("Nodes", o.nodes);
  v.AnyCase("NodeNames", o.node_names);
}
ALLOT_API_DEFINE_JSON(ExtenderArgs);

template <class V>
void Fields(V& v, internal::Visited<V, ExtenderFilterResult>& o) {
  v.AnyCase("Nodes", o.nodes);
  v.AnyCase("NodeNames", o.node_names);
  v.AnyCase("FailedNodes", o.failed_nodes);
  v.AnyCase("FailedAndUnresolvableNodes", o.failed_and_unresolvable_nodes);
  v.AnyCase("Error", o.error);
}
ALLOT_API_DEFINE_JSON(ExtenderFilterResult);

template <class V>
void Fields(V& v, internal::Visited<V, HostPriority>& o) {
  v.AnyCase("Host", o.host);
  v.AnyCase("Score", o.score);
}
ALLOT_API_DEFINE_JSON(HostPriority);

template <class V>
void Fields(V& v, internal::Visited<V, ExtenderBindingArgs>& o) {
  v.AnyCase("PodName", o.pod_name);
  v.AnyCase("PodNamespace", o.pod_namespace);
  v.AnyCase("PodUID", o.pod_uid);
  v.AnyCase("Node", o.node);
}
ALLOT_API_DEFINE_JSON(ExtenderBindingArgs);

template <class V>
void Fields(V& v, internal::Visited<V, ExtenderBindingResult>& o) {
  v.AnyCase("Error", o.error);
}
ALLOT_API_DEFINE_JSON(ExtenderBindingResult);

template <class V>
void Fields(V& v, internal::Visited<V, MetaPod>& o) {
  v.AnyCase("UID", o.uid);
}
ALLOT_API_DEFINE_JSON(MetaPod);

template <class V>
void Fields(V& v, internal::Visited<V, MetaVictims>& o) {
  v.AnyCase("Pods", o.pods);
  v.AnyCase("NumPDBViolations", o.num_pdb_violations);
}
ALLOT_API_DEFINE_JSON(MetaVictims);

template <class V>
void Fields(V& v, internal::Visited<V, Victims>& o) {
  v.AnyCase("Pods", o.pods);
  v.AnyCase("NumPDBViolations", o.num_pdb_violations);
}
ALLOT_API_DEFINE_JSON(Victims);

template <class V>
void Fields(V& v, internal::Visited<V, ExtenderPreemptionArgs>& o) {
  v.AnyCase("Pod", o.pod);
  v.AnyCase("NodeNameToVictims", o.node_name_to_victims);
  v.AnyCase("NodeNameToMetaVictims", o.node_name_to_meta_victims);
}
ALLOT_API_DEFINE_JSON(ExtenderPreemptionArgs);

template <class V>
void Fields(V& v, internal::Visited<V, ExtenderPreemptionResult>& o) {
  v.AnyCase("NodeNameToMetaVictims", o.node_name_to_meta_victims);
}
ALLOT_API_DEFINE_JSON(ExtenderPreemptionResult);

}  // namespace allot::api
