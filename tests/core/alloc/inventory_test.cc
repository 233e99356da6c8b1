// ComputeInventory: KEP-5677's per-pool counts and allot's counter, capacity and class views, with exact
// numbers on plain, tainted, admin-access, partitionable (MIG-like), shared and incomplete pools.
#include "core/alloc/inventory.h"
#include "core/alloc/inventory_totals.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/cel/selector.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using testutil::SliceBuilder;

api::DeviceRequestAllocationResult Result(const std::string& driver, const std::string& pool,
                                          const std::string& device) {
  api::DeviceRequestAllocationResult r;
  r.request = "req-0";
  r.driver = driver;
  r.pool = pool;
  r.device = device;
  return r;
}

api::ResourceClaim Allocated(const std::string& name, std::vector<api::DeviceRequestAllocationResult> results) {
  api::ResourceClaim claim = testutil::MakeClaim(name, "gpu");
  api::AllocationResult allocation;
  allocation.devices.results = std::move(results);
  claim.status.allocation = allocation;
  return claim;
}

InventoryFilter Filter(const std::string& field, const std::string& value) {
  InventoryFilter f;
  (field == "driver" ? f.driver : field == "node" ? f.node : field == "pool" ? f.pool : f.device_class) = value;
  return f;
}

class InventoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // n1/plain: d0 allocated, d1 held only with adminAccess, d2 free, d3 NoSchedule-tainted and allocated,
    // d4 tainted with effect None (does not count).
    auto plain = SliceBuilder("a", "gpu.example.com", "n1", "n1")
                     .Device("d0").Device("d1").Device("d2")
                     .Device("d3").Taint("health", "bad", "NoSchedule")
                     .Device("d4").Taint("note", "x", "None")
                     .Build();
    // n1-mig: one 8-unit counter set; "full" costs 8, each half 4; half-0 is allocated.
    auto counters = SliceBuilder("b-counters", "mig.example.com", "n1-mig", "n1")
                        .Generation(1, 2).CounterSet("gpu-0", "memory", "8").Build();
    auto mig = SliceBuilder("b-devices", "mig.example.com", "n1-mig", "n1")
                   .Generation(1, 2)
                   .Device("full").Consumes("gpu-0", "memory", "8").StringAttr("profile", "full")
                   .Device("half-0").Consumes("gpu-0", "memory", "4").StringAttr("profile", "half")
                   .Device("half-1").Consumes("gpu-0", "memory", "4").StringAttr("profile", "half")
                   .Build();
    // n1-shared: one multi-allocatable 80Gi device with a 30Gi share.
    auto shared = SliceBuilder("c", "shared.example.com", "n1-shared", "n1").Device("sg").Capacity("memory", "80Gi").Build();
    shared.spec.devices[0].allow_multiple_allocations = true;
    // n2: declares 2 slices, only 1 published.
    auto incomplete = SliceBuilder("d-0", "gpu.example.com", "n2", "n2").Generation(1, 2).Device("x0").Build();

    devices_ = testutil::BuildSnapshot(
        {plain, counters, mig, shared, incomplete},
        {testutil::MakeClass("gpu", "device.driver == 'gpu.example.com'"),
         testutil::MakeClass("mig", "device.driver == 'mig.example.com'"),
         testutil::MakeClass("shared", "device.driver == 'shared.example.com'")});

    auto admin = Result("gpu.example.com", "n1", "d1");
    admin.admin_access = true;
    auto admin_on_allocated = Result("gpu.example.com", "n1", "d0");  // d0 once, not twice
    admin_on_allocated.admin_access = true;
    auto share = Result("shared.example.com", "n1-shared", "sg");
    share.share_id = "6b1a5c9e-0000-4000-8000-000000000001";
    share.consumed_capacity["memory"] = api::Quantity("30Gi");
    allocated_ = testutil::BuildState(
        *devices_, {Allocated("held", {Result("gpu.example.com", "n1", "d0")}),
                    Allocated("held-tainted", {Result("gpu.example.com", "n1", "d3")}),
                    Allocated("admin", {admin, admin_on_allocated}),
                    Allocated("mig-held", {Result("mig.example.com", "n1-mig", "half-0")}),
                    Allocated("share-1", {share})});
    n1_.name = "n1";
    n2_.name = "n2";
  }

  Inventory Compute(const InventoryFilter& filter = {}) {
    Options options;
    options.cel_cache = &cache_;
    StatusOr<Inventory> inv = ComputeInventory(*devices_, allocated_, {&n1_, &n2_}, {"gpu", "mig", "shared"},
                                               filter, Features(), options);
    EXPECT_TRUE(inv.ok()) << inv.status();
    return inv.ok() ? *inv : Inventory();
  }

  static const PoolInventory* FindPool(const Inventory& inv, const std::string& pool) {
    for (const auto& p : inv.pools) {
      if (p.pool == pool) return &p;
    }
    return nullptr;
  }
  static const ClassNodeInventory* FindRow(const Inventory& inv, const std::string& cls, const std::string& node) {
    for (const auto& r : inv.classes) {
      if (r.device_class == cls && r.node == node) return &r;
    }
    return nullptr;
  }

  cel::CompileCache cache_;
  std::shared_ptr<const index::Snapshot> devices_;
  index::AllocatedState allocated_;
  model::Node n1_;
  model::Node n2_;
};

TEST_F(InventoryTest, PlainPoolCountsFollowKep5677) {
  Inventory inv = Compute();
  const PoolInventory* p = FindPool(inv, "n1");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->driver, "gpu.example.com");
  EXPECT_EQ(p->node, "n1");
  EXPECT_EQ(p->generation, 1);
  EXPECT_FALSE(p->validation_error.has_value());
  ASSERT_TRUE(p->counts.has_value());
  EXPECT_EQ(p->counts->resource_slice_count, 1);
  EXPECT_EQ(p->counts->total_devices, 5);
  EXPECT_EQ(p->counts->allocated_devices, 2) << "d0 (once, admin access ignored) and d3; d1 is admin-only";
  EXPECT_EQ(p->counts->unavailable_devices, 1) << "d3 (NoSchedule); a None taint does not count";
  EXPECT_EQ(p->counts->available_devices, 2) << "5 - 2 - 1: the allocated and tainted d3 is subtracted twice";
  EXPECT_TRUE(p->counter_sets.empty());
  EXPECT_TRUE(p->shared_devices.empty());
}

TEST_F(InventoryTest, CounterSetIsPartlyConsumedByTheAllocatedPartition) {
  Inventory inv = Compute();
  const PoolInventory* p = FindPool(inv, "n1-mig");
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->counts.has_value());
  EXPECT_EQ(p->counts->resource_slice_count, 2);
  EXPECT_EQ(p->counts->total_devices, 3);
  EXPECT_EQ(p->counts->allocated_devices, 1);
  EXPECT_EQ(p->counts->available_devices, 2);
  ASSERT_EQ(p->counter_sets.size(), 1u);
  EXPECT_EQ(p->counter_sets[0].name, "gpu-0");
  ASSERT_EQ(p->counter_sets[0].counters.size(), 1u);
  const QuantityUsage& memory = p->counter_sets[0].counters[0];
  EXPECT_EQ(memory.name, "memory");
  EXPECT_EQ(memory.total.ToString(), "8");
  EXPECT_EQ(memory.consumed.ToString(), "4");
  EXPECT_EQ(memory.available.ToString(), "4");
}

TEST_F(InventoryTest, SharedDeviceCountsOnceAndReportsItsCapacity) {
  Inventory inv = Compute();
  const PoolInventory* p = FindPool(inv, "n1-shared");
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->counts.has_value());
  EXPECT_EQ(p->counts->total_devices, 1);
  EXPECT_EQ(p->counts->allocated_devices, 1);
  EXPECT_EQ(p->counts->available_devices, 0);
  ASSERT_EQ(p->shared_devices.size(), 1u);
  EXPECT_EQ(p->shared_devices[0].device, "sg");
  EXPECT_TRUE(p->shared_devices[0].in_use);
  ASSERT_EQ(p->shared_devices[0].capacity.size(), 1u);
  EXPECT_EQ(p->shared_devices[0].capacity[0].name, "memory");
  EXPECT_EQ(p->shared_devices[0].capacity[0].total.ToString(), "80Gi");
  EXPECT_EQ(p->shared_devices[0].capacity[0].consumed.ToString(), "30Gi");
  EXPECT_EQ(p->shared_devices[0].capacity[0].available.ToString(), "50Gi");
}

TEST_F(InventoryTest, IncompletePoolHasAValidationErrorAndNoCounts) {
  Inventory inv = Compute();
  const PoolInventory* p = FindPool(inv, "n2");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->counts.has_value());
  EXPECT_EQ(p->validation_error, "PoolIncomplete: pool gpu.example.com/n2 is incomplete: observed 1/2 slices at generation 1");
  EXPECT_EQ(inv.pools.size(), 4u);
  // Sorted by (driver, pool).
  EXPECT_EQ(inv.pools[0].pool, "n1");
  EXPECT_EQ(inv.pools[1].pool, "n2");
  EXPECT_EQ(inv.pools[2].pool, "n1-mig");
  EXPECT_EQ(inv.pools[3].pool, "n1-shared");
}

TEST_F(InventoryTest, ClassRowsCountMatchingAndFreeDevicesPerNode) {
  Inventory inv = Compute();
  ASSERT_EQ(inv.classes.size(), 6u);  // 3 classes x 2 nodes
  const ClassNodeInventory* gpu1 = FindRow(inv, "gpu", "n1");
  ASSERT_NE(gpu1, nullptr);
  EXPECT_EQ(gpu1->devices, 5);
  EXPECT_EQ(gpu1->free, 3) << "d1 (admin access only), d2, d4";
  const ClassNodeInventory* gpu2 = FindRow(inv, "gpu", "n2");
  ASSERT_NE(gpu2, nullptr);
  EXPECT_EQ(gpu2->devices, 0) << "the incomplete pool offers no candidates";
  const ClassNodeInventory* mig = FindRow(inv, "mig", "n1");
  ASSERT_NE(mig, nullptr);
  EXPECT_EQ(mig->devices, 3);
  EXPECT_EQ(mig->free, 1) << "half-1 fits the 4 left; full needs 8";
  const ClassNodeInventory* shared = FindRow(inv, "shared", "n1");
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->devices, 1);
  EXPECT_EQ(shared->free, 0);
  EXPECT_TRUE(shared->error.empty());
}

TEST_F(InventoryTest, ClassSelectorsGoThroughTheSnapshotMemo) {
  Compute();
  // The class selectors were compiled into the snapshot's memo, as the allocator's filter would.
  ASSERT_NE(devices_->selector_memo(), nullptr);
  const model::DeviceClass* gpu = devices_->FindClass("gpu");
  ASSERT_NE(gpu, nullptr);
  bool found = false;
  for (uint32_t tag = 0; tag < 8 && !found; ++tag) {
    found = devices_->selector_memo()->FindCompiled(&gpu->source.spec.selectors[0], tag) != nullptr;
  }
  EXPECT_TRUE(found);
}

TEST_F(InventoryTest, FiltersSelectPoolsAndRows) {
  Inventory by_driver = Compute(Filter("driver", "mig.example.com"));
  ASSERT_EQ(by_driver.pools.size(), 1u);
  EXPECT_EQ(by_driver.pools[0].pool, "n1-mig");
  ASSERT_EQ(by_driver.classes.size(), 1u);
  EXPECT_EQ(by_driver.classes[0].device_class, "mig");
  EXPECT_EQ(by_driver.classes[0].node, "n1");

  Inventory by_node = Compute(Filter("node", "n2"));
  ASSERT_EQ(by_node.pools.size(), 1u);
  EXPECT_EQ(by_node.pools[0].pool, "n2");
  EXPECT_EQ(by_node.classes.size(), 3u);

  Inventory by_class = Compute(Filter("class", "gpu"));
  EXPECT_EQ(by_class.pools.size(), 4u);
  ASSERT_EQ(by_class.classes.size(), 2u);
}

TEST_F(InventoryTest, AClassThatCannotBeEvaluatedIsReportedInItsRow) {
  Options options;
  options.cel_cache = &cache_;
  StatusOr<Inventory> inv =
      ComputeInventory(*devices_, allocated_, {&n1_}, {"no-such-class"}, {}, Features(), options);
  ASSERT_TRUE(inv.ok()) << inv.status();
  ASSERT_EQ(inv->classes.size(), 1u);
  EXPECT_NE(inv->classes[0].error.find("no-such-class"), std::string::npos) << inv->classes[0].error;
  EXPECT_EQ(inv->classes[0].devices, 0);
}

// The gauges' totals are the sums of the whole answer's numbers: pools (complete only; the tainted, admin-access,
// partitionable and shared ones), class rows and partitions, with and without a default partition attribute.
TEST_F(InventoryTest, TotalsAreTheSumsOfTheWholeAnswer) {
  for (const std::string attribute : {"", "mig.example.com/profile"}) {
    SCOPED_TRACE("default partition attribute '" + attribute + "'");
    InventoryFilter filter;
    filter.default_partition_type_attribute = attribute;
    Inventory inv = Compute(filter);
    InventoryTotalsOptions which;
    which.default_partition_type_attribute = attribute;
    which.per_pool = true;
    Options options;
    options.cel_cache = &cache_;
    StatusOr<InventoryTotals> totals = ComputeInventoryTotals(*devices_, allocated_, {&n1_, &n2_},
                                                              {"gpu", "mig", "shared"}, which, Features(), options);
    ASSERT_TRUE(totals.ok()) << totals.status();

    std::map<std::string, PoolCounts> drivers;
    size_t complete = 0;
    for (const PoolInventory& p : inv.pools) {
      if (!p.counts) continue;
      ++complete;
      PoolCounts& d = drivers[p.driver];
      d.total_devices += p.counts->total_devices;
      d.allocated_devices += p.counts->allocated_devices;
      d.available_devices += p.counts->available_devices;
      d.unavailable_devices += p.counts->unavailable_devices;
      auto it = totals->pools.find({p.driver, p.pool});
      ASSERT_NE(it, totals->pools.end()) << p.pool;
      EXPECT_EQ(it->second.total_devices, p.counts->total_devices) << p.pool;
      EXPECT_EQ(it->second.allocated_devices, p.counts->allocated_devices) << p.pool;
      EXPECT_EQ(it->second.available_devices, p.counts->available_devices) << p.pool;
      EXPECT_EQ(it->second.unavailable_devices, p.counts->unavailable_devices) << p.pool;
    }
    EXPECT_EQ(totals->pools.size(), complete) << "the incomplete pool n2 has no counts";
    ASSERT_EQ(totals->drivers.size(), drivers.size());
    for (const auto& [driver, d] : drivers) {
      const PoolCounts& t = totals->drivers.at(driver);
      EXPECT_EQ(t.total_devices, d.total_devices) << driver;
      EXPECT_EQ(t.allocated_devices, d.allocated_devices) << driver;
      EXPECT_EQ(t.available_devices, d.available_devices) << driver;
      EXPECT_EQ(t.unavailable_devices, d.unavailable_devices) << driver;
    }
    EXPECT_EQ(totals->drivers.at("gpu.example.com").unavailable_devices, 1) << "n1's d3; n2 is incomplete";

    std::map<std::string, ClassTotals> classes;
    std::map<std::pair<std::string, std::string>, PartitionTotals> partitions;
    for (const ClassNodeInventory& row : inv.classes) {
      classes[row.device_class].selected += row.devices;
      classes[row.device_class].free += row.free;
      for (const ClassPartition& part : row.partitions) {
        PartitionTotals& p = partitions[{row.device_class, part.type}];
        p.selected += part.devices;
        p.free += part.free;
        p.allocatable += part.allocatable;
      }
    }
    ASSERT_EQ(totals->classes.size(), classes.size());
    for (const auto& [cls, c] : classes) {
      EXPECT_EQ(totals->classes.at(cls).selected, c.selected) << cls;
      EXPECT_EQ(totals->classes.at(cls).free, c.free) << cls;
    }
    EXPECT_EQ(totals->classes.at("mig").free, 1) << "half-1 only: full's counters are half used";
    ASSERT_EQ(totals->partitions.size(), partitions.size());
    for (const auto& [key, p] : partitions) {
      EXPECT_EQ(totals->partitions.at(key).selected, p.selected) << key.second;
      EXPECT_EQ(totals->partitions.at(key).free, p.free) << key.second;
      EXPECT_EQ(totals->partitions.at(key).allocatable, p.allocatable) << key.second;
    }
    EXPECT_EQ(totals->partitions.size(), attribute.empty() ? 0u : 2u) << "full and half, with the attribute only";
  }
}

// A pool whose allocations consume more than its counters hold (possible after a slice update) leaves no
// device free there, as the allocator's ledger says; and a device naming one counter twice needs it twice.
TEST_F(InventoryTest, FreeFollowsTheLedgerForOverdrawnCountersAndRepeatedCounters) {
  allocated_ = testutil::BuildState(*devices_, {Allocated("full", {Result("mig.example.com", "n1-mig", "full")}),
                                                Allocated("half", {Result("mig.example.com", "n1-mig", "half-0")})});
  Inventory overdrawn = Compute();  // FindRow points into it: keep it alive
  const ClassNodeInventory* row = FindRow(overdrawn, "mig", "n1");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->devices, 3);
  EXPECT_EQ(row->free, 0) << "12 of 8 consumed: half-1 does not fit";

  auto counters = SliceBuilder("a", "mig.example.com", "p", "n1").Generation(1, 2).CounterSet("gpu-0", "memory", "8").Build();
  auto twice = SliceBuilder("b", "mig.example.com", "p", "n1")
                   .Generation(1, 2)
                   .Device("five-twice").Consumes("gpu-0", "memory", "5")
                   .Device("four-twice").Consumes("gpu-0", "memory", "4")
                   .Build();
  twice.spec.devices[0].consumes_counters.push_back(twice.spec.devices[0].consumes_counters[0]);  // 5 + 5 > 8
  twice.spec.devices[1].consumes_counters.push_back(twice.spec.devices[1].consumes_counters[0]);  // 4 + 4 = 8
  auto devices = testutil::BuildSnapshot({counters, twice}, {testutil::MakeClass("mig", "")});
  index::AllocatedState nothing;
  StatusOr<Inventory> inv = ComputeInventory(*devices, nothing, {&n1_}, {"mig"}, {}, Features());
  ASSERT_TRUE(inv.ok()) << inv.status();
  ASSERT_EQ(inv->classes.size(), 1u);
  EXPECT_EQ(inv->classes[0].devices, 2);
  EXPECT_EQ(inv->classes[0].free, 1) << "four-twice fits (8 of 8), five-twice does not (10 of 8)";
}

TEST(InventoryInvalidPoolTest, APoolTheAllocatorRefusesIsReportedWithItsCounts) {
  auto dup = SliceBuilder("e", "gpu.example.com", "n1", "n1").Device("x").Device("x").Build();
  auto devices = testutil::BuildSnapshot({dup}, {testutil::MakeClass("gpu", "")});
  index::AllocatedState nothing;
  model::Node n1;
  n1.name = "n1";
  StatusOr<Inventory> inv = ComputeInventory(*devices, nothing, {&n1}, {"gpu"}, {}, Features());
  ASSERT_TRUE(inv.ok()) << inv.status();
  ASSERT_EQ(inv->pools.size(), 1u);
  EXPECT_EQ(inv->pools[0].validation_error, "PoolInvalid: duplicate device name x");
  ASSERT_TRUE(inv->pools[0].counts.has_value());
  EXPECT_EQ(inv->pools[0].counts->total_devices, 2);
  ASSERT_EQ(inv->classes.size(), 1u);
  EXPECT_EQ(inv->classes[0].devices, 0) << "an invalid pool offers no candidates";
}

}  // namespace
}  // namespace allot::alloc
