// JSON codecs for the explain request body.
#include "api/tooling/explain.h"

#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, PodRef>& o) {
  v.OmitEmpty("namespace", o.namespace_);
  v.Required("name", o.name);
}
ALLOT_API_DEFINE_JSON(PodRef);

template <class V>
void Fields(V& v, internal::Visited<V, ExplainRequest>& o) {
  v.OmitEmpty("podRef", o.pod_ref);
  v.OmitEmpty("pod", o.pod);
  v.OmitEmpty("claims", o.claims);
  v.OmitEmpty("nodes", o.nodes);
}
ALLOT_API_DEFINE_JSON(ExplainRequest);

}  // namespace allot::api
