// Pool gathering (completeness, generations, ordering) and the allocated state.
#include <gtest/gtest.h>

#include "core/index/allocated_state.h"
#include "core/index/pools.h"
#include "tests/testutil/cluster.h"

namespace allot::index {
namespace {

using testutil::SliceBuilder;

TEST(PoolsTest, NewerGenerationElsewhereDropsIncompletePool) {
  auto s1 = SliceBuilder("s1", "driver-a", "pool", "node-1").Generation(1, 2).Device("d0").Build();
  auto s2 = SliceBuilder("s2", "driver-a", "pool", "node-2").Generation(2, 2).Device("d1").Build();
  auto snapshot = testutil::BuildSnapshot({s1, s2}, {});
  StatusOr<NodePools> pools = GatherPools(*snapshot, model::Node{"node-1", {}}, true);
  ASSERT_TRUE(pools.ok());
  EXPECT_TRUE(pools->pools.empty());
}

TEST(PoolsTest, OtherNodeSlicesCompleteThePool) {
  auto s1 = SliceBuilder("s1", "driver-a", "pool", "node-1").Generation(1, 2).Device("d0").Build();
  auto s2 = SliceBuilder("s2", "driver-a", "pool", "node-2").Generation(1, 2).Device("d1").Build();
  auto snapshot = testutil::BuildSnapshot({s1, s2}, {});
  StatusOr<NodePools> pools = GatherPools(*snapshot, model::Node{"node-1", {}}, true);
  ASSERT_TRUE(pools.ok());
  ASSERT_EQ(pools->pools.size(), 1u);
  EXPECT_FALSE(pools->pools[0].incomplete);
  EXPECT_EQ(pools->pools[0].non_targeting_slices.size(), 1u);
  ASSERT_EQ(pools->candidates.size(), 1u);
  EXPECT_EQ(pools->candidates[0].device->name, "d0");
}

TEST(PoolsTest, PoolsSortedByDriverThenName) {
  auto a = SliceBuilder("z", "driver-b", "p1", "node-1").Device("d").Build();
  auto b = SliceBuilder("y", "driver-a", "p2", "node-1").Device("d").Build();
  auto c = SliceBuilder("x", "driver-a", "p1", "node-1").Device("d").Build();
  auto snapshot = testutil::BuildSnapshot({a, b, c}, {});
  StatusOr<NodePools> pools = GatherPools(*snapshot, model::Node{"node-1", {}}, true);
  ASSERT_TRUE(pools.ok());
  ASSERT_EQ(pools->pools.size(), 3u);
  EXPECT_EQ(pools->pools[0].id(), "driver-a/p1");
  EXPECT_EQ(pools->pools[1].id(), "driver-a/p2");
  EXPECT_EQ(pools->pools[2].id(), "driver-b/p1");
}

// 1.37: a counter slice is relevant by its own node selection (1.36 made it relevant to every node, so each
// node saw every partitionable pool, and a broken foreign one failed `All` requests everywhere). A foreign
// pool, healthy or invalid, is not gathered at all.
TEST(PoolsTest, ForeignCounterPoolsAreNotGathered) {
  auto pool_of = [](const std::string& node, const std::string& counter_set) {
    auto counters = SliceBuilder(node + "-counters", "gpu", node + "-pool", node)
                        .Generation(1, 2).CounterSet("gpu-0", "memory", "80Gi").Build();
    auto devices = SliceBuilder(node + "-devices", "gpu", node + "-pool", node)
                       .Generation(1, 2).Device("mig-0").Consumes(counter_set, "memory", "10Gi").Build();
    return std::vector<api::ResourceSlice>{counters, devices};
  };
  for (const char* foreign_set : {"gpu-0", "no-such-set"}) {
    std::vector<api::ResourceSlice> slices = pool_of("node-1", "gpu-0");
    for (auto& s : pool_of("node-2", foreign_set)) slices.push_back(s);
    auto snapshot = testutil::BuildSnapshot(slices, {});
    for (int round = 0; round < 2; ++round) {  // the second round is served from the snapshot's memo
      StatusOr<NodePools> pools = GatherPools(*snapshot, model::Node{"node-1", {}}, true);
      ASSERT_TRUE(pools.ok()) << pools.status();
      ASSERT_EQ(pools->pools.size(), 1u) << foreign_set;
      EXPECT_EQ(pools->pools[0].id(), "gpu/node-1-pool");
      EXPECT_EQ(pools->pools[0].counter_sets.size(), 1u);
      EXPECT_FALSE(pools->any_invalid) << foreign_set;
      ASSERT_EQ(pools->candidates.size(), 1u);
    }
  }
}

// A pool whose device slice targets the node and whose counter slice targets another node: the device
// slice alone is incomplete, so the pool is completed from all its slices and the counter slice's sets
// are used (not treated as a device slice of another node).
TEST(PoolsTest, CounterSliceOfAnotherNodeCompletesThePool) {
  auto counters = SliceBuilder("counters", "gpu", "pool", "node-2").Generation(1, 2)
                      .CounterSet("gpu-0", "memory", "80Gi").Build();
  auto devices = SliceBuilder("devices", "gpu", "pool", "node-1").Generation(1, 2)
                     .Device("mig-0").Consumes("gpu-0", "memory", "10Gi").Build();
  auto snapshot = testutil::BuildSnapshot({counters, devices}, {});
  StatusOr<NodePools> pools = GatherPools(*snapshot, model::Node{"node-1", {}}, true);
  ASSERT_TRUE(pools.ok()) << pools.status();
  ASSERT_EQ(pools->pools.size(), 1u);
  EXPECT_FALSE(pools->pools[0].invalid) << pools->pools[0].invalid_reason;
  ASSERT_EQ(pools->pools[0].counter_sets.size(), 1u);
  EXPECT_EQ(pools->pools[0].counter_sets[0]->name, "gpu-0");
  EXPECT_TRUE(pools->pools[0].non_targeting_slices.empty());
  EXPECT_EQ(pools->candidates.size(), 1u);
  // node-2 gets the counter slice alone: a pool with no device for it, left out.
  StatusOr<NodePools> other = GatherPools(*snapshot, model::Node{"node-2", {}}, true);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_TRUE(other->candidates.empty());
  EXPECT_FALSE(other->any_invalid);
}

// Makes `slice` a nodeSelector slice for nodes labelled gpu=yes.
void SelectGpuNodes(api::ResourceSlice& slice) {
  slice.spec.node_name.reset();
  api::NodeSelectorRequirement req;
  req.key = "gpu";
  req.operator_ = "In";
  req.values = {"yes"};
  api::NodeSelectorTerm term;
  term.match_expressions.push_back(req);
  slice.spec.node_selector = api::NodeSelector{{term}};
}

TEST(PoolsTest, SharedResultFollowsTheNodesLabels) {
  // A slice for nodes labelled gpu=yes: the memoised result must not outlive a label change.
  api::ResourceSlice slice = SliceBuilder("s", "driver-a", "pool", "unused").Device("d0").Build();
  SelectGpuNodes(slice);
  auto snapshot = testutil::BuildSnapshot({slice}, {});
  model::Node node{"node-1", {{"gpu", "yes"}}};
  auto first = GatherPoolsShared(*snapshot, node, true);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ((*first)->candidates.size(), 1u);
  auto again = GatherPoolsShared(*snapshot, node, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get()) << "same snapshot, same node: the memoised result";
  node.labels["gpu"] = "no";
  auto relabelled = GatherPoolsShared(*snapshot, node, true);
  ASSERT_TRUE(relabelled.ok());
  EXPECT_TRUE((*relabelled)->candidates.empty());
}

TEST(PoolsTest, SharedResultIgnoresLabelsWhenNoSelectorWasRead) {
  // Only nodeName slices: the labels cannot change the result, so a relabelled node reuses it.
  auto local = SliceBuilder("s", "driver-a", "pool", "node-1").Device("d0").Build();
  auto other = SliceBuilder("t", "driver-a", "pool2", "node-2").Device("d1").Build();
  auto snapshot = testutil::BuildSnapshot({local, other}, {});
  model::Node node{"node-1", {{"gpu", "yes"}}};
  auto first = GatherPoolsShared(*snapshot, node, true);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ((*first)->candidates.size(), 1u);
  node.labels["gpu"] = "no";
  auto relabelled = GatherPoolsShared(*snapshot, node, true);
  ASSERT_TRUE(relabelled.ok());
  EXPECT_EQ(relabelled->get(), first->get());
  // A selector slice elsewhere in the snapshot is read for every node: labels matter again.
  api::ResourceSlice selected = SliceBuilder("u", "driver-b", "pool3", "unused").Device("d2").Build();
  SelectGpuNodes(selected);
  auto snapshot2 = testutil::BuildSnapshot({local, other, selected}, {});
  auto before = GatherPoolsShared(*snapshot2, node, true);  // gpu=no: only d0
  ASSERT_TRUE(before.ok());
  EXPECT_EQ((*before)->candidates.size(), 1u);
  node.labels["gpu"] = "yes";
  auto after = GatherPoolsShared(*snapshot2, node, true);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)->candidates.size(), 2u);
}

TEST(AllocatedStateTest, AdminAccessIgnoredSharesAggregated) {
  auto s = SliceBuilder("s", "drv", "pool", "node-1").Device("d0").Device("d1").Device("d2").Capacity("bw", "10").Build();
  auto snapshot = testutil::BuildSnapshot({s}, {});
  api::ResourceClaim claim;
  claim.metadata.name = "c";
  api::AllocationResult alloc;
  api::DeviceRequestAllocationResult admin;
  admin.request = "r"; admin.driver = "drv"; admin.pool = "pool"; admin.device = "d0"; admin.admin_access = true;
  api::DeviceRequestAllocationResult exclusive = admin;
  exclusive.device = "d1"; exclusive.admin_access.reset();
  api::DeviceRequestAllocationResult share = exclusive;
  share.device = "d2"; share.share_id = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
  share.consumed_capacity["bw"] = api::Quantity("4");
  alloc.devices.results = {admin, exclusive, share};
  claim.status.allocation = alloc;
  api::ResourceClaim again = claim;
  AllocatedStateBuilder b(*snapshot);
  ASSERT_TRUE(b.AddClaim(claim, true).ok());
  ASSERT_TRUE(b.AddClaim(again, true).ok());
  AllocatedState st = std::move(b).Build();
  EXPECT_FALSE(st.IsAllocated(*snapshot->FindDevice("drv", "pool", "d0")));
  EXPECT_FALSE(st.ConsumesCounters(*snapshot->FindDevice("drv", "pool", "d0")));
  EXPECT_TRUE(st.IsAllocated(*snapshot->FindDevice("drv", "pool", "d1")));
  const DeviceUid d2 = *snapshot->FindDevice("drv", "pool", "d2");
  EXPECT_FALSE(st.IsAllocated(d2));
  EXPECT_TRUE(st.ConsumesCounters(d2));
  ASSERT_NE(st.Aggregated(d2), nullptr);
  EXPECT_EQ(st.Aggregated(d2)->at(0).second.ToString(), "8");
  // With ConsumableCapacity off a shareID result counts as an exclusive allocation.
  AllocatedStateBuilder off(*snapshot);
  ASSERT_TRUE(off.AddClaim(claim, false).ok());
  EXPECT_TRUE(std::move(off).Build().IsAllocated(d2));
}

}  // namespace
}  // namespace allot::index
