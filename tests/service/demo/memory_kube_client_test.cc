// MemoryKubeClient semantics (preconditions, status split, binding, watch, 410) and the demo loader.
#include "service/demo/memory_kube_client.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
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

std::vector<std::string> Names(const std::vector<Json>& objects) {
  std::vector<std::string> out;
  for (const auto& o : objects) out.push_back(o["metadata"]["name"].get<std::string>());
  return out;
}

// ForEachManifest (the streaming parse LoadDemoDirectory uses) gives the objects of parsing in one piece.
TEST(DemoClusterTest, StreamingParseExpandsListsArraysAndNestedListsInOrder) {
  auto parse = [](const std::string& text) {
    std::vector<Json> out;
    Status status = ForEachManifest(text, /*yaml=*/false, [&](Json o) {
      out.push_back(std::move(o));
      return OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  };
  // kind before items (streamed), with a nested list and a non-object item.
  auto list = parse(R"({"apiVersion":"v1","kind":"List","metadata":{"name":"outer"},"items":[
      {"kind":"Node","metadata":{"name":"a"}}, 7,
      {"kind":"NodeList","items":[{"kind":"Node","metadata":{"name":"b"}},{"kind":"Node","metadata":{"name":"c"}}]},
      [{"kind":"Node","metadata":{"name":"d"}}],
      {"kind":"Node","metadata":{"name":"e"},"items":[{"metadata":{"name":"not-an-item"}}]}]})");
  EXPECT_EQ(Names(list), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  ASSERT_EQ(list.size(), 5u);
  EXPECT_EQ(list[4]["items"].size(), 1u) << "a non-list object keeps its items field";
  // kind after items: expanded at the end, same objects.
  EXPECT_EQ(Names(parse(R"({"items":[{"kind":"Node","metadata":{"name":"x"}}],"kind":"List"})")),
            (std::vector<std::string>{"x"}));
  // A top-level array.
  EXPECT_EQ(Names(parse(R"([{"kind":"Node","metadata":{"name":"p"}},{"kind":"List","items":[{"kind":"Node","metadata":{"name":"q"}}]}])")),
            (std::vector<std::string>{"p", "q"}));
  // An object with "items" whose kind is not a list is one object.
  auto single = parse(R"({"kind":"Thing","metadata":{"name":"t"},"items":[{"metadata":{"name":"u"}}]})");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0]["metadata"]["name"], "t");
  EXPECT_EQ(single[0]["items"][0]["metadata"]["name"], "u");
  // ParseManifests goes through the same path.
  auto whole = ParseManifests(R"({"kind":"List","items":[{"metadata":{"name":"m"}},{"metadata":{"name":"n"}}]})", false);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(Names(*whole), (std::vector<std::string>{"m", "n"}));
}

TEST(DemoClusterTest, StreamingParseEmitsItemsAsTheyEndAndStopsAtTheFirstEmitError) {
  // Items are handed over while the text is still being parsed: those before a syntax error were emitted.
  std::vector<std::string> seen;
  auto collect = [&](Json o) {
    seen.push_back(o["metadata"]["name"].get<std::string>());
    return OkStatus();
  };
  Status bad = ForEachManifest(R"({"kind":"List","items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}},{"metad)",
                               false, collect);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));

  int calls = 0;
  Status stopped = ForEachManifest(R"([{"metadata":{"name":"a"}},{"metadata":{"name":"b"}},{"metadata":{"name":"c"}}])",
                                   false, [&](Json) {
                                     return ++calls == 2 ? InvalidArgumentError("rejected") : OkStatus();
                                   });
  EXPECT_EQ(stopped.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 2) << "no emit after the first error";
}

TEST(DemoClusterTest, LoadsALargeListFileObjectByObject) {
  auto dir = std::filesystem::temp_directory_path() / ("allot-demo-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "20-nodes.json");
    out << R"({"apiVersion":"v1","kind":"List","items":[)";
    for (int i = 0; i < 1000; ++i) out << (i ? "," : "") << R"({"kind":"Node","metadata":{"name":"n)" << i << R"("}})";
    out << "]}";
    std::ofstream(dir / "30-bad.json") << R"({"kind":"Node","metadata":{}})";
  }
  MemoryKubeClient kube;
  auto loaded = LoadDemoDirectory(dir.string(), kube);
  EXPECT_FALSE(loaded.ok()) << "an object without a name is an error";
  EXPECT_NE(loaded.status().message().find("30-bad.json"), std::string::npos) << loaded.status();
  ListOptions all;
  all.limit = 0;
  auto nodes = kube.List(NodesResource(), all);
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->items.size(), 1000u) << "the objects before the bad file stay loaded";
  std::filesystem::remove(dir / "30-bad.json");
  MemoryKubeClient fresh;
  auto ok = LoadDemoDirectory(dir.string(), fresh);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, 1000u);
  EXPECT_TRUE(fresh.Get(NodesResource(), "", "n999").ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace allot::svc
