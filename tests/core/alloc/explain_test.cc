// alloc::ExplainNode: one minimal cluster per reason code, each with the exact code expected, and on every
// fixture the checks that `fits` is what alloc::Allocate says and that filter's fan-out
// (FanoutOptions::explain_failures) reports the same reasons.
#include "core/alloc/explain.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/codec.h"
#include "api/scenario.h"
#include "core/alloc/allocator.h"
#include "core/alloc/node_fanout.h"
#include "core/index/from_api.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using testutil::SliceBuilder;

const char* kNode = "node-1";
const api::DeviceClass kClassA = testutil::MakeClass("class-a", "device.driver == 'driver-a'");

struct Cluster {
  std::vector<api::ResourceSlice> slices;
  std::vector<api::ResourceClaim> allocated;  // with status.allocation
};

// filter's fan-out with explain_failures (sequential and on a pool, the node three times so the workers
// share it) reports exactly ExplainNode's reasons for a node that does not fit: a missing class and a
// selector error are allocator errors there (kError, no reasons), every other code is a kDoesNotFit reason.
void ExpectFanoutAgrees(const index::Snapshot& snapshot, const index::AllocatedState& state, const model::Node& node,
                        const std::vector<const api::ResourceClaim*>& claims, const Features& features,
                        const NodeExplanation& e) {
  FanoutOptions options;
  options.explain_failures = true;
  static NodeFanout pool(2);
  std::vector<NodeVerdict> verdicts = pool.Run(snapshot, state, {node, node, node}, claims, features, options);
  std::vector<NodeVerdict> sequential = NodeFanout::RunSequential(snapshot, state, {node}, claims, features, options);
  verdicts.push_back(std::move(sequential[0]));
  bool error_code = false;  // the allocator stops with an error: a missing class (even of one subrequest)
  for (const Reason& r : e.reasons) {
    error_code |= r.code == ReasonCode::kClassNotFound || r.code == ReasonCode::kSelectorError;
  }
  for (const NodeVerdict& v : verdicts) {
    if (e.fits) {
      EXPECT_EQ(v.kind, NodeVerdict::Kind::kFits);
    } else if (error_code) {
      EXPECT_EQ(v.kind, NodeVerdict::Kind::kError) << v.status;
      std::optional<ReasonCode> code = ReasonCodeOfError(v.status);
      ASSERT_TRUE(code.has_value()) << v.status;
      EXPECT_TRUE(std::any_of(e.reasons.begin(), e.reasons.end(), [&](const Reason& r) { return r.code == *code; }))
          << v.status;
    } else if (e.error.ok()) {
      EXPECT_EQ(v.kind, NodeVerdict::Kind::kDoesNotFit);
    }
    if (v.kind != NodeVerdict::Kind::kDoesNotFit) {
      EXPECT_TRUE(v.reasons.empty());
      continue;
    }
    ASSERT_EQ(v.reasons.size(), e.reasons.size());
    for (size_t i = 0; i < e.reasons.size(); ++i) {
      EXPECT_EQ(v.reasons[i].code, e.reasons[i].code);
      EXPECT_EQ(v.reasons[i].claim, e.reasons[i].claim);
      EXPECT_EQ(v.reasons[i].request, e.reasons[i].request);
    }
  }
  // Without explain_failures the fan-out explains nothing.
  options.explain_failures = false;
  for (const NodeVerdict& v : pool.Run(snapshot, state, {node}, claims, features, options)) {
    EXPECT_TRUE(v.reasons.empty());
  }
}

// Explains `claims` on node-1 and checks that the verdict agrees with Allocate, and the fan-out with it.
NodeExplanation Explain(const Cluster& cluster, const std::vector<api::ResourceClaim>& claims,
                        const Features& features = Features()) {
  auto snapshot = testutil::BuildSnapshot(cluster.slices, {kClassA});
  index::AllocatedState state = testutil::BuildState(*snapshot, cluster.allocated);
  model::Node node{kNode, {}};
  std::vector<const api::ResourceClaim*> ptrs;
  for (const auto& c : claims) ptrs.push_back(&c);
  ExplainOptions options;
  for (const auto& held : cluster.allocated) {
    options.holders.push_back(Holder{"default/" + held.metadata.name, &*held.status.allocation, false});
  }
  NodeExplanation e = ExplainNode(*snapshot, state, node, ptrs, features, options);
  auto verdict = Allocate(*snapshot, state, node, ptrs, features);
  EXPECT_EQ(e.fits, verdict.ok() && verdict->has_value()) << "explain and Allocate disagree";
  EXPECT_EQ(e.fits, e.reasons.empty() && e.error.ok());
  ExpectFanoutAgrees(*snapshot, state, node, ptrs, features, e);
  return e;
}

// The one reason of a node that does not fit.
Reason Only(const NodeExplanation& e) {
  EXPECT_FALSE(e.fits);
  EXPECT_TRUE(e.error.ok()) << e.error;
  EXPECT_EQ(e.reasons.size(), 1u);
  return e.reasons.empty() ? Reason{} : e.reasons[0];
}

// A claim holding `device` of driver-a's pool exclusively.
api::ResourceClaim Allocated(const std::string& name, const std::string& device) {
  api::ResourceClaim c = testutil::MakeClaim(name, "class-a");
  api::DeviceRequestAllocationResult result;
  result.request = "req-0";
  result.driver = "driver-a";
  result.pool = "pool";
  result.device = device;
  api::AllocationResult a;
  a.devices.results.push_back(result);
  c.status.allocation = a;
  return c;
}

api::ResourceSlice TwoDevices() { return SliceBuilder("s", "driver-a", "pool", kNode).Device("d0").Device("d1").Build(); }

// A counter set "gpu" with mem 8 and devices consuming `each` from it.
std::vector<api::ResourceSlice> Partitions(const std::vector<std::string>& each) {
  auto counters = SliceBuilder("a-counters", "driver-a", "pool", kNode).Generation(1, 2).CounterSet("gpu", "mem", "8").Build();
  counters.spec.node_name.reset();
  counters.spec.all_nodes = true;
  SliceBuilder devices("b-devices", "driver-a", "pool", kNode);
  devices.Generation(1, 2);
  for (size_t i = 0; i < each.size(); ++i) devices.Device("p" + std::to_string(i)).Consumes("gpu", "mem", each[i]);
  return {counters, devices.Build()};
}

TEST(ExplainTest, FitsWithoutReasons) {
  NodeExplanation e = Explain({{TwoDevices()}, {}}, {testutil::MakeClaim("c", "class-a", 2)});
  EXPECT_TRUE(e.fits);
  EXPECT_TRUE(e.reasons.empty());
}

TEST(ExplainTest, ClassNotFound) {
  Reason r = Only(Explain({{TwoDevices()}, {}}, {testutil::MakeClaim("c", "no-such-class")}));
  EXPECT_EQ(r.code, ReasonCode::kClassNotFound);
  EXPECT_EQ(r.claim, "default/c");
  EXPECT_EQ(r.request, "req-0");
  EXPECT_EQ(r.message, "DeviceClass \"no-such-class\" not found");
}

TEST(ExplainTest, NoDevicesNamesTheDriversSeen) {
  auto other = SliceBuilder("s", "driver-b", "pool", kNode).Device("d0").Device("d1").Build();
  Reason r = Only(Explain({{other}, {}}, {testutil::MakeClaim("c", "class-a")}));
  EXPECT_EQ(r.code, ReasonCode::kNoDevices);
  EXPECT_NE(r.message.find("0 of 2 devices on the node pass DeviceClass class-a"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("driver-b (2)"), std::string::npos) << r.message;

  Reason empty = Only(Explain({{}, {}}, {testutil::MakeClaim("c", "class-a")}));
  EXPECT_EQ(empty.code, ReasonCode::kNoDevices);
  EXPECT_EQ(empty.message, "the node has no devices");
}

TEST(ExplainTest, SelectorMismatchNamesTheValuesSeen) {
  auto slice = SliceBuilder("s", "driver-a", "pool", kNode).Device("d0").IntAttr("mem", 24).Device("d1").IntAttr("mem", 32).Build();
  Reason r = Only(Explain({{slice}, {}}, {testutil::MakeClaim("c", "class-a", 1, "device.attributes['driver-a'].mem >= 40")}));
  EXPECT_EQ(r.code, ReasonCode::kSelectorMismatch);
  EXPECT_NE(r.message.find("0 of 2 devices of class class-a pass: device.attributes['driver-a'].mem >= 40"),
            std::string::npos) << r.message;
  EXPECT_NE(r.message.find("seen: driver-a/mem = 24 (1), 32 (1)"), std::string::npos) << r.message;
}

TEST(ExplainTest, SelectorError) {
  Reason r = Only(Explain({{TwoDevices()}, {}}, {testutil::MakeClaim("c", "class-a", 1, "device.attributes['driver-a'].missing == 1")}));
  EXPECT_EQ(r.code, ReasonCode::kSelectorError);
  EXPECT_NE(r.message.find("CEL runtime error"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("(on 2 devices)"), std::string::npos) << r.message;
}

TEST(ExplainTest, TaintNotTolerated) {
  auto slice = SliceBuilder("s", "driver-a", "pool", kNode).Device("d0").Taint("maint", "now", "NoSchedule").Build();
  Reason r = Only(Explain({{slice}, {}}, {testutil::MakeClaim("c", "class-a")}));
  EXPECT_EQ(r.code, ReasonCode::kTaintNotTolerated);
  EXPECT_NE(r.message.find("maint=now:NoSchedule from ResourceSlice (1)"), std::string::npos) << r.message;
  // With the toleration the claim fits.
  api::ResourceClaim tolerant = testutil::MakeClaim("c", "class-a");
  tolerant.spec.devices.requests[0].exactly->tolerations.push_back(api::DeviceToleration{"maint", "Exists", "", "", {}});
  EXPECT_TRUE(Explain({{slice}, {}}, {tolerant}).fits);
}

TEST(ExplainTest, DevicesInUseNamesTheHolders) {
  Cluster cluster{{TwoDevices()}, {Allocated("a", "d0"), Allocated("b", "d1")}};
  Reason r = Only(Explain(cluster, {testutil::MakeClaim("c", "class-a")}));
  EXPECT_EQ(r.code, ReasonCode::kDevicesInUse);
  EXPECT_NE(r.message.find("held by default/a (1), default/b (1)"), std::string::npos) << r.message;
}

TEST(ExplainTest, CountersExhaustedNamesWhatIsLeft) {
  Cluster cluster{Partitions({"6", "6"}), {Allocated("held", "p0")}};
  Reason r = Only(Explain(cluster, {testutil::MakeClaim("c", "class-a")}));
  EXPECT_EQ(r.code, ReasonCode::kCountersExhausted);
  EXPECT_NE(r.message.find("pool/gpu.mem: 2 left of 8, a device needs 6"), std::string::npos) << r.message;
  // One device is blocked, so the verb is singular; the claim using the counters is named.
  EXPECT_NE(r.message.find("the 1 remaining device needs shared counters that are used up: "), std::string::npos)
      << r.message;
  EXPECT_NE(r.message.find("; used by default/held (1)"), std::string::npos) << r.message;
}

TEST(ExplainTest, CapacityExhausted) {
  auto slice = SliceBuilder("s", "driver-a", "pool", kNode).Device("d0").Capacity("bw", "10Gi").Build();
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a");
  claim.spec.devices.requests[0].exactly->capacity = api::CapacityRequirements{{{"bw", api::Quantity("20Gi")}}};
  Reason r = Only(Explain({{slice}, {}}, {claim}));
  EXPECT_EQ(r.code, ReasonCode::kCapacityExhausted);
  EXPECT_NE(r.message.find("driver-a/pool/d0: bw 20Gi needed, 10Gi left of 10Gi"), std::string::npos) << r.message;
}

TEST(ExplainTest, InsufficientDevicesForTheCount) {
  Reason r = Only(Explain({{TwoDevices()}, {Allocated("a", "d0")}}, {testutil::MakeClaim("c", "class-a", 2)}));
  EXPECT_EQ(r.code, ReasonCode::kInsufficientDevices);
  EXPECT_NE(r.message.find("needs 2 devices, 1 of 2 class devices usable"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("1 in use"), std::string::npos) << r.message;
}

TEST(ExplainTest, InsufficientDevicesWhenCountersAllowFewerTogether) {
  Reason r = Only(Explain({Partitions({"6", "6", "6"}), {}}, {testutil::MakeClaim("c", "class-a", 2)}));
  EXPECT_EQ(r.code, ReasonCode::kInsufficientDevices);
  EXPECT_NE(r.message.find("shared counters allow at most 1 together"), std::string::npos) << r.message;
}

TEST(ExplainTest, InsufficientDevicesWhenClaimsCompete) {
  auto slice = SliceBuilder("s", "driver-a", "pool", kNode).Device("d0").Build();
  NodeExplanation e = Explain({{slice}, {}}, {testutil::MakeClaim("a", "class-a"), testutil::MakeClaim("b", "class-a")});
  Reason r = Only(e);
  EXPECT_EQ(r.code, ReasonCode::kInsufficientDevices);
  EXPECT_EQ(r.claim, "default/b");
  EXPECT_NE(r.message.find("not next to claims default/a"), std::string::npos) << r.message;
}

TEST(ExplainTest, ConstraintUnsatisfiable) {
  auto slice = SliceBuilder("s", "driver-a", "pool", kNode).Device("d0").IntAttr("numa", 0).Device("d1").IntAttr("numa", 1).Build();
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a");
  api::DeviceRequest second = claim.spec.devices.requests[0];
  second.name = "req-1";
  claim.spec.devices.requests.push_back(second);
  claim.spec.devices.constraints.push_back(api::DeviceConstraint{{}, "driver-a/numa", std::nullopt});
  Reason r = Only(Explain({{slice}, {}}, {claim}));
  EXPECT_EQ(r.code, ReasonCode::kConstraintUnsatisfiable);
  EXPECT_EQ(r.request, "req-0,req-1");
  EXPECT_NE(r.message.find("matchAttribute driver-a/numa over requests req-0, req-1"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("req-0: 0 (1), 1 (1)"), std::string::npos) << r.message;
}

TEST(ExplainTest, PrioritizedListReportsEachSubrequest) {
  auto slice = SliceBuilder("s", "driver-a", "pool", kNode).Device("d0").IntAttr("mem", 24).Build();
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a");
  api::DeviceRequest& req = claim.spec.devices.requests[0];
  req.exactly.reset();
  api::DeviceSubRequest big;
  big.name = "big";
  big.device_class_name = "class-a";
  big.selectors.push_back(api::DeviceSelector{api::CelDeviceSelector{"device.attributes['driver-a'].mem >= 40"}});
  api::DeviceSubRequest other;
  other.name = "other";
  other.device_class_name = "no-such-class";
  req.first_available = {big, other};
  NodeExplanation e = Explain({{slice}, {}}, {claim});
  ASSERT_EQ(e.reasons.size(), 2u);
  EXPECT_EQ(e.reasons[0].request, "req-0/big");
  EXPECT_EQ(e.reasons[0].code, ReasonCode::kSelectorMismatch);
  EXPECT_EQ(e.reasons[1].request, "req-0/other");
  EXPECT_EQ(e.reasons[1].code, ReasonCode::kClassNotFound);
  // A missing class fails the claim even next to a subrequest that could be used (the allocator prepares
  // every subrequest first)...
  api::DeviceSubRequest small = big;
  small.name = "small";
  small.selectors.clear();
  req.first_available.push_back(small);
  Reason r = Only(Explain({{slice}, {}}, {claim}));
  EXPECT_EQ(r.request, "req-0/other");
  EXPECT_EQ(r.code, ReasonCode::kClassNotFound);
  // ...and without it one subrequest that passes is enough.
  req.first_available = {big, small};
  EXPECT_TRUE(Explain({{slice}, {}}, {claim}).fits);
}

TEST(ExplainTest, AllModeNeedsEveryMatchingDevice) {
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a");
  claim.spec.devices.requests[0].exactly->allocation_mode = "All";
  claim.spec.devices.requests[0].exactly->count = 0;
  EXPECT_TRUE(Explain({{TwoDevices()}, {}}, {claim}).fits);
  Reason r = Only(Explain({{TwoDevices()}, {Allocated("a", "d1")}}, {claim}));
  EXPECT_EQ(r.code, ReasonCode::kDevicesInUse);
  EXPECT_NE(r.message.find("allocation mode All needs all 2 matching devices; 1 of them is allocated"),
            std::string::npos) << r.message;
}

TEST(ExplainTest, ReasonCodeNames) {
  EXPECT_EQ(ReasonCodeName(ReasonCode::kClassNotFound), "ClassNotFound");
  EXPECT_EQ(ReasonCodeName(ReasonCode::kConstraintUnsatisfiable), "ConstraintUnsatisfiable");
  EXPECT_EQ(ReasonCodeName(ReasonCode::kCountersExhausted), "CountersExhausted");
}

// Every scenario of the conformance table and of the Go-differential table: `fits` agrees with Allocate, and a
// node that does not fit always has a reason or an error.
TEST(ExplainScenariosTest, VerdictAgreesWithAllocateOnEveryScenario) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const char* dir : {"tests/testdata/scenarios/k8s", "tests/core/alloc/random"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".json") files.push_back(e.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 300u) << "run from the repository root";
  std::map<std::string, int> codes;
  int not_fitting = 0;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto sc = api::Decode<api::Scenario>(text.str());
    ASSERT_TRUE(sc.ok()) << file << ": " << sc.status();
    auto features = Features::FromNames(sc->features);
    if (!features.ok()) continue;
    index::SnapshotBuild built = index::BuildSnapshot(sc->resource_slices, sc->device_classes);
    if (!built.problems.empty()) continue;
    index::AllocatedStateBuild state =
        index::BuildAllocatedState(*built.snapshot, sc->allocated_claims, features->consumable_capacity);
    if (!state.problems.empty()) continue;
    model::Node node{sc->node.name, sc->node.labels};
    std::vector<const api::ResourceClaim*> claims;
    for (const auto& c : sc->claims) claims.push_back(&c);
    ExplainOptions options;
    for (const auto& held : sc->allocated_claims) {
      if (held.status.allocation) options.holders.push_back(Holder{held.metadata.name, &*held.status.allocation, false});
    }
    NodeExplanation e = ExplainNode(*built.snapshot, state.state, node, claims, *features, options);
    auto verdict = Allocate(*built.snapshot, state.state, node, claims, *features);
    EXPECT_EQ(e.fits, verdict.ok() && verdict->has_value()) << file;
    if (e.fits) {
      EXPECT_TRUE(e.reasons.empty()) << file;
      continue;
    }
    ++not_fitting;
    EXPECT_TRUE(!e.reasons.empty() || !e.error.ok()) << file << ": does not fit without a reason";
    // filter's fan-out names the same codes for the node.
    FanoutOptions fanout;
    fanout.explain_failures = true;
    NodeVerdict v = NodeFanout::RunSequential(*built.snapshot, state.state, {node}, claims, *features, fanout)[0];
    if (v.kind == NodeVerdict::Kind::kDoesNotFit && e.error.ok()) {
      ASSERT_EQ(v.reasons.size(), e.reasons.size()) << file;
      for (size_t i = 0; i < e.reasons.size(); ++i) EXPECT_EQ(v.reasons[i].code, e.reasons[i].code) << file;
    }
    for (const Reason& r : e.reasons) ++codes[std::string(ReasonCodeName(r.code))];
    if (!e.error.ok()) ++codes["(error)"];
  }
  std::string seen;
  for (const auto& [code, n] : codes) seen += " " + code + "=" + std::to_string(n);
  std::cout << files.size() << " scenarios, " << not_fitting << " not fitting:" << seen << "\n";
}

}  // namespace
}  // namespace allot::alloc
