// api::Quantity: a Kubernetes resource.Quantity as it appears on the wire.
//
// api/ keeps quantities as their original text ("80Gi", "100", "1.5e3") so that decode -> encode is
// lossless and api/ does not depend on core/. The decoder checks the syntax (k8s/quantity_syntax.h);
// arithmetic and comparison by value belong to allot::quantity in core/.
//
// Thread safety: value type.
#pragma once

#include <string>
#include <utility>

#include "api/internal/json_fwd.h"

namespace allot::api {

struct Quantity {
  // The quantity exactly as written in the JSON string, e.g. "80Gi". Syntactically valid after Decode.
  std::string text;

  Quantity() = default;
  explicit Quantity(std::string t) : text(std::move(t)) {}
  bool operator==(const Quantity&) const = default;
};

ALLOT_API_DECLARE_JSON(Quantity);

}  // namespace allot::api
