// GET /api/v1/inventory over the demo cluster (deploy/demo) through the real pipeline: in-memory API,
// reflectors, store, cluster view, Extender; and over HTTP through the route table.
#include "service/tooling/inventory.h"
#include "service/tooling/inventory_gauges.h"

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <utility>

#include <httplib.h>
#include <gtest/gtest.h>

#include "service/http/routes.h"
#include "service/http/server.h"
#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::ParseReply;
using testing::PodJson;

const Json* FindPool(const Json& inv, const std::string& pool) {
  for (const Json& p : inv["pools"]) {
    if (p["pool"] == pool) return &p;
  }
  return nullptr;
}

const Json* FindRow(const Json& inv, const std::string& cls, const std::string& node) {
  for (const Json& r : inv["classes"]) {
    if (r["class"] == cls && r["node"] == node) return &r;
  }
  return nullptr;
}

const InventoryGaugesPacing kUnpaced{std::chrono::milliseconds(0), 1.0};  // tests: compute each view at once
const std::chrono::milliseconds kWait(10000);  // an upper bound for a wait, not a timing assertion

class InventoryRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fx_.LoadDemo();
    fx_.Start();
  }
  Json Get(const QueryParams& params = {}) {
    VerbReply reply = Inventory(fx_.extender->context(), params);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return Json::parse(reply.body);
  }
  ExtenderFixture fx_;
};

TEST_F(InventoryRouteTest, DemoClusterPoolsAndClasses) {
  Json inv = Get();
  ASSERT_EQ(inv["pools"].size(), 4u) << inv.dump(2);
  const Json* node1 = FindPool(inv, "gpu-node-1");
  ASSERT_NE(node1, nullptr);
  EXPECT_EQ(*node1, Json::parse(R"({"driver": "gpu.example.com", "pool": "gpu-node-1", "node": "gpu-node-1",
      "generation": 1, "resourceSliceCount": 1, "totalDevices": 8, "allocatedDevices": 0,
      "availableDevices": 8, "unavailableDevices": 0})"));

  const Json* dgx = FindPool(inv, "dgx-h100-01");
  ASSERT_NE(dgx, nullptr);
  EXPECT_EQ((*dgx)["resourceSliceCount"], 9);
  EXPECT_EQ((*dgx)["totalDevices"], 208);
  EXPECT_EQ((*dgx)["allocatedDevices"], 0);
  ASSERT_TRUE(dgx->contains("counterSets"));
  EXPECT_EQ((*dgx)["counterSets"].size(), 8u);
  for (const Json& counter : (*dgx)["counterSets"][0]["counters"]) {
    EXPECT_EQ(counter["consumed"], "0") << counter;
    EXPECT_EQ(counter["available"], counter["total"]) << counter;
  }

  const Json* shared = FindPool(inv, "shared-gpu-node-1");
  ASSERT_NE(shared, nullptr);
  ASSERT_EQ((*shared)["sharedDevices"].size(), 8u);
  EXPECT_EQ((*shared)["sharedDevices"][0]["inUse"], false);

  EXPECT_EQ(inv["classes"].size(), 20u) << "4 classes x 5 nodes";
  const Json* row = FindRow(inv, "gpu.example.com", "gpu-node-1");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(*row, Json::parse(R"({"class": "gpu.example.com", "node": "gpu-node-1", "devices": 8, "free": 8})"));
  const Json* h100 = FindRow(inv, "gpu.nvidia.com", "dgx-h100-01");
  ASSERT_NE(h100, nullptr);
  EXPECT_EQ((*h100)["devices"], 8);
  EXPECT_EQ((*h100)["free"], 8);
  EXPECT_EQ(inv["inFlightReservations"], 0);
}

TEST_F(InventoryRouteTest, FiltersNarrowTheAnswer) {
  Json inv = Get({{"driver", "gpu.nvidia.com"}});
  ASSERT_EQ(inv["pools"].size(), 1u);
  EXPECT_EQ(inv["pools"][0]["pool"], "dgx-h100-01");
  Json by_node = Get({{"node", "gpu-node-2"}, {"class", "gpu.example.com"}});
  ASSERT_EQ(by_node["pools"].size(), 1u);
  EXPECT_EQ(by_node["pools"][0]["pool"], "gpu-node-2");
  ASSERT_EQ(by_node["classes"].size(), 1u);
  EXPECT_EQ(by_node["classes"][0]["devices"], 8);
}

TEST_F(InventoryRouteTest, PartitionsPerClassAndKepSummaries) {
  Json inv = Get({{"node", "dgx-h100-01"}, {"class", "mig.nvidia.com"},
                  {"partitionTypeAttribute", "gpu.nvidia.com/profile"}});
  ASSERT_EQ(inv["classes"].size(), 1u);
  const Json& parts = inv["classes"][0]["partitions"];
  std::map<std::string, Json> by_type;
  for (const Json& p : parts) by_type[p["type"].get<std::string>()] = p;
  ASSERT_TRUE(by_type.count("7g.80gb") && by_type.count("1g.10gb")) << parts.dump(2);
  EXPECT_EQ(by_type["7g.80gb"], Json::parse(R"({"attribute": "gpu.nvidia.com/profile", "type": "7g.80gb",
      "devices": 8, "free": 8, "allocatable": 8})"));
  EXPECT_EQ(by_type["1g.10gb"]["allocatable"], 56);  // 7 per idle H100
  // KEP-5677 groups by the same attribute, but the whole-GPU devices consume counters without a profile.
  ASSERT_EQ(inv["pools"].size(), 1u);
  EXPECT_EQ(inv["pools"][0]["validationError"].get<std::string>().rfind("PartitionTypeMissing: device", 0), 0u)
      << inv["pools"][0];
  EXPECT_FALSE(inv["pools"][0].contains("partitionSummary"));
  // Without the parameter there is no grouping attribute: no partitions, no error.
  Json plain = Get({{"node", "dgx-h100-01"}, {"class", "mig.nvidia.com"}});
  EXPECT_FALSE(plain["classes"][0].contains("partitions"));
  EXPECT_FALSE(plain["pools"][0].contains("validationError"));

  Json shared = Get({{"pool", "shared-gpu-node-1"}});
  ASSERT_EQ(shared["pools"].size(), 1u);
  const Json& summary = shared["pools"][0]["shareableSummary"];
  EXPECT_EQ(summary["fullyAvailableDevices"], 8) << summary;
  EXPECT_EQ(summary["partiallyAvailableDevices"], 0);
  ASSERT_FALSE(summary["capacity"].empty());
  for (const Json& c : summary["capacity"]) EXPECT_EQ(c["consumed"], "0") << c;
}

TEST_F(InventoryRouteTest, BadQueryParametersAre400NamingTheParameter) {
  struct Case {
    QueryParams params;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{{"bogus", "1"}}, "query parameter bogus: unknown"},
      {{{"driver", ""}}, "query parameter driver: must not be empty"},
      {{{"pool", "a"}, {"pool", "b"}}, "query parameter pool: given more than once"},
      {{{"node", "ghost-node"}}, "query parameter node: node \"ghost-node\" not found"},
      {{{"class", "no-such-class"}}, "query parameter class: device class \"no-such-class\" not found"},
      {{{"driver", "a b"}}, "query parameter driver: contains whitespace"},
      {{{"partitionTypeAttribute", "profile"}}, "query parameter partitionTypeAttribute: must be a fully qualified"},
      {{{"partitionTypeAttribute", "a/b/c"}}, "query parameter partitionTypeAttribute: must be a fully qualified"},
  };
  for (const Case& c : cases) {
    VerbReply reply = Inventory(fx_.extender->context(), c.params);
    EXPECT_EQ(reply.status, 400) << c.names;
    Json body = Json::parse(reply.body);
    EXPECT_NE(body["error"].get<std::string>().find(c.names), std::string::npos) << body;
  }
}

TEST_F(InventoryRouteTest, AnInFlightReservationCountsAsAllocated) {
  // A bind reserved gpu-node-2/gpu-0 for this claim; its status write has not reached the store yet.
  Json claim = fx_.Create(ClaimJson("in-flight", "gpu.example.com"));
  Reservation r;
  r.claim_key = "default/in-flight";
  r.claim_uid = claim["metadata"]["uid"].get<std::string>();
  r.pod_uid = "pod-uid";
  api::DeviceRequestAllocationResult result;
  result.request = "gpu";
  result.driver = "gpu.example.com";
  result.pool = "gpu-node-2";
  result.device = "gpu-0";
  r.allocation.devices.results.push_back(result);
  fx_.extender->reservations().Add(r);

  Json inv = Get({{"pool", "gpu-node-2"}});
  EXPECT_EQ(inv["inFlightReservations"], 1);
  ASSERT_EQ(inv["pools"].size(), 1u);
  EXPECT_EQ(inv["pools"][0]["allocatedDevices"], 1);
  EXPECT_EQ(inv["pools"][0]["availableDevices"], 7);
  const Json* row = FindRow(inv, "gpu.example.com", "gpu-node-2");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ((*row)["free"], 7);
}

TEST_F(InventoryRouteTest, ABindIsCountedAtOnce) {
  fx_.Create(ClaimJson("bound", "gpu.example.com"));
  Json pod = fx_.Create(PodJson("bound", {"bound"}));
  Json bind = {{"PodName", "bound"}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", "gpu-node-1"}};
  ASSERT_EQ(ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
  // Whether the watch has delivered the allocation yet or only the reservation holds it, it counts.
  Json inv = Get({{"pool", "gpu-node-1"}});
  EXPECT_EQ(inv["pools"][0]["allocatedDevices"], 1);
  EXPECT_EQ(FindRow(inv, "gpu.example.com", "gpu-node-1")->at("free"), 7);
}

TEST_F(InventoryRouteTest, ServedOverHttpAtItsPathAndUnderTheUrlPrefix) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  HttpServer http(options, fx_.metrics);
  RegisterRoutes(http, "/allot", RouteTargets{fx_.store, *fx_.extender, fx_.metrics, nullptr});
  ASSERT_TRUE(http.Start().ok());
  httplib::Client client("127.0.0.1", http.port());
  for (const char* path : {"/api/v1/inventory?driver=gpu.example.com", "/allot/api/v1/inventory?driver=gpu.example.com"}) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(Json::parse(res->body)["pools"].size(), 3u) << path;
  }
  auto bad = client.Get("/api/v1/inventory?nodes=gpu-node-1");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Json::parse(bad->body)["error"], "query parameter nodes: unknown (known: driver, pool, node, class, partitionTypeAttribute)");
  http.Stop();
}

TEST_F(InventoryRouteTest, GaugesPerDriverAndClass) {
  fx_.Create(ClaimJson("gauged", "gpu.example.com"));
  Json pod = fx_.Create(PodJson("gauged", {"gauged"}));
  Json bind = {{"PodName", "gauged"}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", "gpu-node-2"}};
  ASSERT_EQ(ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
  ASSERT_NE(fx_.WaitForClaim("default/gauged", [](const Json& c) { return c.contains("status") && c["status"].contains("allocation"); }),
            nullptr);
  InventoryGauges gauges(fx_.extender->context(), fx_.metrics, kUnpaced);
  ASSERT_TRUE(gauges.WaitForRevision(fx_.store.Load()->revision, kWait));
  auto value = [&](const char* name, const char* label, const char* key, const char* state) {
    return fx_.metrics.ValueForTest(name, {{label, key}, {"state", state}});
  };
  // gpu.example.com: gpu-node-1, gpu-node-2 and shared-gpu-node-1, 8 devices each.
  EXPECT_EQ(value("allot_inventory_devices", "driver", "gpu.example.com", "total"), 24);
  EXPECT_EQ(value("allot_inventory_devices", "driver", "gpu.example.com", "allocated"), 1);
  EXPECT_EQ(value("allot_inventory_devices", "driver", "gpu.example.com", "available"), 23);
  EXPECT_EQ(value("allot_inventory_devices", "driver", "gpu.nvidia.com", "total"), 208);
  EXPECT_EQ(value("allot_inventory_class_devices", "class", "gpu.example.com", "selected"), 24);
  EXPECT_EQ(value("allot_inventory_class_devices", "class", "gpu.example.com", "free"), 23);
  EXPECT_EQ(value("allot_inventory_class_devices", "class", "gpu.nvidia.com", "free"), 8);
  // The HTTP route's own gauges (computed on their thread from the same view) are what a scrape serialises.
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.workers = 1;
  HttpServer http(options, fx_.metrics);
  RegisterRoutes(http, "", RouteTargets{fx_.store, *fx_.extender, fx_.metrics, nullptr});
  ASSERT_TRUE(http.Start().ok());
  httplib::Client client("127.0.0.1", http.port());
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  std::string body;
  while (body.find("allot_inventory_devices{driver=\"gpu.example.com\",state=\"total\"} 24") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    auto res = client.Get("/metrics");
    ASSERT_TRUE(res);
    body = res->body;
  }
  EXPECT_NE(body.find("allot_inventory_devices{driver=\"gpu.example.com\",state=\"allocated\"} 1"), std::string::npos)
      << body;
  http.Stop();
}

TEST(InventoryGaugesFlagsTest, PartitionGaugesAndPerPoolSeriesFollowTheFlags) {
  ExtenderOptions options;
  options.partition_type_attribute = "gpu.nvidia.com/profile";
  options.inventory_pool_metrics = true;
  ExtenderFixture fx(options);
  fx.LoadDemo();
  fx.Start();
  InventoryGauges gauges(fx.extender->context(), fx.metrics, kUnpaced);
  ASSERT_TRUE(gauges.WaitForRevision(fx.store.Load()->revision, kWait));
  auto partition = [&](const char* type, const char* state) {
    return fx.metrics.ValueForTest("allot_inventory_partition_devices",
                                   {{"class", "mig.nvidia.com"}, {"type", type}, {"state", state}});
  };
  EXPECT_EQ(partition("7g.80gb", "selected"), 8);
  EXPECT_EQ(partition("7g.80gb", "allocatable"), 8);
  EXPECT_EQ(partition("1g.10gb", "allocatable"), 56);
  EXPECT_EQ(fx.metrics.ValueForTest("allot_inventory_pool_devices",
                                    {{"driver", "gpu.example.com"}, {"pool", "gpu-node-1"}, {"state", "total"}}),
            8);
  // The route takes the flag as its default partitionTypeAttribute.
  VerbReply reply = Inventory(fx.extender->context(), {{"node", "dgx-h100-01"}, {"class", "mig.nvidia.com"}});
  ASSERT_EQ(reply.status, 200);
  EXPECT_TRUE(Json::parse(reply.body)["classes"][0].contains("partitions"));
}

TEST_F(InventoryRouteTest, NoPartitionOrPoolSeriesByDefault) {
  InventoryGauges gauges(fx_.extender->context(), fx_.metrics, kUnpaced);
  ASSERT_TRUE(gauges.WaitForRevision(fx_.store.Load()->revision, kWait));
  const std::string text = fx_.metrics.Serialize();
  EXPECT_EQ(text.find("allot_inventory_partition_devices{"), std::string::npos);
  EXPECT_EQ(text.find("allot_inventory_pool_devices{"), std::string::npos);
  EXPECT_NE(text.find("allot_inventory_devices{"), std::string::npos);
}

// The gauges are computed per published view, and for a view they equal the unfiltered route's sums (no bind
// in flight): after an allocation, a DeviceTaintRule and a removed ResourceSlice.
TEST_F(InventoryRouteTest, GaugesEqualTheRoutesNumbersAfterChanges) {
  InventoryGauges gauges(fx_.extender->context(), fx_.metrics, kUnpaced);
  auto expect_equal = [&](const std::string& step) {
    SCOPED_TRACE(step);
    const uint64_t revision = fx_.store.Load()->revision;
    ASSERT_TRUE(gauges.WaitForRevision(revision, kWait));
    ASSERT_EQ(fx_.extender->reservations().size(), 0u) << "a bind in flight would count in the route only";
    Json inv = Get();
    std::map<std::pair<std::string, std::string>, double> drivers;  // (driver, state)
    const std::pair<const char*, const char*> fields[] = {{"totalDevices", "total"},
                                                          {"allocatedDevices", "allocated"},
                                                          {"availableDevices", "available"},
                                                          {"unavailableDevices", "unavailable"}};
    for (const Json& p : inv["pools"]) {
      if (!p.contains("totalDevices")) continue;
      for (const auto& [field, state] : fields) drivers[{p["driver"].get<std::string>(), state}] += p[field].get<double>();
    }
    std::map<std::pair<std::string, std::string>, double> classes;  // (class, state)
    for (const Json& r : inv["classes"]) {
      classes[{r["class"].get<std::string>(), "selected"}] += r["devices"].get<double>();
      classes[{r["class"].get<std::string>(), "free"}] += r["free"].get<double>();
    }
    ASSERT_FALSE(drivers.empty());
    for (const auto& [key, n] : drivers) {
      EXPECT_EQ(fx_.metrics.ValueForTest("allot_inventory_devices", {{"driver", key.first}, {"state", key.second}}), n)
          << key.first << " " << key.second;
    }
    for (const auto& [key, n] : classes) {
      EXPECT_EQ(fx_.metrics.ValueForTest("allot_inventory_class_devices", {{"class", key.first}, {"state", key.second}}),
                n)
          << key.first << " " << key.second;
    }
    EXPECT_GE(fx_.metrics.ValueForTest("allot_inventory_gauges_revision"), static_cast<double>(revision));
  };
  auto devices = [&](const char* driver, const char* state) {
    return fx_.metrics.ValueForTest("allot_inventory_devices", {{"driver", driver}, {"state", state}});
  };
  expect_equal("start");
  EXPECT_EQ(devices("gpu.example.com", "allocated"), 0);

  fx_.Create(ClaimJson("held", "gpu.example.com"));
  Json pod = fx_.Create(PodJson("held", {"held"}));
  Json bind = {{"PodName", "held"}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", "gpu-node-1"}};
  ASSERT_EQ(ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
  ASSERT_NE(fx_.WaitForClaim("default/held", [](const Json& c) { return c.contains("status") && c["status"].contains("allocation"); }), nullptr);
  for (const auto deadline = std::chrono::steady_clock::now() + kWait;
       fx_.extender->reservations().size() > 0 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the watch shows the claim: dropped
  }
  expect_equal("after an allocation");
  EXPECT_EQ(devices("gpu.example.com", "allocated"), 1);

  fx_.Create({{"apiVersion", "resource.k8s.io/v1"},
              {"kind", "DeviceTaintRule"},
              {"metadata", {{"name", "node-2-maintenance"}}},
              {"spec", {{"deviceSelector", {{"pool", "gpu-node-2"}}},
                        {"taint", {{"key", "example.com/maintenance"}, {"value", "true"}, {"effect", "NoSchedule"}}}}}});
  expect_equal("after a DeviceTaintRule");
  EXPECT_EQ(devices("gpu.example.com", "unavailable"), 8);

  ASSERT_TRUE(fx_.kube.Delete(ResourceSlicesResource(), "", "gpu-node-1-gpu.example.com-0").ok());
  ASSERT_NE(fx_.store.WaitFor([](const StoreSnapshot& s) {
              return s.Find(ObjectKind::kResourceSlice, "gpu-node-1-gpu.example.com-0") == nullptr;
            }, kWait),
            nullptr);
  expect_equal("after a ResourceSlice was removed");
  EXPECT_EQ(devices("gpu.example.com", "total"), 16);
}

TEST(InventoryNotSyncedTest, Is503BeforeTheStoreSynced) {
  ExtenderFixture fx;  // no reflectors started
  VerbReply reply = Inventory(fx.extender->context(), {});
  EXPECT_EQ(reply.status, 503);
  EXPECT_TRUE(Json::parse(reply.body).contains("error"));
}

}  // namespace
}  // namespace allot::svc
