// JSON codecs for the simulate request body.
#include "api/tooling/simulate.h"

#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, SimulateRequest>& o) {
  v.Required("pod", o.pod);
  v.OmitEmpty("claims", o.claims);
  v.OmitEmpty("templates", o.templates);
  v.OmitEmpty("replicas", o.replicas);
  v.OmitEmpty("nodes", o.nodes);
}
ALLOT_API_DEFINE_JSON(SimulateRequest);

}  // namespace allot::api
