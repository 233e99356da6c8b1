// The conformance table: every scenario file in tests/testdata/scenarios/k8s, run sequentially
// through Allocate() and through NodeFanout (several copies of the node on the thread pool).
#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/scenario.h"
#include "core/alloc/conformance.h"
#include "core/alloc/node_fanout.h"

namespace allot::alloc {
namespace {

namespace fs = std::filesystem;
constexpr char kDir[] = "tests/testdata/scenarios/k8s";

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kDir, ec)) {
    if (e.path().extension() == ".json") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return "f" + name;
}

class ScenarioTableTest : public testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    StatusOr<std::set<std::string>> ordered = LoadOrderedCases(std::string(kDir) + "/INDEX.md");
    ASSERT_TRUE(ordered.ok()) << ordered.status();
    ordered_ = new std::set<std::string>(*ordered);
    fanout_ = new NodeFanout(2);
  }
  static void TearDownTestSuite() {
    delete ordered_;
    delete fanout_;
  }
  void Check(ScenarioMode mode) {
    StatusOr<api::Scenario> sc = api::LoadScenarioFile(std::string(kDir) + "/" + GetParam());
    ASSERT_TRUE(sc.ok()) << sc.status();
    StatusOr<ScenarioCheck> check = CheckScenario(*sc, ordered_->count(GetParam()) > 0, mode, fanout_);
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->passed) << check->diff;
  }
  static std::set<std::string>* ordered_;
  static NodeFanout* fanout_;
};

std::set<std::string>* ScenarioTableTest::ordered_ = nullptr;
NodeFanout* ScenarioTableTest::fanout_ = nullptr;

TEST_P(ScenarioTableTest, Sequential) { Check(ScenarioMode::kSequential); }
TEST_P(ScenarioTableTest, Fanout) { Check(ScenarioMode::kFanout); }

INSTANTIATE_TEST_SUITE_P(K8s, ScenarioTableTest, testing::ValuesIn(ScenarioFiles()), TestName);

TEST(ScenarioTableMetaTest, AllScenarioFilesPresent) {
  // 168 scenarios are the conformance table; losing files silently would weaken it.
  EXPECT_EQ(ScenarioFiles().size(), 168u);
}

}  // namespace
}  // namespace allot::alloc
