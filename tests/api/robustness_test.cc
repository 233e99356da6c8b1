// Decoding hostile input: every leaf of a real scenario replaced by a value of the wrong type must
// give an error naming exactly that leaf; byte-level corruption must never throw or crash.
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/scenario.h"
#include "tests/api/testdata_files.h"

namespace allot::api {
namespace {

bool IsPlainKey(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

struct Leaf {
  nlohmann::json::json_pointer pointer;
  std::string path;  // in the decoder's error-path syntax
  bool under_raw_json = false;
};

void CollectLeaves(const nlohmann::json& j, const nlohmann::json::json_pointer& ptr, const std::string& path,
                   bool raw, std::vector<Leaf>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      std::string child = IsPlainKey(it.key()) ? (path.empty() ? it.key() : path + "." + it.key())
                                               : path + "[\"" + it.key() + "\"]";
      CollectLeaves(it.value(), ptr / it.key(), child, raw || it.key() == "parameters", out);
    }
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) {
      CollectLeaves(j[i], ptr / i, path + "[" + std::to_string(i) + "]", raw, out);
    }
  } else {
    out.push_back({ptr, path, raw});
  }
}

class WrongTypeTest : public ::testing::TestWithParam<std::string> {};

TEST_P(WrongTypeTest, EveryLeafReportsItsOwnPath) {
  const auto path = testdata::RepoRoot() / "tests/testdata/scenarios/k8s" / GetParam();
  StatusOr<nlohmann::json> original = ParseJson(testdata::ReadFile(path));
  ASSERT_TRUE(original.ok()) << original.status();
  std::vector<Leaf> leaves;
  CollectLeaves(*original, nlohmann::json::json_pointer(), "", false, leaves);
  ASSERT_GT(leaves.size(), 10u);
  for (const Leaf& leaf : leaves) {
    nlohmann::json mutated = *original;
    // A boolean leaf becomes an object, anything else a boolean: both are wrong for every non-raw leaf.
    const bool was_bool = mutated[leaf.pointer].is_boolean();
    mutated[leaf.pointer] = was_bool ? nlohmann::json::object() : nlohmann::json(true);
    StatusOr<Scenario> s = Decode<Scenario>(mutated);
    if (leaf.under_raw_json) {
      EXPECT_TRUE(s.ok()) << leaf.path << ": " << s.status();
      continue;
    }
    ASSERT_FALSE(s.ok()) << leaf.path;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    const std::string message(s.status().message());
    EXPECT_EQ(message.rfind(leaf.path + ": expected ", 0), 0u) << message;
    EXPECT_NE(message.find(was_bool ? "got object" : "got boolean"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, WrongTypeTest,
    ::testing::Values("099-tainted-two-devices-prioritized-list-tolerated.json",
                      "178-list-attributes-match-constaint-list-of-int-values-with-common-elements.json",
                      "093-partitionable-devices-per-device-node-selection-nodename.json",
                      "054-with-claim-config-for-two-requests.json"),
    [](const ::testing::TestParamInfo<std::string>& param_info) {
      return param_info.param.substr(0, 3);
    });

TEST(CorruptionTest, ByteFlipsNeverThrow) {
  const std::string text = testdata::ReadFile(testdata::RepoRoot() /
                                              "tests/testdata/scenarios/k8s/099-tainted-two-devices-prioritized-list-tolerated.json");
  ASSERT_FALSE(text.empty());
  const char replacements[] = {'"', '{', ']', ':', ',', '0', 'x', '\\', '\xff', '\0'};
  int failures = 0;
  for (size_t pos = 0; pos < text.size(); pos += 7) {
    for (char c : replacements) {
      std::string mutated = text;
      mutated[pos] = c;
      StatusOr<Scenario> s = Decode<Scenario>(std::string_view(mutated));
      if (!s.ok()) {
        ++failures;
        EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << s.status();
      }
    }
  }
  EXPECT_GT(failures, 0);
  // Truncations at every length are errors, never crashes.
  for (size_t len = 0; len + 1 < text.size(); len += 13) {
    StatusOr<Scenario> s = Decode<Scenario>(std::string_view(text.data(), len));
    EXPECT_FALSE(s.ok());
  }
}

}  // namespace
}  // namespace allot::api
