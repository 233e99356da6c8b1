// ScoreNodes: prioritize's scores as a pure function of the device index and the allocated state.
#include "core/alloc/scoring.h"

#include <gtest/gtest.h>

#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using testutil::SliceBuilder;

class ScoringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // n1: 2 devices, n2: 4 devices, n3: 4 devices with one allocated; "cpu-only" has no slice.
    std::vector<api::ResourceSlice> slices = {
        SliceBuilder("s1", "gpu.example.com", "n1", "n1").Device("d0").Device("d1").Build(),
        SliceBuilder("s2", "gpu.example.com", "n2", "n2").Device("d0").Device("d1").Device("d2").Device("d3").Build(),
        SliceBuilder("s3", "gpu.example.com", "n3", "n3").Device("d0").Device("d1").Device("d2").Device("d3").Build(),
    };
    devices_ = testutil::BuildSnapshot(slices, {testutil::MakeClass("gpu", "")});
    api::ResourceClaim held = testutil::MakeClaim("held", "gpu");
    api::AllocationResult allocation;
    api::DeviceRequestAllocationResult result;
    result.request = "req-0";
    result.driver = "gpu.example.com";
    result.pool = "n3";
    result.device = "d0";
    allocation.devices.results.push_back(result);
    held.status.allocation = allocation;
    allocated_ = testutil::BuildState(*devices_, {held});
  }
  std::shared_ptr<const index::Snapshot> devices_;
  index::AllocatedState allocated_;
  const std::vector<std::string> nodes_ = {"n1", "n2", "n3", "cpu-only"};
};

TEST_F(ScoringTest, FreeDevicesAreNodeLocalDevicesNotInUse) {
  EXPECT_EQ(FreeNodeLocalDevices(*devices_, allocated_, "n1"), 2u);
  EXPECT_EQ(FreeNodeLocalDevices(*devices_, allocated_, "n2"), 4u);
  EXPECT_EQ(FreeNodeLocalDevices(*devices_, allocated_, "n3"), 3u);
  EXPECT_EQ(FreeNodeLocalDevices(*devices_, allocated_, "cpu-only"), 0u);
}

TEST_F(ScoringTest, PackPrefersFullerNodesSpreadEmptierNoneNothing) {
  NodeScores pack = ScoreNodes(*devices_, allocated_, nodes_, {}, 1, ScorePolicy::kPack);
  // free 2, 4, 3, 0 of max 4: 10 * (1 - free / 4)
  EXPECT_EQ(pack.scores, (std::vector<int64_t>{5, 0, 3, 10}));
  ASSERT_TRUE(pack.best.has_value());
  EXPECT_EQ(*pack.best, 3u) << "a node without local devices packs best (it has nothing free)";
  NodeScores spread = ScoreNodes(*devices_, allocated_, nodes_, {}, 1, ScorePolicy::kSpread);
  EXPECT_EQ(spread.scores, (std::vector<int64_t>{5, 10, 8, 0}));
  EXPECT_EQ(*spread.best, 1u);
  NodeScores none = ScoreNodes(*devices_, allocated_, nodes_, {}, 1, ScorePolicy::kNone);
  EXPECT_EQ(none.scores, (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_FALSE(none.best.has_value());
}

TEST_F(ScoringTest, ExpectedPlacementsCountAsTakenAndCrowdedNodesScoreZero) {
  // Other pods are expected to take 1 device on n1 (2 free) and 2 on n2 (4 free); this pod needs 2.
  NodeScores pack = ScoreNodes(*devices_, allocated_, nodes_, {{"n1", 1}, {"n2", 2}}, 2, ScorePolicy::kPack);
  // n1 is crowded (1 + 2 > 2); free after expectations: n1 1, n2 2, n3 3; max 3.
  EXPECT_EQ(pack.scores[0], 0);
  EXPECT_EQ(pack.scores[1], 3);   // 10 * (1 - 2/3)
  EXPECT_EQ(pack.scores[2], 0);   // 10 * (1 - 3/3)
  EXPECT_EQ(pack.scores[3], 10);
  EXPECT_EQ(*pack.best, 3u);
}

TEST(ScoringParseTest, PoliciesAndDevicesRequested) {
  EXPECT_EQ(*ParseScorePolicy("pack"), ScorePolicy::kPack);
  EXPECT_EQ(*ParseScorePolicy("spread"), ScorePolicy::kSpread);
  EXPECT_EQ(*ParseScorePolicy("none"), ScorePolicy::kNone);
  EXPECT_EQ(ParseScorePolicy("tight").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DevicesRequested(testutil::MakeClaim("c", "gpu", 3)), 3u);
  api::ResourceClaim all = testutil::MakeClaim("all", "gpu");
  all.spec.devices.requests[0].exactly->allocation_mode = "All";
  EXPECT_EQ(DevicesRequested(all), 1u);
}

}  // namespace
}  // namespace allot::alloc
