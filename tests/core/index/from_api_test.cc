// index::BuildSnapshot / BuildAllocatedState (from_api.h): per-object problems instead of all-or-nothing,
// unallocated claims skipped, a base state overlaid.
#include <gtest/gtest.h>

#include <vector>

#include "core/index/from_api.h"
#include "tests/testutil/cluster.h"

namespace allot::index {
namespace {

using testutil::SliceBuilder;

api::ResourceClaim Allocated(const std::string& name, const std::string& device) {
  api::ResourceClaim claim;
  claim.metadata.namespace_ = "ns";
  claim.metadata.name = name;
  api::DeviceRequestAllocationResult r;
  r.request = "req-0";
  r.driver = "drv";
  r.pool = "pool";
  r.device = device;
  claim.status.allocation.emplace();
  claim.status.allocation->devices.results.push_back(r);
  return claim;
}

// A shared result whose consumedCapacity does not parse: AddClaim fails on it.
api::ResourceClaim BadShare(const std::string& name, const std::string& device) {
  api::ResourceClaim claim = Allocated(name, device);
  auto& r = claim.status.allocation->devices.results[0];
  r.share_id = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
  r.consumed_capacity["bw"] = api::Quantity("not-a-quantity");
  return claim;
}

TEST(FromApiTest, UnconvertibleSliceIsLeftOutAndReported) {
  auto good = SliceBuilder("good", "drv", "pool", "node-1").Device("d0").Build();
  auto bad = SliceBuilder("bad", "drv", "other", "node-1").Device("d1").Capacity("bw", "not-a-quantity").Build();
  auto good2 = SliceBuilder("good2", "drv", "third", "node-1").Device("d2").Build();
  std::vector<api::ResourceSlice> slices = {good, bad, good2};
  std::vector<api::DeviceClass> classes = {testutil::MakeClass("gpu", "")};
  SnapshotBuild built = BuildSnapshot(slices, classes);
  ASSERT_NE(built.snapshot, nullptr);
  ASSERT_EQ(built.problems.size(), 1u);
  EXPECT_EQ(built.problems[0].index, 1u);
  EXPECT_FALSE(built.problems[0].status.ok());
  EXPECT_EQ(built.snapshot->slices().size(), 2u);
  EXPECT_TRUE(built.snapshot->FindDevice("drv", "pool", "d0").has_value());
  EXPECT_FALSE(built.snapshot->FindDevice("drv", "other", "d1").has_value());
  EXPECT_TRUE(built.snapshot->FindDevice("drv", "third", "d2").has_value());
  EXPECT_NE(built.snapshot->FindClass("gpu"), nullptr);

  ModelInputs model = ToModelInputs(slices, classes);
  EXPECT_EQ(model.slices.size(), 2u);
  EXPECT_EQ(model.classes.size(), 1u);
  ASSERT_EQ(model.problems.size(), 1u);
  EXPECT_EQ(model.problems[0].status.message(), built.problems[0].status.message());
}

TEST(FromApiTest, ClaimProblemsAreCollectedAndTheRestIsBuilt) {
  auto s = SliceBuilder("s", "drv", "pool", "node-1").Device("d0").Device("d1").Device("d2").Capacity("bw", "10").Build();
  auto snapshot = BuildSnapshot(std::vector<api::ResourceSlice>{s}, {}).snapshot;
  api::ResourceClaim unallocated = testutil::MakeClaim("pending", "gpu");
  std::vector<api::ResourceClaim> claims = {Allocated("a", "d0"), unallocated, BadShare("b", "d2"),
                                            Allocated("c", "d1")};
  AllocatedStateBuild built = BuildAllocatedState(*snapshot, claims, /*consumable_capacity=*/true);
  ASSERT_EQ(built.problems.size(), 1u);
  EXPECT_EQ(built.problems[0].index, 2u);
  EXPECT_EQ(built.problems[0].claim, &claims[2]);
  EXPECT_NE(built.problems[0].status.message().find("claim b: consumedCapacity bw"), std::string_view::npos);
  EXPECT_TRUE(built.state.IsAllocated(*snapshot->FindDevice("drv", "pool", "d0")));
  EXPECT_TRUE(built.state.IsAllocated(*snapshot->FindDevice("drv", "pool", "d1")));
  EXPECT_FALSE(built.state.ConsumesCounters(*snapshot->FindDevice("drv", "pool", "d2")));
  EXPECT_EQ(built.state.exclusive_count(), 2u);

  // Without ConsumableCapacity the shareID result is an exclusive allocation and the quantity is not read.
  AllocatedStateBuild off = BuildAllocatedState(*snapshot, claims, /*consumable_capacity=*/false);
  EXPECT_TRUE(off.problems.empty());
  EXPECT_EQ(off.state.exclusive_count(), 3u);

  // The pointer form gives the same.
  std::vector<const api::ResourceClaim*> ptrs;
  for (const auto& c : claims) ptrs.push_back(&c);
  AllocatedStateBuild by_ptr = BuildAllocatedState(*snapshot, ptrs, true);
  ASSERT_EQ(by_ptr.problems.size(), 1u);
  EXPECT_EQ(by_ptr.problems[0].claim, &claims[2]);
  EXPECT_EQ(by_ptr.state.exclusive_count(), 2u);
}

TEST(FromApiTest, ClaimsAreAddedOnTopOfABase) {
  auto s = SliceBuilder("s", "drv", "pool", "node-1").Device("d0").Device("d1").Device("d2").Build();
  auto snapshot = BuildSnapshot(std::vector<api::ResourceSlice>{s}, {}).snapshot;
  std::vector<api::ResourceClaim> allocated = {Allocated("a", "d0")};
  AllocatedStateBuild base = BuildAllocatedState(*snapshot, allocated, true);
  ASSERT_TRUE(base.problems.empty());

  api::ResourceClaim in_flight = Allocated("b", "d1");
  std::vector<const api::ResourceClaim*> overlay = {&in_flight};
  AllocatedStateBuild over = BuildAllocatedState(*snapshot, overlay, true, &base.state);
  EXPECT_TRUE(over.problems.empty());
  EXPECT_TRUE(over.state.IsAllocated(*snapshot->FindDevice("drv", "pool", "d0")));
  EXPECT_TRUE(over.state.IsAllocated(*snapshot->FindDevice("drv", "pool", "d1")));
  EXPECT_FALSE(over.state.IsAllocated(*snapshot->FindDevice("drv", "pool", "d2")));
  // The base is copied, not changed.
  EXPECT_FALSE(base.state.IsAllocated(*snapshot->FindDevice("drv", "pool", "d1")));
  EXPECT_EQ(base.state.exclusive_count(), 1u);
}

}  // namespace
}  // namespace allot::index
