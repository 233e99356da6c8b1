// DeviceTaintRules: which devices a rule selects, how its taint is added to the slices of the device index,
// and that the ClusterViewBuilder's views make the allocator treat it exactly as a slice taint, following
// rule additions, changes and removals with the next store snapshot.
#include "service/state/device_taint_rules.h"

#include <gtest/gtest.h>

#include "api/codec.h"
#include "core/alloc/allocator.h"
#include "core/alloc/explain.h"
#include "core/model/convert.h"
#include "service/state/cluster_view_builder.h"

namespace allot::svc {
namespace {

Json Rule(const std::string& name, const Json& selector, const std::string& effect = "NoSchedule") {
  Json rule = {{"apiVersion", "resource.k8s.io/v1"},
               {"kind", "DeviceTaintRule"},
               {"metadata", {{"name", name}, {"resourceVersion", "1"}}},
               {"spec", {{"taint", {{"key", "example.com/" + name}, {"value", "v"}, {"effect", effect},
                                    {"timeAdded", "2026-12-01T10:00:00Z"}}}}}};
  if (!selector.is_null()) rule["spec"]["deviceSelector"] = selector;
  return rule;
}

api::DeviceTaintRule Decoded(const Json& rule) {
  auto decoded = api::Decode<api::DeviceTaintRule>(rule);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.ok() ? *decoded : api::DeviceTaintRule{};
}

// A node-local slice of `node` (pool = node name) with devices dev-0..dev-(n-1); dev-0 carries a driver taint.
Json SliceJson(const std::string& node, int devices, const std::string& driver = "gpu.example.com") {
  Json list = Json::array();
  for (int i = 0; i < devices; ++i) list.push_back({{"name", "dev-" + std::to_string(i)}});
  list[0]["taints"] = Json::array({{{"key", "driver-taint"}, {"effect", "None"}}});
  return {{"apiVersion", "resource.k8s.io/v1"},
          {"kind", "ResourceSlice"},
          {"metadata", {{"name", node + "-" + driver}, {"resourceVersion", "1"}}},
          {"spec",
           {{"driver", driver},
            {"nodeName", node},
            {"pool", {{"name", node}, {"generation", 1}, {"resourceSliceCount", 1}}},
            {"devices", list}}}};
}

std::shared_ptr<const model::Slice> ModelSlice(const Json& json) {
  auto decoded = api::Decode<api::ResourceSlice>(json);
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  auto converted = model::ToModel(*decoded);
  EXPECT_TRUE(converted.ok()) << converted.status();
  return converted.ok() ? *converted : nullptr;
}

TEST(DeviceTaintRulesTest, SelectorFieldsEachNarrowAndAbsentSelectsNothing) {
  auto slice = ModelSlice(SliceJson("n1", 2));
  const model::Device& dev0 = slice->devices[0];
  const model::Device& dev1 = slice->devices[1];
  EXPECT_FALSE(RuleSelects(Decoded(Rule("none", nullptr)), *slice, dev0)) << "no selector: no device";
  EXPECT_TRUE(RuleSelects(Decoded(Rule("all", Json::object())), *slice, dev1)) << "empty selector: every device";
  EXPECT_TRUE(RuleSelects(Decoded(Rule("d", {{"driver", "gpu.example.com"}})), *slice, dev1));
  EXPECT_FALSE(RuleSelects(Decoded(Rule("d", {{"driver", "nic.example.com"}})), *slice, dev1));
  EXPECT_TRUE(RuleSelects(Decoded(Rule("p", {{"pool", "n1"}})), *slice, dev0));
  EXPECT_FALSE(RuleSelects(Decoded(Rule("p", {{"pool", "n2"}})), *slice, dev0));
  auto one = Decoded(Rule("one", {{"driver", "gpu.example.com"}, {"pool", "n1"}, {"device", "dev-1"}}));
  EXPECT_FALSE(RuleSelects(one, *slice, dev0));
  EXPECT_TRUE(RuleSelects(one, *slice, dev1));
}

TEST(DeviceTaintRulesTest, TaintsAreAppendedToACopyAndUnmatchedSlicesAreShared) {
  auto slice = ModelSlice(SliceJson("n1", 2));
  std::vector<api::DeviceTaintRule> rules = {Decoded(Rule("a", {{"pool", "n1"}, {"device", "dev-0"}}, "NoExecute")),
                                             Decoded(Rule("b", {{"pool", "n1"}}))};
  auto patched = ApplyTaintRules(slice, rules);
  ASSERT_NE(patched, slice);
  ASSERT_EQ(patched->devices[0].taints.size(), 3u);
  EXPECT_EQ(patched->devices[0].taints[0].key, "driver-taint") << "the driver's own taints come first";
  EXPECT_EQ(patched->devices[0].taints[1].key, "example.com/a");
  EXPECT_EQ(patched->devices[0].taints[1].effect, "NoExecute");
  EXPECT_EQ(patched->devices[0].taints[2].key, "example.com/b");
  EXPECT_EQ(patched->devices[0].taints[2].value, "v");
  ASSERT_EQ(patched->devices[1].taints.size(), 1u);
  // Each applied taint names its rule, the slice's own none; one name string per rule, shared by its devices.
  EXPECT_EQ(patched->devices[0].taints[0].rule, nullptr);
  ASSERT_NE(patched->devices[0].taints[1].rule, nullptr);
  EXPECT_EQ(*patched->devices[0].taints[1].rule, "a");
  ASSERT_NE(patched->devices[0].taints[2].rule, nullptr);
  EXPECT_EQ(*patched->devices[0].taints[2].rule, "b");
  EXPECT_EQ(patched->devices[1].taints[0].rule, patched->devices[0].taints[2].rule);
  EXPECT_EQ(slice->devices[0].taints.size(), 1u) << "the stored slice is not modified";
  EXPECT_EQ(patched->devices[0].cel, slice->devices[0].cel) << "the prepared CEL view is shared";

  auto other = ModelSlice(SliceJson("n2", 1));
  EXPECT_EQ(ApplyTaintRules(other, rules), other) << "no device selected: the same slice";
  auto by_name = ApplyTaintRules(other, {Decoded(Rule("any-pool", {{"device", "dev-0"}}))});
  ASSERT_NE(by_name, other) << "a device name without pool selects that device in every pool";
  EXPECT_EQ(by_name->devices[0].taints.back().key, "example.com/any-pool");
}

TEST(DeviceTaintRulesTest, UndecodableRulesAreLeftOutAndNamed) {
  ObjectMap objects;
  Json bad = Rule("bad", Json::object());
  bad["spec"].erase("taint");
  objects["bad"] = std::make_shared<const Json>(bad);
  objects["good"] = std::make_shared<const Json>(Rule("good", Json::object()));
  DecodedTaintRules decoded = DecodeTaintRules(objects);
  ASSERT_EQ(decoded.rules.size(), 1u);
  EXPECT_EQ(decoded.rules[0].metadata.name, "good");
  ASSERT_EQ(decoded.problems.size(), 1u);
  EXPECT_NE(decoded.problems[0].find("DeviceTaintRule bad: "), std::string::npos) << decoded.problems[0];
  EXPECT_NE(decoded.problems[0].find("taint"), std::string::npos) << decoded.problems[0];
}

// The view a verb reads: the allocator sees rule taints like slice taints, and a rule change shows in the
// next view.
class TaintRuleViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_.Replace(NodesResource(), {{{"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "n1"}}}}});
    store_.Replace(DeviceClassesResource(), {{{"apiVersion", "resource.k8s.io/v1"},
                                              {"kind", "DeviceClass"},
                                              {"metadata", {{"name", "gpu"}}},
                                              {"spec", Json::object()}}});
    store_.Replace(ResourceSlicesResource(), {SliceJson("n1", 2)});
    store_.Replace(ResourceClaimsResource(), {});
    store_.Replace(DeviceTaintRulesResource(), {});
  }

  // Whether a claim for both devices of n1 fits, with or without a toleration for example.com/maint.
  bool BothFit(bool tolerate) {
    Json claim = {{"apiVersion", "resource.k8s.io/v1"},
                  {"kind", "ResourceClaim"},
                  {"metadata", {{"name", "c"}, {"namespace", "default"}}},
                  {"spec",
                   {{"devices",
                     {{"requests", Json::array({{{"name", "gpu"},
                                                 {"exactly", {{"deviceClassName", "gpu"}, {"count", 2}}}}})}}}}}};
    if (tolerate) {
      claim["spec"]["devices"]["requests"][0]["exactly"]["tolerations"] =
          Json::array({{{"key", "example.com/maint"}, {"operator", "Exists"}}});
    }
    auto decoded = api::Decode<api::ResourceClaim>(claim);
    EXPECT_TRUE(decoded.ok()) << decoded.status();
    auto view = builder_.Build(store_.Load());
    EXPECT_TRUE(view->problems->empty()) << (*view->problems)[0];
    auto fits = alloc::Allocate(*view->devices, *view->allocated->state, *view->FindNode("n1"), {&*decoded},
                                alloc::Features());
    EXPECT_TRUE(fits.ok()) << fits.status();
    return fits.ok() && fits->has_value();
  }

  ClusterStore store_;
  ClusterViewBuilder builder_{/*consumable_capacity=*/true};
};

TEST_F(TaintRuleViewTest, RuleAddChangeAndRemoveReachTheAllocator) {
  EXPECT_TRUE(BothFit(false));
  auto before = builder_.Build(store_.Load());

  store_.Upsert(DeviceTaintRulesResource(), Rule("maint", {{"driver", "gpu.example.com"}, {"device", "dev-1"}}));
  auto tainted = builder_.Build(store_.Load());
  EXPECT_NE(tainted->devices, before->devices) << "a rule change rebuilds the device index";
  EXPECT_FALSE(BothFit(false)) << "NoSchedule on dev-1 keeps an untolerating claim off it";
  EXPECT_TRUE(BothFit(true)) << "a request toleration lets it through, as for a slice taint";

  store_.Upsert(DeviceTaintRulesResource(), Rule("maint", {{"device", "dev-1"}}, "None"));
  EXPECT_TRUE(BothFit(false)) << "effect None does not keep claims off";

  store_.Upsert(DeviceTaintRulesResource(), Rule("maint", {{"pool", "n1"}}, "NoExecute"));
  EXPECT_FALSE(BothFit(false));
  store_.Remove(DeviceTaintRulesResource(), Rule("maint", {{"pool", "n1"}}, "NoExecute"));
  EXPECT_TRUE(BothFit(false)) << "removing the rule frees the devices";

  store_.Upsert(DeviceTaintRulesResource(), Rule("elsewhere", {{"pool", "n2"}}));
  auto untouched = builder_.Build(store_.Load());
  EXPECT_EQ(untouched->devices->slices()[0].slice, store_.Load()->slices->begin()->second->slice)
      << "a slice no rule selects is the stored one";
}

// explain's TaintNotTolerated names each taint's source: the ResourceSlice, or the DeviceTaintRule by name
// (what an admin needs to find and remove it).
TEST_F(TaintRuleViewTest, ExplainNamesWhereEachTaintComesFrom) {
  Json slice = SliceJson("n1", 2);
  slice["spec"]["devices"][0]["taints"][0]["effect"] = "NoSchedule";  // dev-0: the driver's own taint
  slice["metadata"]["resourceVersion"] = "2";                          // slices are converted per version
  store_.Upsert(ResourceSlicesResource(), slice);
  store_.Upsert(DeviceTaintRulesResource(), Rule("gpu-maintenance", {{"pool", "n1"}, {"device", "dev-1"}}, "NoExecute"));
  auto view = builder_.Build(store_.Load());
  auto claim = api::Decode<api::ResourceClaim>(Json{
      {"apiVersion", "resource.k8s.io/v1"},
      {"kind", "ResourceClaim"},
      {"metadata", {{"name", "c"}, {"namespace", "default"}}},
      {"spec", {{"devices", {{"requests", Json::array({{{"name", "gpu"}, {"exactly", {{"deviceClassName", "gpu"}}}}})}}}}}});
  ASSERT_TRUE(claim.ok()) << claim.status();
  alloc::NodeExplanation e = alloc::ExplainNode(*view->devices, *view->allocated->state, *view->FindNode("n1"),
                                                {&*claim}, alloc::Features(), alloc::ExplainOptions());
  ASSERT_FALSE(e.fits);
  ASSERT_EQ(e.reasons.size(), 1u);
  EXPECT_EQ(e.reasons[0].code, alloc::ReasonCode::kTaintNotTolerated);
  const std::string& m = e.reasons[0].message;
  EXPECT_NE(m.find("driver-taint:NoSchedule from ResourceSlice (1)"), std::string::npos) << m;
  EXPECT_NE(m.find("example.com/gpu-maintenance=v:NoExecute from DeviceTaintRule gpu-maintenance (1)"),
            std::string::npos)
      << m;
}

}  // namespace
}  // namespace allot::svc
