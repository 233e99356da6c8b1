// Deadline and cancellation in Allocate() and NodeFanout: an expired deadline or a set cancel
// flag yields kDeadlineExceeded / kCancelled for every node (never a fitting node); a deadline
// far in the future changes no answer. No wall-clock timing is asserted.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/alloc/allocator.h"
#include "core/alloc/node_fanout.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

class DeadlineTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json", objects_).ok());
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-nvidia.json", objects_).ok());
    snapshot_ = testutil::BuildSnapshot(objects_.slices, objects_.classes);
    state_ = testutil::BuildState(*snapshot_, {});
    // The fixture's node (fits), a node without devices (does not fit), then the fixture's
    // node again, so that both verdict kinds occur with and without a deadline.
    for (const char* name : {"dgx-h100-01", "empty-node", "dgx-h100-01", "dgx-h100-01"}) {
      model::Node n;
      n.name = name;
      nodes_.push_back(n);
    }
    claims_.push_back(testutil::MakeClaim("mig", "mig.nvidia.com", 2,
                                          "device.attributes['gpu.nvidia.com'].profile == '1g.10gb'"));
    claims_.push_back(testutil::MakeClaim("gpu", "gpu.nvidia.com", 1));
    for (const auto& c : claims_) claim_ptrs_.push_back(&c);
  }

  static std::vector<std::string> Devices(const NodeVerdict& v) {
    std::vector<std::string> out;
    if (!v.results) return out;
    for (const auto& r : *v.results) {
      for (const auto& d : r.devices.results) out.push_back(d.request + "=" + d.pool + "/" + d.device);
      out.push_back("|");
    }
    return out;
  }

  testutil::Objects objects_;
  std::shared_ptr<const index::Snapshot> snapshot_;
  index::AllocatedState state_;
  std::vector<model::Node> nodes_;
  std::vector<api::ResourceClaim> claims_;
  std::vector<const api::ResourceClaim*> claim_ptrs_;
};

TEST_F(DeadlineTest, ExpiredDeadlineFailsAllocateBeforeAnyWork) {
  Options o;
  o.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  AllocateStats stats;
  o.stats = &stats;
  auto r = Allocate(*snapshot_, state_, nodes_[0], claim_ptrs_, Features(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(r.status().message().find("timed out trying to allocate devices on node dgx-h100-01"),
            std::string_view::npos)
      << r.status();
  EXPECT_EQ(stats.steps, 0u);
  EXPECT_FALSE(IsNodeFailure(r.status()));
}

TEST_F(DeadlineTest, ExpiredDeadlineMarksEveryNodeInFanout) {
  FanoutOptions opts;
  opts.allocate.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  NodeFanout fanout(2);
  for (const auto& verdicts : {fanout.Run(*snapshot_, state_, nodes_, claim_ptrs_, Features(), opts),
                               NodeFanout::RunSequential(*snapshot_, state_, nodes_, claim_ptrs_, Features(), opts)}) {
    ASSERT_EQ(verdicts.size(), nodes_.size());
    for (size_t i = 0; i < verdicts.size(); ++i) {
      EXPECT_EQ(verdicts[i].kind, NodeVerdict::Kind::kError) << "node " << i;
      EXPECT_EQ(verdicts[i].status.code(), StatusCode::kDeadlineExceeded) << "node " << i;
      EXPECT_FALSE(verdicts[i].results.has_value()) << "node " << i;
      EXPECT_EQ(verdicts[i].steps, 0u) << "node " << i;
    }
  }
}

TEST_F(DeadlineTest, CancelFlagMarksEveryNodeInFanout) {
  std::atomic<bool> cancel{true};
  FanoutOptions opts;
  opts.allocate.cancel = &cancel;
  NodeFanout fanout(2);
  auto verdicts = fanout.Run(*snapshot_, state_, nodes_, claim_ptrs_, Features(), opts);
  ASSERT_EQ(verdicts.size(), nodes_.size());
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_EQ(verdicts[i].kind, NodeVerdict::Kind::kError) << "node " << i;
    EXPECT_EQ(verdicts[i].status.code(), StatusCode::kCancelled) << "node " << i;
  }
}

TEST_F(DeadlineTest, FarDeadlineGivesTheSameAnswersAsNoDeadline) {
  FanoutOptions none;
  none.allocate.share_id_generator = [] { return std::string("share"); };
  FanoutOptions far = none;
  far.allocate.deadline = std::chrono::steady_clock::now() + std::chrono::hours(24);
  std::atomic<bool> not_cancelled{false};
  far.allocate.cancel = &not_cancelled;
  NodeFanout fanout(2);
  for (size_t max_feasible : {size_t{0}, size_t{1}}) {
    none.max_feasible = far.max_feasible = max_feasible;
    auto want = NodeFanout::RunSequential(*snapshot_, state_, nodes_, claim_ptrs_, Features(), none);
    auto got = fanout.Run(*snapshot_, state_, nodes_, claim_ptrs_, Features(), far);
    ASSERT_EQ(got.size(), want.size());
    EXPECT_EQ(want[0].kind, NodeVerdict::Kind::kFits);
    EXPECT_EQ(want[1].kind, max_feasible == 0 ? NodeVerdict::Kind::kDoesNotFit : NodeVerdict::Kind::kSkipped);
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].kind, want[i].kind) << "node " << i << " max_feasible " << max_feasible;
      EXPECT_EQ(got[i].status.code(), want[i].status.code()) << "node " << i;
      EXPECT_EQ(Devices(got[i]), Devices(want[i])) << "node " << i;
      EXPECT_EQ(got[i].steps, want[i].steps) << "node " << i;
    }
  }
}

}  // namespace
}  // namespace allot::alloc
