// Search::BuildResults: device results, config and node selector per claim (§8.12). Config
// follows Kubernetes master by default (each claim config at most once; `requests` cleared when
// an entry covers every request of the claim) or the 1.36.6 release (Options::config_semantics).
#include <algorithm>
#include <set>
#include <utility>

#include "core/alloc/search.h"
#include "core/model/convert.h"

namespace allot::alloc::internal {
namespace {

// Does a config/constraint reference list name this request (by base name or "req/selected")?
bool Names(const std::vector<std::string>& refs, const RequestSlot& slot) {
  const RequestData& rd = slot.data[static_cast<size_t>(slot.selected)];
  for (const auto& ref : refs) {
    if (ref == slot.name) return true;
    if (slot.has_subrequests && ref == rd.name) return true;
  }
  return false;
}

bool CoversAll(const std::vector<std::string>& refs, const SmallVector<RequestSlot, 2>& slots) {
  return std::all_of(slots.begin(), slots.end(), [&](const RequestSlot& s) { return Names(refs, s); });
}

void MergeRequirements(std::vector<model::NodeSelectorRequirement>& into,
                       const std::vector<model::NodeSelectorRequirement>& from) {
  for (const auto& r : from) {
    bool dup = std::any_of(into.begin(), into.end(), [&](const model::NodeSelectorRequirement& x) { return x.SameAs(r); });
    if (!dup) into.push_back(r);
  }
}

// devices.config for one claim (§8.12.2). Class configs come first, once per class in order of
// first use, naming the requests that use the class; then the claim's own configs.
//   kMaster:      `requests` is left empty when it would name every request of the claim, and a
//                 claim config naming allocated requests appears once.
//   kRelease136:  class entries always name their requests; a claim config with `requests`
//                 appears once per claim request (in spec order) it names by base name or by
//                 "req/chosen-sub", its `requests` copied unchanged.
void AppendConfig(const ClaimData& cd, ConfigSemantics semantics,
                  std::vector<api::DeviceAllocationConfiguration>& out) {
  const bool master = semantics == ConfigSemantics::kMaster;
  struct ClassConfig {
    const model::DeviceClass* klass;
    std::vector<std::string> requests;
  };
  std::vector<ClassConfig> class_configs;
  for (const RequestSlot& slot : cd.requests) {
    const RequestData& rd = slot.data[static_cast<size_t>(slot.selected)];
    // A class without config contributes no entry, whatever requests use it.
    if (rd.device_class == nullptr || rd.device_class->source.spec.config.empty()) continue;
    auto it = std::find_if(class_configs.begin(), class_configs.end(),
                           [&](const ClassConfig& cc) { return cc.klass == rd.device_class; });
    if (it == class_configs.end()) {
      class_configs.push_back(ClassConfig{rd.device_class, {rd.name}});
    } else {
      it->requests.push_back(rd.name);
    }
  }
  for (const ClassConfig& cc : class_configs) {
    const bool all = master && cc.requests.size() == cd.requests.size();
    for (const auto& cfg : cc.klass->source.spec.config) {
      api::DeviceAllocationConfiguration entry;
      entry.source = "FromClass";
      if (!all) entry.requests = cc.requests;
      entry.opaque = cfg.opaque;
      out.push_back(std::move(entry));
    }
  }
  for (const auto& cfg : cd.claim->spec.devices.config) {
    api::DeviceAllocationConfiguration entry;
    entry.source = "FromClaim";
    entry.opaque = cfg.opaque;
    if (cfg.requests.empty()) {
      out.push_back(std::move(entry));
      continue;
    }
    const auto named = std::count_if(cd.requests.begin(), cd.requests.end(),
                                     [&](const RequestSlot& s) { return Names(cfg.requests, s); });
    if (named == 0) continue;
    if (master) {
      if (!CoversAll(cfg.requests, cd.requests)) entry.requests = cfg.requests;
      out.push_back(std::move(entry));
      continue;
    }
    entry.requests = cfg.requests;
    out.insert(out.end(), static_cast<size_t>(named), entry);
  }
}

}  // namespace

Status Search::BuildClaimResult(uint32_t claim, api::AllocationResult& out) {
  const ClaimData& cd = claim_data_[claim];
  // Device results, in the order chosen; built in place (the struct is large to move).
  out.devices.results.reserve(results_[claim].size());
  // The chosen share IDs and consumed capacities are moved out: results are built once, as the
  // search's last step (Search::Run), and nothing reads them afterwards.
  for (Chosen& ch : results_[claim]) {
    const index::Candidate& c = pools_->candidates[ch.candidate];
    api::DeviceRequestAllocationResult& r = out.devices.results.emplace_back();
    r.request = ch.request->name;
    r.driver = c.slice->driver;
    r.pool = c.slice->pool;
    r.device = c.device->name;
    if (ch.request->admin_access) r.admin_access = true;
    if (!ch.request->tolerations->empty()) r.tolerations = *ch.request->tolerations;
    if (features_.device_binding_and_status) {
      r.binding_conditions = c.device->binding_conditions;
      r.binding_failure_conditions = c.device->binding_failure_conditions;
    }
    if (ch.multi) {
      r.share_id = std::move(ch.share_id);
      for (auto& [name, q] : ch.consumed) r.consumed_capacity.insert_or_assign(std::move(name), model::ToApi(q));
    }
  }

  AppendConfig(cd, options_.config_semantics, out.devices.config);

  // Node selector.
  model::NodeSelectorTerm term;
  bool pinned = false;
  for (const Chosen& ch : results_[claim]) {
    const index::Candidate& c = pools_->candidates[ch.candidate];
    const model::NodeSelection& sel =
        c.slice->per_device_node_selection ? c.device->node_selection : c.slice->node_selection;
    if (sel.node_name.has_value() || c.device->binds_to_node) {
      pinned = true;
      break;
    }
    if (sel.node_selector) {
      const auto& terms = sel.node_selector->terms;
      if (terms.size() > 1) {
        return InvalidArgumentError("claim " + cd.display() + ": device " + c.slice->driver + "/" + c.slice->pool + "/" +
                                    c.device->name + ": node selectors with more than one term are not supported");
      }
      if (terms.size() == 1) {
        MergeRequirements(term.match_fields, terms[0].match_fields);
        MergeRequirements(term.match_expressions, terms[0].match_expressions);
      }
    }
  }
  if (pinned) {
    api::NodeSelectorRequirement& req =
        out.node_selector.emplace().node_selector_terms.emplace_back().match_fields.emplace_back();
    req.key = "metadata.name";
    req.operator_ = "In";
    req.values.push_back(node_.name);
  } else if (!term.empty()) {
    model::NodeSelector ns;
    ns.terms.push_back(std::move(term));
    out.node_selector = model::ToApi(ns);
  }
  return OkStatus();
}

StatusOr<AllocationResults> Search::BuildResults() {
  AllocationResults out(claim_data_.size());
  for (uint32_t i = 0; i < claim_data_.size(); ++i) {
    Status st = BuildClaimResult(i, out[i]);
    if (!st.ok()) return st;
  }
  return out;
}

}  // namespace allot::alloc::internal
