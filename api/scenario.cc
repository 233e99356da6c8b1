#include "api/scenario.h"

#include <fstream>
#include <sstream>

#include "api/codec.h"
#include "api/internal/json_io.h"

namespace allot::api {

using internal::Field;
using internal::Put;
using internal::PutOmitEmpty;
using internal::Required;
using nlohmann::json;

void ReadJson(internal::JsonReader& r, const json& j, ScenarioNode& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "labels", out.labels);
}

json WriteJson(const ScenarioNode& v) {
  json j = json::object();
  Put(j, "name", v.name);
  Put(j, "labels", v.labels);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, ScenarioExpect& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "outcome", out.outcome);
  if (r.ok() && out.outcome != kOutcomeAllocated && out.outcome != kOutcomeUnsatisfiable &&
      out.outcome != kOutcomeError) {
    auto segment = r.Key("outcome");
    r.Fail("unknown outcome \"" + out.outcome + "\" (want allocated, unsatisfiable or error)");
    return;
  }
  Field(r, j, "errorContains", out.error_contains);
  Field(r, j, "allocations", out.allocations);
}

json WriteJson(const ScenarioExpect& v) {
  json j = json::object();
  Put(j, "outcome", v.outcome);
  PutOmitEmpty(j, "errorContains", v.error_contains);
  PutOmitEmpty(j, "allocations", v.allocations);
  return j;
}

void ReadJson(internal::JsonReader& r, const json& j, Scenario& out) {
  if (!internal::ExpectObject(r, j)) return;
  Required(r, j, "name", out.name);
  Field(r, j, "origin", out.origin);
  Field(r, j, "features", out.features);
  Required(r, j, "node", out.node);
  Field(r, j, "deviceClasses", out.device_classes);
  Field(r, j, "resourceSlices", out.resource_slices);
  Field(r, j, "allocatedClaims", out.allocated_claims);
  Field(r, j, "claims", out.claims);
  Required(r, j, "expect", out.expect);
}

json WriteJson(const Scenario& v) {
  json j = json::object();
  Put(j, "name", v.name);
  Put(j, "origin", v.origin);
  Put(j, "features", v.features);
  Put(j, "node", v.node);
  Put(j, "deviceClasses", v.device_classes);
  Put(j, "resourceSlices", v.resource_slices);
  Put(j, "allocatedClaims", v.allocated_claims);
  Put(j, "claims", v.claims);
  Put(j, "expect", v.expect);
  return j;
}

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
