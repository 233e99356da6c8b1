// KEP-5677's partitionSummary and shareableSummary (pool_views.h) with the 1.37 controller's rules, and
// allot's per-class partitions (inventory.h), whose "allocatable" must equal what successive one-device
// claims get from alloc::Allocate on the 8 x H100 dynamic-MIG fixture.
#include "core/alloc/pool_views.h"

#include <map>
#include <optional>
#include <set>
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/alloc/inventory.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using testutil::SliceBuilder;

api::ResourceClaim Holding(const std::string& name, const std::string& driver, const std::string& pool,
                           const std::string& device) {
  api::ResourceClaim claim = testutil::MakeClaim(name, "any");
  api::DeviceRequestAllocationResult r;
  r.request = "req-0";
  r.driver = driver;
  r.pool = pool;
  r.device = device;
  api::AllocationResult allocation;
  allocation.devices.results.push_back(r);
  claim.status.allocation = allocation;
  return claim;
}

// One pool of `slices`, all at its latest generation, and the views over it.
PoolViews Views(const std::vector<api::ResourceSlice>& slices, const std::vector<api::ResourceClaim>& allocated,
                const std::string& default_attribute, Features features = Features()) {
  auto snapshot = testutil::BuildSnapshot(slices, {});
  index::AllocatedState state = testutil::BuildState(*snapshot, allocated);
  std::vector<const index::SliceEntry*> latest;
  for (const index::SliceEntry& e : snapshot->slices()) latest.push_back(&e);
  return ComputePoolViews(latest, state, default_attribute, features);
}

// A GPU with 8 memory units: one "Full" (8) and two "Half" (4 each, the same counter), typed by "kind".
SliceBuilder HalvesPool() {
  return SliceBuilder("s", "gpu.example.com", "p", "n1")
      .CounterSet("gpu-0", "memory", "8")
      .Device("full").StringAttr("kind", "Full").Consumes("gpu-0", "memory", "8")
      .Device("half-0").StringAttr("kind", "Half").Consumes("gpu-0", "memory", "4")
      .Device("half-1").StringAttr("kind", "Half").Consumes("gpu-0", "memory", "4")
      .Device("plain");  // consumes nothing: not a partition
}

TEST(PoolViewsTest, PartitionSummaryCountsTotalAndAllocatableFromWhatIsLeft) {
  PoolViews v = Views({HalvesPool().Build()}, {Holding("h", "gpu.example.com", "p", "half-0")},
                      "gpu.example.com/kind");
  EXPECT_EQ(v.validation_error, "");
  ASSERT_EQ(v.partition_summary.size(), 2u);
  EXPECT_EQ(v.partition_summary[0].attribute, "gpu.example.com/kind");  // bare "kind" in the driver's domain
  EXPECT_EQ(v.partition_summary[0].type, "Full");
  EXPECT_EQ(v.partition_summary[0].total, 1);
  EXPECT_EQ(v.partition_summary[0].allocatable, 0);  // 4 of 8 left
  EXPECT_EQ(v.partition_summary[1].type, "Half");
  EXPECT_EQ(v.partition_summary[1].total, 2);
  EXPECT_EQ(v.partition_summary[1].allocatable, 1);

  PoolViews idle = Views({HalvesPool().Build()}, {}, "gpu.example.com/kind");
  ASSERT_EQ(idle.partition_summary.size(), 2u);
  EXPECT_EQ(idle.partition_summary[0].allocatable, 1);
  EXPECT_EQ(idle.partition_summary[1].allocatable, 2);  // each type alone: both halves, ignoring "Full"
}

TEST(PoolViewsTest, NoAttributeNoSummaryAndTheSlicesOwnAttributeWins) {
  EXPECT_TRUE(Views({HalvesPool().Build()}, {}, "").partition_summary.empty());

  api::ResourceSlice declared = HalvesPool().StringAttr("other", "x").Build();
  declared.spec.partition_type_attribute = "gpu.example.com/kind";
  PoolViews v = Views({declared}, {}, "gpu.example.com/other");  // the request default is ignored
  ASSERT_EQ(v.partition_summary.size(), 2u);
  EXPECT_EQ(v.partition_summary[0].attribute, "gpu.example.com/kind");

  // Another domain's attribute is looked up by its full name only.
  EXPECT_EQ(Views({HalvesPool().Build()}, {}, "other.example.com/kind").validation_error,
            "PartitionTypeMissing: device \"full\" in pool gpu.example.com/p does not carry partition type "
            "attribute \"other.example.com/kind\"");
}

TEST(PoolViewsTest, ControllerValidationErrors) {
  // Different counters behind one type: the dynamic-MIG layout.
  api::ResourceSlice placements = SliceBuilder("s", "gpu.example.com", "p", "n1")
                                      .CounterSet("gpu-0", "slice-0", "1")
                                      .Device("a").StringAttr("kind", "1g").Consumes("gpu-0", "slice-0", "1")
                                      .Device("b").StringAttr("kind", "1g").Consumes("gpu-0", "slice-1", "1")
                                      .Build();
  placements.spec.shared_counters[0].counters["slice-1"].value = api::Quantity("1");
  PoolViews mismatch = Views({placements}, {}, "gpu.example.com/kind");
  EXPECT_EQ(mismatch.validation_error,
            "PartitionCostMismatch: devices of partition type \"1g\" in pool gpu.example.com/p consume different "
            "counters");
  EXPECT_TRUE(mismatch.partition_summary.empty());

  api::ResourceSlice no_counters = SliceBuilder("s", "gpu.example.com", "p", "n1").Device("a").StringAttr("kind", "x").Build();
  no_counters.spec.partition_type_attribute = "gpu.example.com/kind";
  EXPECT_EQ(Views({no_counters}, {}, "").validation_error,
            "PartitionTypeMissing: pool gpu.example.com/p declares partitionTypeAttribute but publishes no "
            "sharedCounters");
}

TEST(PoolViewsTest, ShareableSummary) {
  api::ResourceSlice shared = SliceBuilder("s", "shared.example.com", "p", "n1")
                                  .Device("g0").Capacity("memory", "80Gi").Capacity("sm", "100")
                                  .Device("g1").Capacity("memory", "40Gi")
                                  .Device("exclusive").Capacity("memory", "1Ti")
                                  .Build();
  shared.spec.devices[0].allow_multiple_allocations = true;
  shared.spec.devices[1].allow_multiple_allocations = true;
  api::ResourceClaim share = Holding("share", "shared.example.com", "p", "g0");
  auto& r = share.status.allocation->devices.results[0];
  r.share_id = "6b1a5c9e-0000-4000-8000-000000000001";
  r.consumed_capacity["memory"] = api::Quantity("30Gi");
  PoolViews v = Views({shared}, {share}, "");
  ASSERT_TRUE(v.shareable_summary.has_value());
  EXPECT_EQ(v.shareable_summary->fully_available_devices, 1);
  EXPECT_EQ(v.shareable_summary->partially_available_devices, 1);
  ASSERT_EQ(v.shareable_summary->capacity.size(), 2u);
  EXPECT_EQ(v.shareable_summary->capacity[0].name, "memory");
  EXPECT_EQ(v.shareable_summary->capacity[0].total.ToString(), "120Gi");  // the exclusive device is not shareable
  EXPECT_EQ(v.shareable_summary->capacity[0].consumed.ToString(), "30Gi");
  EXPECT_EQ(v.shareable_summary->capacity[0].available.ToString(), "90Gi");
  EXPECT_EQ(v.shareable_summary->capacity[1].name, "sm");
  EXPECT_EQ(v.shareable_summary->capacity[1].consumed.ToString(), "0");

  EXPECT_FALSE(Views({HalvesPool().Build()}, {}, "").shareable_summary.has_value());
  Features off;
  off.consumable_capacity = false;
  EXPECT_FALSE(Views({shared}, {share}, "", off).shareable_summary.has_value());
}

// allot's per-class partitions on the real fixture: "allocatable" per MIG profile equals how many one-device
// claims of that profile alloc::Allocate grants one after another, from a partly used node.
class ClassPartitionsTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json", objects_).ok());
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-nvidia.json", objects_).ok());
    snapshot_ = testutil::BuildSnapshot(objects_.slices, objects_.classes);
    node_.name = "dgx-h100-01";
  }

  static api::ResourceClaim Mig(const std::string& name, const std::string& profile) {
    return testutil::MakeClaim(name, "mig.nvidia.com", 1,
                               "device.attributes['gpu.nvidia.com'].profile == '" + profile + "'");
  }

  bool AllocateOne(api::ResourceClaim claim, std::vector<api::ResourceClaim>& allocated) {
    index::AllocatedState state = testutil::BuildState(*snapshot_, allocated);
    StatusOr<std::optional<AllocationResults>> r = Allocate(*snapshot_, state, node_, {&claim}, Features(), Options());
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok() || !r->has_value()) return false;
    claim.status.allocation = (**r)[0];
    allocated.push_back(claim);
    return true;
  }

  testutil::Objects objects_;
  std::shared_ptr<const index::Snapshot> snapshot_;
  model::Node node_;
};

TEST_F(ClassPartitionsTest, AllocatableEqualsSuccessiveAllocations) {
  std::vector<api::ResourceClaim> used;
  ASSERT_TRUE(AllocateOne(Mig("a", "3g.40gb"), used));
  ASSERT_TRUE(AllocateOne(Mig("b", "1g.10gb"), used));
  ASSERT_TRUE(AllocateOne(Mig("c", "1g.10gb"), used));
  ASSERT_TRUE(AllocateOne(testutil::MakeClaim("d", "gpu.nvidia.com"), used));  // a whole GPU
  ASSERT_TRUE(AllocateOne(Mig("e", "4g.40gb"), used));

  index::AllocatedState state = testutil::BuildState(*snapshot_, used);
  InventoryFilter filter;
  filter.device_class = "mig.nvidia.com";
  filter.default_partition_type_attribute = "gpu.nvidia.com/profile";
  StatusOr<Inventory> inv = ComputeInventory(*snapshot_, state, {&node_}, {"mig.nvidia.com", "gpu.nvidia.com"},
                                             filter, Features(), Options());
  ASSERT_TRUE(inv.ok()) << inv.status();
  ASSERT_EQ(inv->classes.size(), 1u);
  const ClassNodeInventory& row = inv->classes[0];
  ASSERT_GE(row.partitions.size(), 5u);
  int64_t devices = 0;
  for (const ClassPartition& p : row.partitions) {
    EXPECT_EQ(p.attribute, "gpu.nvidia.com/profile");
    devices += p.devices;
    std::vector<api::ResourceClaim> more = used;
    int64_t granted = 0;
    while (granted <= p.devices && AllocateOne(Mig("more-" + std::to_string(granted), p.type), more)) ++granted;
    EXPECT_EQ(p.allocatable, granted) << p.type;
    EXPECT_LE(p.allocatable, p.free) << p.type;
    EXPECT_LE(p.free, p.devices) << p.type;
  }
  EXPECT_EQ(devices, row.devices);  // every MIG device has a profile
  const auto seven = std::find_if(row.partitions.begin(), row.partitions.end(),
                                  [](const ClassPartition& p) { return p.type == "7g.80gb"; });
  ASSERT_NE(seven, row.partitions.end());
  std::set<std::string> touched;  // physical GPUs with anything allocated
  for (const api::ResourceClaim& c : used) {
    for (const auto& r : c.status.allocation->devices.results) {
      for (const auto& slice : objects_.slices) {
        for (const auto& d : slice.spec.devices) {
          if (d.name != r.device) continue;
          auto parent = d.attributes.find("parentUUID");
          touched.insert(*(parent != d.attributes.end() ? parent : d.attributes.find("uuid"))->second.string_value);
        }
      }
    }
  }
  EXPECT_GE(touched.size(), 3u);
  EXPECT_EQ(seven->allocatable, 8 - static_cast<int64_t>(touched.size()));  // a 7g needs an untouched GPU

  // KEP-5677's partitionSummary cannot group this layout: the whole-GPU devices have no profile.
  bool flagged = false;
  for (const PoolInventory& p : inv->pools) {
    if (p.validation_error && p.validation_error->rfind("PartitionTypeMissing:", 0) == 0) flagged = true;
  }
  EXPECT_TRUE(flagged);
}

}  // namespace
}  // namespace allot::alloc
