// Options::config_semantics: the result's devices.config under the Kubernetes 1.36.6 release
// rule (kRelease136) and under master (kMaster, the default). The four scenarios where the two
// differ are copied to tests/testdata/release136/ with `expect` rewritten by the Go reference
// allocator v0.36.6 (see the README there); kRelease136 must reproduce that config literally,
// kMaster the original expectation in tests/testdata/scenarios/k8s.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/scenario.h"
#include "core/alloc/allocator.h"
#include "core/alloc/conformance.h"

namespace allot::alloc {
namespace {

constexpr char kReleaseDir[] = "tests/testdata/release136/";
constexpr char kMasterDir[] = "tests/testdata/scenarios/k8s/";

// expect.allocations[claim].devices.config of a scenario file, as written in the file.
nlohmann::json ExpectedConfig(const std::string& path, size_t claim) {
  std::ifstream in(path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return nlohmann::json("unreadable " + path);
  const nlohmann::json& devices = j["expect"]["allocations"].at(claim)["devices"];
  return devices.contains("config") ? devices["config"] : nlohmann::json::array();
}

// devices.config of every claim the allocator returns for `path` with `semantics`.
std::vector<nlohmann::json> RunConfigs(const std::string& path, ConfigSemantics semantics) {
  std::vector<nlohmann::json> out;
  StatusOr<api::Scenario> sc = api::LoadScenarioFile(path);
  EXPECT_TRUE(sc.ok()) << sc.status();
  if (!sc.ok()) return out;
  Options options;
  options.config_semantics = semantics;
  auto run = RunScenario(*sc, options);
  EXPECT_TRUE(run.ok()) << run.status();
  if (!run.ok()) return out;
  EXPECT_TRUE(run->ok()) << run->status();
  if (!run->ok() || !run->value().has_value()) {
    ADD_FAILURE() << path << ": not allocated";
    return out;
  }
  for (const api::AllocationResult& r : *run->value()) {
    nlohmann::json j = api::WriteJson(r);
    out.push_back(j["devices"].contains("config") ? j["devices"]["config"] : nlohmann::json::array());
  }
  return out;
}

class ConfigSemanticsTest : public testing::TestWithParam<std::string> {};

TEST_P(ConfigSemanticsTest, Release136MatchesReference) {
  const std::string path = kReleaseDir + GetParam();
  std::vector<nlohmann::json> got = RunConfigs(path, ConfigSemantics::kRelease136);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], ExpectedConfig(path, 0)) << "got " << got[0].dump();
}

TEST_P(ConfigSemanticsTest, MasterMatchesScenario) {
  const std::string path = kMasterDir + GetParam();
  std::vector<nlohmann::json> got = RunConfigs(path, ConfigSemantics::kMaster);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], ExpectedConfig(path, 0)) << "got " << got[0].dump();
}

TEST_P(ConfigSemanticsTest, SemanticsDiffer) {
  // Guards against the test data drifting into two copies of the same expectation.
  EXPECT_NE(ExpectedConfig(kReleaseDir + GetParam(), 0), ExpectedConfig(kMasterDir + GetParam(), 0));
}

TEST_P(ConfigSemanticsTest, WholeScenarioUnderRelease136) {
  // Results and node selector are unaffected; compared in order, config literally.
  StatusOr<api::Scenario> sc = api::LoadScenarioFile(kReleaseDir + GetParam());
  ASSERT_TRUE(sc.ok()) << sc.status();
  Options options;
  options.config_semantics = ConfigSemantics::kRelease136;
  StatusOr<ScenarioCheck> check = CheckScenario(*sc, /*ordered=*/true, ScenarioMode::kSequential, nullptr, options);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->passed) << check->diff;
}

INSTANTIATE_TEST_SUITE_P(Release136, ConfigSemanticsTest,
                         testing::Values("052-with-class-device-config.json",
                                         "054-with-claim-config-for-two-requests.json",
                                         "068-prioritized-list-device-config.json",
                                         "069-prioritized-list-class-config.json"),
                         [](const testing::TestParamInfo<std::string>& p) {
                           return "s" + p.param.substr(0, 3);
                         });

// The literal 1.36.6 shapes, independent of the data files.
TEST(ConfigSemanticsLiteralTest, TwoRequestClaimConfigRepeatedPerRequest) {
  std::vector<nlohmann::json> got =
      RunConfigs(std::string(kMasterDir) + "054-with-claim-config-for-two-requests.json", ConfigSemantics::kRelease136);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].size(), 2u);
  for (const auto& e : got[0]) {
    EXPECT_EQ(e["source"], "FromClaim");
    EXPECT_EQ(e["requests"], nlohmann::json::parse(R"(["req-0","req-1"])"));
  }
}

TEST(ConfigSemanticsLiteralTest, ClassConfigNamesChosenSubrequest) {
  std::vector<nlohmann::json> got =
      RunConfigs(std::string(kMasterDir) + "069-prioritized-list-class-config.json", ConfigSemantics::kRelease136);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_EQ(got[0].size(), 1u);
  EXPECT_EQ(got[0][0]["source"], "FromClass");
  EXPECT_EQ(got[0][0]["requests"], nlohmann::json::parse(R"(["req-0/subReq-1"])"));
}

TEST(ConfigSemanticsLiteralTest, DefaultIsMaster) { EXPECT_EQ(Options{}.config_semantics, ConfigSemantics::kMaster); }

}  // namespace
}  // namespace allot::alloc
