// The request body of allot's `POST /api/v1/explain` (docs/tooling.md, "Explain"):
//
//   {"podRef": {"namespace": "team-a", "name": "trainer"}}                  a pod allot reads from the API
//   {"pod": <Pod>, "claims": [<ResourceClaim>, ...], "nodes": ["node-a"]}   a pod (and claims) not created yet
//
// Exactly one of `podRef` and `pod` must be set (checked by the route, which names the field); `claims`
// and `nodes` are optional. Decoding errors name the JSON path ("claims[1].spec.devices.requests[0].name:
// missing required field"). The answer is built by the route as plain JSON and has no struct here.
//
// Thread safety: plain value types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/internal/json_fwd.h"
#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"

namespace allot::api {

struct PodRef {
  std::string namespace_;  // JSON "namespace"; "" = "default"
  std::string name;        // required
  bool operator==(const PodRef&) const = default;
};

struct ExplainRequest {
  std::optional<PodRef> pod_ref;                  // "podRef"
  std::optional<Pod> pod;                         // "pod"
  std::vector<ResourceClaim> claims;              // "claims": used before the store's claims of the same name
  std::optional<std::vector<std::string>> nodes;  // "nodes": default every node
  bool operator==(const ExplainRequest&) const = default;
};

ALLOT_API_DECLARE_JSON(PodRef);
ALLOT_API_DECLARE_JSON(ExplainRequest);

}  // namespace allot::api
