// Allocation scenario files (tests/testdata/scenarios/FORMAT.md): one JSON object per file with the
// cluster objects for one node, the claims to allocate and the expected outcome.
//
// All objects use the real resource.k8s.io/v1 types from k8s/resource_v1.h. Encode writes every
// top-level key (also empty lists), `expect.allocations` only when non-empty and `errorContains`
// only when non-empty, which reproduces the files exactly.
//
// Thread safety: plain value types; LoadScenarioFile is reentrant.
#pragma once

#include <string>
#include <vector>

#include "api/internal/json_fwd.h"
#include "api/k8s/meta.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"

namespace allot::api {

struct ScenarioNode {
  std::string name;  // required
  StringMap labels;  // always encoded
  bool operator==(const ScenarioNode&) const = default;
};

inline constexpr char kOutcomeAllocated[] = "allocated";
inline constexpr char kOutcomeUnsatisfiable[] = "unsatisfiable";
inline constexpr char kOutcomeError[] = "error";

struct ScenarioExpect {
  std::string outcome;         // required: allocated | unsatisfiable | error (checked by Decode)
  std::string error_contains;  // only for outcome "error"
  std::vector<AllocationResult> allocations;  // one per claim, same order (outcome "allocated")
  bool operator==(const ScenarioExpect&) const = default;
};

struct Scenario {
  std::string name;   // required
  std::string origin;
  std::vector<std::string> features;  // feature gates that are on, e.g. "PartitionableDevices"
  ScenarioNode node;
  std::vector<DeviceClass> device_classes;
  std::vector<ResourceSlice> resource_slices;
  std::vector<ResourceClaim> allocated_claims;  // claims already carrying status.allocation
  std::vector<ResourceClaim> claims;            // to allocate together, in order
  ScenarioExpect expect;
  bool operator==(const Scenario&) const = default;
};

ALLOT_API_DECLARE_JSON(ScenarioNode);
ALLOT_API_DECLARE_JSON(ScenarioExpect);
ALLOT_API_DECLARE_JSON(Scenario);

// Reads and decodes one scenario file. NotFound if the file cannot be read; InvalidArgument with
// "<path>: <json path>: <problem>" if it does not decode.
StatusOr<Scenario> LoadScenarioFile(const std::string& path);

}  // namespace allot::api
