// Runs tests/testdata/cel-vectors/dra-compile.json through CompileSelector / Selector::Evaluate:
// results, compile errors, runtime errors (substrings of the Kubernetes text) and estimated cost.
#include <gtest/gtest.h>

#include "core/cel/selector.h"
#include "tests/core/cel/vectors.h"

namespace allot::cel {
namespace {

std::vector<nlohmann::json> DraCases() {
  std::string error;
  auto v = testing::LoadCelVectors("dra-compile.json", &error);
  return v;
}

class DraVectorTest : public ::testing::TestWithParam<nlohmann::json> {};

TEST(DraVectorFileTest, Loads) {
  std::string error;
  auto v = testing::LoadCelVectors("dra-compile.json", &error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(v.size(), 89u);
}

TEST_P(DraVectorTest, MatchesKubernetes) {
  const nlohmann::json& c = GetParam();
  const std::string expr = c["expression"].get<std::string>();
  const EnvOptions opts = testing::EnvOptionsFromCase(c);
  const nlohmann::json& expect = c["expect"];
  auto selector = CompileSelector(expr, opts);
  if (expect.contains("compileError")) {
    ASSERT_FALSE(selector.ok()) << expr;
    EXPECT_NE(selector.status().message().find(expect["compileError"].get<std::string>()), std::string::npos)
        << selector.status().message();
    return;
  }
  ASSERT_TRUE(selector.ok()) << expr << "\n" << selector.status().message();
  if (c.contains("cost")) {
    EXPECT_EQ((*selector)->max_cost(), c["cost"].get<uint64_t>()) << expr;
  }
  auto input = testing::DeviceFromJson(c["device"]);
  ASSERT_TRUE(input.ok()) << input.status();
  auto device = Device::Prepare(std::move(*input));
  auto result = (*selector)->Evaluate(*device);
  if (expect.contains("runtimeError")) {
    ASSERT_FALSE(result.ok()) << expr << " returned " << (result.ok() ? (*result ? "true" : "false") : "");
    EXPECT_NE(result.status().message().find(expect["runtimeError"].get<std::string>()), std::string::npos)
        << result.status().message();
    return;
  }
  ASSERT_TRUE(result.ok()) << expr << "\n" << result.status().message();
  EXPECT_EQ(*result, expect["result"].get<bool>()) << expr;
}

INSTANTIATE_TEST_SUITE_P(DraCompile, DraVectorTest, ::testing::ValuesIn(DraCases()),
                         [](const ::testing::TestParamInfo<nlohmann::json>& p) {
                           return testing::SanitizeTestName(p.param["name"].get<std::string>()) + "_" +
                                  std::to_string(p.index);
                         });

}  // namespace
}  // namespace allot::cel
