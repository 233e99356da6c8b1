// The request body of allot's `POST /api/v1/simulate` (docs/tooling.md, "Simulate"):
//
//   {"pod": <Pod>, "claims": [<ResourceClaim>, ...], "templates": [<ResourceClaimTemplate>, ...],
//    "replicas": 10, "nodes": ["node-a", "node-b"]}
//
// `pod` is required; the others are optional (`replicas` defaults to 1; its bounds and everything else that
// is not the JSON's shape are checked by the route, which names the field). Decoding errors name the JSON
// path ("templates[0].spec.spec.devices.requests[0].name: missing required field"). The answer is built by
// the route as plain JSON and has no struct here.
//
// Thread safety: plain value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/internal/json_fwd.h"
#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"

namespace allot::api {

struct SimulateRequest {
  Pod pod;                                        // "pod" (required): the pod of which `replicas` copies are placed
  std::vector<ResourceClaim> claims;              // "claims": used before the store's claims of the same name
  std::vector<ResourceClaimTemplate> templates;   // "templates": the pod's ResourceClaimTemplates
  std::optional<int64_t> replicas;                // "replicas": default 1
  std::optional<std::vector<std::string>> nodes;  // "nodes": default every node
  bool operator==(const SimulateRequest&) const = default;
};

ALLOT_API_DECLARE_JSON(SimulateRequest);

}  // namespace allot::api
