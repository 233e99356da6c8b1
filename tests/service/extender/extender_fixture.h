// ExtenderFixture: an Extender over the real pipeline — MemoryKubeClient (the in-memory API), one
// Reflector per kind, the ClusterStore — so bind writes come back through the watch exactly as in a
// cluster. Objects come from deploy/demo or from the test.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "service/demo/demo_cluster.h"
#include "service/demo/memory_kube_client.h"
#include "service/extender/extender.h"
#include "service/store/cluster_store.h"
#include "service/watch/reflector.h"

namespace allot::svc::testing {

inline Json ClaimJson(const std::string& name, const std::string& cls, const std::string& cel = "",
                      const std::string& ns = "default") {
  Json exactly = {{"deviceClassName", cls}};
  if (!cel.empty()) exactly["selectors"] = Json::array({{{"cel", {{"expression", cel}}}}});
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "ResourceClaim"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", {{"devices", {{"requests", Json::array({{{"name", "gpu"}, {"exactly", exactly}}})}}}}}};
}

inline Json PodJson(const std::string& name, const std::vector<std::string>& claims, const std::string& ns = "default") {
  Json pod_claims = Json::array();
  Json container_claims = Json::array();
  for (size_t i = 0; i < claims.size(); ++i) {
    std::string entry = "claim-" + std::to_string(i);
    pod_claims.push_back({{"name", entry}, {"resourceClaimName", claims[i]}});
    container_claims.push_back({{"name", entry}});
  }
  Json spec = {{"schedulerName", "allot"},
               {"containers", Json::array({{{"name", "main"}, {"image", "busybox"}}})}};
  if (!claims.empty()) {
    spec["resourceClaims"] = pod_claims;
    spec["containers"][0]["resources"] = {{"claims", container_claims}};
  }
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}, {"namespace", ns}}}, {"spec", spec}};
}

inline Json FilterArgs(const Json& pod, const std::vector<std::string>& nodes) {
  return {{"Pod", pod}, {"Nodes", nullptr}, {"NodeNames", nodes}};
}

class ExtenderFixture {
 public:
  explicit ExtenderFixture(ExtenderOptions options = {}) : store(&metrics) {
    extender = std::make_unique<Extender>(store, kube, metrics, options);
  }
  ~ExtenderFixture() {
    kube.Shutdown();
    for (auto& r : reflectors) r->Stop();
  }

  void LoadDemo() {
    auto loaded = LoadDemoDirectory("deploy/demo", kube);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }
  Json Apply(const Json& object) {
    auto applied = kube.Apply(object);
    EXPECT_TRUE(applied.ok()) << applied.status();
    return applied.ok() ? *applied : Json();
  }
  // Creates through the API (uid assigned) and waits until the store has it.
  Json Create(const Json& object) {
    const ResourceType* type = ResourceTypeForKind(object["kind"].get<std::string>());
    auto created = kube.Create(*type, object);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return Json();
    ObjectKind kind;
    if (ObjectKindOf(*type, &kind)) {
      std::string key = ObjectKey(*created);
      EXPECT_NE(store.WaitFor([&](const StoreSnapshot& s) { return s.Find(kind, key) != nullptr; },
                              std::chrono::seconds(5)),
                nullptr);
    }
    return *created;
  }
  void Start() {
    ReflectorOptions options;
    options.initial_backoff = std::chrono::milliseconds(5);
    options.max_backoff = std::chrono::milliseconds(20);
    for (ObjectKind kind : {ObjectKind::kNode, ObjectKind::kDeviceClass, ObjectKind::kResourceSlice,
                            ObjectKind::kResourceClaim, ObjectKind::kDeviceTaintRule}) {
      reflectors.push_back(std::make_unique<Reflector>(kube, ResourceTypeOf(kind), store, options, &metrics));
      reflectors.back()->Start();
    }
    for (auto& r : reflectors) ASSERT_TRUE(r->WaitForSync(std::chrono::seconds(10)));
  }
  // Waits until the store's copy of claim `key` satisfies `pred`.
  std::shared_ptr<const Json> WaitForClaim(const std::string& key, const std::function<bool(const Json&)>& pred) {
    auto snapshot = store.WaitFor(
        [&](const StoreSnapshot& s) {
          auto c = s.Find(ObjectKind::kResourceClaim, key);
          return c != nullptr && pred(*c);
        },
        std::chrono::seconds(5));
    return snapshot == nullptr ? nullptr : snapshot->Find(ObjectKind::kResourceClaim, key);
  }

  MemoryKubeClient kube;
  ServiceMetrics metrics;
  ClusterStore store;
  std::unique_ptr<Extender> extender;
  std::vector<std::unique_ptr<Reflector>> reflectors;
};

inline Json ParseReply(const Extender::Reply& reply) { return Json::parse(reply.body); }

}  // namespace allot::svc::testing
