// Realistic allocations on the 8 x H100 dynamic-MIG fixture (tests/testdata/data): MIG
// placements and full GPUs share counter sets, so the allocator must never put a full GPU and
// a MIG device, or more MIG devices than fit, on the same physical GPU.
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/alloc/allocator.h"
#include "core/quantity/quantity.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

constexpr char kNode[] = "dgx-h100-01";

class H100MigTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json", objects_).ok());
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-nvidia.json", objects_).ok());
    ASSERT_EQ(objects_.slices.size(), 9u);
    snapshot_ = testutil::BuildSnapshot(objects_.slices, objects_.classes);
    node_.name = kNode;
    for (const auto& s : objects_.slices) {
      for (const auto& d : s.spec.devices) devices_[d.name] = &d;
    }
  }

  // Allocates `claim` against everything allocated so far; on success records it as allocated.
  std::optional<api::AllocationResult> AllocateOne(api::ResourceClaim claim) {
    index::AllocatedState state = testutil::BuildState(*snapshot_, allocated_);
    StatusOr<std::optional<AllocationResults>> r =
        Allocate(*snapshot_, state, node_, {&claim}, Features(), Options());
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok() || !r->has_value()) return std::nullopt;
    claim.status.allocation = (**r)[0];
    allocated_.push_back(claim);
    return (**r)[0];
  }

  // The physical GPU (parent UUID or own UUID) of an allocated device.
  std::string GpuOf(const std::string& device) const {
    const api::Device* d = devices_.at(device);
    auto it = d->attributes.find("parentUUID");
    if (it != d->attributes.end()) return *it->second.string_value;
    return *d->attributes.at("uuid").string_value;
  }

  static api::ResourceClaim Mig(const std::string& name, const std::string& profile) {
    return testutil::MakeClaim(name, "mig.nvidia.com", 1,
                               "device.attributes['gpu.nvidia.com'].profile == '" + profile + "'");
  }

  testutil::Objects objects_;
  std::shared_ptr<const index::Snapshot> snapshot_;
  model::Node node_;
  std::vector<api::ResourceClaim> allocated_;
  std::map<std::string, const api::Device*> devices_;
};

TEST_F(H100MigTest, SevenSmallMigsShareOneGpuAndTheEighthMovesOn) {
  std::map<std::string, int> per_gpu;
  std::string first_gpu;
  for (int i = 0; i < 8; ++i) {
    std::optional<api::AllocationResult> r = AllocateOne(Mig("mig-" + std::to_string(i), "1g.10gb"));
    ASSERT_TRUE(r.has_value()) << "claim " << i;
    ASSERT_EQ(r->devices.results.size(), 1u);
    const std::string gpu = GpuOf(r->devices.results[0].device);
    if (i == 0) first_gpu = gpu;
    ++per_gpu[gpu];
  }
  EXPECT_EQ(per_gpu[first_gpu], 7);
  EXPECT_EQ(per_gpu.size(), 2u);
}

TEST_F(H100MigTest, SevenSmallMigsInOneCallFitOnOneGpu) {
  std::vector<api::ResourceClaim> claims;
  for (int i = 0; i < 8; ++i) claims.push_back(Mig("mig-" + std::to_string(i), "1g.10gb"));
  std::vector<const api::ResourceClaim*> ptrs;
  for (const auto& c : claims) ptrs.push_back(&c);
  index::AllocatedState state = testutil::BuildState(*snapshot_, {});
  StatusOr<std::optional<AllocationResults>> r = Allocate(*snapshot_, state, node_, ptrs, Features(), Options());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->has_value());
  std::map<std::string, int> per_gpu;
  for (const auto& a : **r) ++per_gpu[GpuOf(a.devices.results.at(0).device)];
  ASSERT_EQ(per_gpu.size(), 2u);
  EXPECT_EQ(per_gpu.begin()->second + std::next(per_gpu.begin())->second, 8);
  EXPECT_TRUE(per_gpu.begin()->second == 7 || std::next(per_gpu.begin())->second == 7);
}

TEST_F(H100MigTest, FullSizeMigNeverSharesAGpuWithAnotherMig) {
  std::optional<api::AllocationResult> small = AllocateOne(Mig("small", "1g.10gb"));
  ASSERT_TRUE(small.has_value());
  std::optional<api::AllocationResult> big = AllocateOne(Mig("big", "7g.80gb"));
  ASSERT_TRUE(big.has_value());
  EXPECT_NE(GpuOf(small->devices.results[0].device), GpuOf(big->devices.results[0].device));
  // And the other way round: a GPU holding a 7g.80gb takes no further MIG device.
  for (int i = 0; i < 6; ++i) {
    std::optional<api::AllocationResult> r = AllocateOne(Mig("more-" + std::to_string(i), "1g.10gb"));
    ASSERT_TRUE(r.has_value());
    EXPECT_NE(GpuOf(r->devices.results[0].device), GpuOf(big->devices.results[0].device));
  }
}

TEST_F(H100MigTest, FullGpuAndMigNeverShareAGpu) {
  std::optional<api::AllocationResult> mig = AllocateOne(Mig("mig", "1g.10gb"));
  ASSERT_TRUE(mig.has_value());
  std::optional<api::AllocationResult> gpu = AllocateOne(testutil::MakeClaim("gpu", "gpu.nvidia.com"));
  ASSERT_TRUE(gpu.has_value());
  EXPECT_NE(GpuOf(mig->devices.results[0].device), GpuOf(gpu->devices.results[0].device));
  std::optional<api::AllocationResult> mig2 = AllocateOne(Mig("mig2", "3g.40gb"));
  ASSERT_TRUE(mig2.has_value());
  EXPECT_NE(GpuOf(mig2->devices.results[0].device), GpuOf(gpu->devices.results[0].device));
}

TEST_F(H100MigTest, EightFullGpusThenNoMigFits) {
  api::ResourceClaim all = testutil::MakeClaim("all-gpus", "gpu.nvidia.com", 8);
  std::optional<api::AllocationResult> r = AllocateOne(all);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->devices.results.size(), 8u);
  EXPECT_FALSE(AllocateOne(Mig("mig", "1g.10gb")).has_value());
}

TEST_F(H100MigTest, MemorySelectorPicksExactlyTheLargeDevices) {
  const std::string selector =
      "device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('40Gi')) >= 0";
  api::ResourceClaim claim = testutil::MakeClaim("big-memory", "mig.nvidia.com", 1, selector);
  claim.spec.devices.requests[0].exactly->allocation_mode = "All";
  claim.spec.devices.requests[0].exactly->count = 0;
  // Expected set computed independently from the fixture with allot::quantity.
  const quantity::Quantity limit = *quantity::Quantity::Parse("40Gi");
  std::vector<std::string> want;
  for (const auto& s : objects_.slices) {
    for (const auto& d : s.spec.devices) {
      auto type = d.attributes.find("type");
      if (type == d.attributes.end() || *type->second.string_value != "mig") continue;
      if (quantity::Quantity::Parse(d.capacity.at("memory").value.text)->Compare(limit) >= 0) want.push_back(d.name);
    }
  }
  ASSERT_FALSE(want.empty());
  std::map<std::string, int> want_per_gpu;
  for (const auto& name : want) ++want_per_gpu[GpuOf(name)];
  bool overlapping = false;
  for (const auto& [gpu, n] : want_per_gpu) overlapping = overlapping || n > 1;
  // `All` needs every selected device at once: possible only if no two of them share a GPU's
  // counters; otherwise unsatisfiable (not an error).
  index::AllocatedState state = testutil::BuildState(*snapshot_, {});
  StatusOr<std::optional<AllocationResults>> all = Allocate(*snapshot_, state, node_, {&claim}, Features(), Options());
  ASSERT_TRUE(all.ok()) << all.status();
  if (overlapping) {
    EXPECT_FALSE(all->has_value());
  } else {
    ASSERT_TRUE(all->has_value());
    std::vector<std::string> got;
    for (const auto& res : (**all)[0].devices.results) got.push_back(res.device);
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want);
  }
  // ExactCount 8 with the same selector: every chosen device has >= 40Gi.
  api::ResourceClaim eight = testutil::MakeClaim("eight", "mig.nvidia.com", 8, selector);
  std::optional<api::AllocationResult> r = AllocateOne(eight);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->devices.results.size(), 8u);
  for (const auto& res : r->devices.results) {
    EXPECT_NE(std::find(want.begin(), want.end(), res.device), want.end()) << res.device;
  }
}

}  // namespace
}  // namespace allot::alloc
