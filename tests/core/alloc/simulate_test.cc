// Simulate: replicas of a pod placed one after another as filter -> prioritize -> bind would, on MIG
// (partitionable devices with shared counters), shared GPUs (consumable capacity) and small built clusters.
#include "core/alloc/simulate.h"

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/alloc/explain.h"
#include "core/alloc/template_claims.h"
#include "core/index/from_api.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using testutil::SliceBuilder;

api::ResourceClaimTemplate Template(const std::string& name, const api::ResourceClaim& shape) {
  api::ResourceClaimTemplate t;
  t.metadata.name = name;
  t.metadata.namespace_ = "default";
  t.spec.spec = shape.spec;
  t.spec.metadata.labels["team"] = "a";
  return t;
}

api::DeviceRequestAllocationResult Result(const std::string& pool, const std::string& device) {
  api::DeviceRequestAllocationResult r;
  r.request = "req-0";
  r.driver = "gpu.example.com";
  r.pool = pool;
  r.device = device;
  return r;
}

api::Pod Pod(const std::string& name, const std::vector<std::pair<std::string, std::string>>& templates,
             const std::vector<std::pair<std::string, std::string>>& direct = {}) {
  api::Pod pod;
  pod.metadata.name = name;
  pod.metadata.namespace_ = "default";
  for (const auto& [entry, tmpl] : direct) {
    pod.spec.resource_claims.push_back(api::PodResourceClaim{entry, tmpl, std::nullopt});
  }
  for (const auto& [entry, tmpl] : templates) {
    pod.spec.resource_claims.push_back(api::PodResourceClaim{entry, std::nullopt, tmpl});
  }
  return pod;
}

api::ResourceClaim Mig(const std::string& name, const std::string& profile) {
  return testutil::MakeClaim(name, "mig.nvidia.com", 1,
                             "device.attributes['gpu.nvidia.com'].profile == '" + profile + "'");
}

// The physical GPU of every device of the fixture (parentUUID for MIG devices, uuid for full GPUs).
std::map<std::string, std::string> GpuOfDevices(const testutil::Objects& objects) {
  std::map<std::string, std::string> out;
  for (const auto& s : objects.slices) {
    for (const auto& d : s.spec.devices) {
      auto parent = d.attributes.find("parentUUID");
      out[d.name] = parent != d.attributes.end() ? *parent->second.string_value : *d.attributes.at("uuid").string_value;
    }
  }
  return out;
}

class SimulateMigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json", objects_).ok());
    ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-nvidia.json", objects_).ok());
    snapshot_ = testutil::BuildSnapshot(objects_.slices, objects_.classes);
    node_.name = "dgx-h100-01";
    gpu_of_ = GpuOfDevices(objects_);
  }

  // Allocates `claim` on the node against `held` and records it there (a pod that is already running).
  void Hold(api::ResourceClaim claim) {
    index::AllocatedState state = testutil::BuildState(*snapshot_, held_);
    auto r = Allocate(*snapshot_, state, node_, {&claim}, Features(), Options());
    ASSERT_TRUE(r.ok() && r->has_value()) << claim.metadata.name;
    claim.status.allocation = (**r)[0];
    held_.push_back(claim);
  }

  SimulateResult Run(const api::ResourceClaimTemplate& tmpl, size_t replicas) {
    api::Pod pod = Pod("worker", {{"mig", tmpl.metadata.name}});
    std::vector<SimulatedPodClaim> claims = {{"mig", nullptr, nullptr, &tmpl}};
    SimulateOptions options;
    options.replicas = replicas;
    auto state = std::make_shared<const index::AllocatedState>(testutil::BuildState(*snapshot_, held_));
    return Simulate(*snapshot_, state, pod, claims, {&node_}, Features(), fanout_, options);
  }

  // Placed MIG devices per physical GPU, plus the held claims' devices.
  std::map<std::string, std::vector<std::string>> DevicesPerGpu(const SimulateResult& r) const {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& c : held_) {
      for (const auto& d : c.status.allocation->devices.results) out[gpu_of_.at(d.device)].push_back(d.device);
    }
    for (const auto& p : r.placements) {
      for (const auto& c : p.allocations) {
        for (const auto& d : c.allocation.devices.results) out[gpu_of_.at(d.device)].push_back(d.device);
      }
    }
    return out;
  }

  testutil::Objects objects_;
  std::shared_ptr<const index::Snapshot> snapshot_;
  model::Node node_;
  std::map<std::string, std::string> gpu_of_;
  std::vector<api::ResourceClaim> held_;
  NodeFanout fanout_{2};
};

TEST_F(SimulateMigTest, ThreeTwoGEachOnEightEmptyH100s) {
  api::ResourceClaimTemplate tmpl = Template("mig-2g", Mig("x", "2g.20gb"));
  SimulateResult r = Run(tmpl, 100);
  EXPECT_TRUE(r.error.ok()) << r.error;
  // An H100 holds at most three 2g.20gb instances (NVIDIA's MIG profile table): 8 GPUs, 24.
  EXPECT_EQ(r.placements.size(), 24u);
  std::set<std::string> devices;
  for (const auto& [gpu, on_gpu] : DevicesPerGpu(r)) {
    EXPECT_EQ(on_gpu.size(), 3u) << gpu;
    devices.insert(on_gpu.begin(), on_gpu.end());
  }
  EXPECT_EQ(devices.size(), 24u) << "no device placed twice";
  ASSERT_TRUE(r.next.has_value());
  ASSERT_EQ(r.next->pending.size(), 1u);
  // The 25th replica's claim, judged by explain against the state it saw: every 2g.20gb device is taken.
  NodeExplanation e = ExplainNode(*snapshot_, *r.next->allocated, node_, r.next->pending, Features());
  EXPECT_FALSE(e.fits);
  ASSERT_EQ(e.reasons.size(), 1u);
  EXPECT_EQ(e.reasons[0].code, ReasonCode::kDevicesInUse) << e.reasons[0].message;
}

TEST_F(SimulateMigTest, FewerFitNextToRunningPods) {
  Hold(testutil::MakeClaim("full-gpu", "gpu.nvidia.com"));  // one whole GPU
  for (int i = 0; i < 7; ++i) Hold(Mig("small-" + std::to_string(i), "1g.10gb"));  // fills a second GPU
  api::ResourceClaimTemplate tmpl = Template("mig-2g", Mig("x", "2g.20gb"));
  SimulateResult r = Run(tmpl, 100);
  EXPECT_TRUE(r.error.ok()) << r.error;
  EXPECT_EQ(r.placements.size(), 18u);  // six GPUs left, three each
  std::set<std::string> busy_gpus;
  for (const auto& c : held_) busy_gpus.insert(gpu_of_.at(c.status.allocation->devices.results.at(0).device));
  ASSERT_EQ(busy_gpus.size(), 2u);
  for (const auto& p : r.placements) {
    EXPECT_EQ(busy_gpus.count(gpu_of_.at(p.allocations.at(0).allocation.devices.results.at(0).device)), 0u);
  }
  // The 19th: the free 2g.20gb devices left are on the two busy GPUs, whose counters are used up.
  ASSERT_TRUE(r.next.has_value());
  NodeExplanation e = ExplainNode(*snapshot_, *r.next->allocated, node_, r.next->pending, Features());
  ASSERT_EQ(e.reasons.size(), 1u);
  EXPECT_EQ(e.reasons[0].code, ReasonCode::kCountersExhausted) << e.reasons[0].message;
  // Same count as asking the allocator one claim at a time (what binding them one by one would do).
  size_t one_by_one = 0;
  while (true) {
    api::ResourceClaim c = Mig("probe-" + std::to_string(one_by_one), "2g.20gb");
    index::AllocatedState state = testutil::BuildState(*snapshot_, held_);
    auto a = Allocate(*snapshot_, state, node_, {&c}, Features(), Options());
    ASSERT_TRUE(a.ok());
    if (!a->has_value()) break;
    c.status.allocation = (**a)[0];
    held_.push_back(c);
    ++one_by_one;
  }
  EXPECT_EQ(one_by_one, r.placements.size());
}

TEST_F(SimulateMigTest, StopsAtReplicasAndMintsOneClaimPerReplica) {
  api::ResourceClaimTemplate tmpl = Template("mig-2g", Mig("x", "2g.20gb"));
  SimulateResult r = Run(tmpl, 5);
  EXPECT_TRUE(r.error.ok());
  ASSERT_EQ(r.placements.size(), 5u);
  EXPECT_FALSE(r.next.has_value());
  std::set<std::string> names;
  for (const auto& p : r.placements) {
    EXPECT_EQ(p.node, "dgx-h100-01");
    EXPECT_EQ(p.pod, "worker");
    ASSERT_EQ(p.allocations.size(), 1u);
    EXPECT_EQ(p.allocations[0].claim.rfind("default/worker-mig-", 0), 0u) << p.allocations[0].claim;
    names.insert(p.allocations[0].claim);
  }
  EXPECT_EQ(names.size(), 5u);
}

// Eight shared GPUs of 80Gi / 100 compute each (consumable capacity): shares of 20Gi and 25 compute.
TEST(SimulateSharedTest, ConsumableCapacitySharesUntilTheLastGigabyte) {
  testutil::Objects objects;
  ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/example-driver-8gpu-shared.json", objects).ok());
  ASSERT_TRUE(testutil::LoadObjects("tests/testdata/data/deviceclasses-example.json", objects).ok());
  auto snapshot = testutil::BuildSnapshot(objects.slices, objects.classes);
  model::Node node{"dra-example-driver-cluster-worker", {}};
  api::ResourceClaim shape = testutil::MakeClaim("x", "gpu.example.com");
  shape.spec.devices.requests[0].exactly->capacity =
      api::CapacityRequirements{{{"memory", api::Quantity("20Gi")}, {"compute", api::Quantity("25")}}};
  api::ResourceClaimTemplate tmpl = Template("share", shape);
  api::Pod pod = Pod("inference", {{"gpu", "share"}});
  NodeFanout fanout(1);
  SimulateOptions options;
  options.replicas = 1000;
  auto empty = std::make_shared<const index::AllocatedState>(testutil::BuildState(*snapshot, {}));
  SimulateResult r = Simulate(*snapshot, empty, pod, {{"gpu", nullptr, nullptr, &tmpl}}, {&node}, Features(),
                              fanout, options);
  EXPECT_TRUE(r.error.ok()) << r.error;
  size_t gpus = 0;
  for (const auto& s : objects.slices) gpus += s.spec.devices.size();
  EXPECT_EQ(r.placements.size(), gpus * 4) << "80Gi / 20Gi = 100 / 25 = 4 shares per GPU";
  std::map<std::string, int> per_device;
  for (const auto& p : r.placements) {
    const auto& result = p.allocations.at(0).allocation.devices.results.at(0);
    ASSERT_TRUE(result.share_id.has_value());
    ++per_device[result.device];
  }
  for (const auto& [device, n] : per_device) EXPECT_EQ(n, 4) << device;
  ASSERT_TRUE(r.next.has_value());
  NodeExplanation e = ExplainNode(*snapshot, *r.next->allocated, node, r.next->pending, Features());
  ASSERT_EQ(e.reasons.size(), 1u);
  EXPECT_EQ(e.reasons[0].code, ReasonCode::kCapacityExhausted) << e.reasons[0].message;
}

// Two nodes of four GPUs (n1 fuller: one GPU held), a direct claim shared by every replica and a template claim
// per replica.
class SimulateSmallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    slices_ = {SliceBuilder("s1", "gpu.example.com", "n1", "n1").Device("d0").Device("d1").Device("d2").Device("d3").Build(),
               SliceBuilder("s2", "gpu.example.com", "n2", "n2").Device("d0").Device("d1").Device("d2").Device("d3").Build()};
    classes_ = {testutil::MakeClass("gpu", "")};
    Rebuild();
  }
  void Rebuild() {
    snapshot_ = testutil::BuildSnapshot(slices_, classes_);
    api::ResourceClaim held = testutil::MakeClaim("held", "gpu");
    api::AllocationResult allocation;
    allocation.devices.results.push_back(Result("n1", "d0"));
    held.status.allocation = allocation;
    state_ = std::make_shared<const index::AllocatedState>(testutil::BuildState(*snapshot_, {held}));
  }
  SimulateResult Run(const api::Pod& pod, const std::vector<SimulatedPodClaim>& claims, size_t replicas,
                     ScorePolicy policy = ScorePolicy::kPack) {
    SimulateOptions options;
    options.replicas = replicas;
    options.score_policy = policy;
    return Simulate(*snapshot_, state_, pod, claims, {&n1_, &n2_}, Features(), fanout_, options);
  }
  std::vector<api::ResourceSlice> slices_;
  std::vector<api::DeviceClass> classes_;
  std::shared_ptr<const index::Snapshot> snapshot_;
  std::shared_ptr<const index::AllocatedState> state_;
  model::Node n1_{"n1", {}};
  model::Node n2_{"n2", {}};
  NodeFanout fanout_{2};
};

TEST_F(SimulateSmallTest, PackFillsTheFullerNodeFirstSpreadTheEmptierOne) {
  api::ResourceClaimTemplate tmpl = Template("one-gpu", testutil::MakeClaim("x", "gpu"));
  api::Pod pod = Pod("p", {{"gpu", "one-gpu"}});
  SimulateResult pack = Run(pod, {{"gpu", nullptr, nullptr, &tmpl}}, 7);
  ASSERT_EQ(pack.placements.size(), 7u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(pack.placements[i].node, "n1") << i;
  for (size_t i = 3; i < 7; ++i) EXPECT_EQ(pack.placements[i].node, "n2") << i;
  EXPECT_FALSE(pack.next.has_value());

  SimulateResult spread = Run(pod, {{"gpu", nullptr, nullptr, &tmpl}}, 3, ScorePolicy::kSpread);
  ASSERT_EQ(spread.placements.size(), 3u);
  EXPECT_EQ(spread.placements[0].node, "n2");  // 4 free against 3
  EXPECT_EQ(spread.placements[1].node, "n1");  // 3 against 3: the first on ties
  EXPECT_EQ(spread.placements[2].node, "n2");
}

TEST_F(SimulateSmallTest, DirectClaimIsSharedAndPinsEveryReplicaToItsNode) {
  api::ResourceClaim shared = testutil::MakeClaim("shared", "gpu");
  shared.metadata.namespace_ = "default";
  api::ResourceClaimTemplate tmpl = Template("one-gpu", testutil::MakeClaim("x", "gpu"));
  api::Pod pod = Pod("p", {{"own", "one-gpu"}}, {{"common", "shared"}});
  SimulateResult r = Run(pod, {{"common", &shared, nullptr, nullptr}, {"own", nullptr, nullptr, &tmpl}}, 10);
  EXPECT_TRUE(r.error.ok());
  // Replica 0 takes two GPUs on the fuller n1 (3 free), the direct claim pins the others there: one more.
  ASSERT_EQ(r.placements.size(), 2u);
  EXPECT_EQ(r.placements[0].node, "n1");
  ASSERT_EQ(r.placements[0].allocations.size(), 2u);
  EXPECT_EQ(r.placements[0].allocations[0].claim, "default/shared");
  EXPECT_EQ(r.placements[1].node, "n1");
  ASSERT_EQ(r.placements[1].allocations.size(), 1u) << "the direct claim is allocated once";
  EXPECT_NE(r.placements[1].allocations[0].claim, r.placements[0].allocations[1].claim);
  ASSERT_TRUE(r.next.has_value());
  ASSERT_EQ(r.next->pinned.size(), 1u);
  EXPECT_EQ(r.next->pinned[0].first, "default/shared");
  ASSERT_EQ(r.next->pending.size(), 1u);
  EXPECT_EQ(r.next->pending[0]->metadata.annotations.at(kPodClaimNameAnnotation), "own");
  EXPECT_EQ(r.next->pending[0]->metadata.labels.at("team"), "a");
  // n2 is free but the pinned claim keeps the pod off it; on n1 every GPU is in use.
  NodeExplanation e = ExplainNode(*snapshot_, *r.next->allocated, n1_, r.next->pending, Features());
  ASSERT_EQ(e.reasons.size(), 1u);
  EXPECT_EQ(e.reasons[0].code, ReasonCode::kDevicesInUse);
}

TEST_F(SimulateSmallTest, AlreadyAllocatedDirectClaimPinsFromTheStart) {
  api::ResourceClaim shared = testutil::MakeClaim("shared", "gpu");
  api::AllocationResult on_n2;
  on_n2.devices.results.push_back(Result("n2", "d3"));
  on_n2.node_selector = api::NodeSelector{{api::NodeSelectorTerm{{}, {{"metadata.name", "In", {"n2"}}}}}};
  api::ResourceClaimTemplate tmpl = Template("one-gpu", testutil::MakeClaim("x", "gpu"));
  api::Pod pod = Pod("p", {{"own", "one-gpu"}}, {{"common", "shared"}});
  // The state does not hold n2/d3 here (only the pin matters): all four n2 GPUs are free.
  SimulateResult r = Run(pod, {{"common", &shared, &on_n2, nullptr}, {"own", nullptr, nullptr, &tmpl}}, 10);
  ASSERT_EQ(r.placements.size(), 4u);
  for (const auto& p : r.placements) EXPECT_EQ(p.node, "n2");
}

TEST_F(SimulateSmallTest, PodWithOnlyAllocatedClaimsFitsEveryReplicaOnTheirNode) {
  api::ResourceClaim shared = testutil::MakeClaim("shared", "gpu");
  api::AllocationResult on_n2;
  on_n2.devices.results.push_back(Result("n2", "d3"));
  on_n2.node_selector = api::NodeSelector{{api::NodeSelectorTerm{{}, {{"metadata.name", "In", {"n2"}}}}}};
  SimulateResult r = Run(Pod("p", {}, {{"common", "shared"}}), {{"common", &shared, &on_n2, nullptr}}, 5);
  EXPECT_TRUE(r.error.ok());
  ASSERT_EQ(r.placements.size(), 5u);
  for (const auto& p : r.placements) {
    EXPECT_EQ(p.node, "n2");
    EXPECT_TRUE(p.allocations.empty());
  }
  EXPECT_EQ(r.allocate_calls, 0u);
}

TEST_F(SimulateSmallTest, NetworkAttachedDevicesAreSeenByEveryNode) {
  // One device usable from every node. Pack sends replica 0 to n2 (no free local devices: "fullest"); then
  // n1, judged to fit before, must be judged again: the device it would use is gone.
  api::ResourceSlice fabric = SliceBuilder("f", "fabric.example.com", "fabric", "n1").Device("x0").Build();
  fabric.spec.node_name.reset();
  fabric.spec.all_nodes = true;
  slices_ = {slices_[0], fabric};
  classes_.push_back(testutil::MakeClass("link", "device.driver == 'fabric.example.com'"));
  Rebuild();
  api::ResourceClaimTemplate tmpl = Template("link", testutil::MakeClaim("x", "link"));
  api::Pod pod = Pod("p", {{"link", "link"}});
  SimulateResult r = Run(pod, {{"link", nullptr, nullptr, &tmpl}}, 3);
  EXPECT_TRUE(r.error.ok()) << r.error;
  ASSERT_EQ(r.placements.size(), 1u);
  EXPECT_EQ(r.placements[0].node, "n2");
  EXPECT_TRUE(r.next.has_value());
  EXPECT_EQ(r.allocate_calls, 2u + 1u + 2u) << "both nodes judged again after the shared device was taken";
}

TEST_F(SimulateSmallTest, DeadlineStopsWithoutExplaining) {
  api::ResourceClaimTemplate tmpl = Template("one-gpu", testutil::MakeClaim("x", "gpu"));
  SimulateOptions options;
  options.replicas = 3;
  options.allocate.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  SimulateResult r = Simulate(*snapshot_, state_, Pod("p", {{"gpu", "one-gpu"}}),
                              {{"gpu", nullptr, nullptr, &tmpl}}, {&n1_, &n2_}, Features(), fanout_, options);
  EXPECT_EQ(r.error.code(), StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(r.placements.empty());
  EXPECT_FALSE(r.next.has_value());
}

TEST_F(SimulateSmallTest, FatalAllocatorErrorStopsWithTheReplicaToExplain) {
  api::ResourceClaimTemplate tmpl = Template("bad", testutil::MakeClaim("x", "no-such-class"));
  SimulateResult r = Run(Pod("p", {{"gpu", "bad"}}), {{"gpu", nullptr, nullptr, &tmpl}}, 3);
  EXPECT_EQ(r.error.code(), StatusCode::kNotFound) << r.error;
  EXPECT_NE(r.error.message().find("no-such-class"), std::string::npos) << r.error;
  EXPECT_TRUE(r.placements.empty());
  EXPECT_TRUE(r.next.has_value());
}

TEST_F(SimulateSmallTest, UnchangedNodesAreNotJudgedAgain) {
  api::ResourceClaimTemplate tmpl = Template("one-gpu", testutil::MakeClaim("x", "gpu"));
  SimulateResult r = Run(Pod("p", {{"gpu", "one-gpu"}}), {{"gpu", nullptr, nullptr, &tmpl}}, 7);
  ASSERT_EQ(r.placements.size(), 7u);
  // Replica 0 judges both nodes; each later one judges only the node the previous replica took; plus 7 binds.
  EXPECT_EQ(r.allocate_calls, 2u + 6u + 7u);
}

TEST(TemplateClaimsTest, NamesFollowTheResourceClaimController) {
  EXPECT_EQ(GeneratedNameSuffix(0), "bbbbb");
  EXPECT_EQ(GeneratedNameSuffix(1), "bbbbc");
  EXPECT_EQ(GeneratedNameSuffix(27), "bbbcb");
  EXPECT_NE(GeneratedNameSuffix(12345), GeneratedNameSuffix(12346));
  EXPECT_EQ(TemplateClaimGenerateName("trainer", "gpu"), "trainer-gpu-");
  // Over 57 bytes: both parts cut in proportion, joined by one hyphen (no trailing one), as the controller does.
  const std::string pod(60, 'p');
  const std::string entry(20, 'e');
  const std::string name = TemplateClaimGenerateName(pod, entry);
  const size_t len = pod.size() + entry.size() + 2;
  EXPECT_EQ(name, std::string(60 * 57 / len, 'p') + "-" + std::string(20 * 57 / len, 'e'));
  EXPECT_LE(name.size() + 5, 63u);
}

TEST(TemplateClaimsTest, MintedClaimIsOwnedByThePodAndCopiesTheTemplate) {
  api::ResourceClaimTemplate tmpl = Template("t", testutil::MakeClaim("x", "gpu", 2));
  tmpl.spec.metadata.annotations["a"] = "b";
  api::Pod pod = Pod("trainer", {{"gpu", "t"}});
  pod.metadata.uid = "uid-1";
  api::ResourceClaim c = MintTemplateClaim(pod, pod.spec.resource_claims[0], tmpl, "bbbbb");
  EXPECT_EQ(c.metadata.name, "trainer-gpu-bbbbb");
  EXPECT_EQ(c.metadata.generate_name, "trainer-gpu-");
  EXPECT_EQ(c.metadata.namespace_, "default");
  EXPECT_EQ(c.metadata.annotations.at("a"), "b");
  EXPECT_EQ(c.metadata.annotations.at(kPodClaimNameAnnotation), "gpu");
  EXPECT_EQ(c.metadata.labels.at("team"), "a");
  ASSERT_EQ(c.metadata.owner_references.size(), 1u);
  EXPECT_EQ(c.metadata.owner_references[0].uid, "uid-1");
  EXPECT_EQ(c.metadata.owner_references[0].controller, std::optional<bool>(true));
  EXPECT_EQ(c.spec, tmpl.spec.spec);
  EXPECT_FALSE(c.status.allocation.has_value());
}

}  // namespace
}  // namespace allot::alloc
