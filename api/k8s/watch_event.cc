#include "api/k8s/watch_event.h"

#include "api/internal/json_io.h"

namespace allot::api {

void ReadJson(internal::JsonReader& r, const nlohmann::json& j, WatchEvent& out) {
  if (!internal::ExpectObject(r, j)) return;
  internal::Required(r, j, "type", out.type);
  internal::Required(r, j, "object", out.object);
}

nlohmann::json WriteJson(const WatchEvent& v) {
  nlohmann::json j = nlohmann::json::object();
  internal::Put(j, "type", v.type);
  internal::Put(j, "object", v.object);
  return j;
}

}  // namespace allot::api
