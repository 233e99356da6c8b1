// POST /api/v1/explain over the demo cluster (deploy/demo) through the real pipeline: in-memory API,
// reflectors, store, published view, and the extender's VerbContext.
#include "service/tooling/explain.h"

#include <gtest/gtest.h>

#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::PodJson;

const char* k40Gi = "device.capacity['gpu.example.com'].memory.compareTo(quantity('40Gi')) >= 0";

class ExplainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fx_.LoadDemo();
    fx_.Start();
  }
  VerbReply Run(const Json& body) { return Explain(fx_.extender->context(), body.dump()); }
  static const Json* FindNode(const Json& answer, const std::string& name) {
    for (const Json& n : answer["nodes"]) {
      if (n["node"] == name) return &n;
    }
    return nullptr;
  }
  ExtenderFixture fx_;
};

TEST_F(ExplainTest, PodThatFitsSomewhere) {
  fx_.Create(ClaimJson("big-gpu", "gpu.example.com", k40Gi));
  fx_.Create(PodJson("trainer", {"big-gpu"}));
  VerbReply reply = Run({{"podRef", {{"namespace", "default"}, {"name", "trainer"}}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json answer = Json::parse(reply.body);
  // The same verdicts as filter (extender_test FilterKeepsOnlyNodesWithA40GiGpu).
  EXPECT_EQ(answer["fits"], Json({"gpu-node-1", "shared-gpu-node-1"}));
  ASSERT_EQ(answer["nodes"].size(), 5u);  // every node of the demo cluster, by name
  const Json* small = FindNode(answer, "gpu-node-2");
  ASSERT_NE(small, nullptr);
  EXPECT_EQ((*small)["fits"], false);
  ASSERT_EQ((*small)["reasons"].size(), 1u);
  const Json& reason = (*small)["reasons"][0];
  EXPECT_EQ(reason["claim"], "default/big-gpu");
  EXPECT_EQ(reason["request"], "gpu");
  EXPECT_EQ(reason["code"], "SelectorMismatch");
  EXPECT_NE(reason["message"].get<std::string>().find("seen: gpu.example.com/memory = 24Gi (8)"), std::string::npos)
      << reason["message"];
  EXPECT_EQ((*FindNode(answer, "cpu-node-1"))["reasons"][0]["code"], "NoDevices");
  EXPECT_EQ((*FindNode(answer, "dgx-h100-01"))["reasons"][0]["code"], "NoDevices");
  EXPECT_EQ((*FindNode(answer, "gpu-node-1"))["reasons"], Json::array());
  EXPECT_EQ(answer["summary"], "2/5 nodes fit; 2 NoDevices, 1 SelectorMismatch");
}

TEST_F(ExplainTest, SelectorThatMatchesNothingIsSelectorMismatchOnEveryNodeWithTheClass) {
  // A pod and claim that do not exist yet, given in the body.
  Json body = {{"pod", PodJson("nowhere", {"no-match"})},
               {"claims", Json::array({ClaimJson("no-match", "gpu.example.com",
                                                 "device.attributes['gpu.example.com'].model == 'NO-SUCH-MODEL'")})},
               {"nodes", {"gpu-node-1", "gpu-node-2", "shared-gpu-node-1"}}};
  VerbReply reply = Run(body);
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json answer = Json::parse(reply.body);
  EXPECT_EQ(answer["fits"], Json::array());
  ASSERT_EQ(answer["nodes"].size(), 3u);
  for (const Json& n : answer["nodes"]) {
    ASSERT_EQ(n["reasons"].size(), 1u) << n;
    EXPECT_EQ(n["reasons"][0]["code"], "SelectorMismatch") << n;
    EXPECT_NE(n["reasons"][0]["message"].get<std::string>().find("LATEST-GPU-MODEL (8)"), std::string::npos) << n;
  }
  EXPECT_EQ(answer["summary"], "0/3 nodes fit; 3 SelectorMismatch");
}

TEST_F(ExplainTest, InFlightAndAllocatedDevicesAreInUse) {
  // Eight one-GPU pods bound to gpu-node-1 (allocated or still reserved in flight: both count).
  for (int i = 0; i < 8; ++i) {
    std::string name = "filler-" + std::to_string(i);
    fx_.Create(ClaimJson(name, "gpu.example.com", k40Gi));
    Json pod = fx_.Create(PodJson(name, {name}));
    Json bind = {{"PodName", name}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", "gpu-node-1"}};
    ASSERT_EQ(testing::ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
  }
  Json body = {{"pod", PodJson("late", {"late"})},
               {"claims", Json::array({ClaimJson("late", "gpu.example.com", k40Gi)})},
               {"nodes", {"gpu-node-1"}}};
  Json answer = Json::parse(Run(body).body);
  const Json& reason = answer["nodes"][0]["reasons"][0];
  EXPECT_EQ(reason["code"], "DevicesInUse") << answer;
  EXPECT_NE(reason["message"].get<std::string>().find("default/filler-"), std::string::npos) << reason;
}

TEST_F(ExplainTest, MalformedBodyIs400NamingTheField) {
  VerbReply reply = Run({{"pod", PodJson("p", {"c"})}, {"claims", Json::array({{{"spec", {{"devices", {{"requests", Json::array({{{"exactly", Json::object()}}})}}}}}}})}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Json::parse(reply.body)["error"], "claims[0].spec.devices.requests[0].name: missing required field");

  reply = Run({{"podRef", {{"namespace", "default"}}}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Json::parse(reply.body)["error"], "podRef.name: missing required field");

  reply = Run(Json::object());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Json::parse(reply.body)["error"], "pod: missing (give podRef or pod)");

  reply = Explain(fx_.extender->context(), "{not json");
  EXPECT_EQ(reply.status, 400);

  reply = Run({{"pod", PodJson("p", {"not-there"})}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Json::parse(reply.body)["error"],
            "pod.spec.resourceClaims[0]: resourceclaim default/not-there not found (give it in \"claims\")");

  reply = Run({{"podRef", {{"name", "no-such-pod"}}}});
  EXPECT_EQ(reply.status, 404);
}

TEST_F(ExplainTest, ClaimsInTheBodyResolveLikeFilter) {
  // A template entry whose claim is not created yet takes the body's claim annotated with the entry's name
  // (ResolvePodClaims with overrides, the path filter uses).
  Json pod = PodJson("templated", {});
  pod["spec"]["resourceClaims"] = Json::array({{{"name", "gpu"}, {"resourceClaimTemplateName", "gpu-template"}}});
  Json claim = ClaimJson("templated-gpu-x7k2", "gpu.example.com", k40Gi);
  claim["metadata"]["annotations"] = {{"resource.kubernetes.io/pod-claim-name", "gpu"}};
  VerbReply reply = Run({{"pod", pod}, {"claims", Json::array({claim})}, {"nodes", {"gpu-node-1", "gpu-node-2"}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  Json answer = Json::parse(reply.body);
  EXPECT_EQ(answer["fits"], Json({"gpu-node-1"}));
  EXPECT_EQ(answer["nodes"][1]["reasons"][0]["claim"], "default/templated-gpu-x7k2");

  // Without it the entry cannot be resolved, and a body claim the pod does not use is refused.
  reply = Run({{"pod", pod}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(Json::parse(reply.body)["error"].get<std::string>().find("pod.spec.resourceClaims[0]: "), std::string::npos)
      << reply.body;
  reply = Run({{"pod", pod}, {"claims", Json::array({claim, ClaimJson("stray", "gpu.example.com")})}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(Json::parse(reply.body)["error"], "claims[1]: not a claim of the pod");
}

TEST(ExplainBeforeSyncTest, Is503) {
  ExtenderFixture fx;  // no reflectors started: the store has not synced
  VerbReply reply = Explain(fx.extender->context(), R"({"pod": {"metadata": {"name": "p"}}})");
  EXPECT_EQ(reply.status, 503) << reply.body;
}

}  // namespace
}  // namespace allot::svc
