// Search::ExplainStages / NarrowRequest: the staged narrowing of explain.h. Every stage is decided by the
// predicate the search itself uses (SelectorsMatch, model::Matches for per-device node selection, Tolerated,
// AllocatedState::IsAllocated, CounterLedger::TryConsume, CapacityFor, AllocatableBound); explain_text.cc
// words the messages.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "core/alloc/explain_text.h"
#include "core/alloc/search.h"

namespace allot::alloc::internal {

StatusOr<StageReport> Search::ExplainStages(const std::vector<Holder>& holders, bool messages) {
  ALLOT_ASSIGN_OR_RETURN(pools_, index::GatherPoolsShared(snapshot_, node_, features_.partitionable_devices));
  in_use_.assign(pools_->candidates.size(), 0);
  results_.resize(claims_.size());
  claim_data_.resize(claims_.size());
  StageReport report;
  report.constraints.resize(claims_.size());
  for (uint32_t ci = 0; ci < claims_.size(); ++ci) {
    const api::ResourceClaim& claim = *claims_[ci];
    ClaimData& cd = claim_data_[ci];
    cd.claim = &claim;
    std::map<std::string, std::vector<uint32_t>> usable_by_request;  // base request name -> usable devices
    cd.requests.reserve(claim.spec.devices.requests.size());
    for (const api::DeviceRequest& req : claim.spec.devices.requests) {
      RequestSlot& slot = cd.requests.emplace_back();
      slot.name = req.name;
      slot.has_subrequests = !req.first_available.empty();
      std::vector<Reason> failed;
      std::vector<Reason> missing_class;
      bool passed = false;
      auto narrow = [&](RequestData& rd, const std::string& sub, const std::string& class_name,
                        const std::vector<api::DeviceSelector>& selectors, const std::string& mode, int64_t count,
                        std::optional<bool> admin_access, const std::vector<api::DeviceToleration>& tolerations,
                        const std::optional<api::CapacityRequirements>& capacity) -> Status {
        // `All` is prepared as one device and narrowed here: the allocator's preparation of `All` already
        // evaluates every selector and fails on incomplete pools, which this narrowing reports itself.
        const bool all = mode == "All";
        Status prepared = PrepareRequest(cd, rd, req.name, sub, class_name, selectors, all ? "ExactCount" : mode,
                                         all ? 1 : count, admin_access, tolerations, capacity);
        const std::string request = sub.empty() ? req.name : req.name + "/" + sub;
        if (prepared.code() == StatusCode::kNotFound) {
          // The allocator fails the whole claim on a missing class, even when another subrequest could be used.
          missing_class.push_back(Reason{cd.display(), request, ReasonCode::kClassNotFound,
                                         "DeviceClass \"" + class_name + "\" not found"});
          return OkStatus();
        }
        ALLOT_RETURN_IF_ERROR(prepared);
        rd.all_mode = all;
        std::vector<uint32_t> usable;
        ALLOT_ASSIGN_OR_RETURN(std::optional<Reason> reason, NarrowRequest(cd, rd, holders, messages, &usable));
        if (reason) {
          reason->request = request;
          failed.push_back(std::move(*reason));
        } else {
          passed = true;
          std::vector<uint32_t>& seen = usable_by_request[req.name];
          seen.insert(seen.end(), usable.begin(), usable.end());
        }
        return OkStatus();
      };
      if (slot.has_subrequests) {
        slot.data.reserve(req.first_available.size());
        for (const api::DeviceSubRequest& sub : req.first_available) {
          ALLOT_RETURN_IF_ERROR(narrow(slot.data.emplace_back(), sub.name, sub.device_class_name, sub.selectors,
                                       sub.allocation_mode, sub.count, std::nullopt, sub.tolerations, sub.capacity));
        }
      } else {
        static const api::ExactDeviceRequest kEmpty;
        const api::ExactDeviceRequest& ex = req.exactly ? *req.exactly : kEmpty;
        ALLOT_RETURN_IF_ERROR(narrow(slot.data.emplace_back(), "", ex.device_class_name, ex.selectors,
                                     ex.allocation_mode, ex.count, ex.admin_access, ex.tolerations, ex.capacity));
      }
      if (passed) {
        report.reasons.insert(report.reasons.end(), missing_class.begin(), missing_class.end());
      } else {
        // In subrequest order, the missing classes among them.
        failed.insert(failed.end(), missing_class.begin(), missing_class.end());
        std::stable_sort(failed.begin(), failed.end(), [&](const Reason& a, const Reason& b) {
          return SubIndex(req, a.request) < SubIndex(req, b.request);
        });
        report.reasons.insert(report.reasons.end(), failed.begin(), failed.end());
      }
    }
    for (const api::DeviceConstraint& c : claim.spec.devices.constraints) {
      if (!messages) break;
      const bool match = c.match_attribute.has_value();
      const std::string attribute = match ? *c.match_attribute : c.distinct_attribute.value_or("");
      std::vector<std::string> requests = c.requests;
      if (requests.empty()) {
        for (const api::DeviceRequest& r : claim.spec.devices.requests) requests.push_back(r.name);
      }
      std::string seen;
      for (const std::string& r : requests) {
        std::map<std::string, size_t> counts;
        const std::string base = r.substr(0, r.find('/'));
        for (uint32_t i : usable_by_request[base]) {
          const index::Candidate& cand = pools_->candidates[i];
          ++counts[AttributeText(*cand.device, attribute, cand.slice->driver)];
        }
        seen += (seen.empty() ? "" : "; ") + r + ": " + (counts.empty() ? "no usable devices" : CountList(counts));
      }
      report.constraints[ci].push_back(std::string(match ? "matchAttribute " : "distinctAttribute ") + attribute +
                                       " over requests " + JoinNames(requests) + " (values on their usable devices: " +
                                       seen + ")");
    }
  }
  return report;
}

StatusOr<std::optional<Reason>> Search::NarrowRequest(const ClaimData& cd, RequestData& rd,
                                                      const std::vector<Holder>& holders, bool messages,
                                                      std::vector<uint32_t>* usable) {
  const auto& candidates = pools_->candidates;
  auto fail = [&](ReasonCode code, std::string message) -> StatusOr<std::optional<Reason>> {
    return std::optional<Reason>(Reason{cd.display(), "", code, std::move(message)});
  };
  auto count_text = [](size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); };
  const std::string& class_name = rd.device_class->name;

  // Stages 1–2: class selectors (with per-device node selection and the binding-conditions gate, as
  // IsSelectable), then the request's selectors. An evaluation error is where the allocator would stop.
  Status first_error;
  size_t errors = 0;
  auto note_error = [&](const Status& s) {
    if (errors++ == 0) first_error = s;
  };
  std::vector<uint32_t> in_class;
  std::map<std::string, size_t> drivers;  // of every candidate, for NoDevices
  for (uint32_t i = 0; i < candidates.size(); ++i) {
    const index::Candidate& c = candidates[i];
    if (messages) ++drivers[c.slice->driver];
    if (!features_.device_binding_and_status && c.device->has_binding_conditions) continue;
    StatusOr<bool> ok = SelectorsMatch(cd, rd.device_class, rd.device_class->source.spec.selectors, c);
    if (!ok.ok()) {
      note_error(ok.status());
      continue;
    }
    if (!*ok) continue;
    if (c.slice->per_device_node_selection) {
      StatusOr<bool> m = model::Matches(c.device->node_selection, node_);
      if (!m.ok()) return m.status();
      if (!*m) continue;
    }
    in_class.push_back(i);
  }
  if (in_class.empty()) {
    if (errors > 0) {
      return fail(ReasonCode::kSelectorError, std::string(first_error.message()) + " (on " +
                                                  count_text(errors, "device") + ")");
    }
    if (!messages) return fail(ReasonCode::kNoDevices, "");
    std::string skipped;
    for (const index::Pool& p : pools_->pools) {
      if (!p.incomplete && !p.invalid) continue;
      skipped += (skipped.empty() ? "" : ", ") + p.id() + (p.incomplete ? " (incomplete)" : " (invalid)");
    }
    std::string msg = candidates.empty()
                          ? std::string("the node has no devices")
                          : "0 of " + count_text(candidates.size(), "device") + " on the node pass DeviceClass " +
                                class_name + ": " + SelectorList(rd.device_class->source.spec.selectors) +
                                " (drivers seen: " + CountList(drivers) + ")";
    if (!skipped.empty()) msg += "; pools skipped: " + skipped;
    return fail(ReasonCode::kNoDevices, std::move(msg));
  }
  std::vector<uint32_t> selected;
  for (uint32_t i : in_class) {
    StatusOr<bool> ok = SelectorsMatch(cd, nullptr, *rd.selectors, candidates[i]);
    if (!ok.ok()) {
      note_error(ok.status());
      continue;
    }
    if (*ok) selected.push_back(i);
  }
  if (selected.empty()) {
    if (errors > 0) {
      return fail(ReasonCode::kSelectorError, std::string(first_error.message()) + " (on " +
                                                  count_text(errors, "device") + ")");
    }
    if (!messages) return fail(ReasonCode::kSelectorMismatch, "");
    return fail(ReasonCode::kSelectorMismatch,
                "0 of " + count_text(in_class.size(), "device") + " of class " + class_name +
                    " pass: " + SelectorList(*rd.selectors) + SeenValues(*rd.selectors, *pools_, in_class));
  }

  // `All` needs every selected device (those whose static capacity cannot serve the request left out, as
  // the allocator's preparation does); from here on, any device a stage removes fails it, including one
  // whose capacity is used up (stage 6).
  if (rd.all_mode) {
    for (const index::Pool& p : pools_->pools) {
      if (p.incomplete || p.invalid) {
        return fail(ReasonCode::kInsufficientDevices, "asks for all devices, but resource pool " + p.id() + " is " +
                                                          (p.incomplete ? "currently being updated" : "invalid"));
      }
    }
    if (features_.consumable_capacity) {
      std::vector<uint32_t> kept;
      for (uint32_t i : selected) {
        if (StaticCapacityFits(rd, i)) kept.push_back(i);
      }
      if (kept.empty()) {
        return fail(ReasonCode::kCapacityExhausted,
                    "none of the " + count_text(selected.size(), "matching device") +
                        " can serve the capacity requested");
      }
      selected = std::move(kept);
    }
    rd.num_devices = static_cast<int64_t>(selected.size());
  }
  const size_t needed_all = selected.size();
  auto stage_failed = [&](size_t left) { return rd.all_mode ? left < needed_all : left == 0; };
  // "all 3 remaining devices have ...", "the 1 remaining device has ...": `plural` / `singular` is the verb.
  auto lost_text = [&](size_t before, size_t after, const char* plural, const char* singular) {
    if (rd.all_mode) {
      const size_t lost = before - after;
      return "allocation mode All needs all " + count_text(needed_all, "matching device") + "; " +
             std::to_string(lost) + " of them " + (lost == 1 ? singular : plural) + " ";
    }
    return before == 1 ? std::string("the 1 remaining device ") + singular + " "
                       : "all " + count_text(before, "remaining device") + " " + plural + " ";
  };

  // Stage 3: taints.
  std::vector<uint32_t> tolerated;
  std::map<std::string, size_t> taints;
  for (uint32_t i : selected) {
    const model::Device& d = *candidates[i].device;
    if (!features_.device_taints || Tolerated(rd, d)) {
      tolerated.push_back(i);
      continue;
    }
    if (!messages) continue;
    for (const model::Taint& t : d.taints) {
      if (t.effect == "NoSchedule" || t.effect == "NoExecute") ++taints[TaintText(t)];
    }
  }
  if (stage_failed(tolerated.size())) {
    return fail(ReasonCode::kTaintNotTolerated, lost_text(selected.size(), tolerated.size(), "have", "has") +
                                                    "taints the request does not tolerate: " + CountList(taints));
  }

  // Stage 4: allocated (the allocated state includes in-flight reservations).
  std::vector<uint32_t> unallocated;
  std::vector<uint32_t> taken;
  for (uint32_t i : tolerated) {
    if (!rd.admin_access && allocated_.IsAllocated(candidates[i].uid)) {
      taken.push_back(i);
    } else {
      unallocated.push_back(i);
    }
  }
  if (stage_failed(unallocated.size())) {
    if (!messages) return fail(ReasonCode::kDevicesInUse, "");
    std::map<index::DeviceUid, std::vector<const Holder*>> by_uid;
    for (const Holder& h : holders) {
      if (h.allocation == nullptr) continue;
      for (const api::DeviceRequestAllocationResult& r : h.allocation->devices.results) {
        if (r.admin_access.value_or(false) || r.share_id.has_value()) continue;
        std::optional<index::DeviceUid> uid = snapshot_.FindDevice(r.driver, r.pool, r.device);
        if (uid) by_uid[*uid].push_back(&h);
      }
    }
    std::map<std::string, size_t> held;
    for (uint32_t i : taken) {
      auto it = by_uid.find(candidates[i].uid);
      if (it == by_uid.end()) {
        ++held["(unknown claim)"];
        continue;
      }
      for (const Holder* h : it->second) ++held[h->claim + (h->in_flight ? " in flight" : "")];
    }
    return fail(ReasonCode::kDevicesInUse,
                lost_text(tolerated.size(), unallocated.size(), "are", "is") + "allocated, held by " + CountList(held));
  }

  // Stage 5: shared counters, each device alone against what the allocated state leaves.
  std::vector<uint32_t> countable;
  std::map<std::string, size_t> short_counters;
  for (uint32_t i : unallocated) {
    const index::Candidate& c = candidates[i];
    const model::Device& d = *c.device;
    if (d.consumes_counters.empty()) {
      countable.push_back(i);
      continue;
    }
    if (!features_.partitionable_devices) {
      ++short_counters["DRAPartitionableDevices is off"];
      continue;
    }
    const bool multi = features_.consumable_capacity && d.allow_multiple_allocations;
    if (multi && allocated_.Aggregated(c.uid) != nullptr) {  // a shared device in use already paid its counters
      countable.push_back(i);
      continue;
    }
    if (Ledger().TryConsume(c.pool, d)) {  // the charge is released at once
      countable.push_back(i);
      continue;
    }
    if (!messages) continue;
    for (const model::CounterConsumption& cc : d.consumes_counters) {
      std::optional<CounterLedger::Availability> avail = Ledger().InitialAvailability(c.pool, cc.counter_set);
      if (!avail) continue;
      for (const model::Counter& need : cc.counters) {
        for (size_t k = 0; k < avail->set->counters.size(); ++k) {
          if (avail->set->counters[k].name != need.name) continue;
          const quantity::Quantity& left = (*avail->available)[k];
          if (left.Compare(need.value) < 0) {
            ++short_counters[c.slice->pool + "/" + cc.counter_set + "." + need.name + ": " + left.ToString() +
                             " left of " +
                             avail->set->counters[k].value.ToString() + ", a device needs " + need.value.ToString()];
          }
        }
      }
    }
  }
  if (stage_failed(countable.size())) {
    if (!messages) return fail(ReasonCode::kCountersExhausted, "");
    // Who uses those counter sets: the claims (allocated or in flight) holding a device of the node that consumes
    // from a set some blocked device is short of, so the user knows what to delete or wait for.
    std::set<std::pair<uint32_t, std::string>> short_sets;  // (pool, counter set)
    std::vector<char> is_countable(candidates.size(), 0);
    for (uint32_t i : countable) is_countable[i] = 1;
    for (uint32_t i : unallocated) {
      if (is_countable[i]) continue;
      for (const model::CounterConsumption& cc : candidates[i].device->consumes_counters) {
        short_sets.emplace(candidates[i].pool, cc.counter_set);
      }
    }
    std::map<index::DeviceUid, uint32_t> candidate_of;
    for (uint32_t i = 0; i < candidates.size(); ++i) candidate_of.emplace(candidates[i].uid, i);
    std::map<std::string, size_t> users;
    for (const Holder& h : holders) {
      if (h.allocation == nullptr) continue;
      for (const api::DeviceRequestAllocationResult& r : h.allocation->devices.results) {
        if (r.admin_access.value_or(false)) continue;
        std::optional<index::DeviceUid> uid = snapshot_.FindDevice(r.driver, r.pool, r.device);
        auto it = uid ? candidate_of.find(*uid) : candidate_of.end();
        if (it == candidate_of.end()) continue;
        const index::Candidate& held = candidates[it->second];
        for (const model::CounterConsumption& cc : held.device->consumes_counters) {
          if (short_sets.count({held.pool, cc.counter_set}) != 0) {
            ++users[h.claim + (h.in_flight ? " in flight" : "")];
            break;
          }
        }
      }
    }
    return fail(ReasonCode::kCountersExhausted,
                lost_text(unallocated.size(), countable.size(), "need", "needs") +
                    "shared counters that are used up: " + CountList(short_counters) +
                    (users.empty() ? "" : "; used by " + CountList(users)));
  }

  // Stage 6: consumable capacity left (for `All`, static capacity was applied above).
  std::vector<uint32_t> fitting;
  std::vector<std::string> capacity_misses;
  for (uint32_t i : countable) {
    if (!features_.consumable_capacity || CapacityFor(rd, i)) {
      fitting.push_back(i);
      continue;
    }
    if (!messages || capacity_misses.size() >= kListed) continue;
    const index::Candidate& c = candidates[i];
    const index::CapacityMap* aggregated = allocated_.Aggregated(c.uid);
    std::string what;
    for (const auto& [name, q] : rd.capacity_requests) {
      const model::Capacity* cap = c.device->FindCapacity(name);
      if (cap == nullptr) {
        what += (what.empty() ? "" : ", ") + std::string("no capacity ") + name;
        continue;
      }
      quantity::Quantity left = cap->value;
      if (aggregated != nullptr) {
        for (const auto& [n, used] : *aggregated) {
          if (n == name) left = left.Sub(used);
        }
      }
      what += (what.empty() ? "" : ", ") + name + " " + ConsumedFor(*cap, &q).ToString() + " needed, " +
              left.ToString() + " left of " + cap->value.ToString();
    }
    if (what.empty()) what = "the request policy or another capacity's default does not fit";
    capacity_misses.push_back(DeviceId(c) + ": " + what);
  }
  if (stage_failed(fitting.size())) {
    return fail(ReasonCode::kCapacityExhausted, lost_text(countable.size(), fitting.size(), "lack", "lacks") +
                                                    "the capacity requested: " + JoinNames(capacity_misses));
  }

  // Stage 7: the count, bounded by the shared counters the usable devices consume together (the bound of the
  // infeasibility check; not used with multi-allocatable devices, for which it is not sound).
  int64_t bound = static_cast<int64_t>(fitting.size());
  bool any_multi = false;
  std::vector<char> mask(candidates.size(), 0);
  for (uint32_t i : fitting) {
    mask[i] = 1;
    any_multi |= candidates[i].device->allow_multiple_allocations;
  }
  if (!any_multi) {
    Ledger();
    bound = std::min(bound, AllocatableBound(mask));
  }
  if (bound < rd.num_devices) {
    if (!messages) return fail(rd.all_mode ? ReasonCode::kCountersExhausted : ReasonCode::kInsufficientDevices, "");
    std::string msg = "needs " + count_text(static_cast<size_t>(rd.num_devices), "device") + ", " +
                      std::to_string(fitting.size()) + " of " + count_text(in_class.size(), "class device") +
                      " usable (" + std::to_string(in_class.size() - selected.size()) + " not selected, " +
                      std::to_string(selected.size() - tolerated.size()) + " tainted, " +
                      std::to_string(tolerated.size() - unallocated.size()) + " in use, " +
                      std::to_string(unallocated.size() - countable.size()) + " short of counters, " +
                      std::to_string(countable.size() - fitting.size()) + " short of capacity)";
    if (bound < static_cast<int64_t>(fitting.size())) {
      msg += "; their shared counters allow at most " + std::to_string(bound) + " together";
    }
    return fail(rd.all_mode ? ReasonCode::kCountersExhausted : ReasonCode::kInsufficientDevices, std::move(msg));
  }
  *usable = std::move(fitting);
  return std::optional<Reason>();
}

}  // namespace allot::alloc::internal
