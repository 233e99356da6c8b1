// The body of `POST /api/v1/simulate` built from a manifest file, for `kubectl allot simulate -f FILE`.
//
// The file (YAML documents, or JSON: an object, an array or a List) holds exactly one Pod plus any number of
// ResourceClaims and ResourceClaimTemplates. Objects without metadata.namespace get `default_namespace`
// (as `kubectl apply -f` does). The body is
//   {"pod": <Pod>, "claims": [<ResourceClaim>…]?, "templates": [<ResourceClaimTemplate>…]?,
//    "replicas": N, "nodes": [names]?}
// with claims, templates and nodes left out when empty. The objects themselves are checked by allot.
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace allot::svc::kubectl {

// kInvalidArgument: unparsable text, no Pod or more than one, another kind (naming the document's index and
// kind), a document that is not an object.
StatusOr<nlohmann::json> BuildSimulateBody(std::string_view manifest_text, const std::string& default_namespace,
                                           int replicas, const std::vector<std::string>& nodes);

}  // namespace allot::svc::kubectl
