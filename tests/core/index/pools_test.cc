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
