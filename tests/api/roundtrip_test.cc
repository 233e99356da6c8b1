// Decode -> Encode must reproduce every test-data file exactly, as a JSON value.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/codec.h"
#include "api/scenario.h"
#include "tests/api/testdata_files.h"

namespace allot::api {
namespace {

using testdata::JsonFilesIn;
using testdata::ReadFile;

struct RoundTripCase {
  std::string name;
  std::filesystem::path path;
  bool scenario = false;  // else a kubectl-style List
};

std::vector<RoundTripCase> AllCases() {
  std::vector<RoundTripCase> cases;
  for (const auto& p : JsonFilesIn("scenarios/k8s")) cases.push_back({testdata::TestNameFor("k8s", p), p, true});
  for (const auto& p : JsonFilesIn("data")) cases.push_back({testdata::TestNameFor("data", p), p, false});
  return cases;
}

// Decodes `original` as T and returns the re-encoded JSON (or fails the test).
template <class T>
nlohmann::json RoundTrip(const nlohmann::json& original) {
  StatusOr<T> decoded = Decode<T>(original);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  if (!decoded.ok()) return nullptr;
  // Encoding the decoded value and decoding it again must give an equal struct.
  nlohmann::json encoded = Encode(*decoded);
  StatusOr<T> again = Decode<T>(encoded);
  EXPECT_TRUE(again.ok()) << again.status();
  if (again.ok()) {
    EXPECT_TRUE(*again == *decoded);
  }
  return encoded;
}

class RoundTripTest : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTripTest, DecodeEncodeReproducesFile) {
  const RoundTripCase& c = GetParam();
  StatusOr<nlohmann::json> original = ParseJson(ReadFile(c.path));
  ASSERT_TRUE(original.ok()) << original.status();

  nlohmann::json encoded;
  if (c.scenario) {
    encoded = RoundTrip<Scenario>(*original);
  } else {
    // Fixture lists hold one kind each.
    const std::string kind = (*original)["items"].at(0).value("kind", "");
    if (kind == "ResourceSlice") {
      encoded = RoundTrip<ResourceSliceList>(*original);
    } else if (kind == "DeviceClass") {
      encoded = RoundTrip<DeviceClassList>(*original);
    } else {
      FAIL() << "unexpected kind " << kind;
    }
  }
  if (encoded != *original) {
    // Show the first differences as a JSON patch to make failures readable.
    FAIL() << "round trip differs: " << nlohmann::json::diff(*original, encoded).dump(1).substr(0, 4000);
  }
}

INSTANTIATE_TEST_SUITE_P(TestData, RoundTripTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<RoundTripCase>& param_info) { return param_info.param.name; });

TEST(RoundTripFilesTest, AllTestDataIsCovered) {
  // Guards against an empty instantiation when the working directory is wrong.
  EXPECT_GE(JsonFilesIn("scenarios/k8s").size(), 168u);
  EXPECT_GE(JsonFilesIn("data").size(), 11u);
}

}  // namespace
}  // namespace allot::api
