// ClusterStore: snapshots are immutable and consistent; writers never change a loaded snapshot.
#include "service/store/cluster_store.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace allot::svc {
namespace {

Json Named(const std::string& name, const std::string& ns = "") {
  Json o = {{"metadata", {{"name", name}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  return o;
}

TEST(ClusterStoreTest, ReplaceUpsertRemoveAndSync) {
  ServiceMetrics metrics;
  ClusterStore store(&metrics);
  auto empty = store.Load();
  store.Replace(NodesResource(), {Named("a"), Named("b")});
  store.Upsert(ResourceClaimsResource(), Named("c1", "ns"));
  store.Remove(NodesResource(), Named("a"));
  store.Remove(NodesResource(), Named("zzz"));  // absent: no new revision
  auto now = store.Load();
  EXPECT_EQ(empty->of(ObjectKind::kNode).size(), 0u) << "a loaded snapshot never changes";
  EXPECT_EQ(now->of(ObjectKind::kNode).size(), 1u);
  EXPECT_NE(now->Find(ObjectKind::kResourceClaim, "ns/c1"), nullptr);
  EXPECT_EQ(now->revision, 3u);
  EXPECT_FALSE(now->synced());
  for (ObjectKind k : {ObjectKind::kNode, ObjectKind::kResourceSlice, ObjectKind::kDeviceClass, ObjectKind::kResourceClaim,
                       ObjectKind::kDeviceTaintRule}) {
    store.MarkSynced(ResourceTypeOf(k));
  }
  EXPECT_TRUE(store.Load()->synced());
  EXPECT_EQ(metrics.ValueForTest("allot_store_objects", {{"kind", "Node"}}), 1);
  store.Upsert(DeviceTaintRulesResource(), Named("maintenance"));
  EXPECT_NE(store.Load()->Find(ObjectKind::kDeviceTaintRule, "maintenance"), nullptr) << "a stored kind since 1.37";
  EXPECT_EQ(metrics.ValueForTest("allot_store_objects", {{"kind", "DeviceTaintRule"}}), 1);
  store.Upsert(PodsResource(), Named("ignored", "ns"));  // not a stored kind
  EXPECT_EQ(store.Load()->revision, 9u);  // 4 writes + 5 kinds marked synced
}

// A node-local slice with `devices` plain devices.
Json DeviceSlice(const std::string& name, const std::string& rv, int devices) {
  Json list = Json::array();
  for (int i = 0; i < devices; ++i) list.push_back({{"name", "dev-" + std::to_string(i)}});
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "ResourceSlice"},
          {"metadata", {{"name", name}, {"resourceVersion", rv}}},
          {"spec",
           {{"driver", "gpu.example.com"},
            {"nodeName", name},
            {"pool", {{"name", name}, {"generation", 1}, {"resourceSliceCount", 1}}},
            {"devices", list}}}};
}

TEST(ClusterStoreTest, PagedReplacePublishesOnceAtCommitWithEveryPage) {
  ClusterStore store;
  int publications = 0;
  store.AddListener([&](const std::shared_ptr<const StoreSnapshot>&) { ++publications; });
  auto builder = store.BeginReplace(ResourceSlicesResource());
  builder->AddPage({DeviceSlice("s1", "5", 2), DeviceSlice("s2", "6", 3)});
  EXPECT_EQ(publications, 0) << "nothing is visible before Commit";
  EXPECT_EQ(store.Load()->of(ObjectKind::kResourceSlice).size(), 0u);
  EXPECT_EQ(store.Load()->slices->size(), 0u);
  builder->AddPage({DeviceSlice("s3", "7", 1)});
  EXPECT_EQ(publications, 0);
  builder->Commit();
  EXPECT_EQ(publications, 1);
  auto snapshot = store.Load();
  EXPECT_EQ(snapshot->revision, 1u);
  ASSERT_EQ(snapshot->of(ObjectKind::kResourceSlice).size(), 3u);
  ASSERT_EQ(snapshot->slices->size(), 3u);
  const auto& s2 = snapshot->slices->at("s2");
  ASSERT_NE(s2->slice, nullptr) << s2->problem;
  EXPECT_EQ(s2->slice->devices.size(), 3u);
  EXPECT_EQ(s2->resource_version, "6");
  auto json = snapshot->Find(ObjectKind::kResourceSlice, "s2");
  ASSERT_NE(json, nullptr);
  EXPECT_FALSE((*json)["spec"].contains("devices")) << "the store keeps the slice converted, not as JSON";
  EXPECT_EQ((*json)["spec"]["pool"]["name"], "s2");
}

TEST(ClusterStoreTest, PagedRelistDropsObjectsMissingFromEveryPageAndReusesUnchangedSlices) {
  ClusterStore store;
  store.Replace(ResourceSlicesResource(), {DeviceSlice("a", "1", 1), DeviceSlice("b", "2", 1), DeviceSlice("c", "3", 1)});
  auto before = store.Load();
  auto builder = store.BeginReplace(ResourceSlicesResource());
  builder->AddPage({DeviceSlice("a", "1", 1)});
  builder->AddPage({DeviceSlice("c", "9", 4)});
  builder->Commit();
  auto after = store.Load();
  EXPECT_EQ(after->revision, before->revision + 1);
  EXPECT_EQ(after->of(ObjectKind::kResourceSlice).size(), 2u);
  EXPECT_EQ(after->Find(ObjectKind::kResourceSlice, "b"), nullptr) << "b was deleted while the watch was gone";
  EXPECT_EQ(after->slices->count("b"), 0u);
  EXPECT_EQ(after->slices->at("a"), before->slices->at("a")) << "same resourceVersion: conversion kept";
  ASSERT_NE(after->slices->at("c")->slice, nullptr);
  EXPECT_EQ(after->slices->at("c")->slice->devices.size(), 4u);
  EXPECT_EQ(before->slices->size(), 3u) << "a loaded snapshot never changes";
}

TEST(ClusterStoreTest, PagedReplaceWithoutCommitChangesNothing) {
  ClusterStore store;
  store.Replace(NodesResource(), {Named("a"), Named("b")});
  {
    auto builder = store.BeginReplace(NodesResource());
    builder->AddPage({Named("c")});
  }  // dropped: the list failed part-way
  auto snapshot = store.Load();
  EXPECT_EQ(snapshot->revision, 1u);
  EXPECT_EQ(snapshot->of(ObjectKind::kNode).size(), 2u);
  EXPECT_EQ(snapshot->Find(ObjectKind::kNode, "c"), nullptr);
  auto ignored = store.BeginReplace(PodsResource());  // not a stored kind
  ignored->AddPage({Named("p", "ns")});
  ignored->Commit();
  EXPECT_EQ(store.Load()->revision, 1u);
}

TEST(ClusterStoreTest, ReadersSeeConsistentSnapshotsWhileWritersRun) {
  ClusterStore store;
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) {
      // Two kinds updated in lockstep; each snapshot has node count == slice count or one more.
      store.Upsert(NodesResource(), Named("n" + std::to_string(i)));
      store.Upsert(ResourceSlicesResource(), Named("s" + std::to_string(i)));
    }
    stop.store(true);
  });
  uint64_t last = 0;
  int checks = 0;
  while (!stop.load()) {
    auto s = store.Load();
    size_t nodes = s->of(ObjectKind::kNode).size();
    size_t slices = s->of(ObjectKind::kResourceSlice).size();
    EXPECT_TRUE(nodes == slices || nodes == slices + 1) << nodes << " vs " << slices;
    EXPECT_GE(s->revision, last);
    last = s->revision;
    ++checks;
  }
  writer.join();
  EXPECT_GT(checks, 0);
  EXPECT_EQ(store.Load()->of(ObjectKind::kNode).size(), 2000u);
}

}  // namespace
}  // namespace allot::svc
