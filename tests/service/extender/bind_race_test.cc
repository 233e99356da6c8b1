// Two binds racing for the last free device: exactly one wins, the other gets a conflict error, and a
// filter running afterwards sees the device taken. Repeated to shake out interleavings (run under TSan
// in the concurrency lane).
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/service/extender/extender_fixture.h"

namespace allot::svc {
namespace {

using testing::ClaimJson;
using testing::ExtenderFixture;
using testing::FilterArgs;
using testing::ParseReply;
using testing::PodJson;

void ApplyOneGpuCluster(ExtenderFixture& fx) {
  fx.Apply(Json::parse(R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}})"));
  fx.Apply(Json::parse(R"({"apiVersion":"resource.k8s.io/v1","kind":"DeviceClass","metadata":{"name":"gpu.example.com"},
    "spec":{"selectors":[{"cel":{"expression":"device.driver == 'gpu.example.com'"}}]}})"));
  fx.Apply(Json::parse(R"({"apiVersion":"resource.k8s.io/v1","kind":"ResourceSlice","metadata":{"name":"n1-gpus"},
    "spec":{"driver":"gpu.example.com","nodeName":"n1","pool":{"name":"n1","generation":1,"resourceSliceCount":1},
            "devices":[{"name":"gpu-0","capacity":{"memory":{"value":"80Gi"}}}]}})"));
}

TEST(BindRaceTest, ExactlyOneOfTwoConcurrentBindsGetsTheLastDevice) {
  for (int round = 0; round < 20; ++round) {
    ExtenderFixture fx;
    ApplyOneGpuCluster(fx);
    fx.Start();
    fx.Create(ClaimJson("claim-a", "gpu.example.com"));
    fx.Create(ClaimJson("claim-b", "gpu.example.com"));
    Json pod_a = fx.Create(PodJson("pod-a", {"claim-a"}));
    Json pod_b = fx.Create(PodJson("pod-b", {"claim-b"}));
    // Both filters pass: nothing is held between filter and bind.
    EXPECT_EQ(ParseReply(fx.extender->Filter(FilterArgs(pod_a, {"n1"}).dump()))["NodeNames"], Json({"n1"}));
    EXPECT_EQ(ParseReply(fx.extender->Filter(FilterArgs(pod_b, {"n1"}).dump()))["NodeNames"], Json({"n1"}));

    std::atomic<int> go{0};
    std::string error_a, error_b;
    auto bind = [&](const Json& pod, std::string* error) {
      Json args = {{"PodName", pod["metadata"]["name"]}, {"PodNamespace", "default"},
                   {"PodUID", pod["metadata"]["uid"]}, {"Node", "n1"}};
      go.fetch_add(1);
      while (go.load() < 2) {
      }
      *error = ParseReply(fx.extender->Bind(args.dump()))["Error"].get<std::string>();
    };
    std::thread a(bind, pod_a, &error_a);
    std::thread b(bind, pod_b, &error_b);
    a.join();
    b.join();
    ASSERT_NE(error_a.empty(), error_b.empty()) << "round " << round << ": a='" << error_a << "' b='" << error_b << "'";
    const std::string& loser_error = error_a.empty() ? error_b : error_a;
    EXPECT_NE(loser_error.find("no longer available"), std::string::npos) << loser_error;

    const std::string loser = error_a.empty() ? "claim-b" : "claim-a";
    const std::string winner = error_a.empty() ? "claim-a" : "claim-b";
    auto won = fx.kube.Get(ResourceClaimsResource(), "default", winner);
    auto lost = fx.kube.Get(ResourceClaimsResource(), "default", loser);
    ASSERT_TRUE(won.ok() && lost.ok());
    EXPECT_EQ((*won)["status"]["allocation"]["devices"]["results"][0]["device"], "gpu-0");
    EXPECT_FALSE(lost->contains("status") && (*lost)["status"].contains("allocation"));
    EXPECT_EQ(fx.metrics.ValueForTest("allot_bind_total", {{"result", "conflict"}}), 1);

    // A filter after the race sees the device taken (from the reservation or the watched allocation).
    Json loser_pod = error_a.empty() ? pod_b : pod_a;
    Json filtered = ParseReply(fx.extender->Filter(FilterArgs(loser_pod, {"n1"}).dump()));
    EXPECT_EQ(filtered["NodeNames"], Json::array());
    EXPECT_EQ(filtered["FailedNodes"]["n1"], "cannot allocate all claims");
  }
}

TEST(BindRaceTest, FiltersRunWhileTheWatchDeliversWrites) {
  ExtenderFixture fx;
  ApplyOneGpuCluster(fx);
  fx.Start();
  fx.Create(ClaimJson("claim-a", "gpu.example.com"));
  Json pod = fx.Create(PodJson("pod-a", {"claim-a"}));
  std::atomic<bool> stop{false};
  std::atomic<int> filters{0};
  std::thread filterer([&] {
    while (!stop.load()) {
      auto reply = fx.extender->Filter(FilterArgs(pod, {"n1"}).dump());
      EXPECT_EQ(reply.status, 200);
      filters.fetch_add(1);
    }
  });
  for (int i = 0; i < 50; ++i) {
    Json slice = Json::parse(R"({"apiVersion":"resource.k8s.io/v1","kind":"ResourceSlice","metadata":{"name":"n1-extra"},
      "spec":{"driver":"gpu.example.com","nodeName":"n1","pool":{"name":"n1-extra","generation":1,"resourceSliceCount":1},
              "devices":[{"name":"extra-0"}]}})");
    slice["spec"]["pool"]["generation"] = i + 1;
    fx.Apply(slice);
  }
  while (filters.load() < 20) std::this_thread::yield();
  stop.store(true);
  filterer.join();
  EXPECT_GE(filters.load(), 20);
}

// Filters on two threads while allocated claims keep arriving: every claim change replaces the extender's
// cache of decoded allocated claims, which concurrent requests must not lose while they read it (a freed
// list read as "no claims allocated" gave devices away twice; ASan reports the use after free).
TEST(BindRaceTest, ConcurrentFiltersKeepTheAllocatedClaimsTheyRead) {
  ExtenderFixture fx;
  ApplyOneGpuCluster(fx);
  fx.Start();
  // The only device is allocated to claim "holder": every filter must fail n1, whatever else changes.
  Json holder = ClaimJson("holder", "gpu.example.com");
  holder["status"] = Json::parse(R"({"allocation":{"devices":{"results":[
      {"request":"gpu","driver":"gpu.example.com","pool":"n1","device":"gpu-0"}]}}})");
  fx.Apply(holder);
  fx.Create(ClaimJson("wants", "gpu.example.com"));
  Json pod = fx.Create(PodJson("p", {"wants"}));
  fx.WaitForClaim("default/holder", [](const Json& c) { return c.contains("status"); });
  std::atomic<bool> stop{false};
  std::atomic<int> given_away{0};
  auto filter = [&] {
    while (!stop.load()) {
      Json r = ParseReply(fx.extender->Filter(FilterArgs(pod, {"n1"}).dump()));
      if (r["NodeNames"].is_array() && !r["NodeNames"].empty()) given_away.fetch_add(1);
    }
  };
  std::thread t1(filter), t2(filter);
  for (int i = 0; i < 200; ++i) {  // each one changes the claims map
    Json other = ClaimJson("other-" + std::to_string(i), "gpu.example.com");
    other["status"] = holder["status"];  // also on gpu-0: harmless for the check, and decoded like any other
    fx.Apply(other);
  }
  fx.WaitForClaim("default/other-199", [](const Json& c) { return c.contains("status"); });
  stop.store(true);
  t1.join();
  t2.join();
  EXPECT_EQ(given_away.load(), 0) << "a filter saw n1's only device as free";
}

}  // namespace
}  // namespace allot::svc
