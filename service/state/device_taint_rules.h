// DeviceTaintRules (resource.k8s.io/v1, GA in Kubernetes 1.37) applied to the slices of the device index:
// each rule's taint is appended to every device its selector picks, after the driver's own taints, so the
// allocator (and explain, inventory) treat it exactly as a taint written in the ResourceSlice: NoSchedule
// and NoExecute keep untolerating requests off the device, None is informational. Rules are applied in
// the store's key order (by name), as kube-scheduler's slice tracker appends them in its informer's order;
// the order does not change any decision. Evicting running pods stays with kube-controller-manager.
//
// Selector (k8s.io/dynamic-resource-allocation v0.37.2 resourceslice/tracker): no `deviceSelector` selects
// nothing; `driver`, `pool`, `device` each narrow to equal slice driver, pool name, device name; an
// empty selector selects every device.
//
// Thread safety: pure functions over immutable inputs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/k8s/device_taint_rule_v1.h"
#include "core/model/slice.h"
#include "service/store/cluster_store.h"

namespace allot::svc {

struct DecodedTaintRules {
  std::vector<api::DeviceTaintRule> rules;  // decodable rules, in key order
  std::vector<std::string> problems;        // "DeviceTaintRule NAME: message" for each rule left out
};

// Decodes the store's DeviceTaintRule objects. A rule that does not decode is left out and reported.
DecodedTaintRules DecodeTaintRules(const ObjectMap& objects);

// Whether `rule` selects `device` of `slice`.
bool RuleSelects(const api::DeviceTaintRule& rule, const model::Slice& slice, const model::Device& device);

// `slice` with the taints of the rules that select any of its devices, each naming its rule (model::Taint::
// rule: one shared name string per rule and slice, no copy per device); `slice` itself (same pointer) when
// none does. A patched slice is a copy that keeps the original alive (its devices' prepared CEL views are
// shared with the original).
std::shared_ptr<const model::Slice> ApplyTaintRules(const std::shared_ptr<const model::Slice>& slice,
                                                    const std::vector<api::DeviceTaintRule>& rules);

}  // namespace allot::svc
