// Binding conditions in bind (service/extender/binding_conditions.h, binding_waiter.h): the check itself, and
// bind over the in-memory API with a fake driver (this test) writing the claim's status.devices conditions.
#include "service/extender/binding_conditions.h"

#include <future>

#include <gtest/gtest.h>

#include "api/codec.h"
#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::ParseReply;
using testing::PodJson;

// ---- the check -------------------------------------------------------------------------------------

api::ResourceClaim AllocatedClaim() {
  api::ResourceClaim claim;
  api::AllocationResult allocation;
  api::DeviceRequestAllocationResult waiting;
  waiting.request = "r";
  waiting.driver = "d";
  waiting.pool = "p";
  waiting.device = "dev-0";
  waiting.binding_conditions = {"attached", "healthy"};
  waiting.binding_failure_conditions = {"attach-failed"};
  api::DeviceRequestAllocationResult plain = waiting;
  plain.device = "dev-1";
  plain.binding_conditions.clear();
  plain.binding_failure_conditions.clear();
  allocation.devices.results = {waiting, plain};
  claim.status.allocation = allocation;
  return claim;
}

api::AllocatedDeviceStatus Status(const std::string& device, std::vector<std::pair<std::string, std::string>> conds) {
  api::AllocatedDeviceStatus s;
  s.driver = "d";
  s.pool = "p";
  s.device = device;
  for (auto& [type, status] : conds) {
    api::Condition c;
    c.type = type;
    c.status = status;
    c.reason = "Because";
    s.conditions.push_back(c);
  }
  return s;
}

TEST(BindingCheckTest, ReadyOnlyWhenEveryConditionOfEveryWaitingDeviceIsTrue) {
  api::ResourceClaim claim = AllocatedClaim();
  EXPECT_TRUE(HasBindingConditions(*claim.status.allocation));
  EXPECT_EQ(CheckBindingConditions(claim).state, BindingCheck::State::kPending);  // no status.devices entry

  claim.status.devices = {Status("dev-1", {{"attached", "True"}, {"healthy", "True"}})};  // another device
  EXPECT_EQ(CheckBindingConditions(claim).state, BindingCheck::State::kPending);

  claim.status.devices.push_back(Status("dev-0", {{"attached", "True"}, {"healthy", "False"}}));
  BindingCheck half = CheckBindingConditions(claim);
  EXPECT_EQ(half.state, BindingCheck::State::kPending);
  EXPECT_EQ(half.detail, "d/p/dev-0: healthy");

  claim.status.devices[1] = Status("dev-0", {{"attached", "True"}, {"healthy", "True"}, {"attach-failed", "False"}});
  EXPECT_EQ(CheckBindingConditions(claim).state, BindingCheck::State::kReady);

  claim.status.devices[1] = Status("dev-0", {{"attached", "False"}, {"attach-failed", "True"}});
  BindingCheck failed = CheckBindingConditions(claim);
  EXPECT_EQ(failed.state, BindingCheck::State::kFailed);
  EXPECT_NE(failed.detail.find("attach-failed is True (reason Because"), std::string::npos) << failed.detail;

  claim.status.allocation.reset();
  EXPECT_EQ(CheckBindingConditions(claim).state, BindingCheck::State::kPending);

  api::ResourceClaim none = AllocatedClaim();
  none.status.allocation->devices.results.erase(none.status.allocation->devices.results.begin());
  EXPECT_FALSE(HasBindingConditions(*none.status.allocation));
  EXPECT_EQ(CheckBindingConditions(none).state, BindingCheck::State::kReady);
}

// ---- bind ------------------------------------------------------------------------------------------

Json ClassJson(const std::string& name, const std::string& driver) {
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "DeviceClass"},
          {"metadata", {{"name", name}}},
          {"spec", {{"selectors", Json::array({{{"cel", {{"expression", "device.driver == '" + driver + "'"}}}}})}}}};
}

Json SliceJson(const std::string& driver, const Json& devices) {
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "ResourceSlice"},
          {"metadata", {{"name", "node-a-" + driver}}},
          {"spec",
           {{"driver", driver},
            {"nodeName", "node-a"},
            {"pool", {{"name", "node-a"}, {"generation", 1}, {"resourceSliceCount", 1}}},
            {"devices", devices}}}};
}

class BindingConditionsBindTest : public ::testing::Test {
 protected:
  void StartCluster(ExtenderOptions options) {
    fx_ = std::make_unique<ExtenderFixture>(options);
    fx_->Apply({{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "node-a"}}}});
    fx_->Apply(ClassJson("fpga", "fpga.example.com"));
    fx_->Apply(ClassJson("nic", "nic.example.com"));
    fx_->Apply(SliceJson("fpga.example.com", Json::array({{{"name", "fpga-0"},
                                                           {"bindingConditions", {"attached"}},
                                                           {"bindingFailureConditions", {"attach-failed"}}}})));
    fx_->Apply(SliceJson("nic.example.com", Json::array({{{"name", "nic-0"}}})));
    fx_->Start();
  }
  // Creates claim + pod and starts their bind to node-a on another thread.
  std::future<Json> StartBind(const std::string& name, const std::string& cls) {
    fx_->Create(ClaimJson(name, cls));
    Json pod = fx_->Create(PodJson(name, {name}));
    bind_ = {{"PodName", name}, {"PodNamespace", "default"}, {"PodUID", pod["metadata"]["uid"]}, {"Node", "node-a"}};
    return std::async(std::launch::async, [this, body = bind_.dump()] { return ParseReply(fx_->extender->Bind(body)); });
  }
  // Waits for the allocation in the store (bind wrote it), then writes the driver's condition as a driver does.
  void DriverSets(const std::string& claim, const std::string& type) {
    ASSERT_NE(fx_->WaitForClaim("default/" + claim,
                                [](const Json& c) { return c.contains("status") && c["status"].contains("allocation"); }),
              nullptr);
    auto current = fx_->kube.Get(ResourceClaimsResource(), "default", claim);
    ASSERT_TRUE(current.ok());
    Json updated = *current;
    updated["status"]["devices"] = Json::array({{{"driver", "fpga.example.com"},
                                                 {"pool", "node-a"},
                                                 {"device", "fpga-0"},
                                                 {"conditions", Json::array({{{"type", type},
                                                                              {"status", "True"},
                                                                              {"reason", "Driver"},
                                                                              {"message", "from the test"},
                                                                              {"lastTransitionTime", "2026-12-02T00:00:00Z"}}})}}});
    ASSERT_TRUE(fx_->kube.UpdateStatus(ResourceClaimsResource(), updated).ok());
  }
  std::string NodeOf(const std::string& pod) {
    auto p = fx_->kube.Get(PodsResource(), "default", pod);
    return p.ok() ? (*p)["spec"].value("nodeName", "") : "?";
  }
  Json ClaimStatus(const std::string& claim) {
    auto c = fx_->kube.Get(ResourceClaimsResource(), "default", claim);
    return c.ok() && c->contains("status") ? (*c)["status"] : Json::object();
  }

  std::unique_ptr<ExtenderFixture> fx_;
  Json bind_;
};

ExtenderOptions Options(std::chrono::seconds timeout, std::chrono::milliseconds reply) {
  ExtenderOptions options;
  options.binding_timeout = timeout;
  options.binding_reply_wait = reply;
  return options;
}

TEST_F(BindingConditionsBindTest, BindsOnceTheDriverSetsTheConditions) {
  StartCluster(Options(std::chrono::seconds(60), std::chrono::seconds(60)));
  std::future<Json> reply = StartBind("c1", "fpga");
  // Allocated and reserved, not bound: bind waits.
  ASSERT_NO_FATAL_FAILURE(DriverSets("c1", "unrelated"));
  EXPECT_EQ(reply.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  EXPECT_EQ(NodeOf("c1"), "");
  EXPECT_EQ(fx_->extender->binding_waiter().size(), 1u);
  ASSERT_NO_FATAL_FAILURE(DriverSets("c1", "attached"));
  EXPECT_EQ(reply.get(), Json({{"Error", ""}}));
  EXPECT_EQ(NodeOf("c1"), "node-a");
  Json status = ClaimStatus("c1");
  EXPECT_EQ(status["allocation"]["devices"]["results"][0]["bindingConditions"], Json({"attached"}));
  EXPECT_TRUE(status["allocation"].contains("allocationTimestamp")) << status;
  EXPECT_EQ(status["reservedFor"].size(), 1u);
  EXPECT_EQ(status["devices"][0]["conditions"][0]["type"], "attached");  // the driver's entry is kept
  EXPECT_EQ(fx_->extender->binding_waiter().size(), 0u);
}

TEST_F(BindingConditionsBindTest, AFailureConditionUndoesTheAllocation) {
  StartCluster(Options(std::chrono::seconds(60), std::chrono::seconds(60)));
  std::future<Json> reply = StartBind("c1", "fpga");
  ASSERT_NO_FATAL_FAILURE(DriverSets("c1", "attach-failed"));
  std::string error = reply.get()["Error"];
  EXPECT_NE(error.find("device binding failed"), std::string::npos) << error;
  EXPECT_NE(error.find("attach-failed is True"), std::string::npos) << error;
  EXPECT_EQ(NodeOf("c1"), "");
  Json status = ClaimStatus("c1");
  EXPECT_FALSE(status.contains("allocation")) << status;
  EXPECT_FALSE(status.contains("devices")) << status;  // would not match an allocation any more
  EXPECT_FALSE(status.contains("reservedFor")) << status;
  EXPECT_EQ(fx_->extender->reservations().size(), 0u);
  // The scheduler retries once the watch shows the claim free: the device is free again, the wait starts over.
  ASSERT_NE(fx_->WaitForClaim("default/c1", [](const Json& c) {
              return !c.contains("status") || !c["status"].contains("allocation");
            }), nullptr);
  std::future<Json> retry =
      std::async(std::launch::async, [this] { return ParseReply(fx_->extender->Bind(bind_.dump())); });
  ASSERT_NO_FATAL_FAILURE(DriverSets("c1", "attached"));
  EXPECT_EQ(retry.get(), Json({{"Error", ""}}));
  EXPECT_EQ(NodeOf("c1"), "node-a");
}

TEST_F(BindingConditionsBindTest, TheBindingTimeoutUndoesTheAllocation) {
  StartCluster(Options(std::chrono::seconds(1), std::chrono::seconds(60)));
  std::string error = StartBind("c1", "fpga").get()["Error"];
  EXPECT_NE(error.find("device binding timeout"), std::string::npos) << error;
  EXPECT_NE(error.find("fpga.example.com/node-a/fpga-0: attached"), std::string::npos) << error;
  EXPECT_EQ(NodeOf("c1"), "");
  EXPECT_FALSE(ClaimStatus("c1").contains("allocation"));
  EXPECT_EQ(fx_->extender->binding_waiter().size(), 0u);
}

TEST_F(BindingConditionsBindTest, ARequestAnswersPendingAndTheWaitBindsInTheBackground) {
  StartCluster(Options(std::chrono::seconds(60), std::chrono::milliseconds(50)));
  std::string first = StartBind("c1", "fpga").get()["Error"];
  EXPECT_NE(first.find("waiting for the binding conditions"), std::string::npos) << first;
  // The scheduler's retry while the wait goes on does not start a second one.
  std::string retry = ParseReply(fx_->extender->Bind(bind_.dump()))["Error"];
  EXPECT_NE(retry.find("pod is waiting for the binding conditions of its devices on node node-a"), std::string::npos)
      << retry;
  EXPECT_EQ(fx_->extender->binding_waiter().size(), 1u);
  EXPECT_TRUE(ClaimStatus("c1").contains("allocation"));  // the devices stay held while waiting
  ASSERT_NO_FATAL_FAILURE(DriverSets("c1", "attached"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (NodeOf("c1") != "node-a" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(NodeOf("c1"), "node-a");
  // A later retry of the scheduler sees the pod bound.
  EXPECT_EQ(ParseReply(fx_->extender->Bind(bind_.dump()))["Error"], "");
}

TEST_F(BindingConditionsBindTest, DevicesWithoutConditionsBindAtOnce) {
  StartCluster(Options(std::chrono::seconds(60), std::chrono::seconds(60)));
  EXPECT_EQ(StartBind("c1", "nic").get(), Json({{"Error", ""}}));
  EXPECT_EQ(NodeOf("c1"), "node-a");
  EXPECT_EQ(fx_->extender->binding_waiter().size(), 0u);
  EXPECT_FALSE(ClaimStatus("c1")["allocation"]["devices"]["results"][0].contains("bindingConditions"));
}

TEST_F(BindingConditionsBindTest, ShutdownUndoesOpenWaits) {
  StartCluster(Options(std::chrono::seconds(60), std::chrono::milliseconds(50)));
  std::string first = StartBind("c1", "fpga").get()["Error"];
  EXPECT_NE(first.find("waiting for the binding conditions"), std::string::npos) << first;
  fx_->extender->binding_waiter().Shutdown();
  EXPECT_FALSE(ClaimStatus("c1").contains("allocation"));
  EXPECT_EQ(NodeOf("c1"), "");
}

}  // namespace
}  // namespace allot::svc
