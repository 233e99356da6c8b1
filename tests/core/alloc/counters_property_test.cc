// Property: under random allocate/free sequences on partitionable devices, the devices in use
// never consume more of any shared counter than the counter set provides, and no device is
// handed out twice.
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/alloc/allocator.h"
#include "core/quantity/quantity.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using quantity::Quantity;

struct Fixture {
  const char* file;
  const char* node;
  const char* device_class;
  std::vector<std::string> selectors;
};

class CounterPropertyTest : public testing::TestWithParam<Fixture> {};

void CheckInvariant(const testutil::Objects& objects, const std::vector<api::ResourceClaim>& allocated) {
  std::map<std::string, const api::Device*> devices;
  std::map<std::pair<std::string, std::string>, Quantity> capacity;  // (set, counter)
  for (const auto& s : objects.slices) {
    for (const auto& d : s.spec.devices) devices[d.name] = &d;
    for (const auto& cs : s.spec.shared_counters) {
      for (const auto& [name, c] : cs.counters) capacity[{cs.name, name}] = *Quantity::Parse(c.value.text);
    }
  }
  std::map<std::pair<std::string, std::string>, Quantity> used;
  std::set<std::string> seen;
  for (const auto& claim : allocated) {
    for (const auto& r : claim.status.allocation->devices.results) {
      ASSERT_TRUE(seen.insert(r.device).second) << "device allocated twice: " << r.device;
      for (const auto& cc : devices.at(r.device)->consumes_counters) {
        for (const auto& [name, c] : cc.counters) {
          auto key = std::make_pair(cc.counter_set, name);
          Quantity q = *Quantity::Parse(c.value.text);
          auto it = used.find(key);
          if (it == used.end()) {
            used.emplace(key, q);
          } else {
            it->second = it->second.Add(q);
          }
        }
      }
    }
  }
  for (const auto& [key, q] : used) {
    ASSERT_LE(q.Compare(capacity.at(key)), 0)
        << "counter " << key.first << "/" << key.second << " overcommitted: " << q.ToString() << " > "
        << capacity.at(key).ToString();
  }
}

TEST_P(CounterPropertyTest, CountersNeverExceeded) {
  const Fixture& f = GetParam();
  testutil::Objects objects;
  ASSERT_TRUE(testutil::LoadObjects(std::string("tests/testdata/data/") + f.file, objects).ok());
  ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-nvidia.json", objects).ok());
  ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-example.json", objects).ok());
  auto snapshot = testutil::BuildSnapshot(objects.slices, objects.classes);
  model::Node node;
  node.name = f.node;
  std::mt19937 rng(12345);
  std::vector<api::ResourceClaim> allocated;
  int successes = 0;
  int failures = 0;
  for (int step = 0; step < 150; ++step) {
    if (!allocated.empty() && rng() % 3 == 0) {
      allocated.erase(allocated.begin() + static_cast<long>(rng() % allocated.size()));
      continue;
    }
    const std::string& sel = f.selectors[rng() % f.selectors.size()];
    api::ResourceClaim claim = testutil::MakeClaim("c" + std::to_string(step), f.device_class,
                                                   1 + static_cast<int64_t>(rng() % 2), sel);
    index::AllocatedState state = testutil::BuildState(*snapshot, allocated);
    StatusOr<std::optional<AllocationResults>> r = Allocate(*snapshot, state, node, {&claim}, Features(), Options());
    ASSERT_TRUE(r.ok()) << r.status();
    if (!r->has_value()) {
      ++failures;
      continue;
    }
    ++successes;
    claim.status.allocation = (**r)[0];
    allocated.push_back(claim);
    CheckInvariant(objects, allocated);
    if (HasFatalFailure()) return;
  }
  // The sequence must exercise both outcomes to mean anything.
  EXPECT_GT(successes, 10);
  EXPECT_GT(failures, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, CounterPropertyTest,
    testing::Values(Fixture{"nvidia-h100-80gb-x8-dynmig.json", "dgx-h100-01", "mig.nvidia.com",
                            {"device.attributes['gpu.nvidia.com'].profile == '1g.10gb'",
                             "device.attributes['gpu.nvidia.com'].profile == '2g.20gb'",
                             "device.attributes['gpu.nvidia.com'].profile == '3g.40gb'",
                             "device.attributes['gpu.nvidia.com'].profile == '7g.80gb'", "true"}},
                    Fixture{"nvidia-a100-40gb-x8-dynmig.json", "dgx-a100-01", "mig.nvidia.com",
                            {"device.attributes['gpu.nvidia.com'].profile == '1g.5gb'",
                             "device.attributes['gpu.nvidia.com'].profile == '3g.20gb'", "true"}}),
    [](const testing::TestParamInfo<Fixture>& p) { return p.index == 0 ? "H100" : "A100"; });

}  // namespace
}  // namespace allot::alloc
