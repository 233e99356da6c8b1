// Search::AllocateOne / AllocateDevice: the depth-first search of dra-semantics.md §8.4.
#include "core/alloc/search.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "core/alloc/capacity.h"
#include "base/status_macros.h"

namespace allot::alloc::internal {
namespace {

constexpr int64_t kMaxResults = 32;

bool Tolerates(const api::DeviceToleration& t, const model::Taint& taint) {
  if (!t.effect.empty() && t.effect != taint.effect) return false;
  if (!t.key.empty() && t.key != taint.key) return false;
  if (t.operator_ == "Exists") return true;
  if (t.operator_.empty() || t.operator_ == "Equal") return t.value == taint.value;
  return false;
}

}  // namespace

DeviceTentative::DeviceTentative(DeviceTentative&& other) noexcept
    : search_(other.search_),
      claim(other.claim),
      request(other.request),
      candidate(other.candidate),
      constraints_added(other.constraints_added),
      marked(other.marked),
      counters(std::move(other.counters)),
      capacity_added(other.capacity_added),
      result_added(other.result_added),
      multi(other.multi),
      consumed_(std::move(other.consumed_)) {
  other.search_ = nullptr;
}

void DeviceTentative::Rollback() {
  if (search_ == nullptr) return;
  Search& s = *search_;
  search_ = nullptr;
  if (result_added) s.results_[claim].pop_back();
  if (capacity_added) {
    Search::InFlight& f = s.in_flight_[candidate];
    for (auto& [name, q] : f.capacity) {
      for (const auto& [n, c] : consumed_) {
        if (n == name) q = q.Sub(c);
      }
    }
    --f.shares;
  }
  if (marked) --s.in_use_[candidate];
  auto& constraints = s.claim_data_[claim].constraints;
  for (size_t i = constraints_added; i > 0; --i) {
    constraints[i - 1]->Remove(request->base_name, request->sub_name);
  }
  if (counters.active() && s.options_.reference_compat && (!result_added || multi)) {
    // The reference leaves counters charged for a device that is refused after the counter
    // check (taint, constraint) and never uncharges multi-allocatable devices (§13.3, §13.4).
    counters.Leak();
  }
  // Otherwise `counters` releases the charge when this object is destroyed.
}

Search::Search(const index::Snapshot& snapshot, const index::AllocatedState& allocated, const model::Node& node,
               const std::vector<const api::ResourceClaim*>& claims, const Features& features,
               const Options& options, cel::CompileCache* cache)
    : snapshot_(snapshot),
      allocated_(allocated),
      node_(node),
      claims_(claims),
      features_(features),
      options_(options),
      cache_(cache) {
  env_.stored_expressions = true;
  env_.consumable_capacity = features.consumable_capacity;
  env_.list_type_attributes = features.list_type_attributes;
}

// A search that has not finished after this many steps is checked once for provable infeasibility; short
// searches (nearly every feasible one) never pay for the check.
constexpr uint64_t kInfeasibilityCheckAfterSteps = 1024;

CounterLedger& Search::Ledger() {
  if (!ledger_) ledger_.emplace(*pools_, allocated_);
  return *ledger_;
}

Status Search::CheckBudget() {
  ++steps_;
  if (steps_ == kInfeasibilityCheckAfterSteps && options_.infeasibility_check && (Ledger(), ProvablyInfeasible())) {
    proven_infeasible_ = true;
    return AbortedError("provably infeasible on node " + node_.name);  // unwinds the search; see Run()
  }
  if (options_.max_steps != 0 && steps_ > options_.max_steps) {
    return ResourceExhaustedError("search budget of " + std::to_string(options_.max_steps) +
                                  " steps exhausted on node " + node_.name);
  }
  if ((steps_ & 255) == 0) return CheckInterrupted(options_, node_.name);
  return OkStatus();
}

bool Search::InUseFor(const RequestData& rd, uint32_t claim, uint32_t candidate) const {
  // Admin access may share a device with anyone but itself; everything else needs it unallocated.
  if (rd.admin_access) return AllocatingForClaim(candidate, claim);
  return allocated_.IsAllocated(pools_->candidates[candidate].uid) || AllocatingAny(candidate);
}

bool Search::AllocatingForClaim(uint32_t candidate, uint32_t claim) const {
  // Exclusive (non-multi) results are exactly the devices marked in in_use_ for this claim.
  const auto& v = results_[claim];
  return std::any_of(v.begin(), v.end(), [&](const Chosen& ch) { return ch.candidate == candidate && !ch.multi; });
}

StatusOr<const Search::ResolvedSelector*> Search::Resolve(const ClaimData& cd, const model::DeviceClass* klass,
                                                          const std::vector<api::DeviceSelector>& selectors,
                                                          size_t i) {
  const api::DeviceSelector* key = &selectors[i];
  for (const ResolvedSelector& rs : resolved_) {
    if (rs.key == key) return &rs;
  }
  ResolvedSelector rs;
  rs.key = key;
  index::SelectorMemo* snapshot_memo = options_.cel_cache != nullptr ? snapshot_.selector_memo() : nullptr;
  // A class selector lives as long as the snapshot, so its address identifies it in the snapshot's memo.
  const uint32_t env_tag = (env_.stored_expressions ? 1u : 0u) | (env_.consumable_capacity ? 2u : 0u) |
                           (env_.list_type_attributes ? 4u : 0u);
  const index::SelectorMemo::Compiled* known =
      snapshot_memo != nullptr && klass != nullptr ? snapshot_memo->FindCompiled(key, env_tag) : nullptr;
  if (known == nullptr) {
    StatusOr<std::shared_ptr<const cel::Selector>> sel = cache_->Get(key->cel->expression, env_);
    if (!sel.ok()) {
      std::string where = klass != nullptr ? "class " + klass->name : "claim " + cd.display();
      return InvalidArgumentError(where + ": selector #" + std::to_string(i) +
                                  ": CEL compile error: " + std::string(sel.status().message()));
    }
    if (snapshot_memo != nullptr && klass != nullptr) {
      known = snapshot_memo->AddCompiled(key, env_tag, std::move(sel).value());
    } else {
      rs.owner = std::move(sel).value();
      rs.selector = rs.owner.get();
      if (snapshot_memo != nullptr) {
        rs.shared_row = snapshot_memo->Row(rs.owner);
      } else {
        rs.local_row = static_cast<uint32_t>(local_memo_.size());
        local_memo_.resize(local_memo_.size() + pools_->candidates.size(), -1);
      }
    }
  }
  if (known != nullptr) {
    rs.selector = static_cast<const cel::Selector*>(known->selector.get());
    rs.shared_row = known->row;
  }
  resolved_.push_back(std::move(rs));
  return &resolved_.back();
}

StatusOr<bool> Search::SelectorsMatch(const ClaimData& cd, const model::DeviceClass* klass,
                                      const std::vector<api::DeviceSelector>& selectors, const index::Candidate& c) {
  const uint32_t cand_index = static_cast<uint32_t>(&c - pools_->candidates.data());
  for (size_t i = 0; i < selectors.size(); ++i) {
    ALLOT_ASSIGN_OR_RETURN(const ResolvedSelector* rs, Resolve(cd, klass, selectors, i));
    // Known result: from the snapshot's memo (shared across calls and threads) or this call's.
    std::atomic<int8_t>* shared = nullptr;
    int8_t* local = nullptr;
    int8_t m = -1;
    if (rs->shared_row != nullptr) {
      if (c.uid < snapshot_.selector_memo()->device_count()) {
        shared = &rs->shared_row[c.uid];
        int8_t v = shared->load(std::memory_order_relaxed);
        if (v != index::SelectorMemo::kUnknown) m = v == index::SelectorMemo::kTrue ? 1 : 0;
      }
    } else {
      local = &local_memo_[rs->local_row + cand_index];
      m = *local;
    }
    if (m >= 0) ++memo_hits_;
    if (m < 0) {
      const model::Device& d = *c.device;
      Status err;
      bool value = false;
      if (d.has_unsupported_attribute || (d.has_list_attribute && !features_.list_type_attributes)) {
        err = InvalidArgumentError("unsupported attribute value");
      } else {
        ++evaluations_;
        StatusOr<bool> r = rs->selector->Evaluate(*d.cel);
        if (r.ok()) {
          value = *r;
        } else {
          err = r.status();
        }
      }
      if (!err.ok()) {
        // 1.37's wording: the device is named, and a missing map key gets cel.EnhanceRuntimeError's hint.
        std::string where = klass != nullptr ? "class " + klass->name : "claim " + cd.display();
        std::string message(err.message());
        if (message.find("no such key:") != std::string::npos) {
          message += ". consider using CEL optional chaining (.? followed by orValue()) or guarding the check with "
                     "has() for optional fields";
        }
        return InvalidArgumentError(where + ": selector #" + std::to_string(i) + " on device " + c.slice->driver + "/" +
                                    c.slice->pool + "/" + d.name + ": CEL runtime error: " + message);
      }
      m = value ? 1 : 0;
      if (shared != nullptr) {
        shared->store(value ? index::SelectorMemo::kTrue : index::SelectorMemo::kFalse, std::memory_order_relaxed);
      } else if (local != nullptr) {
        *local = m;
      }
    }
    if (m == 0) return false;
  }
  return true;
}

StatusOr<bool> Search::IsSelectable(const ClaimData& cd, RequestData& rd, uint32_t candidate) {
  int8_t& cached = selectable_[rd.selectable + candidate];
  if (cached >= 0) return cached == 1;
  const index::Candidate& c = pools_->candidates[candidate];
  if (!features_.device_binding_and_status && c.device->has_binding_conditions) {
    cached = 0;
    return false;
  }
  ALLOT_ASSIGN_OR_RETURN(bool class_ok,
                         SelectorsMatch(cd, rd.device_class, rd.device_class->source.spec.selectors, c));
  if (!class_ok) {
    cached = 0;
    return false;
  }
  ALLOT_ASSIGN_OR_RETURN(bool request_ok, SelectorsMatch(cd, nullptr, *rd.selectors, c));
  if (!request_ok) {
    cached = 0;
    return false;
  }
  if (c.slice->per_device_node_selection) {
    StatusOr<bool> m = model::Matches(c.device->node_selection, node_);
    if (!m.ok()) return m.status();
    if (!*m) {
      cached = 0;
      return false;
    }
  }
  cached = 1;
  return true;
}

std::optional<CapacityMap> Search::CapacityFor(const RequestData& rd, uint32_t candidate) const {
  const index::Candidate& c = pools_->candidates[candidate];
  const CapacityMap* in_flight = in_flight_.empty() ? nullptr : &in_flight_[candidate].capacity;
  return ComputeConsumption(*c.device, rd.capacity_requests, allocated_.Aggregated(c.uid), in_flight);
}

bool Search::StaticCapacityFits(const RequestData& rd, uint32_t candidate) const {
  return ComputeConsumption(*pools_->candidates[candidate].device, rd.capacity_requests, nullptr, nullptr)
      .has_value();
}

bool Search::Tolerated(const RequestData& rd, const model::Device& device) const {
  for (const model::Taint& taint : device.taints) {
    if (taint.effect != "NoSchedule" && taint.effect != "NoExecute") continue;
    bool ok = std::any_of(rd.tolerations->begin(), rd.tolerations->end(),
                          [&](const api::DeviceToleration& t) { return Tolerates(t, taint); });
    if (!ok) return false;
  }
  return true;
}

StatusOr<std::optional<DeviceTentative>> Search::AllocateDevice(uint32_t claim, const RequestData& rd,
                                                                uint32_t candidate, bool must,
                                                                std::optional<CapacityMap>* consumption) {
  const index::Candidate& c = pools_->candidates[candidate];
  const model::Device& device = *c.device;
  const bool multi = features_.consumable_capacity && device.allow_multiple_allocations;
  if (!multi && rd.admin_access && AllocatingForClaim(candidate, claim)) return std::optional<DeviceTentative>();
  if (!rd.admin_access && (allocated_.IsAllocated(c.uid) || AllocatingAny(candidate))) {
    return std::optional<DeviceTentative>();
  }
  if (!device.consumes_counters.empty() && !features_.partitionable_devices) return std::optional<DeviceTentative>();

  DeviceTentative t(this);
  t.claim = claim;
  t.request = &rd;
  t.candidate = candidate;
  t.multi = multi;
  // 1.37: a persisted share without consumed capacity counts too (1.36 charged the counters again).
  const bool shared_in_use = multi && (allocated_.Aggregated(c.uid) != nullptr || allocated_.HasShares(c.uid) ||
                                       (!in_flight_.empty() && in_flight_[candidate].shares > 0));
  if (!device.consumes_counters.empty() && !shared_in_use) {
    std::optional<CounterCharge> charge = Ledger().TryConsume(c.pool, device);
    if (!charge) return std::optional<DeviceTentative>();
    t.counters = std::move(*charge);
  }
  if (features_.device_taints && !Tolerated(rd, device)) return std::optional<DeviceTentative>();

  auto& constraints = claim_data_[claim].constraints;
  for (auto& con : constraints) {
    if (!con->Add(rd.base_name, rd.sub_name, device, c.slice->driver)) {
      if (must) {
        // The reference names the subrequest alone here (request.name() of the accessor).
        const std::string& shown = rd.sub_name.empty() ? rd.base_name : rd.sub_name;
        return InvalidArgumentError("claim " + claim_data_[claim].display() + ", request " + shown +
                                    ": cannot add device " + c.slice->driver + "/" + c.slice->pool + "/" +
                                    device.name + " because a claim constraint would not be satisfied");
      }
      return std::optional<DeviceTentative>();
    }
    ++t.constraints_added;
  }
  if (!multi) {
    ++in_use_[candidate];
    t.marked = true;
  }
  Chosen chosen;
  chosen.request = &rd;
  chosen.candidate = candidate;
  chosen.multi = multi;
  if (features_.consumable_capacity) {
    // Nothing above changes the in-flight capacity, so a consumption computed by the caller is still valid.
    std::optional<CapacityMap> consumed =
        consumption != nullptr && consumption->has_value() ? std::move(*consumption) : CapacityFor(rd, candidate);
    if (!consumed) return std::optional<DeviceTentative>();
    if (multi) {
      if (in_flight_.empty()) in_flight_.resize(pools_->candidates.size());
      InFlight& f = in_flight_[candidate];
      CapacityMap& tally = f.capacity;
      for (const auto& [name, q] : *consumed) {
        bool found = false;
        for (auto& [n, sum] : tally) {
          if (n == name) {
            sum = sum.Add(q);
            found = true;
          }
        }
        if (!found) tally.emplace_back(name, q);
      }
      ++f.shares;
      t.consumed_ = *consumed;
      t.capacity_added = true;
      chosen.share_id = options_.share_id_generator ? options_.share_id_generator() : NewUuidV4();
      chosen.consumed = std::move(*consumed);
    }
  }
  results_[claim].push_back(std::move(chosen));
  t.result_added = true;
  return std::optional<DeviceTentative>(std::move(t));
}

StatusOr<Outcome> Search::DrainSelectorErrors(const ClaimData& cd, RequestData& rd, uint32_t claim, uint32_t from) {
  const uint32_t n = static_cast<uint32_t>(pools_->candidates.size());
  for (uint32_t i = from; i < n; ++i) {
    if (InUseFor(rd, claim, i)) continue;
    ALLOT_ASSIGN_OR_RETURN(bool selectable, IsSelectable(cd, rd, i));
    (void)selectable;
  }
  return Outcome::kFailed;
}

StatusOr<Outcome> Search::AllocateOne(Cursor r, bool allocate_sub) {
  ALLOT_RETURN_IF_ERROR(CheckBudget());
  if (r.claim >= claim_data_.size()) return Outcome::kDone;
  ClaimData& cd = claim_data_[r.claim];
  if (r.request >= cd.requests.size()) {
    ALLOT_ASSIGN_OR_RETURN(Outcome o, AllocateOne(Cursor{r.claim + 1, 0, 0, 0, 0}, false));
    return o == Outcome::kMaxSize ? Outcome::kFailed : o;
  }
  RequestSlot& slot = cd.requests[r.request];
  if (!allocate_sub && slot.has_subrequests) {
    bool all_max_size = true;
    for (uint32_t sub = 0; sub < slot.data.size(); ++sub) {
      Cursor next = r;
      next.sub = sub;
      ALLOT_ASSIGN_OR_RETURN(Outcome o, AllocateOne(next, true));
      if (o == Outcome::kMaxSize) continue;
      all_max_size = false;
      if (o == Outcome::kDone) {
        slot.selected = static_cast<int>(sub);
        return Outcome::kDone;
      }
    }
    return all_max_size ? Outcome::kMaxSize : Outcome::kFailed;
  }
  RequestData& rd = slot.data[r.sub];
  if (rd.all_mode && rd.all_devices.empty()) return Outcome::kFailed;
  if (r.device >= rd.num_devices) return AllocateOne(Cursor{r.claim, r.request + 1, 0, 0, 0}, false);
  if (static_cast<int64_t>(results_[r.claim].size()) + rd.num_devices - r.device > kMaxResults) {
    return Outcome::kMaxSize;
  }
  if (rd.all_mode) {
    const uint32_t candidate = rd.all_devices[static_cast<size_t>(r.device)];
    ALLOT_ASSIGN_OR_RETURN(std::optional<DeviceTentative> t, AllocateDevice(r.claim, rd, candidate, true));
    if (!t) return Outcome::kFailed;
    Cursor next = r;
    ++next.device;
    ALLOT_ASSIGN_OR_RETURN(Outcome o, AllocateOne(next, allocate_sub));
    if (o == Outcome::kDone) t->Commit();
    return o == Outcome::kDone ? Outcome::kDone : (o == Outcome::kMaxSize ? Outcome::kMaxSize : Outcome::kFailed);
  }
  const uint32_t n = static_cast<uint32_t>(pools_->candidates.size());
  // Devices of one request are taken in increasing candidate order (next.start = i + 1), so from candidate i
  // on at most n - i more can be added. Once that is below what the request still needs, no branch from here
  // can succeed: stop recursing. The reference has no such cut and evaluates every remaining device's
  // selectors on the way, so do the same (memoised, no recursion) to report the same CEL error it would.
  const int64_t still_needed = rd.num_devices - r.device;
  for (uint32_t i = r.start; i < n; ++i) {
    if (static_cast<int64_t>(n - i) < still_needed) return DrainSelectorErrors(cd, rd, r.claim, i);
    if (InUseFor(rd, r.claim, i)) continue;
    ALLOT_ASSIGN_OR_RETURN(bool selectable, IsSelectable(cd, rd, i));
    if (!selectable) continue;
    std::optional<CapacityMap> consumption;
    if (features_.consumable_capacity) {
      consumption = CapacityFor(rd, i);
      if (!consumption) continue;
    }
    ALLOT_ASSIGN_OR_RETURN(std::optional<DeviceTentative> t, AllocateDevice(r.claim, rd, i, false, &consumption));
    if (!t) continue;
    Cursor next = r;
    ++next.device;
    next.start = i + 1;
    ALLOT_ASSIGN_OR_RETURN(Outcome o, AllocateOne(next, allocate_sub));
    if (o == Outcome::kDone) {
      t->Commit();
      return Outcome::kDone;
    }
    if (o == Outcome::kMaxSize) return Outcome::kMaxSize;
    // t rolls back here; try the next candidate.
  }
  return Outcome::kFailed;
}

StatusOr<std::optional<AllocationResults>> Search::Run() {
  ALLOT_ASSIGN_OR_RETURN(pools_, index::GatherPoolsShared(snapshot_, node_, features_.partitionable_devices));
  ALLOT_RETURN_IF_ERROR(CheckInterrupted(options_, node_.name));  // gathering may have been slow
  in_use_.assign(pools_->candidates.size(), 0);
  results_.resize(claims_.size());
  Status prepared = Prepare();
  if (!prepared.ok()) {
    if (options_.stats != nullptr) options_.stats->steps = steps_;
    return prepared;
  }
  StatusOr<Outcome> o = AllocateOne(Cursor{}, false);
  if (options_.stats != nullptr) {
    options_.stats->steps = steps_;
    options_.stats->selector_evaluations = evaluations_;
    options_.stats->selector_memo_hits = memo_hits_;
  }
  if (!o.ok() && !proven_infeasible_) return o.status();
  if (proven_infeasible_ || *o != Outcome::kDone) {
    if (pools_->any_invalid) {
      return FailedPreconditionError("failed to allocate on node " + node_.name +
                                     ": invalid resource pools were encountered");
    }
    return std::optional<AllocationResults>();
  }
  if (!options_.build_results) return std::optional<AllocationResults>(AllocationResults(claims_.size()));
  ALLOT_ASSIGN_OR_RETURN(AllocationResults results, BuildResults());
  return std::optional<AllocationResults>(std::move(results));
}

}  // namespace allot::alloc::internal
