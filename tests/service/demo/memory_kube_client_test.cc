// MemoryKubeClient semantics (preconditions, status split, binding, watch, 410) and the demo loader.
#include "service/demo/memory_kube_client.h"

#include <thread>

#include <gtest/gtest.h>

#include "service/demo/demo_cluster.h"

namespace allot::svc {
namespace {

Json Claim(const std::string& name) {
  return {{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceClaim"},
          {"metadata", {{"name", name}, {"namespace", "ns"}}}, {"spec", {{"devices", Json::object()}}}};
}

TEST(MemoryKubeClientTest, UpdatesNeedTheCurrentResourceVersionAndKeepTheStatusSplit) {
  MemoryKubeClient kube;
  auto created = kube.Create(ResourceClaimsResource(), Claim("c"));
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE((*created)["metadata"]["uid"].get<std::string>().empty());
  EXPECT_TRUE(IsConflict(kube.Create(ResourceClaimsResource(), Claim("c")).status()));

  Json with_status = *created;
  with_status["status"]["reservedFor"] = Json::array({{{"uid", "u"}}});
  with_status["metadata"]["finalizers"] = Json::array({"f"});
  auto updated = kube.Update(ResourceClaimsResource(), with_status);
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE(updated->contains("status")) << "Update ignores status";
  EXPECT_EQ((*updated)["metadata"]["finalizers"], Json({"f"}));

  auto stale = kube.UpdateStatus(ResourceClaimsResource(), with_status);  // old resourceVersion
  EXPECT_TRUE(IsConflict(stale.status())) << stale.status();
  with_status["metadata"]["resourceVersion"] = (*updated)["metadata"]["resourceVersion"];
  with_status["metadata"]["finalizers"] = Json::array();
  auto status = kube.UpdateStatus(ResourceClaimsResource(), with_status);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ((*status)["status"]["reservedFor"][0]["uid"], "u");
  EXPECT_EQ((*status)["metadata"]["finalizers"], Json({"f"})) << "UpdateStatus ignores metadata";
}

TEST(MemoryKubeClientTest, BindingSetsNodeNameOnce) {
  MemoryKubeClient kube;
  auto pod = kube.Create(PodsResource(), {{"kind", "Pod"}, {"metadata", {{"name", "p"}, {"namespace", "ns"}}}});
  ASSERT_TRUE(pod.ok());
  Json binding = {{"metadata", {{"name", "p"}, {"uid", (*pod)["metadata"]["uid"]}}}, {"target", {{"name", "n1"}}}};
  ASSERT_TRUE(kube.CreateSubresource(PodsResource(), "ns", "p", "binding", binding).ok());
  EXPECT_EQ((*kube.Get(PodsResource(), "ns", "p"))["spec"]["nodeName"], "n1");
  EXPECT_TRUE(IsConflict(kube.CreateSubresource(PodsResource(), "ns", "p", "binding", binding).status()));
  binding["metadata"]["uid"] = "other";
  EXPECT_TRUE(IsConflict(kube.CreateSubresource(PodsResource(), "ns", "p", "binding", binding).status()));
  EXPECT_TRUE(IsNotFound(kube.CreateSubresource(PodsResource(), "ns", "q", "binding", binding).status()));
}

TEST(MemoryKubeClientTest, WatchReplaysFromAVersionAndAnswers410AfterCompaction) {
  MemoryKubeClient kube;
  auto page = kube.List(ResourceClaimsResource(), {});
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(kube.Create(ResourceClaimsResource(), Claim("a")).ok());
  ASSERT_TRUE(kube.Create(PodsResource(), {{"kind", "Pod"}, {"metadata", {{"name", "p"}}}}).ok());
  ASSERT_TRUE(kube.Delete(ResourceClaimsResource(), "ns", "a").ok());
  std::vector<std::string> seen;
  WatchOptions options;
  options.resource_version = page->resource_version;
  options.timeout_seconds = 5;
  Status s = kube.Watch(ResourceClaimsResource(), options, [&](WatchEvent e) {
    seen.push_back(std::string(WatchEventTypeName(e.type)) + ":" + ObjectKey(e.object));
    return seen.size() < 2;
  }, nullptr);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED:ns/a", "DELETED:ns/a"}));

  kube.CompactForTest();
  Status gone = kube.Watch(ResourceClaimsResource(), options, [](WatchEvent) { return false; }, nullptr);
  EXPECT_TRUE(IsGone(gone)) << gone;

  // A blocked watch wakes up on cancellation.
  WatchCancel cancel;
  WatchOptions live;
  live.timeout_seconds = 60;
  std::thread t([&] { EXPECT_EQ(kube.Watch(ResourceClaimsResource(), live, [](WatchEvent) { return true; }, &cancel).code(), StatusCode::kCancelled); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  cancel.Cancel();
  t.join();
}

TEST(DemoClusterTest, LoadsTheShippedDemoAndParsesYaml) {
  MemoryKubeClient kube;
  auto loaded = LoadDemoDirectory("deploy/demo", kube);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_GT(*loaded, 10u);
  auto nodes = kube.List(NodesResource(), {});
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->items.size(), 5u);
  EXPECT_TRUE(kube.Get(DeviceClassesResource(), "", "mig.nvidia.com").ok());

  auto yaml = ParseManifests("kind: ResourceClaim\nmetadata: {name: a, labels: {n: '5'}}\nspec: {x: 5, y: true}\n---\n"
                             "kind: List\nitems: [{kind: Pod, metadata: {name: p}}]\n",
                             /*yaml=*/true);
  ASSERT_TRUE(yaml.ok()) << yaml.status();
  ASSERT_EQ(yaml->size(), 2u);
  EXPECT_EQ((*yaml)[0]["spec"]["x"], 5);
  EXPECT_EQ((*yaml)[0]["spec"]["y"], true);
  EXPECT_EQ((*yaml)[0]["metadata"]["labels"]["n"], "5");
  EXPECT_EQ((*yaml)[1]["kind"], "Pod");
  EXPECT_FALSE(ParseManifests("{", false).ok());
  EXPECT_EQ(LoadDemoDirectory("no/such/dir", kube).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace allot::svc
