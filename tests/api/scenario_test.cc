// The scenario file decoder (tests/testdata/scenarios/FORMAT.md).
#include "api/scenario.h"

#include <gtest/gtest.h>

#include "api/codec.h"
#include "tests/api/testdata_files.h"

namespace allot::api {
namespace {

std::string ScenarioPath(const std::string& file) {
  return (testdata::RepoRoot() / "tests/testdata/scenarios/k8s" / file).string();
}

TEST(ScenarioTest, LoadsPrioritizedListWithTolerations) {
  auto s = LoadScenarioFile(ScenarioPath("099-tainted-two-devices-prioritized-list-tolerated.json"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->node.name, "node-1");
  EXPECT_EQ(s->expect.outcome, kOutcomeAllocated);
  ASSERT_EQ(s->expect.allocations.size(), 1u);
  const DeviceRequestAllocationResult& r = s->expect.allocations[0].devices.results.at(0);
  EXPECT_EQ(r.request, "req-0/subReq-1");
  EXPECT_EQ(r.tolerations.at(0).effect, "NoExecute");
  const NodeSelector& sel = s->expect.allocations[0].node_selector.value();
  EXPECT_EQ(sel.node_selector_terms.at(0).match_fields.at(0).key, "metadata.name");
  EXPECT_EQ(sel.node_selector_terms.at(0).match_fields.at(0).values, std::vector<std::string>{"node-1"});
  EXPECT_EQ(s->resource_slices.at(0).spec.devices.at(0).taints.at(0).effect, "NoSchedule");
  EXPECT_EQ(s->claims.at(0).spec.devices.requests.at(0).first_available.size(), 2u);
}

TEST(ScenarioTest, EveryScenarioLoadsWithAKnownOutcome) {
  int allocated = 0, unsatisfiable = 0, error = 0;
  for (const auto& path : testdata::JsonFilesIn("scenarios/k8s")) {
    auto s = LoadScenarioFile(path.string());
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_FALSE(s->name.empty()) << path;
    if (s->expect.outcome == kOutcomeAllocated) {
      ++allocated;
      EXPECT_EQ(s->expect.allocations.size(), s->claims.size()) << path;
    } else if (s->expect.outcome == kOutcomeUnsatisfiable) {
      ++unsatisfiable;
    } else {
      ++error;
      EXPECT_FALSE(s->expect.error_contains.empty()) << path;
    }
  }
  // Counts from tests/testdata/scenarios/k8s/INDEX.md ("168 scenarios: 98 allocated, 23 error, 47
  // unsatisfiable"; 1.37 moved 156 from allocated to unsatisfiable).
  EXPECT_EQ(allocated, 98);
  EXPECT_EQ(unsatisfiable, 47);
  EXPECT_EQ(error, 23);
}

TEST(ScenarioTest, ErrorsNameTheFileAndPath) {
  auto missing = LoadScenarioFile("tests/testdata/scenarios/k8s/does-not-exist.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  auto bad = Decode<Scenario>(R"({"name":"x","node":{"name":"n"},"expect":{"outcome":"maybe"}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), R"(expect.outcome: unknown outcome "maybe" (want allocated, unsatisfiable or error))");

  auto no_expect = Decode<Scenario>(R"({"name":"x","node":{"name":"n"}})");
  ASSERT_FALSE(no_expect.ok());
  EXPECT_EQ(no_expect.status().message(), "expect: missing required field");
}

TEST(ScenarioTest, EncodeWritesAllTopLevelKeys) {
  Scenario s;
  s.name = "n";
  s.node.name = "node-1";
  s.expect.outcome = kOutcomeUnsatisfiable;
  EXPECT_EQ(EncodeString(s),
            R"({"allocatedClaims":[],"claims":[],"deviceClasses":[],"expect":{"outcome":"unsatisfiable"},)"
            R"("features":[],"name":"n","node":{"labels":{},"name":"node-1"},"origin":"","resourceSlices":[]})");
}

}  // namespace
}  // namespace allot::api
