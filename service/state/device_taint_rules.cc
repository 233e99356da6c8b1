#include "service/state/device_taint_rules.h"

#include <utility>

#include "api/codec.h"

namespace allot::svc {

DecodedTaintRules DecodeTaintRules(const ObjectMap& objects) {
  DecodedTaintRules out;
  for (const auto& [key, object] : objects) {
    auto decoded = api::Decode<api::DeviceTaintRule>(*object);
    if (!decoded.ok()) {
      out.problems.push_back("DeviceTaintRule " + key + ": " + std::string(decoded.status().message()));
      continue;
    }
    out.rules.push_back(std::move(decoded).value());
  }
  return out;
}

bool RuleSelects(const api::DeviceTaintRule& rule, const model::Slice& slice, const model::Device& device) {
  if (!rule.spec.device_selector) return false;
  const api::DeviceTaintSelector& s = *rule.spec.device_selector;
  if (s.driver && *s.driver != slice.driver) return false;
  if (s.pool && *s.pool != slice.pool) return false;
  return !s.device || *s.device == device.name;
}

namespace {

// The patched copy and the original it was copied from, in one allocation (aliasing shared_ptr).
struct PatchedSlice {
  std::shared_ptr<const model::Slice> original;
  model::Slice patched;
};

}  // namespace

std::shared_ptr<const model::Slice> ApplyTaintRules(const std::shared_ptr<const model::Slice>& slice,
                                                    const std::vector<api::DeviceTaintRule>& rules) {
  std::shared_ptr<PatchedSlice> holder;
  for (const api::DeviceTaintRule& rule : rules) {
    std::shared_ptr<const std::string> name;  // one string per rule and slice, shared by the devices it taints
    for (size_t i = 0; i < slice->devices.size(); ++i) {
      if (!RuleSelects(rule, *slice, slice->devices[i])) continue;
      if (holder == nullptr) holder = std::make_shared<PatchedSlice>(PatchedSlice{slice, *slice});
      if (name == nullptr) name = std::make_shared<const std::string>(rule.metadata.name);
      const api::DeviceTaint& t = rule.spec.taint;
      holder->patched.devices[i].taints.push_back(model::Taint{t.key, t.value, t.effect, name});
    }
  }
  if (holder == nullptr) return slice;
  return std::shared_ptr<const model::Slice>(holder, &holder->patched);
}

}  // namespace allot::svc
