// Unit tests of the allocator's building blocks, with builders instead of JSON.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/alloc/allocator.h"
#include "core/alloc/capacity.h"
#include "core/alloc/conformance.h"
#include "core/alloc/constraints.h"
#include "core/alloc/node_fanout.h"
#include "core/cel/selector.h"
#include "core/index/pools.h"
#include "core/model/convert.h"
#include "tests/testutil/cluster.h"

namespace allot::alloc {
namespace {

using quantity::Quantity;
using testutil::SliceBuilder;

Quantity Q(const char* s) { return *Quantity::Parse(s); }

const api::DeviceClass kClassA = testutil::MakeClass("class-a", "device.driver == 'driver-a'");

StatusOr<std::optional<AllocationResults>> RunAlloc(const std::vector<api::ResourceSlice>& slices,
                                               const std::vector<api::ResourceClaim>& claims,
                                               const std::vector<api::ResourceClaim>& allocated = {},
                                               const Features& features = Features(),
                                               const Options& options = Options()) {
  auto snapshot = testutil::BuildSnapshot(slices, {kClassA});
  index::AllocatedState state = testutil::BuildState(*snapshot, allocated);
  model::Node node{"node-1", {{"region", "r1"}}};
  std::vector<const api::ResourceClaim*> ptrs;
  for (const auto& c : claims) ptrs.push_back(&c);
  return Allocate(*snapshot, state, node, ptrs, features, options);
}

TEST(CapacityTest, RangeWithStepRoundsUp) {
  model::Capacity cap{"memory", Q("4"), std::make_shared<const model::CapacityRequestPolicy>(model::CapacityRequestPolicy{
      Q("2"), {}, model::CapacityRange{Q("2"), Q("4"), Q("2")}})};
  Quantity three = Q("3");
  EXPECT_EQ(ConsumedFor(cap, &three).Compare(Q("4")), 0);
  Quantity one = Q("1");
  EXPECT_EQ(ConsumedFor(cap, &one).Compare(Q("2")), 0);
  EXPECT_EQ(ConsumedFor(cap, nullptr).Compare(Q("2")), 0);
}

// 1.37 returns the rounded value in the step's format (1.36: BinarySI, "2G" read "1953125Ki").
TEST(CapacityTest, RoundedValueTakesTheStepFormat) {
  model::Capacity decimal{"memory", Q("10G"), std::make_shared<const model::CapacityRequestPolicy>(
                                                  model::CapacityRequestPolicy{Q("1G"), {}, model::CapacityRange{Q("1G"), std::nullopt, Q("1G")}})};
  Quantity asked = Q("1500M");
  EXPECT_EQ(ConsumedFor(decimal, &asked).ToString(), "2G");
  model::Capacity binary{"memory", Q("10Gi"), std::make_shared<const model::CapacityRequestPolicy>(
                                                  model::CapacityRequestPolicy{Q("1Gi"), {}, model::CapacityRange{Q("1Gi"), std::nullopt, Q("1Gi")}})};
  Quantity asked_bin = Q("1500Mi");
  EXPECT_EQ(ConsumedFor(binary, &asked_bin).ToString(), "2Gi");
}

TEST(CapacityTest, ValidValuesPickFirstNotSmaller) {
  model::Capacity cap{"x", Q("3"), std::make_shared<const model::CapacityRequestPolicy>(
                                          model::CapacityRequestPolicy{Q("1"), {Q("1"), Q("3")}, std::nullopt})};
  Quantity two = Q("2");
  EXPECT_EQ(ConsumedFor(cap, &two).Compare(Q("3")), 0);
}

TEST(CapacityTest, SumOfSharesMayNotExceedValue) {
  model::Device d;
  d.name = "d";
  d.capacity.push_back(model::Capacity{"bw", Q("10Gi"), nullptr});
  CapacityMap req{{"bw", Q("6Gi")}};
  ASSERT_TRUE(ComputeConsumption(d, req, nullptr, nullptr).has_value());
  CapacityMap agg{{"bw", Q("5Gi")}};
  EXPECT_FALSE(ComputeConsumption(d, req, &agg, nullptr).has_value());
  CapacityMap unknown{{"nope", Q("1")}};
  EXPECT_FALSE(ComputeConsumption(d, unknown, nullptr, nullptr).has_value());
}

TEST(ConstraintsTest, MatchAttributeFixesValueUntilAllRemoved) {
  model::Device a, b;
  a.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{1})});
  b.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{2})});
  auto c = MakeMatchAttribute({}, "driver-a/numa", false);
  EXPECT_TRUE(c->Add("req", "", a, "driver-a"));
  EXPECT_FALSE(c->Add("req", "", b, "driver-a"));
  c->Remove("req", "");
  EXPECT_TRUE(c->Add("req", "", b, "driver-a"));
  // Another driver's domain does not match a bare key.
  auto other = MakeMatchAttribute({}, "driver-x/numa", false);
  EXPECT_FALSE(other->Add("req", "", a, "driver-a"));
}

// Device::FindAttribute's rule, kept by the constraints' own lookup: the fully qualified key
// wins wherever it is listed; the bare id counts only for the device's own driver.
TEST(ConstraintsTest, FullyQualifiedKeyWinsOverBareId) {
  model::Device a, b;
  a.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{1})});
  a.attributes.push_back(model::Attribute{"driver-a/numa", cel::AttributeValue(int64_t{7})});
  b.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{7})});
  auto c = MakeMatchAttribute({}, "driver-a/numa", false);
  EXPECT_TRUE(c->Add("req", "", a, "driver-a"));   // value 7 (the qualified key), not 1
  EXPECT_TRUE(c->Add("req", "", b, "driver-a"));   // bare "numa" = 7
  auto foreign = MakeMatchAttribute({}, "driver-a/numa", false);
  EXPECT_TRUE(foreign->Add("req", "", a, "driver-b"));  // qualified key matches for any driver
  EXPECT_FALSE(foreign->Add("req", "", b, "driver-b"));  // bare id only for driver-a
  auto no_domain = MakeMatchAttribute({}, "numa", false);
  EXPECT_TRUE(no_domain->Add("req", "", a, "driver-a"));  // exact key "numa" = 1
  EXPECT_FALSE(no_domain->Add("req", "", b, "driver-a"));
}

// 1.37: every accepted device's value counts, also within one request (1.36 kept one value per request,
// so a third device of a request could repeat the first one's value).
TEST(ConstraintsTest, DistinctScalarRemembersEveryAcceptedDevice) {
  model::Device a, b, a2, c;
  a.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{1})});
  b.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{2})});
  a2.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{1})});
  c.attributes.push_back(model::Attribute{"numa", cel::AttributeValue(int64_t{3})});
  auto d = MakeDistinctAttribute({}, "driver-a/numa", false);
  EXPECT_TRUE(d->Add("r1", "", a, "driver-a"));
  EXPECT_TRUE(d->Add("r1", "", b, "driver-a"));
  EXPECT_FALSE(d->Add("r1", "", a2, "driver-a"));  // 1 is taken by the request's first device
  EXPECT_FALSE(d->Add("r2", "", b, "driver-a"));
  d->Remove("r1", "");                             // drops b (the most recent), keeps a
  EXPECT_FALSE(d->Add("r2", "", a2, "driver-a"));
  EXPECT_TRUE(d->Add("r2", "", b, "driver-a"));
  EXPECT_TRUE(d->Add("r3", "", c, "driver-a"));
}

TEST(ConstraintsTest, ConstraintOnlyAppliesToNamedRequests) {
  model::Device none;
  auto c = MakeMatchAttribute({"req-1", "req-2/sub"}, "driver-a/numa", false);
  EXPECT_TRUE(c->Add("req-0", "", none, "driver-a"));
  EXPECT_FALSE(c->Add("req-1", "", none, "driver-a"));
  EXPECT_TRUE(c->Add("req-2", "other", none, "driver-a"));
  EXPECT_FALSE(c->Add("req-2", "sub", none, "driver-a"));
}

TEST(ConstraintsTest, ListModeIntersects) {
  model::Device a, b, c;
  a.attributes.push_back(model::Attribute{"d/x", cel::AttributeValue(std::vector<std::string>{"p", "q"})});
  b.attributes.push_back(model::Attribute{"d/x", cel::AttributeValue(std::vector<std::string>{"q", "r"})});
  c.attributes.push_back(model::Attribute{"d/x", cel::AttributeValue(std::string("p"))});
  auto m = MakeMatchAttribute({}, "d/x", true);
  EXPECT_TRUE(m->Add("r", "", a, "d"));
  EXPECT_TRUE(m->Add("r", "", b, "d"));   // intersection {q}
  EXPECT_FALSE(m->Add("r", "", c, "d"));  // p not in {q}
  auto distinct = MakeDistinctAttribute({}, "d/x", true);
  EXPECT_TRUE(distinct->Add("r1", "", a, "d"));
  EXPECT_FALSE(distinct->Add("r2", "", b, "d"));  // shares q
  EXPECT_FALSE(distinct->Add("r1", "", c, "d"));  // shares p with r1's own first device
}

// 1.37: removing a device restores the intersection from before it, so backtracking widens it again
// (1.36 kept the narrowed set until every device was removed).
TEST(ConstraintsTest, ListModeRemoveRestoresIntersection) {
  model::Device a, b, c;
  a.attributes.push_back(model::Attribute{"d/x", cel::AttributeValue(std::vector<std::string>{"p", "q"})});
  b.attributes.push_back(model::Attribute{"d/x", cel::AttributeValue(std::vector<std::string>{"q"})});
  c.attributes.push_back(model::Attribute{"d/x", cel::AttributeValue(std::vector<std::string>{"p"})});
  auto m = MakeMatchAttribute({}, "d/x", true);
  EXPECT_TRUE(m->Add("r", "", a, "d"));   // {p, q}
  EXPECT_TRUE(m->Add("r", "", b, "d"));   // {q}
  EXPECT_FALSE(m->Add("r", "", c, "d"));  // p not in {q}
  m->Remove("r", "");                     // back to {p, q}
  EXPECT_TRUE(m->Add("r", "", c, "d"));   // {p}
  EXPECT_FALSE(m->Add("r", "", b, "d"));  // q not in {p}
  m->Remove("r", "");
  m->Remove("r", "");                     // empty: the next device starts afresh
  EXPECT_TRUE(m->Add("r", "", b, "d"));
}

TEST(AllocatorTest, FirstFitAndAllocatedDevicesSkipped) {
  auto slice = SliceBuilder("s", "driver-a", "pool", "node-1").Device("d0").Device("d1").Build();
  auto first = RunAlloc({slice}, {testutil::MakeClaim("c", "class-a")});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((**first)[0].devices.results[0].device, "d0");
  api::ResourceClaim used = testutil::MakeClaim("used", "class-a");
  used.status.allocation = (**first)[0];
  auto second = RunAlloc({slice}, {testutil::MakeClaim("c2", "class-a")}, {used});
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((**second)[0].devices.results[0].device, "d1");
  auto none = RunAlloc({slice}, {testutil::MakeClaim("c3", "class-a", 3)});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

// 1.37 (incubating, allocator_incubating.go): with DeviceBindingAndStatus on, a device's bindingConditions and
// bindingFailureConditions are copied into its result and bindsToNode pins a network slice's selector to the
// node; with it off such a device is never selectable.
TEST(AllocatorTest, BindingConditionsAreCopiedAndBindsToNodePins) {
  auto slice = SliceBuilder("s", "driver-a", "pool", "node-1").Device("d0").Build();
  slice.spec.node_name.reset();
  api::NodeSelectorRequirement region{"region", "In", {"r1"}};
  slice.spec.node_selector = api::NodeSelector{{api::NodeSelectorTerm{{region}, {}}}};
  slice.spec.devices[0].binding_conditions = {"attached"};
  slice.spec.devices[0].binding_failure_conditions = {"attach-failed"};
  slice.spec.devices[0].binds_to_node = true;

  auto on = RunAlloc({slice}, {testutil::MakeClaim("c", "class-a")});
  ASSERT_TRUE(on.ok()) << on.status();
  ASSERT_TRUE(on->has_value());
  const api::AllocationResult& result = (**on)[0];
  ASSERT_EQ(result.devices.results.size(), 1u);
  EXPECT_EQ(result.devices.results[0].binding_conditions, std::vector<std::string>{"attached"});
  EXPECT_EQ(result.devices.results[0].binding_failure_conditions, std::vector<std::string>{"attach-failed"});
  ASSERT_TRUE(result.node_selector.has_value());
  ASSERT_EQ(result.node_selector->node_selector_terms.size(), 1u);
  const api::NodeSelectorTerm& term = result.node_selector->node_selector_terms[0];
  EXPECT_TRUE(term.match_expressions.empty());  // pinned: the slice's region selector is not used
  ASSERT_EQ(term.match_fields.size(), 1u);
  EXPECT_EQ(term.match_fields[0].key, "metadata.name");
  EXPECT_EQ(term.match_fields[0].values, std::vector<std::string>{"node-1"});

  // Without bindsToNode the slice's selector is the result's.
  auto unpinned_slice = slice;
  unpinned_slice.spec.devices[0].binds_to_node.reset();
  auto unpinned = RunAlloc({unpinned_slice}, {testutil::MakeClaim("c", "class-a")});
  ASSERT_TRUE(unpinned.ok()) << unpinned.status();
  ASSERT_TRUE(unpinned->has_value());
  ASSERT_TRUE((**unpinned)[0].node_selector.has_value());
  EXPECT_EQ((**unpinned)[0].node_selector->node_selector_terms[0].match_expressions.size(), 1u);

  Features off = Features();
  off.device_binding_and_status = false;
  auto gated = RunAlloc({slice}, {testutil::MakeClaim("c", "class-a")}, {}, off);
  ASSERT_TRUE(gated.ok()) << gated.status();
  EXPECT_FALSE(gated->has_value());
}

TEST(AllocatorTest, CountersBlockOvercommitAndTaintsBlockUntolerated) {
  auto counters = SliceBuilder("a-counters", "driver-a", "pool", "node-1").Generation(1, 2).CounterSet("gpu", "mem", "8").Build();
  counters.spec.node_name.reset();
  counters.spec.all_nodes = true;
  auto devices = SliceBuilder("b-devices", "driver-a", "pool", "node-1")
                     .Generation(1, 2)
                     .Device("p0").Consumes("gpu", "mem", "6")
                     .Device("p1").Consumes("gpu", "mem", "6")
                     .Device("p2").Consumes("gpu", "mem", "2").Taint("k", "v", "NoSchedule")
                     .Build();
  auto two = RunAlloc({counters, devices}, {testutil::MakeClaim("c", "class-a", 2)});
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_FALSE(two->has_value());  // p0+p1 overcommit; p2 is tainted
  Features no_taints = Features();
  no_taints.device_taints = false;
  auto with_p2 = RunAlloc({counters, devices}, {testutil::MakeClaim("c", "class-a", 2)}, {}, no_taints);
  ASSERT_TRUE(with_p2.ok());
  ASSERT_TRUE(with_p2->has_value());
  EXPECT_EQ((**with_p2)[0].devices.results[1].device, "p2");
}

TEST(AllocatorTest, ReferenceCompatReproducesTheCounterLeak) {
  auto counters = SliceBuilder("a-counters", "driver-a", "pool", "node-1").Generation(1, 2).CounterSet("gpu", "mem", "8").Build();
  counters.spec.node_name.reset();
  counters.spec.all_nodes = true;
  auto devices = SliceBuilder("b-devices", "driver-a", "pool", "node-1")
                     .Generation(1, 2)
                     .Device("tainted").Consumes("gpu", "mem", "6").Taint("k", "v", "NoSchedule")
                     .Device("clean").Consumes("gpu", "mem", "6")
                     .Build();
  // Default (and reference v0.36.6): the refused tainted device's charge is released.
  auto fixed = RunAlloc({counters, devices}, {testutil::MakeClaim("c", "class-a")});
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  ASSERT_TRUE(fixed->has_value());
  EXPECT_EQ((**fixed)[0].devices.results[0].device, "clean");
  // reference_compat: the older reference leaks it (dra-semantics.md §13.3), so nothing fits.
  Options compat;
  compat.reference_compat = true;
  auto leaked = RunAlloc({counters, devices}, {testutil::MakeClaim("c", "class-a")}, {}, Features(), compat);
  ASSERT_TRUE(leaked.ok()) << leaked.status();
  EXPECT_FALSE(leaked->has_value());
}

TEST(AllocatorTest, CelRuntimeErrorIsFatal) {
  auto slice = SliceBuilder("s", "driver-a", "pool", "node-1").Device("d0").Build();
  auto r = RunAlloc({slice}, {testutil::MakeClaim("c", "class-a", 1, "device.attributes['driver-a'].missing == 1")});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("CEL runtime error"), std::string_view::npos) << r.status();
  EXPECT_FALSE(IsNodeFailure(r.status()));
  // 1.37's text (the reference v0.37.2 on the same input): the device is named, a missing key gets a hint.
  EXPECT_NE(r.status().message().find(
                ": selector #0 on device driver-a/pool/d0: CEL runtime error: no such key: missing. consider using "
                "CEL optional chaining (.? followed by orValue()) or guarding the check with has() for optional fields"),
            std::string_view::npos)
      << r.status();
}

TEST(AllocatorTest, SearchBudgetExhaustionIsAnError) {
  SliceBuilder b("s", "driver-a", "pool", "node-1");
  for (int i = 0; i < 30; ++i) b.Device("d" + std::to_string(i)).IntAttr("numa", i);
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a", 2);
  api::DeviceConstraint same;
  same.match_attribute = "driver-a/numa";
  claim.spec.devices.constraints.push_back(same);
  Options options;
  options.max_steps = 20;
  auto r = RunAlloc({b.Build()}, {claim}, {}, Features(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  auto unlimited = RunAlloc({b.Build()}, {claim});
  ASSERT_TRUE(unlimited.ok());
  EXPECT_FALSE(unlimited->has_value());
}

TEST(AllocatorTest, LongSearchesAreCutWhenThereAreTooFewDevices) {
  // 12 free devices, requests for 6 and 7: the reference enumerates every 6-of-12 choice (tens of
  // thousands of steps) before giving up. The pigeonhole check after 1024 steps ends it with the same answer.
  SliceBuilder b("s", "driver-a", "pool", "node-1");
  for (int i = 0; i < 12; ++i) b.Device("d" + std::to_string(i));
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a", 6);
  api::DeviceRequest second = claim.spec.devices.requests[0];
  second.name = "second";
  second.exactly->count = 7;
  claim.spec.devices.requests.push_back(second);
  AllocateStats stats;
  Options options;
  options.stats = &stats;
  auto r = RunAlloc({b.Build()}, {claim}, {}, Features(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(stats.steps, 1024u);

  // 6 + 6 fits: the check never fires on a search that succeeds early.
  claim.spec.devices.requests[1].exactly->count = 6;
  auto fits = RunAlloc({b.Build()}, {claim}, {}, Features(), options);
  ASSERT_TRUE(fits.ok()) << fits.status();
  EXPECT_TRUE(fits->has_value());
  EXPECT_LT(stats.steps, 1024u);
}

TEST(AllocatorTest, ACountAboveTheRemainingCandidatesEndsAtOnce) {
  // 10 devices, a request for 11: devices of a request are taken in increasing order, so no branch can
  // collect 11. Without the cut the search enumerates the 1,023 non-empty subsets first.
  SliceBuilder b("s", "driver-a", "pool", "node-1");
  for (int i = 0; i < 10; ++i) b.Device("d" + std::to_string(i)).IntAttr("numa", i);
  AllocateStats stats;
  Options options;
  options.stats = &stats;
  auto eleven = RunAlloc({b.Build()}, {testutil::MakeClaim("c", "class-a", 11)}, {}, Features(), options);
  ASSERT_TRUE(eleven.ok()) << eleven.status();
  EXPECT_FALSE(eleven->has_value());
  EXPECT_EQ(stats.steps, 1u);

  // The same cut deeper in the tree: 5 + 5 of 10 fits; 5 + 5 with the second request limited to numa >= 6
  // (4 devices) does not, and ends below the 1,024-step infeasibility check.
  api::ResourceClaim two = testutil::MakeClaim("c", "class-a", 5);
  api::DeviceRequest second = two.spec.devices.requests[0];
  second.name = "second";
  second.exactly->count = 5;
  two.spec.devices.requests.push_back(second);
  auto fits = RunAlloc({b.Build()}, {two}, {}, Features(), options);
  ASSERT_TRUE(fits.ok()) << fits.status();
  EXPECT_TRUE(fits->has_value() && (**fits)[0].devices.results.size() == 10u) << "5 + 5 of 10 must fit";
  two.spec.devices.requests[1].exactly->selectors = testutil::MakeClaim("x", "class-a", 1, "device.attributes['driver-a'].numa >= 6")
                                                        .spec.devices.requests[0].exactly->selectors;
  auto short_of_one = RunAlloc({b.Build()}, {two}, {}, Features(), options);
  ASSERT_TRUE(short_of_one.ok()) << short_of_one.status();
  EXPECT_FALSE(short_of_one->has_value());
  EXPECT_LT(stats.steps, 1024u);

  // The reference evaluates every device's selectors before giving up, so a CEL error on the last device
  // is still the answer (not "does not fit").
  SliceBuilder e("s", "driver-a", "pool", "node-1");
  for (int i = 0; i < 9; ++i) e.Device("d" + std::to_string(i)).IntAttr("numa", i);
  e.Device("d9");  // no numa attribute: the selector fails at run time on this device only
  auto err = RunAlloc({e.Build()}, {testutil::MakeClaim("c", "class-a", 11, "device.attributes['driver-a'].numa >= 0")});
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("on device driver-a/pool/d9: CEL runtime error: no such key: numa"),
            std::string_view::npos)
      << err.status();
}

TEST(AllocatorTest, VerdictOnlySkipsTheResults) {
  auto slice = SliceBuilder("s", "driver-a", "pool", "node-1").Device("d0").Build();
  Options options;
  options.build_results = false;
  auto fits = RunAlloc({slice}, {testutil::MakeClaim("a", "class-a"), testutil::MakeClaim("b", "class-a", 0)}, {},
                       Features(), options);
  ASSERT_TRUE(fits.ok()) << fits.status();
  // Claim b asks for 1 device by default (count 0 is defaulted to 1), so two devices are needed: no fit.
  EXPECT_FALSE(fits->has_value());
  auto one = RunAlloc({slice}, {testutil::MakeClaim("a", "class-a")}, {}, Features(), options);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_TRUE(one->has_value());
  ASSERT_EQ((*one)->size(), 1u);
  EXPECT_TRUE((**one)[0].devices.results.empty());
}

TEST(AllocatorTest, SelectorResultsAreReusedAcrossCallsOnOneSnapshot) {
  SliceBuilder b("s", "driver-a", "pool", "node-1");
  for (int i = 0; i < 4; ++i) b.Device("d" + std::to_string(i)).IntAttr("numa", i);
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a", 1, "device.attributes['driver-a'].numa == 3");
  auto snapshot = testutil::BuildSnapshot({b.Build()}, {kClassA});
  index::AllocatedState state = testutil::BuildState(*snapshot, {});
  model::Node node{"node-1", {}};
  cel::CompileCache cache;
  AllocateStats stats;
  Options options;
  options.cel_cache = &cache;
  options.stats = &stats;
  auto run = [&](const index::Snapshot& snap) {
    auto r = Allocate(snap, state, node, {&claim}, Features(), options);
    EXPECT_TRUE(r.ok() && r->has_value()) << r.status();
    if (r.ok() && r->has_value()) {
      EXPECT_EQ((**r)[0].devices.results[0].device, "d3");
    }
  };
  run(*snapshot);
  EXPECT_EQ(stats.selector_evaluations, 8u) << "class + request selector on 4 devices";
  run(*snapshot);
  EXPECT_EQ(stats.selector_evaluations, 0u) << "every result comes from the snapshot's memo";
  // A rebuilt snapshot (a slice changed) starts from scratch.
  auto rebuilt = testutil::BuildSnapshot({b.Build()}, {kClassA});
  run(*rebuilt);
  EXPECT_EQ(stats.selector_evaluations, 8u);
  // Without a shared compile cache nothing is kept across calls.
  options.cel_cache = nullptr;
  run(*snapshot);
  EXPECT_EQ(stats.selector_evaluations, 8u);
}

TEST(FanoutTest, ParallelMatchesSequentialWithEarlyStop) {
  std::vector<api::ResourceSlice> slices;
  std::vector<model::Node> nodes;
  for (int n = 0; n < 16; ++n) {
    const std::string name = "node-" + std::to_string(n);
    SliceBuilder b("s-" + name, "driver-a", name, name);
    for (int d = 0; d < (n % 3 == 0 ? 1 : 2); ++d) b.Device("d" + std::to_string(d));
    slices.push_back(b.Build());
    nodes.push_back(model::Node{name, {}});
  }
  auto snapshot = testutil::BuildSnapshot(slices, {kClassA});
  index::AllocatedState state = testutil::BuildState(*snapshot, {});
  api::ResourceClaim claim = testutil::MakeClaim("c", "class-a", 2);
  FanoutOptions opts;
  opts.max_feasible = 5;
  NodeFanout fanout(2);
  for (int round = 0; round < 5; ++round) {
    auto par = fanout.Run(*snapshot, state, nodes, {&claim}, Features(), opts);
    auto seq = NodeFanout::RunSequential(*snapshot, state, nodes, {&claim}, Features(), opts);
    ASSERT_EQ(par.size(), seq.size());
    int fits = 0;
    for (size_t i = 0; i < par.size(); ++i) {
      EXPECT_EQ(par[i].kind, seq[i].kind) << "node " << i;
      if (par[i].kind == NodeVerdict::Kind::kFits) {
        ++fits;
        EXPECT_EQ(par[i].results, seq[i].results);
      }
    }
    EXPECT_EQ(fits, 5);
  }
}

TEST(UuidTest, ShareIdsAreVersion4) {
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(IsUuidV4(NewUuidV4()));
  EXPECT_NE(NewUuidV4(), NewUuidV4());
  EXPECT_FALSE(IsUuidV4("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"));
}

}  // namespace
}  // namespace allot::alloc
