// The metrics table: naming rules, documentation, exposition.
#include "service/metrics/service_metrics.h"

#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

namespace allot::svc {
namespace {

TEST(ServiceMetricsTest, NamesFollowTheHouseRules) {
  std::set<std::string_view> names;
  for (const auto& row : ServiceMetrics::Table()) {
    std::string name(row.name);
    EXPECT_EQ(name.rfind("allot_", 0), 0u) << name;
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate " << name;
    bool is_total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(is_total, row.type == "counter") << name << ": counters and only counters end in _total";
    if (row.type == "histogram") {
      EXPECT_NE(name.find("_seconds"), std::string::npos) << name;
    }
    EXPECT_FALSE(row.help.empty()) << name;
  }
}

TEST(ServiceMetricsTest, EveryMetricIsDocumented) {
  std::ifstream in("docs/metrics.md");
  ASSERT_TRUE(in) << "docs/metrics.md missing";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& row : ServiceMetrics::Table()) {
    EXPECT_NE(doc.str().find("| `" + std::string(row.name) + "` | " + std::string(row.type)), std::string::npos)
        << row.name << " is not in docs/metrics.md";
  }
}

TEST(ServiceMetricsTest, ObserveHelpersUpdateSeries) {
  ServiceMetrics metrics;
  metrics.ObserveHttp("filter", 200, 0.002);
  metrics.ObserveHttp("filter", 400, 0.001);
  metrics.ObserveApiCall("update_status", 409, 0.01);
  metrics.ObserveApiCall("get", 0, 0.5);
  EXPECT_EQ(metrics.ValueForTest("allot_http_requests_total", {{"route", "filter"}, {"code", "2xx"}}), 1);
  EXPECT_EQ(metrics.ValueForTest("allot_http_requests_total", {{"route", "filter"}, {"code", "4xx"}}), 1);
  EXPECT_EQ(metrics.ValueForTest("allot_http_request_duration_seconds", {{"route", "filter"}}), 2);
  EXPECT_EQ(metrics.ValueForTest("allot_apiserver_requests_total", {{"verb", "get"}, {"code", "error"}}), 1);
  std::string text = metrics.Serialize();
  EXPECT_NE(text.find("allot_build_info{version=\"0.1.0\"} 1"), std::string::npos);
  EXPECT_NE(text.find("# TYPE allot_apiserver_request_duration_seconds histogram"), std::string::npos);
}

}  // namespace
}  // namespace allot::svc
