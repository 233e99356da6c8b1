// The feature-gate table: both spellings parse to the same flags, and every allocator flag has a
// Kubernetes gate name (so --feature-gates can turn each one on and off).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/alloc/features.h"

namespace allot::alloc {
namespace {

TEST(FeatureGateTableTest, EveryFlagHasAGateNameAndBothSpellingsAgree) {
  std::vector<bool Features::*> with_gate;  // distinct flags with a --feature-gates name
  for (const FeatureGate& gate : FeatureGateTable()) {
    if (gate.field == nullptr) continue;
    if (!gate.kubernetes_name.empty() && std::find(with_gate.begin(), with_gate.end(), gate.field) == with_gate.end()) {
      with_gate.push_back(gate.field);
    }
    Features none = Features::None();
    EXPECT_FALSE(none.*gate.field) << gate.kubernetes_name;
    if (!gate.kubernetes_name.empty()) {
      auto off = Features::FromGateList(std::string(gate.kubernetes_name) + "=false");
      ASSERT_TRUE(off.ok()) << off.status();
      EXPECT_FALSE((*off).*gate.field) << gate.kubernetes_name;
      auto on = Features::FromGateList(std::string(gate.kubernetes_name) + "=true");
      ASSERT_TRUE(on.ok()) << on.status();
      EXPECT_TRUE((*on).*gate.field) << gate.kubernetes_name;
    }
    if (!gate.scenario_name.empty()) {
      auto named = Features::FromNames({std::string(gate.scenario_name)});
      ASSERT_TRUE(named.ok()) << named.status();
      EXPECT_TRUE((*named).*gate.field) << gate.scenario_name;
    }
  }
  EXPECT_EQ(with_gate.size(), 8u) << "a Features flag without a --feature-gates name";
}

// The defaults are Kubernetes 1.37.2's (pkg/features/kube_features.go of k8s.io/kubernetes v1.37.2), and
// --feature-gates overrides them one by one.
TEST(FeatureGateTableTest, DefaultsAreTheKubernetes137Defaults) {
  const std::vector<std::pair<std::string, bool>> k137 = {
      {"DRAAdminAccess", true},          {"DRAPrioritizedList", true},         {"DRAPartitionableDevices", true},
      {"DRADeviceTaints", true},         {"DRAConsumableCapacity", true},      {"DRADeviceBindingConditions", true},
      {"DRAResourceClaimDeviceStatus", true}, {"DRAListTypeAttributes", false}, {"DRADeviceTaintRules", true},
  };
  const Features defaults;
  for (const auto& [name, on] : k137) {
    const FeatureGate* gate = nullptr;
    for (const FeatureGate& g : FeatureGateTable()) {
      if (g.kubernetes_name == name) gate = &g;
    }
    ASSERT_NE(gate, nullptr) << name;
    EXPECT_EQ(defaults.*gate->field, on) << name;
    auto flipped = Features::FromGateList(name + (on ? "=false" : "=true"));
    ASSERT_TRUE(flipped.ok()) << flipped.status();
    EXPECT_EQ((*flipped).*gate->field, !on) << name;
  }
  auto rules_off = Features::FromGateList("DRADeviceTaintRules=false");
  ASSERT_TRUE(rules_off.ok());
  EXPECT_TRUE(rules_off->device_taints) << "only the named gate changes";
  EXPECT_FALSE(rules_off->device_taint_rules);
}

TEST(FeatureGateTableTest, ErrorsNameTheItem) {
  auto unknown = Features::FromGateList("DRAAdminAccess=true,Nope=true");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("'Nope'"), std::string::npos) << unknown.status();
  auto value = Features::FromGateList("DRAAdminAccess=yes");
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.status().message().find("DRAAdminAccess"), std::string::npos) << value.status();
  EXPECT_FALSE(Features::FromGateList("DRAAdminAccess").ok());
  EXPECT_FALSE(Features::FromNames({"DRAAdminAccess"}).ok()) << "the Kubernetes spelling is not a scenario name";
  EXPECT_FALSE(Features::FromGateList("ExtendedResource=true").ok()) << "the scenario spelling is not a gate";
}

}  // namespace
}  // namespace allot::alloc
