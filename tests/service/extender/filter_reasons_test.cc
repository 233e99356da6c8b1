// filter's FailedNodes in explain's reason codes (service/extender/filter_reasons.h): the text per code,
// the same text on every node failing for the same reason, agreement with POST /api/v1/explain on the same
// pod, fatal input errors named by their code, and --filter-reasons=false restoring the generic text.
// Over the demo cluster (deploy/demo) through the real pipeline, like extender_test.cc and explain_test.cc.
#include "service/extender/filter_reasons.h"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "service/tooling/explain.h"
#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::FilterArgs;
using testing::ParseReply;
using testing::PodJson;

const char* k40Gi = "device.capacity['gpu.example.com'].memory.compareTo(quantity('40Gi')) >= 0";
const std::vector<std::string> kNodes = {"gpu-node-1", "gpu-node-2", "cpu-node-1", "shared-gpu-node-1", "dgx-h100-01"};

std::string Text(const std::string& claim, const std::string& request, alloc::ReasonCode code) {
  return "claim " + claim + ", request " + request + ": " + std::string(alloc::ReasonCodeName(code)) + " (" +
         std::string(alloc::ReasonCodeSummary(code)) + ")";
}

TEST(FailedNodeTextTest, NamesClaimRequestCodeAndFixedSummary) {
  using alloc::ReasonCode;
  EXPECT_EQ(FailedNodeText({}), "cannot allocate all claims");
  std::vector<alloc::Reason> reasons = {
      {"default/gpu-claim", "gpu", ReasonCode::kDevicesInUse, "all 8 remaining devices are allocated, held by x"},
      {"default/gpu-claim", "gpu", ReasonCode::kDevicesInUse, "another message on another node"},
      {"nic", "a,b", ReasonCode::kConstraintUnsatisfiable, "values seen: 0 (1)"}};
  EXPECT_EQ(FailedNodeText(reasons),
            "claim gpu-claim, request gpu: DevicesInUse (all matching devices are allocated); "
            "claim nic, request a,b: ConstraintUnsatisfiable (no choice of devices satisfies the claim's constraints)");
  // Every code has its own summary, and none reads like a node's numbers.
  std::set<std::string> summaries;
  for (int c = 0; c < alloc::kReasonCodeCount; ++c) {
    std::string s(alloc::ReasonCodeSummary(static_cast<ReasonCode>(c)));
    EXPECT_EQ(s.find_first_of("0123456789"), std::string::npos) << s;
    summaries.insert(s);
  }
  EXPECT_EQ(summaries.size(), static_cast<size_t>(alloc::kReasonCodeCount));
}

TEST(FilterErrorTextTest, PrefixesTheCodeOfAReasonError) {
  EXPECT_EQ(FilterErrorText(NotFoundError("claim c, request gpu: could not retrieve device class x")),
            "ClassNotFound: claim c, request gpu: could not retrieve device class x");
  EXPECT_EQ(FilterErrorText(InvalidArgumentError("claim c: CEL runtime error: no such key")),
            "SelectorError: claim c: CEL runtime error: no such key");
  EXPECT_EQ(FilterErrorText(DeadlineExceededError("deadline")), "deadline");
}

class FilterReasonsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fx_.LoadDemo();
    fx_.Start();
  }
  // Filters `pod` on `nodes` and checks every FailedNodes text against explain's answer for the same pod and
  // nodes: the same codes for the same requests, nothing node-specific. Returns the filter result.
  Json FilterAgreeingWithExplain(const Json& pod, const std::vector<std::string>& nodes) {
    Json result = ParseReply(fx_.extender->Filter(FilterArgs(pod, nodes).dump()));
    EXPECT_EQ(result["Error"], "");
    VerbReply reply = Explain(fx_.extender->context(), Json({{"pod", pod}, {"nodes", nodes}}).dump());
    EXPECT_EQ(reply.status, 200) << reply.body;
    Json answer = Json::parse(reply.body);
    for (const Json& n : answer["nodes"]) {
      const std::string node = n["node"];
      if (n["fits"].get<bool>()) {
        EXPECT_FALSE(result["FailedNodes"].contains(node)) << node;
        continue;
      }
      EXPECT_TRUE(n["reasons"].size() > 0) << n;
      const std::string text = result["FailedNodes"].value(node, "");
      std::string want;
      for (const Json& r : n["reasons"]) {
        const std::string claim = r["claim"].get<std::string>().substr(r["claim"].get<std::string>().find('/') + 1);
        const std::string entry = "claim " + claim + ", request " + r["request"].get<std::string>() + ": " +
                                  r["code"].get<std::string>() + " (";
        EXPECT_NE(text.find(entry), std::string::npos) << node << ": filter says \"" << text << "\", explain " << r;
      }
      for (const std::string& other : kNodes) EXPECT_EQ(text.find(other), std::string::npos) << text;
    }
    return result;
  }
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

TEST_F(FilterReasonsTest, NoDevicesAndSelectorMismatch) {
  fx_.Create(ClaimJson("big-gpu", "gpu.example.com", k40Gi));
  Json pod = fx_.Create(PodJson("trainer", {"big-gpu"}));
  Json result = FilterAgreeingWithExplain(pod, kNodes);
  EXPECT_EQ(result["NodeNames"], Json({"gpu-node-1", "shared-gpu-node-1"}));
  EXPECT_EQ(result["FailedNodes"]["gpu-node-2"], Text("big-gpu", "gpu", alloc::ReasonCode::kSelectorMismatch));
  // Two nodes without the class's devices read the same, so the scheduler's event counts them together.
  EXPECT_EQ(result["FailedNodes"]["cpu-node-1"], Text("big-gpu", "gpu", alloc::ReasonCode::kNoDevices));
  EXPECT_EQ(result["FailedNodes"]["dgx-h100-01"], result["FailedNodes"]["cpu-node-1"]);
}

TEST_F(FilterReasonsTest, SameReasonIsTheSameTextOnEveryNode) {
  fx_.Create(ClaimJson("no-match", "gpu.example.com", "device.attributes['gpu.example.com'].model == 'NO-SUCH-MODEL'"));
  Json pod = fx_.Create(PodJson("nowhere", {"no-match"}));
  Json result = FilterAgreeingWithExplain(pod, {"gpu-node-1", "gpu-node-2", "shared-gpu-node-1"});
  ASSERT_EQ(result["FailedNodes"].size(), 3u);
  for (const auto& [node, text] : result["FailedNodes"].items()) {
    EXPECT_EQ(text, Text("no-match", "gpu", alloc::ReasonCode::kSelectorMismatch)) << node;
  }
}

TEST_F(FilterReasonsTest, DevicesInUse) {
  BindFillers(8);  // gpu-node-1's eight GPUs, allocated or still reserved in flight
  fx_.Create(ClaimJson("late", "gpu.example.com", k40Gi));
  Json pod = fx_.Create(PodJson("late", {"late"}));
  Json result = FilterAgreeingWithExplain(pod, {"gpu-node-1"});
  EXPECT_EQ(result["FailedNodes"]["gpu-node-1"], Text("late", "gpu", alloc::ReasonCode::kDevicesInUse));
}

TEST_F(FilterReasonsTest, InsufficientDevices) {
  Json claim = ClaimJson("nine", "gpu.example.com");
  claim["spec"]["devices"]["requests"][0]["exactly"]["count"] = 9;  // the GPU nodes have 8
  fx_.Create(claim);
  Json pod = fx_.Create(PodJson("nine", {"nine"}));
  Json result = FilterAgreeingWithExplain(pod, {"gpu-node-1", "gpu-node-2"});
  EXPECT_EQ(result["FailedNodes"]["gpu-node-1"], Text("nine", "gpu", alloc::ReasonCode::kInsufficientDevices));
  EXPECT_EQ(result["FailedNodes"]["gpu-node-2"], result["FailedNodes"]["gpu-node-1"]);
}

TEST_F(FilterReasonsTest, ConstraintUnsatisfiable) {
  // Two GPUs that must share a uuid: each request fits alone, but no two devices share one.
  Json claim = ClaimJson("pair", "gpu.example.com");
  Json second = claim["spec"]["devices"]["requests"][0];
  second["name"] = "gpu-b";
  claim["spec"]["devices"]["requests"].push_back(second);
  claim["spec"]["devices"]["constraints"] =
      Json::array({{{"requests", {"gpu", "gpu-b"}}, {"matchAttribute", "gpu.example.com/uuid"}}});
  fx_.Create(claim);
  Json pod = fx_.Create(PodJson("pair", {"pair"}));
  Json result = FilterAgreeingWithExplain(pod, {"gpu-node-1", "gpu-node-2"});
  EXPECT_EQ(result["FailedNodes"]["gpu-node-1"], Text("pair", "gpu,gpu-b", alloc::ReasonCode::kConstraintUnsatisfiable));
  EXPECT_EQ(result["FailedNodes"]["gpu-node-2"], result["FailedNodes"]["gpu-node-1"]);
}

TEST_F(FilterReasonsTest, ClassNotFoundAndSelectorErrorFailTheFilterNamingTheCode) {
  fx_.Create(ClaimJson("classless", "no-such-class"));
  Json pod = fx_.Create(PodJson("classless", {"classless"}));
  Json result = ParseReply(fx_.extender->Filter(FilterArgs(pod, kNodes).dump()));
  EXPECT_EQ(result["Error"].get<std::string>().rfind("ClassNotFound: ", 0), 0u) << result["Error"];
  EXPECT_EQ(result["NodeNames"], Json::array());

  fx_.Create(ClaimJson("broken", "gpu.example.com", "device.attributes['gpu.example.com'].missing == 1"));
  pod = fx_.Create(PodJson("broken", {"broken"}));
  result = ParseReply(fx_.extender->Filter(FilterArgs(pod, {"gpu-node-2"}).dump()));
  EXPECT_EQ(result["Error"].get<std::string>().rfind("SelectorError: ", 0), 0u) << result["Error"];
}

TEST(FilterReasonsOffTest, GenericTextWithoutReasons) {
  ExtenderOptions options;
  options.filter_reasons = false;
  ExtenderFixture fx(options);
  fx.LoadDemo();
  fx.Start();
  fx.Create(ClaimJson("big-gpu", "gpu.example.com", k40Gi));
  Json pod = fx.Create(PodJson("trainer", {"big-gpu"}));
  Json result = ParseReply(fx.extender->Filter(FilterArgs(pod, kNodes).dump()));
  EXPECT_EQ(result["NodeNames"], Json({"gpu-node-1", "shared-gpu-node-1"}));
  EXPECT_EQ(result["FailedNodes"]["gpu-node-2"], "cannot allocate all claims");
  EXPECT_EQ(result["FailedNodes"]["cpu-node-1"], "cannot allocate all claims");
}

}  // namespace
}  // namespace allot::svc
