// Filter, prioritize and bind over the demo cluster (deploy/demo) through the in-memory API.
#include "service/extender/extender.h"

#include <gtest/gtest.h>

#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::FilterArgs;
using testing::ParseReply;
using testing::PodJson;

const char* k40Gi = "device.capacity['gpu.example.com'].memory.compareTo(quantity('40Gi')) >= 0";
const std::vector<std::string> kNodes = {"gpu-node-1", "gpu-node-2", "cpu-node-1", "shared-gpu-node-1", "ghost-node"};

class ExtenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fx_.LoadDemo();
    fx_.Start();
  }
  // Binds `n` one-GPU pods to gpu-node-1 (it has 8 GPUs).
  void BindFillers(int n) {
    for (int i = 0; i < n; ++i) {
      std::string name = "filler-" + std::to_string(i);
      fx_.Create(ClaimJson(name, "gpu.example.com", k40Gi));
      Json pod = fx_.Create(PodJson(name, {name}));
      Json bind = {{"PodName", name}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", "gpu-node-1"}};
      ASSERT_EQ(ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
    }
  }
  ExtenderFixture fx_;
};

TEST_F(ExtenderTest, PodWithoutClaimsPassesEveryNode) {
  auto reply = fx_.extender->Filter(FilterArgs(PodJson("web", {}), kNodes).dump());
  ASSERT_EQ(reply.status, 200);
  Json result = ParseReply(reply);
  EXPECT_EQ(result["NodeNames"], Json(kNodes));
  EXPECT_EQ(result["FailedNodes"], Json::object());
  EXPECT_EQ(result["Error"], "");
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_filter_pods_total", {{"result", "no_claims"}}), 1);
}

TEST_F(ExtenderTest, DeviceIndexIsBuiltInTheBackgroundOnceSynced) {
  // /readyz waits for this: the first filter must not pay for indexing every slice.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fx_.extender->IndexWarm() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(fx_.extender->IndexWarm());
}

TEST_F(ExtenderTest, FilterKeepsOnlyNodesWithA40GiGpu) {
  fx_.Create(ClaimJson("big-gpu", "gpu.example.com", k40Gi));
  Json pod = fx_.Create(PodJson("trainer", {"big-gpu"}));
  Json result = ParseReply(fx_.extender->Filter(FilterArgs(pod, kNodes).dump()));
  EXPECT_EQ(result["Error"], "");
  // shared-gpu-node-1 has 80Gi multi-allocatable GPUs of the same class.
  EXPECT_EQ(result["NodeNames"], Json({"gpu-node-1", "shared-gpu-node-1"}));
  // Reason codes, the same text wherever the reason is the same (filter_reasons_test.cc has one per code).
  EXPECT_EQ(result["FailedNodes"]["gpu-node-2"],
            "claim big-gpu, request gpu: SelectorMismatch (no device of the class passes the request's selectors)");
  EXPECT_EQ(result["FailedNodes"]["cpu-node-1"],
            "claim big-gpu, request gpu: NoDevices (no device passes the DeviceClass selectors)");
  EXPECT_EQ(result["FailedAndUnresolvableNodes"]["ghost-node"], "node not found in allot's cluster state");
}

TEST_F(ExtenderTest, ReadyMeansTheClassSelectorsAreAlreadyEvaluated) {
  // The warmer fills the memos before readiness: a first filter whose claim has only its class's selectors
  // evaluates no CEL at all.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!fx_.extender->IndexWarm() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(fx_.extender->IndexWarm());
  fx_.Create(ClaimJson("any-gpu", "gpu.example.com"));
  Json pod = fx_.Create(PodJson("first", {"any-gpu"}));
  Json result = ParseReply(fx_.extender->Filter(FilterArgs(pod, kNodes).dump()));
  ASSERT_EQ(result["Error"], "");
  EXPECT_FALSE(result["NodeNames"].empty());
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_cel_evaluations_total"), 0);
  EXPECT_GT(fx_.metrics.ValueForTest("allot_selector_memo_lookups_total", {{"result", "hit"}}), 0);
}

TEST_F(ExtenderTest, FilterReportsPerNodeTimesAndSelectorMemoUse) {
  fx_.Create(ClaimJson("big-gpu", "gpu.example.com", k40Gi));
  Json pod = fx_.Create(PodJson("trainer", {"big-gpu"}));
  ASSERT_EQ(ParseReply(fx_.extender->Filter(FilterArgs(pod, kNodes).dump()))["Error"], "");
  const double evaluated = fx_.metrics.ValueForTest("allot_cel_evaluations_total");
  EXPECT_GT(evaluated, 0);
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_selector_memo_lookups_total", {{"result", "miss"}}), evaluated);
  // Nodes judged by the allocator (the ghost node is unresolvable and never reaches it).
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_node_allocation_duration_seconds"), 4);
  // The same pod again, same snapshot: every selector result comes from the memo.
  ASSERT_EQ(ParseReply(fx_.extender->Filter(FilterArgs(pod, kNodes).dump()))["Error"], "");
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_cel_evaluations_total"), evaluated);
  EXPECT_GT(fx_.metrics.ValueForTest("allot_selector_memo_lookups_total", {{"result", "hit"}}), 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);  // gauges are set by the warmer
  while (!fx_.extender->IndexWarm() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GT(fx_.metrics.ValueForTest("allot_index_devices"), 0);
  EXPECT_GT(fx_.metrics.ValueForTest("allot_index_pools"), 0);
}

TEST_F(ExtenderTest, MissingClaimIsAnErrorNotANodeFailure) {
  Json pod = PodJson("orphan", {"does-not-exist"});
  pod["metadata"]["uid"] = "u-orphan";
  Json result = ParseReply(fx_.extender->Filter(FilterArgs(pod, kNodes).dump()));
  EXPECT_EQ(result["Error"], "resourceclaim default/does-not-exist not found");
  EXPECT_EQ(result["NodeNames"], Json::array());
}

TEST_F(ExtenderTest, TemplateClaimNotCreatedYetIsAnError) {
  Json pod = PodJson("templated", {});
  pod["metadata"]["uid"] = "u-t";
  pod["spec"]["resourceClaims"] = Json::array({{{"name", "gpu"}, {"resourceClaimTemplateName", "gpu-template"}}});
  Json result = ParseReply(fx_.extender->Filter(FilterArgs(pod, kNodes).dump()));
  EXPECT_NE(result["Error"].get<std::string>().find("not created yet"), std::string::npos);
}

TEST_F(ExtenderTest, MalformedBodiesAre400NamingTheField) {
  auto not_json = fx_.extender->Filter("{\"Pod\": ");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_NE(ParseReply(not_json)["error"].get<std::string>().find("invalid JSON"), std::string::npos);

  auto wrong_type = fx_.extender->Filter(R"({"Pod":{"metadata":{"name":5}},"NodeNames":["a"]})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(ParseReply(wrong_type)["error"].get<std::string>().find("metadata.name"), std::string::npos)
      << wrong_type.body;

  auto bad_names = fx_.extender->Prioritize(R"({"Pod":{},"NodeNames":"node-1"})");
  EXPECT_EQ(bad_names.status, 400);
  EXPECT_NE(ParseReply(bad_names)["error"].get<std::string>().find("NodeNames"), std::string::npos) << bad_names.body;

  auto bad_bind = fx_.extender->Bind(R"({"PodName":["x"]})");
  EXPECT_EQ(bad_bind.status, 400);
  EXPECT_NE(ParseReply(bad_bind)["error"].get<std::string>().find("PodName"), std::string::npos) << bad_bind.body;
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_http_bad_requests_total", {{"route", "filter"}}), 2);
}

TEST_F(ExtenderTest, PrioritizePacksOntoFullerNodes) {
  // Use 7 of gpu-node-1's 8 GPUs so it is fuller than gpu-node-2.
  ASSERT_NO_FATAL_FAILURE(BindFillers(7));
  Json pod = PodJson("any-gpu", {"x"});
  Json result = ParseReply(fx_.extender->Prioritize(FilterArgs(pod, {"gpu-node-1", "gpu-node-2", "cpu-node-1"}).dump()));
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result[0], Json({{"Host", "gpu-node-1"}, {"Score", 9}}));  // 1 of 8 free
  EXPECT_EQ(result[1], Json({{"Host", "gpu-node-2"}, {"Score", 0}}));  // 8 of 8 free
  EXPECT_EQ(result[2], Json({{"Host", "cpu-node-1"}, {"Score", 10}}));  // no devices

  Json no_claims = ParseReply(fx_.extender->Prioritize(FilterArgs(PodJson("web", {}), {"gpu-node-1"}).dump()));
  EXPECT_EQ(no_claims, Json::parse(R"([{"Host":"gpu-node-1","Score":0}])"));
}

TEST_F(ExtenderTest, PrioritizeExpectsThePreviousPodOnItsBestNodeUntilItsBindArrives) {
  // gpu-node-1 keeps one free GPU. Pod a is scored first and gpu-node-1 is its best node; pod b, scored
  // before a's bind arrives, must not be packed onto the same last GPU (it would lose the race in bind).
  ASSERT_NO_FATAL_FAILURE(BindFillers(7));
  fx_.Create(ClaimJson("claim-a", "gpu.example.com"));
  fx_.Create(ClaimJson("claim-b", "gpu.example.com"));
  Json a = fx_.Create(PodJson("pod-a", {"claim-a"}));
  Json b = fx_.Create(PodJson("pod-b", {"claim-b"}));
  auto score_of = [&](const Json& pod, const std::string& node) {
    Json result = ParseReply(fx_.extender->Prioritize(FilterArgs(pod, {"gpu-node-1", "gpu-node-2"}).dump()));
    for (const auto& entry : result) {
      if (entry["Host"] == node) return entry["Score"].get<int64_t>();
    }
    ADD_FAILURE() << "no score for " << node << ": " << result.dump();
    return int64_t{-1};
  };
  EXPECT_EQ(score_of(a, "gpu-node-1"), 9);  // 1 of 8 free: packed
  EXPECT_EQ(score_of(b, "gpu-node-1"), 0);  // a is expected to take the last GPU
  EXPECT_EQ(score_of(a, "gpu-node-1"), 9);  // a's own expectation does not crowd a

  // The scheduler bound a elsewhere: the expectation is gone and b may pack onto gpu-node-1 again.
  Json bind = {{"PodName", "pod-a"}, {"PodNamespace", "default"}, {"PodUID", a["metadata"]["uid"]}, {"Node", "gpu-node-2"}};
  ASSERT_EQ(ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");
  EXPECT_EQ(score_of(b, "gpu-node-1"), 9);
}

TEST_F(ExtenderTest, BindAllocatesReservesAndBindsThePod) {
  fx_.Create(ClaimJson("big-gpu", "gpu.example.com", k40Gi));
  Json pod = fx_.Create(PodJson("trainer", {"big-gpu"}));
  std::string uid = pod["metadata"]["uid"];
  Json bind = {{"PodName", "trainer"}, {"PodNamespace", "default"}, {"PodUID", uid}, {"Node", "gpu-node-1"}};
  Json result = ParseReply(fx_.extender->Bind(bind.dump()));
  ASSERT_EQ(result, Json({{"Error", ""}}));

  auto claim = fx_.WaitForClaim("default/big-gpu", [](const Json& c) { return c.contains("status"); });
  ASSERT_NE(claim, nullptr);
  const Json& status = (*claim)["status"];
  ASSERT_EQ(status["allocation"]["devices"]["results"].size(), 1u);
  EXPECT_EQ(status["allocation"]["devices"]["results"][0]["pool"], "gpu-node-1");
  EXPECT_EQ(status["allocation"]["devices"]["results"][0]["request"], "gpu");
  EXPECT_EQ(status["allocation"]["nodeSelector"]["nodeSelectorTerms"][0]["matchFields"][0]["values"][0], "gpu-node-1");
  EXPECT_EQ(status["reservedFor"], Json::parse(R"([{"resource":"pods","name":"trainer","uid":")" + uid + "\"}]"));
  EXPECT_EQ((*claim)["metadata"]["finalizers"], Json({"resource.kubernetes.io/delete-protection"}));
  auto bound = fx_.kube.Get(PodsResource(), "default", "trainer");
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ((*bound)["spec"]["nodeName"], "gpu-node-1");

  // The reservation is dropped once the watch shows the allocation.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (fx_.extender->reservations().size() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(fx_.extender->reservations().size(), 0u);
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_bind_total", {{"result", "bound"}}), 1);

  // Binding the same pod again is idempotent for the claim but the pod is already bound: success.
  EXPECT_EQ(ParseReply(fx_.extender->Bind(bind.dump()))["Error"], "");

  // A second pod sharing the allocated claim is pinned to gpu-node-1.
  Json sharer = fx_.Create(PodJson("sharer", {"big-gpu"}));
  Json filtered = ParseReply(fx_.extender->Filter(FilterArgs(sharer, {"gpu-node-1", "gpu-node-2"}).dump()));
  EXPECT_EQ(filtered["NodeNames"], Json({"gpu-node-1"}));
  EXPECT_EQ(filtered["FailedAndUnresolvableNodes"]["gpu-node-2"], "claim is allocated for other nodes");
}

TEST_F(ExtenderTest, BindFailureUndoesTheClaimWrites) {
  fx_.Create(ClaimJson("c1", "gpu.example.com", k40Gi));
  Json pod = fx_.Create(PodJson("p1", {"c1"}));
  // Pretend another scheduler bound the pod already: pods/binding answers 409 and bind must undo.
  Json bound = pod;
  bound["spec"]["nodeName"] = "gpu-node-1";
  ASSERT_TRUE(fx_.kube.Update(PodsResource(), bound).ok());
  Json bind = {{"PodName", "p1"}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", "shared-gpu-node-1"}};
  Json result = ParseReply(fx_.extender->Bind(bind.dump()));
  EXPECT_NE(result["Error"].get<std::string>().find("already assigned"), std::string::npos) << result;
  auto claim = fx_.kube.Get(ResourceClaimsResource(), "default", "c1");
  ASSERT_TRUE(claim.ok());
  EXPECT_FALSE((*claim)["status"].contains("allocation")) << claim->dump();
  EXPECT_EQ(fx_.extender->reservations().size(), 0u);
  EXPECT_EQ(fx_.metrics.ValueForTest("allot_bind_undo_total", {{"result", "ok"}}), 1);
}

TEST(ExtenderBudgetTest, ANodeOutOfSearchStepsFailsWithTheReasonNotTheRequest) {
  ExtenderOptions options;
  options.max_search_steps = 1;  // any allocation needs more than one step
  ExtenderFixture fx(options);
  fx.LoadDemo();
  fx.Start();
  fx.Create(ClaimJson("big-gpu", "gpu.example.com", k40Gi));
  Json pod = fx.Create(PodJson("trainer", {"big-gpu"}));
  Json result = ParseReply(fx.extender->Filter(FilterArgs(pod, kNodes).dump()));
  EXPECT_EQ(result["Error"], "") << "one node's budget is not a scheduling error";
  EXPECT_EQ(result["NodeNames"], Json::array());
  ASSERT_TRUE(result["FailedNodes"].contains("gpu-node-1")) << result.dump();
  EXPECT_NE(result["FailedNodes"]["gpu-node-1"].get<std::string>().find("search budget of 1 steps exhausted"),
            std::string::npos)
      << result.dump();
}

TEST(ExtenderOptionsTest, ParsesFeatureGatesAndPolicies) {
  auto f = ParseFeatureGates("DRAConsumableCapacity=false,DRAListTypeAttributes=true");
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->consumable_capacity);
  EXPECT_TRUE(f->list_type_attributes);
  EXPECT_TRUE(f->admin_access);
  EXPECT_FALSE(ParseFeatureGates("Nope=true").ok());
  EXPECT_FALSE(ParseFeatureGates("DRAAdminAccess=yes").ok());
  EXPECT_EQ(*ParseScorePolicy("spread"), ScorePolicy::kSpread);
  EXPECT_FALSE(ParseScorePolicy("random").ok());
}

}  // namespace
}  // namespace allot::svc
