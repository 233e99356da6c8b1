// The conformance table: every scenario file in tests/testdata/scenarios/k8s, run sequentially
// through Allocate() and through NodeFanout (several copies of the node on the thread pool).
// Also the differential tables: tests/core/alloc/random, generated scenarios whose expectations
// were written by the Go reference allocator (v0.36.6; re-checked with v0.37.2, which decides every
// one the same way; gen_random_scenarios.py + `reference expect`, see bench/reference), and
// tests/testdata/release137, hand-made cases where 1.37 decides differently from 1.36, with `expect`
// written by the reference v0.37.2.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
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
constexpr char kRandomDir[] = "tests/core/alloc/random";
constexpr char kRelease137Dir[] = "tests/testdata/release137";

// Paths relative to the repository root.
std::vector<std::string> ScenarioFiles(const char* dir = kDir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") out.push_back(std::string(dir) + "/" + e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
  std::string file = fs::path(info.param).filename().string();
  std::string name = file.substr(0, file.size() - 5);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return "f" + name;
}

class ScenarioTableTest : public testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    std::ifstream index(std::string(kDir) + "/INDEX.md");
    ASSERT_TRUE(index) << kDir << "/INDEX.md";
    std::ostringstream text;
    text << index.rdbuf();
    ordered_ = new std::set<std::string>(ParseOrderedCases(text.str()));
    ASSERT_FALSE(ordered_->empty()) << "INDEX.md marks no case **ordered.**";
    fanout_ = new NodeFanout(2);
  }
  static void TearDownTestSuite() {
    delete ordered_;
    delete fanout_;
  }
  void Check(ScenarioMode mode) {
    StatusOr<api::Scenario> sc = api::LoadScenarioFile(GetParam());
    ASSERT_TRUE(sc.ok()) << sc.status();
    const bool ordered = ordered_->count(fs::path(GetParam()).filename().string()) > 0;
    StatusOr<ScenarioCheck> check = CheckScenario(*sc, ordered, mode, fanout_);
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
INSTANTIATE_TEST_SUITE_P(ReferenceRandom, ScenarioTableTest, testing::ValuesIn(ScenarioFiles(kRandomDir)), TestName);
INSTANTIATE_TEST_SUITE_P(Release137, ScenarioTableTest, testing::ValuesIn(ScenarioFiles(kRelease137Dir)), TestName);

TEST(ScenarioTableMetaTest, AllScenarioFilesPresent) {
  // 168 scenarios are the conformance table; losing files silently would weaken it.
  EXPECT_EQ(ScenarioFiles().size(), 168u);
  EXPECT_GE(ScenarioFiles(kRandomDir).size(), 100u);
  EXPECT_EQ(ScenarioFiles(kRelease137Dir).size(), 5u);
}

}  // namespace
}  // namespace allot::alloc
