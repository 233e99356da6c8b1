#include "api/k8s/quantity.h"

#include <string>

#include "api/internal/json_io.h"
#include "api/k8s/quantity_syntax.h"

namespace allot::api {

void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, Quantity& out) {
  std::string text;
  if (json.is_number_integer() || json.is_number_unsigned()) {
    // Go's Quantity.UnmarshalJSON also accepts a bare JSON number; integers are kept as written.
    text = json.dump();
  } else if (json.is_string()) {
    text = json.get_ref<const std::string&>();
  } else {
    reader.Fail(std::string("expected quantity string, got ") + internal::JsonTypeName(json));
    return;
  }
  if (!IsValidQuantitySyntax(text)) {
    reader.Fail("invalid quantity " + nlohmann::json(text).dump(-1, ' ', false,
                                                                 nlohmann::json::error_handler_t::replace));
    return;
  }
  out.text = std::move(text);
}

nlohmann::json WriteJson(const Quantity& value) { return value.text; }

}  // namespace allot::api
