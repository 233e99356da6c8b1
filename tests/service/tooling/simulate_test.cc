// POST /api/v1/simulate over the demo cluster (deploy/demo) through the real pipeline: in-memory API,
// reflectors, store, published view, the extender's VerbContext; and over HTTP through the route table.
#include "service/tooling/simulate.h"

#include <httplib.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "service/http/routes.h"
#include "service/http/server.h"
#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::PodJson;

// A pod whose claims come from templates: entries {entry name, template name}.
Json TemplatePod(const std::string& name, const std::vector<std::pair<std::string, std::string>>& entries) {
  Json pod = PodJson(name, {});
  Json claims = Json::array();
  for (const auto& [entry, tmpl] : entries) claims.push_back({{"name", entry}, {"resourceClaimTemplateName", tmpl}});
  pod["spec"]["resourceClaims"] = claims;
  return pod;
}

Json TemplateJson(const std::string& name, const Json& claim) {
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "ResourceClaimTemplate"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"spec", {{"spec", claim["spec"]}}}};
}

const char* k2g = "device.attributes['gpu.nvidia.com'].profile == '2g.20gb'";

class SimulateRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fx_.LoadDemo();
    fx_.Start();
  }
  VerbReply Run(const Json& body) { return Simulate(fx_.extender->context(), body.dump()); }
  Json Mig2g(int64_t replicas) {
    return {{"pod", TemplatePod("worker", {{"mig", "mig-2g"}})},
            {"templates", Json::array({TemplateJson("mig-2g", ClaimJson("x", "mig.nvidia.com", k2g))})},
            {"replicas", replicas}};
  }
  std::string Error(const Json& body) {
    VerbReply reply = Run(body);
    EXPECT_EQ(reply.status, 400) << reply.body;
    return Json::parse(reply.body).value("error", "");
  }
  size_t StoredClaims() { return fx_.store.Load()->of(ObjectKind::kResourceClaim).size(); }
  ExtenderFixture fx_;
};

TEST_F(SimulateRouteTest, HowMany2g20gbFitOnTheDgx) {
  VerbReply reply = Run(Mig2g(100));
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json answer = Json::parse(reply.body);
  // The demo's dgx-h100-01 has eight empty H100s; an H100 holds three 2g.20gb instances.
  EXPECT_EQ(answer["placed"], 24);
  EXPECT_EQ(answer["replicas"], 100);
  ASSERT_EQ(answer["placements"].size(), 24u);
  std::set<std::string> devices, claims;
  for (const Json& p : answer["placements"]) {
    EXPECT_EQ(p["node"], "dgx-h100-01");
    ASSERT_EQ(p["allocations"].size(), 1u);
    claims.insert(p["allocations"][0]["claim"].get<std::string>());
    ASSERT_EQ(p["allocations"][0]["results"].size(), 1u);
    const Json& result = p["allocations"][0]["results"][0];
    EXPECT_EQ(result["driver"], "gpu.nvidia.com");
    EXPECT_EQ(result["request"], "gpu");
    devices.insert(result["device"].get<std::string>());
  }
  EXPECT_EQ(devices.size(), 24u);
  EXPECT_EQ(claims.size(), 24u);
  EXPECT_EQ(claims.count("default/worker-mig-bbbbb"), 1u) << *claims.begin();
  // firstFailure: the explain answer for replica 25.
  const Json& failure = answer["firstFailure"];
  EXPECT_EQ(failure["fits"], Json::array());
  ASSERT_EQ(failure["nodes"].size(), 5u);
  for (const Json& n : failure["nodes"]) {
    if (n["node"] != "dgx-h100-01") continue;
    ASSERT_EQ(n["reasons"].size(), 1u) << n;
    EXPECT_EQ(n["reasons"][0]["code"], "DevicesInUse") << n;
    EXPECT_NE(n["reasons"][0]["message"].get<std::string>().find("default/worker-mig-"), std::string::npos) << n;
  }
  EXPECT_EQ(failure["summary"], "0/5 nodes fit; 4 NoDevices, 1 DevicesInUse");
  EXPECT_FALSE(answer.contains("error"));
}

TEST_F(SimulateRouteTest, WritesNothingAndSeesBindsInFlight) {
  const size_t claims_before = StoredClaims();
  Json first = Json::parse(Run(Mig2g(100)).body);
  EXPECT_EQ(Json::parse(Run(Mig2g(100)).body), first) << "nothing was reserved by the first call";
  EXPECT_EQ(StoredClaims(), claims_before) << "nothing was written";

  // A running pod with a 3g.40gb MIG device: fewer 2g.20gb fit (its GPU keeps room for at most two).
  fx_.Create(ClaimJson("big-mig", "mig.nvidia.com", "device.attributes['gpu.nvidia.com'].profile == '3g.40gb'"));
  Json pod = fx_.Create(PodJson("big", {"big-mig"}));
  Json bind = {{"PodName", "big"}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]},
               {"Node", "dgx-h100-01"}};
  ASSERT_EQ(testing::ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
  Json after = Json::parse(Run(Mig2g(100)).body);
  EXPECT_LT(after["placed"].get<int>(), first["placed"].get<int>());
  EXPECT_GE(after["placed"].get<int>(), first["placed"].get<int>() - 3);
}

TEST_F(SimulateRouteTest, DirectClaimIsSharedByTheReplicas) {
  // One 40Gi GPU claim in the store, used by every replica, next to one GPU of their own each.
  fx_.Create(ClaimJson("shared-big", "gpu.example.com",
                       "device.capacity['gpu.example.com'].memory.compareTo(quantity('40Gi')) >= 0"));
  Json pod = TemplatePod("worker", {{"own", "one-gpu"}});
  pod["spec"]["resourceClaims"].push_back({{"name", "common"}, {"resourceClaimName", "shared-big"}});
  Json body = {{"pod", pod},
               {"templates", Json::array({TemplateJson("one-gpu", ClaimJson("x", "gpu.example.com"))})},
               {"replicas", 1000}};
  VerbReply reply = Run(body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json answer = Json::parse(reply.body);
  ASSERT_GE(answer["placed"].get<int>(), 2);
  const std::string node = answer["placements"][0]["node"];
  EXPECT_EQ(answer["placements"][0]["allocations"].size(), 2u);
  for (size_t i = 1; i < answer["placements"].size(); ++i) {
    EXPECT_EQ(answer["placements"][i]["node"], node) << "the shared claim pins every replica";
    EXPECT_EQ(answer["placements"][i]["allocations"].size(), 1u);
  }
  for (const Json& n : answer["firstFailure"]["nodes"]) {
    if (n["node"] == node) continue;
    EXPECT_EQ(n["error"], "claim default/shared-big is allocated for other nodes") << n;
  }
}

TEST_F(SimulateRouteTest, NodeSelectorAndNodeNameRestrictTheCandidates) {
  Json pod = TemplatePod("worker", {{"gpu", "one-gpu"}});
  pod["spec"]["nodeSelector"] = {{"kubernetes.io/hostname", "gpu-node-2"}};
  Json body = {{"pod", pod},
               {"templates", Json::array({TemplateJson("one-gpu", ClaimJson("x", "gpu.example.com"))})},
               {"replicas", 1000}};
  Json answer = Json::parse(Run(body).body);
  size_t node2_devices = 0;
  for (const auto& [key, stored] : *fx_.store.Load()->slices) {
    if (stored->slice != nullptr && stored->slice->node_selection.node_name == "gpu-node-2") {
      node2_devices += stored->slice->devices.size();
    }
  }
  ASSERT_GT(node2_devices, 0u);
  EXPECT_EQ(answer["placed"], node2_devices);
  for (const Json& p : answer["placements"]) EXPECT_EQ(p["node"], "gpu-node-2");
  for (const Json& n : answer["firstFailure"]["nodes"]) {
    if (n["node"] == "gpu-node-2") continue;
    EXPECT_EQ(n["error"], "excluded: pod.spec.nodeSelector kubernetes.io/hostname=gpu-node-2 does not match the "
                          "node's labels") << n;
  }

  pod["spec"].erase("nodeSelector");
  pod["spec"]["nodeName"] = "gpu-node-1";
  body["pod"] = pod;
  body["replicas"] = 2;
  answer = Json::parse(Run(body).body);
  EXPECT_EQ(answer["placed"], 2);
  for (const Json& p : answer["placements"]) EXPECT_EQ(p["node"], "gpu-node-1");
}

TEST_F(SimulateRouteTest, BadRequestsAre400NamingTheField) {
  Json body = Mig2g(0);
  EXPECT_EQ(Error(body), "replicas: must be between 1 and 1000, got 0");
  body["replicas"] = 1001;
  EXPECT_EQ(Error(body), "replicas: must be between 1 and 1000, got 1001");
  body["replicas"] = "3";
  EXPECT_EQ(Error(body).rfind("replicas: ", 0), 0u);
  EXPECT_EQ(Error(Json::object()), "pod: missing required field");
  EXPECT_EQ(Simulate(fx_.extender->context(), "{not json").status, 400);

  body = Mig2g(1);
  body["templates"] = Json::array();
  EXPECT_EQ(Error(body),
            "pod.spec.resourceClaims[0]: resourceclaimtemplate default/mig-2g not given (give it in \"templates\")");
  body = Mig2g(1);
  body["templates"][0]["spec"]["spec"]["devices"]["requests"][0].erase("name");
  EXPECT_EQ(Error(body), "templates[0].spec.spec.devices.requests[0].name: missing required field");
  body = Mig2g(1);
  body["templates"].push_back(TemplateJson("unused", ClaimJson("x", "gpu.example.com")));
  EXPECT_EQ(Error(body), "templates[1]: not a template of the pod");
  body = Mig2g(1);
  body["nodes"] = {"dgx-h100-01", "no-such-node"};
  EXPECT_EQ(Error(body), "nodes[1]: node no-such-node not found in allot's cluster state");
  body["nodes"] = {"dgx-h100-01", "dgx-h100-01"};
  EXPECT_EQ(Error(body), "nodes[1]: node dgx-h100-01 named twice");
  body = Mig2g(1);
  body["pod"]["spec"].erase("resourceClaims");
  EXPECT_EQ(Error(body).rfind("pod.spec.resourceClaims: the pod has no claims", 0), 0u);
  body = Mig2g(1);
  body["pod"]["metadata"].erase("name");
  EXPECT_EQ(Error(body), "pod.metadata.name: missing required field (or give pod.metadata.generateName)");
  body = {{"pod", PodJson("p", {"not-there"})}};
  EXPECT_EQ(Error(body), "pod.spec.resourceClaims[0]: resourceclaim default/not-there not found (give it in \"claims\")");
}

TEST_F(SimulateRouteTest, ServedOverHttpUnderBothPaths) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.workers = 1;
  HttpServer http(options, fx_.metrics);
  RegisterRoutes(http, "/allot", RouteTargets{fx_.store, *fx_.extender, fx_.metrics, nullptr});
  ASSERT_TRUE(http.Start().ok());
  httplib::Client client("127.0.0.1", http.port());
  for (const char* path : {"/api/v1/simulate", "/allot/api/v1/simulate"}) {
    auto res = client.Post(path, Mig2g(2).dump(), "application/json");
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(Json::parse(res->body)["placed"], 2) << path;
  }
  auto bad = client.Post("/api/v1/simulate", Mig2g(5000).dump(), "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST(SimulateBeforeSyncTest, Is503) {
  ExtenderFixture fx;  // no reflectors started: the store has not synced
  VerbReply reply = Simulate(fx.extender->context(),
                             R"({"pod": {"metadata": {"name": "p"}, "spec": {"resourceClaims": [{"name": "a", "resourceClaimName": "c"}]}}})");
  EXPECT_EQ(reply.status, 503) << reply.body;
}

}  // namespace
}  // namespace allot::svc
