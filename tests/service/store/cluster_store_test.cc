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
  for (ObjectKind k : {ObjectKind::kNode, ObjectKind::kResourceSlice, ObjectKind::kDeviceClass, ObjectKind::kResourceClaim}) {
    store.MarkSynced(ResourceTypeOf(k));
  }
  EXPECT_TRUE(store.Load()->synced());
  EXPECT_EQ(metrics.ValueForTest("allot_store_objects", {{"kind", "Node"}}), 1);
  store.Upsert(PodsResource(), Named("ignored", "ns"));  // not a stored kind
  EXPECT_EQ(store.Load()->revision, 7u);
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
