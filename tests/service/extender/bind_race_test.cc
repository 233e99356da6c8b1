// Binds racing for few devices: two binds for the last free device (exactly one wins), and a burst of many
// binds with randomized interleavings over several nodes, with filters and watch traffic running beside
// them. The invariants: no device in two claims, every bind that had a free device on its node got one,
// losers are left unallocated and unreserved, and every in-flight reservation is released. `make test`
// runs this binary in the main lane and under ASan+UBSan and TSan.
#include <atomic>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
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
    const std::string loser_claim = error_a.empty() ? "claim-b" : "claim-a";
    EXPECT_EQ(filtered["FailedNodes"]["n1"],
              "claim " + loser_claim + ", request gpu: DevicesInUse (all matching devices are allocated)");
  }
}

// One bind attempt of the burst: which pod, which node, whether it won.
struct Attempt {
  Json pod;
  std::string claim;
  std::string node;
  std::string error;
};

// Devices of the burst cluster: node -> device names, from one slice per node.
const std::map<std::string, std::vector<std::string>> kBurstDevices = {
    {"n1", {"gpu-0", "gpu-1"}}, {"n2", {"gpu-0"}}, {"n3", {"gpu-0", "gpu-1", "gpu-2"}}};

void ApplyBurstCluster(ExtenderFixture& fx) {
  fx.Apply(Json::parse(R"({"apiVersion":"resource.k8s.io/v1","kind":"DeviceClass","metadata":{"name":"gpu.example.com"},
    "spec":{"selectors":[{"cel":{"expression":"device.driver == 'gpu.example.com'"}}]}})"));
  for (const auto& [node, devices] : kBurstDevices) {
    fx.Apply({{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", node}}}});
    Json slice = {{"apiVersion", "resource.k8s.io/v1"},
                  {"kind", "ResourceSlice"},
                  {"metadata", {{"name", node + "-gpus"}}},
                  {"spec",
                   {{"driver", "gpu.example.com"},
                    {"nodeName", node},
                    {"pool", {{"name", node}, {"generation", 1}, {"resourceSliceCount", 1}}},
                    {"devices", Json::array()}}}};
    for (const std::string& d : devices) slice["spec"]["devices"].push_back({{"name", d}});
    fx.Apply(slice);
  }
}

// Many rounds; in each, 9 pods (one claim each) bind at once to randomly chosen nodes of a 6-device
// cluster, each thread starting after a random pause, while a filter thread and slice republishing run
// beside them. The seed is printed so a failing interleaving can be replayed (ALLOT_RACE_SEED).
TEST(BindRaceTest, BurstOfBindsNeverGivesADeviceTwice) {
  uint64_t seed = std::random_device{}();
  if (const char* env = std::getenv("ALLOT_RACE_SEED")) seed = std::stoull(env);
  SCOPED_TRACE("ALLOT_RACE_SEED=" + std::to_string(seed));
  std::mt19937_64 rng(seed);
  constexpr int kRounds = 150;
  constexpr int kPods = 9;
  int total_winners = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    ExtenderFixture fx;
    ApplyBurstCluster(fx);
    fx.Start();
    std::vector<std::string> nodes;
    for (const auto& [node, devices] : kBurstDevices) nodes.push_back(node);
    std::vector<Attempt> attempts(kPods);
    std::vector<int> pause_us(kPods);
    for (int i = 0; i < kPods; ++i) {
      attempts[i].claim = "claim-" + std::to_string(i);
      fx.Create(ClaimJson(attempts[i].claim, "gpu.example.com"));
      attempts[i].pod = fx.Create(PodJson("pod-" + std::to_string(i), {attempts[i].claim}));
      attempts[i].node = nodes[rng() % nodes.size()];
      pause_us[i] = static_cast<int>(rng() % 300);
    }

    std::atomic<bool> go{false};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < kPods; ++i) {
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::microseconds(pause_us[i]));
        Attempt& a = attempts[i];
        Json args = {{"PodName", a.pod["metadata"]["name"]}, {"PodNamespace", "default"},
                     {"PodUID", a.pod["metadata"]["uid"]}, {"Node", a.node}};
        a.error = ParseReply(fx.extender->Bind(args.dump()))["Error"].get<std::string>();
      });
    }
    // Beside the binds: filters for every pod, and slice republishing (new snapshots mid-bind).
    std::thread filterer([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; !stop.load(); i = (i + 1) % kPods) {
        auto reply = fx.extender->Filter(FilterArgs(attempts[i].pod, nodes).dump());
        EXPECT_EQ(reply.status, 200) << reply.body;
      }
    });
    const bool republish = round % 2 == 1;
    std::thread republisher([&] {
      while (!go.load()) std::this_thread::yield();
      for (int g = 2; republish && g < 6; ++g) {
        Json slice = Json::parse(R"({"apiVersion":"resource.k8s.io/v1","kind":"ResourceSlice","metadata":{"name":"n2-gpus"},
          "spec":{"driver":"gpu.example.com","nodeName":"n2","pool":{"name":"n2","generation":1,"resourceSliceCount":1},
                  "devices":[{"name":"gpu-0"}]}})");
        slice["spec"]["pool"]["generation"] = g;
        fx.Apply(slice);
      }
    });
    go.store(true);
    for (auto& t : threads) t.join();
    republisher.join();
    stop.store(true);
    filterer.join();

    // Every bind with a free device on its node won: winners per node = min(attempts, devices).
    std::map<std::string, int> tried, won;
    for (const Attempt& a : attempts) {
      ++tried[a.node];
      if (a.error.empty()) ++won[a.node];
    }
    for (const auto& [node, devices] : kBurstDevices) {
      EXPECT_EQ(won[node], std::min<int>(tried[node], static_cast<int>(devices.size())))
          << node << ": " << tried[node] << " binds for " << devices.size() << " devices";
      total_winners += won[node];
    }
    // From the API: no device in two claims, winners allocated on their node and reserved, losers untouched.
    std::set<std::string> taken;
    for (const Attempt& a : attempts) {
      auto claim = fx.kube.Get(ResourceClaimsResource(), "default", a.claim);
      ASSERT_TRUE(claim.ok()) << claim.status();
      const Json& status = claim->contains("status") ? (*claim)["status"] : Json::object();
      if (!a.error.empty()) {
        EXPECT_FALSE(status.contains("allocation")) << a.claim << " lost (" << a.error << ") but is allocated";
        EXPECT_TRUE(!status.contains("reservedFor") || status["reservedFor"].empty()) << a.claim;
        continue;
      }
      ASSERT_TRUE(status.contains("allocation")) << a.claim << " won on " << a.node << " but is not allocated";
      const Json& results = status["allocation"]["devices"]["results"];
      ASSERT_EQ(results.size(), 1u) << results;
      EXPECT_EQ(results[0]["pool"], a.node) << a.claim << " bound to " << a.node << " got " << results[0];
      std::string device = results[0]["pool"].get<std::string>() + "/" + results[0]["device"].get<std::string>();
      EXPECT_TRUE(taken.insert(device).second) << device << " is allocated to two claims";
      EXPECT_EQ(status["reservedFor"].size(), 1u) << a.claim;
    }
    // In-flight reservations are released once the watch shows the allocations.
    for (int i = 0; i < 500 && fx.extender->reservations().size() != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(fx.extender->reservations().size(), 0u) << "reservations left after every bind finished";
    if (::testing::Test::HasFailure()) break;
  }
  // Not a tautology: the burst must actually have contended (3 nodes, 9 pods, 6 devices per round).
  EXPECT_GT(total_winners, 0);
  EXPECT_LT(total_winners, kRounds * kPods);
}

TEST(BindRaceTest, FiltersRunWhileTheWatchDeliversWrites) {
  ExtenderFixture fx;
  ApplyOneGpuCluster(fx);
  fx.Start();
  fx.Create(ClaimJson("claim-a", "gpu.example.com"));
  Json pod = fx.Create(PodJson("pod-a", {"claim-a"}));
  std::atomic<bool> stop{false};
  std::atomic<int> filters{0};
  std::atomic<int> refused{0};
  std::thread filterer([&] {
    while (!stop.load()) {
      auto reply = fx.extender->Filter(FilterArgs(pod, {"n1"}).dump());
      EXPECT_EQ(reply.status, 200);
      // n1 always has a free device (gpu-0, and extra-0 in whichever generation is current).
      if (ParseReply(reply)["NodeNames"] != Json({"n1"})) refused.fetch_add(1);
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
  EXPECT_EQ(refused.load(), 0) << "a filter during slice updates refused a node with free devices";
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
