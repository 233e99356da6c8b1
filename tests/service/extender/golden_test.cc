// Golden request/response files per verb (tests/testdata/extender/<verb>/<case>.*.json) against the demo
// cluster. UPDATE_GOLDEN=1 rewrites the expected responses.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "service/watch/kubeconfig.h"
#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

namespace fs = std::filesystem;
const char* kDir = "tests/testdata/extender";

struct GoldenCase {
  std::string verb;
  std::string name;
  fs::path base;  // without .request.json
};

std::vector<GoldenCase> Cases() {
  std::vector<GoldenCase> out;
  for (const char* verb : {"filter", "prioritize", "bind"}) {
    for (const auto& entry : fs::directory_iterator(fs::path(kDir) / verb)) {
      std::string file = entry.path().filename().string();
      const std::string suffix = ".request.json";
      if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
        std::string name = file.substr(0, file.size() - suffix.size());
        out.push_back({verb, name, entry.path().parent_path() / name});
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.base < b.base; });
  return out;
}

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.base.string(); }

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesResponse) {
  const GoldenCase& c = GetParam();
  testing::ExtenderFixture fx;
  fx.LoadDemo();
  fx.Start();
  fs::path setup = c.base.string() + ".setup.json";
  if (fs::exists(setup)) {
    Json list = Json::parse(*ReadFileToString(setup.string()));
    for (const auto& object : list["items"]) {
      Json applied = fx.Apply(object);
      ObjectKind kind;
      if (ObjectKindOf(*ResourceTypeForKind(object["kind"].get<std::string>()), &kind)) {
        std::string key = ObjectKey(applied);
        ASSERT_NE(fx.store.WaitFor([&](const StoreSnapshot& s) { return s.Find(kind, key) != nullptr; },
                                   std::chrono::seconds(5)),
                  nullptr);
      }
    }
  }
  std::string request = *ReadFileToString(c.base.string() + ".request.json");
  Extender::Reply reply = c.verb == "filter"       ? fx.extender->Filter(request)
                          : c.verb == "prioritize" ? fx.extender->Prioritize(request)
                                                   : fx.extender->Bind(request);
  Json actual = Json::parse(reply.body);
  fs::path expected_path = c.base.string() + ".response.json";
  if (std::getenv("UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected_path) << actual.dump(2) << "\n";
  }
  ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " missing; run with UPDATE_GOLDEN=1";
  Json expected = Json::parse(*ReadFileToString(expected_path.string()));
  EXPECT_EQ(actual, expected) << "actual:\n" << actual.dump(2);
  EXPECT_EQ(reply.status, expected.contains("error") ? 400 : 200);
}

INSTANTIATE_TEST_SUITE_P(Extender, GoldenTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<GoldenCase>& param_info) {
                           std::string name = param_info.param.verb + "_" + param_info.param.name;
                           std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(ch); }, '_');
                           return name;
                         });

}  // namespace
}  // namespace allot::svc
