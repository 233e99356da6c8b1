// The infeasibility check (core/alloc/infeasibility.cc) only ever shortens a search that would fail:
// on random partitionable pools it must give exactly the answer of the exhaustive search, and on the
// H100 fixture it must end counter-limited searches that the reference enumerates for minutes.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/alloc/allocator.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using testutil::SliceBuilder;

constexpr char kNode[] = "node-1";

struct Outcome {
  StatusOr<std::optional<AllocationResults>> result;
  AllocateStats stats;
};

Outcome AllocateWith(const index::Snapshot& snapshot, const index::AllocatedState& state,
                 const std::vector<api::ResourceClaim>& claims, bool check, bool reference_compat) {
  model::Node node{kNode, {}};
  std::vector<const api::ResourceClaim*> ptrs;
  for (const auto& c : claims) ptrs.push_back(&c);
  Outcome run{std::optional<AllocationResults>(), {}};
  Options options;
  options.infeasibility_check = check;
  options.reference_compat = reference_compat;
  options.stats = &run.stats;
  run.result = Allocate(snapshot, state, node, ptrs, Features(), options);
  return run;
}

std::vector<std::string> DevicesOf(const AllocationResults& results) {
  std::vector<std::string> names;
  for (const auto& r : results) {
    for (const auto& d : r.devices.results) names.push_back(d.request + "=" + d.device);
  }
  return names;
}

// Two counter sets ("gpu-0", "gpu-1": memory and two exclusive slots each), 14 devices that consume
// from one of them or from none, a few of them already in use, and a pod with two requests.
TEST(InfeasibilityTest, SameAnswerAsTheExhaustiveSearchOnRandomPartitionablePools) {
  std::mt19937 rng(20261123);
  auto pick = [&](int lo, int hi) { return lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1)); };
  int cut = 0;
  int allocated = 0;
  for (int round = 0; round < 200; ++round) {
    auto counters = SliceBuilder("a-counters", "driver-a", "pool", kNode).Generation(1, 2);
    for (const char* set : {"gpu-0", "gpu-1"}) {
      counters.CounterSet(set, "memory", std::to_string(pick(4, 12)) + "Gi").CounterSet(set, "slot-0", "1").CounterSet(set, "slot-1", "1");
    }
    auto devices = SliceBuilder("b-devices", "driver-a", "pool", kNode).Generation(1, 2);
    for (int i = 0; i < 14; ++i) {
      devices.Device("d" + std::to_string(i)).IntAttr("numa", pick(0, 1));
      if (pick(0, 9) < 2) continue;  // no counters
      const std::string set = pick(0, 1) == 0 ? "gpu-0" : "gpu-1";
      devices.Consumes(set, "memory", std::to_string(pick(1, 4)) + "Gi");
      if (pick(0, 1) == 0) devices.Consumes(set, "slot-" + std::to_string(pick(0, 1)), "1");
    }
    auto snapshot = testutil::BuildSnapshot({counters.Build(), devices.Build()}, {testutil::MakeClass("class-a", "device.driver == 'driver-a'")});

    // Something already allocated (its counters are no longer available).
    std::vector<api::ResourceClaim> in_use;
    api::ResourceClaim first = testutil::MakeClaim("first", "class-a", pick(0, 2));
    if (first.spec.devices.requests[0].exactly->count > 0) {
      Outcome r = AllocateWith(*snapshot, testutil::BuildState(*snapshot, {}), {first}, true, false);
      ASSERT_TRUE(r.result.ok()) << r.result.status();
      if (r.result->has_value()) {
        first.status.allocation = (**r.result)[0];
        in_use.push_back(first);
      }
    }
    index::AllocatedState state = testutil::BuildState(*snapshot, in_use);

    api::ResourceClaim claim = testutil::MakeClaim("pod", "class-a", pick(2, 7),
                                                   pick(0, 2) == 0 ? "device.attributes['driver-a'].numa == 0" : "");
    api::DeviceRequest second = claim.spec.devices.requests[0];
    second.name = "second";
    second.exactly->count = pick(1, 6);
    second.exactly->selectors.clear();
    claim.spec.devices.requests.push_back(second);

    const bool compat = round % 2 == 1;
    Outcome with = AllocateWith(*snapshot, state, {claim}, true, compat);
    Outcome without = AllocateWith(*snapshot, state, {claim}, false, compat);
    ASSERT_TRUE(with.result.ok()) << with.result.status();
    ASSERT_TRUE(without.result.ok()) << without.result.status();
    ASSERT_EQ(with.result->has_value(), without.result->has_value()) << "round " << round;
    if (with.result->has_value()) {
      ++allocated;
      EXPECT_EQ(DevicesOf(**with.result), DevicesOf(**without.result)) << "round " << round;
      EXPECT_EQ(with.stats.steps, without.stats.steps) << "round " << round;
    } else if (with.stats.steps < without.stats.steps) {
      ++cut;
      EXPECT_EQ(with.stats.steps, 1024u);
    }
  }
  // The generator must produce both outcomes and searches long enough to be cut, or it proves nothing.
  EXPECT_GT(allocated, 20);
  EXPECT_GT(cut, 10);
}

class H100CounterBoundTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json", objects_).ok());
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-nvidia.json", objects_).ok());
    snapshot_ = testutil::BuildSnapshot(objects_.slices, objects_.classes);
  }

  Outcome AllocateMigs(int64_t count, const std::string& profile, const std::vector<api::ResourceClaim>& in_use) {
    api::ResourceClaim claim = testutil::MakeClaim("migs", "mig.nvidia.com", count,
                                                   "device.attributes['gpu.nvidia.com'].profile == '" + profile + "'");
    model::Node node{"dgx-h100-01", {}};
    Outcome run{std::optional<AllocationResults>(), {}};
    Options options;
    options.stats = &run.stats;
    index::AllocatedState state = testutil::BuildState(*snapshot_, in_use);
    run.result = Allocate(*snapshot_, state, node, {&claim}, Features(), options);
    return run;
  }

  testutil::Objects objects_;
  std::shared_ptr<const index::Snapshot> snapshot_;
};

TEST_F(H100CounterBoundTest, OneMoreThanTheCountersAllowIsCutAfterTheFirstThousandSteps) {
  // Three 2g.20gb placements fit on each of the 8 GPUs. Asking for 25 makes the exhaustive search try
  // every combination of placements (16.8 M steps); the counter bound ends it with the same answer.
  Outcome fits = AllocateMigs(24, "2g.20gb", {});
  ASSERT_TRUE(fits.result.ok()) << fits.result.status();
  ASSERT_TRUE(fits.result->has_value());
  EXPECT_EQ((**fits.result)[0].devices.results.size(), 24u);

  Outcome too_many = AllocateMigs(25, "2g.20gb", {});
  ASSERT_TRUE(too_many.result.ok()) << too_many.result.status();
  EXPECT_FALSE(too_many.result->has_value());
  EXPECT_EQ(too_many.stats.steps, 1024u);

  // Two 3g.40gb per GPU: 16 fit, 17 do not.
  Outcome half = AllocateMigs(16, "3g.40gb", {});
  ASSERT_TRUE(half.result.ok()) << half.result.status();
  EXPECT_TRUE(half.result->has_value());
  Outcome half_too_many = AllocateMigs(17, "3g.40gb", {});
  ASSERT_TRUE(half_too_many.result.ok()) << half_too_many.result.status();
  EXPECT_FALSE(half_too_many.result->has_value());
  EXPECT_EQ(half_too_many.stats.steps, 1024u);
}

TEST_F(H100CounterBoundTest, CountersAlreadyInUseAreLeftOutOfTheBound) {
  // One GPU taken whole: its counter set is exhausted, so only 7 x 3 = 21 2g.20gb placements remain.
  api::ResourceClaim gpu = testutil::MakeClaim("gpu", "gpu.nvidia.com", 1);
  model::Node node{"dgx-h100-01", {}};
  index::AllocatedState empty = testutil::BuildState(*snapshot_, {});
  StatusOr<std::optional<AllocationResults>> taken = Allocate(*snapshot_, empty, node, {&gpu}, Features(), Options());
  ASSERT_TRUE(taken.ok()) << taken.status();
  ASSERT_TRUE(taken->has_value());
  gpu.status.allocation = (**taken)[0];

  Outcome fits = AllocateMigs(21, "2g.20gb", {gpu});
  ASSERT_TRUE(fits.result.ok()) << fits.result.status();
  EXPECT_TRUE(fits.result->has_value());
  Outcome too_many = AllocateMigs(22, "2g.20gb", {gpu});
  ASSERT_TRUE(too_many.result.ok()) << too_many.result.status();
  EXPECT_FALSE(too_many.result->has_value());
  EXPECT_EQ(too_many.stats.steps, 1024u);
}

}  // namespace
}  // namespace allot::alloc
