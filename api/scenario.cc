#include "api/scenario.h"

#include <fstream>
#include <sstream>

#include "api/codec.h"
#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, ScenarioNode>& o) {
  v.Required("name", o.name);
  v.Optional("labels", o.labels);
}
ALLOT_API_DEFINE_JSON(ScenarioNode);

namespace {
// Decode-only check of ScenarioExpect.outcome: the one custom piece of the scenario codec.
std::string CheckOutcome(const std::string& outcome) {
  if (outcome == kOutcomeAllocated || outcome == kOutcomeUnsatisfiable || outcome == kOutcomeError) return "";
  return "unknown outcome \"" + outcome + "\" (want allocated, unsatisfiable or error)";
}
}  // namespace

template <class V>
void Fields(V& v, internal::Visited<V, ScenarioExpect>& o) {
  v.Required("outcome", o.outcome, CheckOutcome);
  v.OmitEmpty("errorContains", o.error_contains);
  v.OmitEmpty("allocations", o.allocations);
}
ALLOT_API_DEFINE_JSON(ScenarioExpect);

template <class V>
void Fields(V& v, internal::Visited<V, Scenario>& o) {
  v.Required("name", o.name);
  v.Optional("origin", o.origin);
  v.Optional("features", o.features);
  v.Required("node", o.node);
  v.Optional("deviceClasses", o.device_classes);
  v.Optional("resourceSlices", o.resource_slices);
  v.Optional("allocatedClaims", o.allocated_claims);
  v.Optional("claims", o.claims);
  v.Required("expect", o.expect);
}
ALLOT_API_DEFINE_JSON(Scenario);

StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read scenario file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  StatusOr<Scenario> scenario = Decode<Scenario>(std::string_view(text.str()));
  if (!scenario.ok()) return scenario.status().WithPrefix(path);
  return scenario;
}

}  // namespace allot::api
