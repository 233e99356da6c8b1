// GET /api/v1/claims/NS/NAME/metadata over the demo cluster (deploy/demo) through the real pipeline: in-memory
// API, reflectors, store, cluster view, Extender (bind allocates the claim); and over HTTP through the route table.
#include "service/tooling/device_metadata.h"

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
using Params = std::multimap<std::string, std::string>;

class DeviceMetadataRouteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fx_.LoadDemo();
    fx_.Start();
  }
  // Creates claim NAME (one request "gpu" of gpu.example.com), a pod using it, binds the pod to `node` and
  // waits until the watch shows the allocation. Returns the stored claim.
  Json Allocate(const std::string& name, const std::string& node) {
    fx_.Create(ClaimJson(name, "gpu.example.com"));
    Json pod = fx_.Create(PodJson(name, {name}));
    Json bind = {{"PodName", name}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", node}};
    EXPECT_EQ(ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
    auto claim = fx_.WaitForClaim("default/" + name, [](const Json& c) {
      return c.contains("status") && c["status"].contains("allocation");
    });
    EXPECT_NE(claim, nullptr);
    return claim == nullptr ? Json() : *claim;
  }
  VerbReply Get(const std::string& name, const Params& params = {}) {
    return DeviceMetadataPreview(fx_.extender->context(), "default", name, params);
  }
  ExtenderFixture fx_;
};

TEST_F(DeviceMetadataRouteTest, AnAllocatedClaimsFiles) {
  Json claim = Allocate("meta", "gpu-node-1");
  const Json& result = claim["status"]["allocation"]["devices"]["results"][0];
  VerbReply reply = Get("meta");
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json body = Json::parse(reply.body);
  EXPECT_EQ(body["claim"], "default/meta");
  EXPECT_EQ(body["apiVersion"], "metadata.resource.k8s.io/v1beta1");
  EXPECT_FALSE(body.contains("inFlight"));
  ASSERT_EQ(body["files"].size(), 1u) << body.dump(2);
  const Json& file = body["files"][0];
  EXPECT_EQ(file["path"],
            "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/meta/gpu/gpu.example.com-metadata.json");
  EXPECT_EQ(file["driver"], "gpu.example.com");
  EXPECT_EQ(file["request"], "gpu");
  const Json& doc = file["document"];
  EXPECT_EQ(doc["apiVersion"], "metadata.resource.k8s.io/v1beta1");
  EXPECT_EQ(doc["kind"], "DeviceMetadata");
  EXPECT_EQ(doc["metadata"], Json({{"name", "meta"}, {"namespace", "default"},
                                   {"uid", claim["metadata"]["uid"]}, {"generation", 1}}));
  const Json& device = doc["requests"][0]["devices"][0];
  EXPECT_EQ(doc["requests"][0]["name"], "gpu");
  EXPECT_EQ(device["driver"], "gpu.example.com");
  EXPECT_EQ(device["pool"], result["pool"]);
  EXPECT_EQ(device["name"], result["device"]);
  EXPECT_EQ(device["attributes"]["model"], Json({{"string", "LATEST-GPU-MODEL"}}));
  EXPECT_EQ(device["attributes"]["driverVersion"], Json({{"version", "1.0.0"}}));
  EXPECT_EQ(file["devices"][0]["capacity"], Json({{"compute", "100"}, {"memory", "80Gi"}}));
  EXPECT_EQ(file["devices"][0]["device"], result["device"]);

  for (const char* v : {"v1alpha1", "metadata.resource.k8s.io/v1alpha1"}) {
    VerbReply alpha = Get("meta", {{"version", v}});
    ASSERT_EQ(alpha.status, 200) << alpha.body;
    Json alpha_body = Json::parse(alpha.body);
    EXPECT_EQ(alpha_body["files"][0]["document"]["apiVersion"], "metadata.resource.k8s.io/v1alpha1");
    Json a = alpha_body["files"][0]["document"];
    Json b = doc;
    a.erase("apiVersion");
    b.erase("apiVersion");
    EXPECT_EQ(a, b);
  }
}

TEST_F(DeviceMetadataRouteTest, AnInFlightReservationIsPreviewed) {
  Json claim = fx_.Create(ClaimJson("reserved", "gpu.example.com"));
  Reservation r;
  r.claim_key = "default/reserved";
  r.claim_uid = claim["metadata"]["uid"].get<std::string>();
  r.pod_uid = "pod-uid";
  api::DeviceRequestAllocationResult result;
  result.request = "gpu";
  result.driver = "gpu.example.com";
  result.pool = "gpu-node-2";
  result.device = "gpu-5";
  r.allocation.devices.results.push_back(result);
  fx_.extender->reservations().Add(r);
  VerbReply reply = Get("reserved");
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json body = Json::parse(reply.body);
  EXPECT_EQ(body["inFlight"], true);
  EXPECT_EQ(body["files"][0]["document"]["requests"][0]["devices"][0]["name"], "gpu-5");
  EXPECT_EQ(body["files"][0]["document"]["requests"][0]["devices"][0]["attributes"]["index"], Json({{"int", 5}}));
}

TEST_F(DeviceMetadataRouteTest, Errors) {
  fx_.Create(ClaimJson("pending", "gpu.example.com"));
  struct Case {
    std::string claim;
    Params params;
    int status;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"nope", {}, 404, "resourceclaim default/nope not found"},
      {"pending", {}, 409, "resourceclaim default/pending is not allocated"},
      {"pending", {{"version", "v2"}}, 400, "query parameter version: want v1alpha1 or v1beta1 (got \"v2\")"},
      {"pending", {{"version", ""}}, 400, "query parameter version: want v1alpha1 or v1beta1"},
      {"pending", {{"version", "resource.k8s.io/v1beta1"}}, 400, "query parameter version: want v1alpha1 or v1beta1"},
      {"pending", {{"version", "v1alpha1"}, {"version", "v1beta1"}}, 400, "query parameter version: given more than once"},
      {"pending", {{"format", "yaml"}}, 400, "query parameter format: unknown (known: version)"},
  };
  for (const Case& c : cases) {
    VerbReply reply = Get(c.claim, c.params);
    EXPECT_EQ(reply.status, c.status) << c.error << ": " << reply.body;
    Json body = Json::parse(reply.body);
    EXPECT_EQ(body["error"].get<std::string>().rfind(c.error, 0), 0u) << body;
  }
}

TEST_F(DeviceMetadataRouteTest, ServedOverHttpBesideTheClaimRoute) {
  Allocate("served", "gpu-node-2");
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.workers = 2;
  HttpServer http(options, fx_.metrics);
  RegisterRoutes(http, "/allot", RouteTargets{fx_.store, *fx_.extender, fx_.metrics, nullptr});
  ASSERT_TRUE(http.Start().ok());
  httplib::Client client("127.0.0.1", http.port());
  for (const char* path : {"/api/v1/claims/default/served/metadata?version=v1alpha1",
                           "/allot/api/v1/claims/default/served/metadata?version=v1alpha1"}) {
    auto res = client.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(Json::parse(res->body)["files"][0]["document"]["apiVersion"], "metadata.resource.k8s.io/v1alpha1");
  }
  auto claim = client.Get("/api/v1/claims/default/served");  // the claim route is not shadowed
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->status, 200);
  EXPECT_EQ(Json::parse(claim->body)["kind"], "ResourceClaim");
  auto missing = client.Get("/api/v1/claims/default/ghost/metadata");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["error"], "resourceclaim default/ghost not found");
  auto bad = client.Get("/api/v1/claims/default/served/metadata?version=v9");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  http.Stop();
}

}  // namespace
}  // namespace allot::svc
