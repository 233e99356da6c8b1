// Runs tests/testdata/cel-vectors/cel-spec-subset.json in the base environment. Cases cel-go itself
// fails (celGoDiffers) are skipped; cases Kubernetes rejects at compile time carry a `k8s.compileError`
// in the vector file (one of them, optional_chaining_13, marked by allot: see docs/cel-conformance.md).
#include <gtest/gtest.h>

#include <set>

#include "core/cel/program.h"
#include "tests/core/cel/vectors.h"

namespace allot::cel {
namespace {

std::vector<nlohmann::json> SpecCases() {
  std::string error;
  return testing::LoadCelVectors("cel-spec-subset.json", &error);
}

class CelSpecVectorTest : public ::testing::TestWithParam<nlohmann::json> {};

TEST_P(CelSpecVectorTest, Conforms) {
  const nlohmann::json& c = GetParam();
  if (c.contains("celGoDiffers")) GTEST_SKIP() << "cel-go differs: " << c["celGoDiffers"].get<std::string>();
  const std::string expr = c["expression"].get<std::string>();
  const bool disable_check = c.value("disableCheck", false);
  auto result = EvaluateForTest(expr, disable_check);
  if (c.contains("k8s") && !disable_check) {
    ASSERT_FALSE(result.ok()) << "expected a homogeneous-literal compile error for " << expr;
    EXPECT_NE(result.status().message().find(c["k8s"]["compileError"].get<std::string>()), std::string::npos)
        << result.status().message();
    return;
  }
  const nlohmann::json& expect = c["expect"];
  if (expect.contains("error")) {
    // Any error (compile-time or run-time) satisfies cel-spec's expectation.
    if (result.ok()) {
      EXPECT_TRUE(result->is_error()) << expr << " returned " << result->DebugString();
    }
    return;
  }
  ASSERT_TRUE(result.ok()) << expr << "\n" << result.status().message();
  std::string why;
  EXPECT_TRUE(testing::ValueMatches(*result, expect, &why)) << expr << ": " << why;
}

INSTANTIATE_TEST_SUITE_P(CelSpec, CelSpecVectorTest, ::testing::ValuesIn(SpecCases()),
                         [](const ::testing::TestParamInfo<nlohmann::json>& p) {
                           return testing::SanitizeTestName(p.param["name"].get<std::string>()) + "_" +
                                  std::to_string(p.index);
                         });

}  // namespace
}  // namespace allot::cel
