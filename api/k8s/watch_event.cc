// JSON codec for a watch event (api/internal/json_fields.h).
#include "api/k8s/watch_event.h"

#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, WatchEvent>& o) {
  v.Required("type", o.type);
  v.Required("object", o.object);
}
ALLOT_API_DEFINE_JSON(WatchEvent);

}  // namespace allot::api
