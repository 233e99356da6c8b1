#include "service/extender/extender.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "core/alloc/allocator.h"
#include "core/alloc/node_fanout.h"
#include "core/cel/selector.h"
#include "core/model/convert.h"

namespace allot::svc {

StatusOr<ScorePolicy> ParseScorePolicy(std::string_view text) {
  if (text == "pack") return ScorePolicy::kPack;
  if (text == "spread") return ScorePolicy::kSpread;
  if (text == "none") return ScorePolicy::kNone;
  return InvalidArgumentError("--score-policy must be pack, spread or none, got '" + std::string(text) + "'");
}

StatusOr<alloc::Features> ParseFeatureGates(std::string_view text) { return alloc::Features::FromGateList(text); }

struct Extender::State {
  std::shared_ptr<const ClusterSnapshot> snapshot;
  std::shared_ptr<const ClusterIndex> index;
  std::vector<Reservation> reservations;
  std::shared_ptr<const index::AllocatedState> allocated;  // never null after LoadState
};

namespace {

Extender::Reply BadRequest(ServiceMetrics& metrics, std::string_view verb, const Status& status) {
  metrics.extender_requests->Add({{"verb", std::string(verb)}, {"result", "bad_request"}}).Increment();
  metrics.http_bad_requests->Add({{"route", std::string(verb)}}).Increment();
  Json body = {{"error", std::string(status.message())}};
  return {400, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Candidate node names of a filter/prioritize request (cache mode NodeNames, else Nodes.items).
std::vector<std::string> CandidateNames(const api::ExtenderArgs& args) {
  std::vector<std::string> names;
  if (args.node_names.has_value()) return *args.node_names;
  if (args.nodes.has_value()) {
    for (const auto& node : args.nodes->items) names.push_back(node.metadata.name);
  }
  return names;
}

Json FilterResultJson(const api::ExtenderArgs& args, const std::vector<std::string>& passed,
                      const std::map<std::string, std::string>& failed,
                      const std::map<std::string, std::string>& unresolvable, const std::string& error) {
  Json out = Json::object();
  if (args.nodes.has_value() && !args.node_names.has_value()) {
    std::set<std::string> keep(passed.begin(), passed.end());
    api::NodeList list = *args.nodes;
    list.items.erase(std::remove_if(list.items.begin(), list.items.end(),
                                    [&](const api::Node& n) { return keep.count(n.metadata.name) == 0; }),
                     list.items.end());
    out["Nodes"] = api::Encode(list);
    out["NodeNames"] = nullptr;
  } else {
    out["Nodes"] = nullptr;
    out["NodeNames"] = passed;
  }
  out["FailedNodes"] = failed;
  out["FailedAndUnresolvableNodes"] = unresolvable;
  out["Error"] = error;
  return out;
}

// Effective allocation of a pod claim: its status, else an in-flight reservation.
const api::AllocationResult* EffectiveAllocation(const PodClaim& claim, const std::vector<Reservation>& reservations) {
  if (claim.claim.status.allocation.has_value()) return &*claim.claim.status.allocation;
  for (const auto& r : reservations) {
    if (r.claim_key == claim.key) return &r.allocation;
  }
  return nullptr;
}

}  // namespace

Extender::Extender(ClusterStore& store, KubeClient& kube, ServiceMetrics& metrics, ExtenderOptions options)
    : store_(store),
      kube_(kube),
      metrics_(metrics),
      options_(options),
      reservations_(&metrics, options.reservation_ttl),
      fanout_(std::make_unique<alloc::NodeFanout>(std::max<size_t>(1, options.fanout_threads))),
      cel_cache_(std::make_unique<cel::CompileCache>()) {
  warmer_ = std::thread([this] { WarmIndexLoop(); });
  store_.AddListener([this](const std::shared_ptr<const ClusterSnapshot>& snapshot) {
    reservations_.Observe(*snapshot);
    {
      MutexLock lock(warm_mu_);
      warm_pending_ = true;
    }
    warm_cv_.NotifyOne();
  });
}

Extender::~Extender() {
  {
    MutexLock lock(warm_mu_);
    warm_stop_ = true;
  }
  warm_cv_.NotifyOne();
  warmer_.join();
}

namespace {

// Returns free heap pages to the operating system. Listing and converting a large cluster frees many GB of
// short-lived JSON (the list as JSON trees is several times the converted model), which glibc otherwise keeps
// mapped: at 50 8xH100 nodes, RSS at ready was 236 MiB before and 84 MiB after a trim. Called after the device
// index was rebuilt, not per request.
void ReleaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

void Extender::WarmIndexLoop() {
  const void* trimmed_for = nullptr;  // the device snapshot after whose build the heap was last trimmed
  while (true) {
    {
      MutexLock lock(warm_mu_);
      while (!warm_pending_ && !warm_stop_) warm_cv_.Wait(warm_mu_);
      if (warm_stop_) return;
      warm_pending_ = false;
    }
    auto snapshot = store_.Load();  // the newest; publications in the meantime are covered by it
    if (snapshot->synced()) {
      auto index = index_cache_.Get(snapshot);
      metrics_.index_devices->Add({}).Set(static_cast<double>(index->devices->device_uid_count()));
      metrics_.index_pools->Add({}).Set(static_cast<double>(index->devices->pool_count()));
      if (index->devices.get() != trimmed_for) {  // before readiness, so that RSS at ready is the steady state
        trimmed_for = index->devices.get();
        WarmMemos(*snapshot, *index);
        ReleaseFreedMemory();
      }
      index_warm_.store(true);
    }
  }
}

void Extender::WarmMemos(const ClusterSnapshot& snapshot, const ClusterIndex& index) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<const model::Node*> nodes;
  nodes.reserve(index.nodes->size());
  for (const auto& [name, node] : *index.nodes) nodes.push_back(&node);
  if (nodes.empty()) return;
  const index::AllocatedState nothing_allocated;  // selector results and pool lists do not depend on it
  alloc::FanoutOptions options;
  options.allocate.cel_cache = cel_cache_.get();  // the shared cache is what puts results in the snapshot's memo
  options.allocate.build_results = false;
  options.steps_per_node = options_.max_search_steps;
  size_t classes = 0;
  for (const auto& [key, object] : snapshot.of(ObjectKind::kDeviceClass)) {
    api::ExactDeviceRequest all;
    all.device_class_name = key;  // cluster-scoped: the key is the name
    all.allocation_mode = "All";  // every device of the class is checked against its selectors
    api::DeviceRequest request;
    request.name = "warm-up";
    request.exactly = all;
    api::ResourceClaim claim;
    claim.metadata.name = "allot-warm-up";
    claim.spec.devices.requests.push_back(request);
    fanout_->Run(*index.devices, nothing_allocated, nodes, {&claim}, options_.features, options);  // verdicts unused
    ++classes;
  }
  spdlog::info("memos warmed for {} nodes x {} device classes in {:.1f} s", nodes.size(), classes,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

std::shared_ptr<const Extender::ClaimList> Extender::AllocatedClaims(const ClusterSnapshot& snapshot) {
  const auto& map = snapshot.objects[static_cast<size_t>(ObjectKind::kResourceClaim)];
  MutexLock lock(claims_mu_);
  if (claims_map_ == map && allocated_claims_ != nullptr) return allocated_claims_;
  // Every bind changes the claim map, but the store shares the objects of unchanged claims between maps:
  // decode only objects not seen in the last map (decoding all claims on every request was most of allot's
  // CPU in bench-e2e; so, next, was reading status and resourceVersion out of every JSON object).
  auto out = std::make_shared<ClaimList>();
  std::unordered_map<const Json*, DecodedClaim> next_cache;
  next_cache.reserve(map->size());
  for (const auto& [key, object] : *map) {
    auto cached = decoded_claims_.find(object.get());
    if (cached != decoded_claims_.end()) {
      if (cached->second.claim != nullptr) out->push_back(cached->second.claim);
      next_cache.emplace(object.get(), std::move(cached->second));
      continue;
    }
    DecodedClaim entry{object, nullptr};
    auto status = object->find("status");
    if (status != object->end() && status->is_object() && status->contains("allocation")) {
      auto decoded = api::Decode<api::ResourceClaim>(*object);
      if (!decoded.ok()) {
        spdlog::warn("skipping undecodable ResourceClaim {}: {}", key, decoded.status().message());
      } else if (decoded->status.allocation.has_value()) {
        entry.claim = std::make_shared<const api::ResourceClaim>(std::move(decoded).value());
        out->push_back(entry.claim);
      }
    }
    next_cache.emplace(object.get(), std::move(entry));
  }
  decoded_claims_ = std::move(next_cache);
  claims_map_ = map;
  // A change that leaves the allocated claims as they were (a new or updated unallocated claim) keeps the old
  // list, so that what is cached per list (AllocatedClaimsState) stays valid.
  if (allocated_claims_ == nullptr || *allocated_claims_ != *out) allocated_claims_ = out;
  return allocated_claims_;
}

std::shared_ptr<const Extender::AllocatedBase> Extender::AllocatedClaimsState(const ClusterIndex& index,
                                                                           const ClusterSnapshot& snapshot) {
  // Hold the list for the build: a range-for over `*AllocatedClaims(...)` would destroy the returned
  // shared_ptr before the first iteration, and a concurrent request replacing the cache would free the list
  // mid-loop (devices of freed claims then looked free: double allocation, found by bench-e2e).
  std::shared_ptr<const ClaimList> claims = AllocatedClaims(snapshot);
  MutexLock lock(base_mu_);
  if (allocated_base_ != nullptr && allocated_base_->claims == claims && allocated_base_->devices == index.devices) {
    return allocated_base_;
  }
  auto base = std::make_shared<AllocatedBase>();
  base->claims = claims;
  base->devices = index.devices;
  index::AllocatedStateBuilder builder(*index.devices);
  for (const auto& claim_ptr : *claims) {
    const api::ResourceClaim& claim = *claim_ptr;
    auto status = builder.AddClaim(claim, options_.features.consumable_capacity);
    if (!status.ok()) spdlog::warn("claim {}/{}: {}", claim.metadata.namespace_, claim.metadata.name, status.message());
    base->claim_keys.insert(claim.metadata.namespace_ + "/" + claim.metadata.name);
  }
  base->state = std::make_shared<const index::AllocatedState>(std::move(builder).Build());
  allocated_base_ = base;
  return base;
}

StatusOr<std::shared_ptr<const index::AllocatedState>> Extender::BuildAllocated(
    const ClusterIndex& index, const ClusterSnapshot& snapshot, const std::vector<Reservation>& reservations) {
  std::shared_ptr<const AllocatedBase> base = AllocatedClaimsState(index, snapshot);
  std::vector<const Reservation*> in_flight;
  for (const auto& r : reservations) {
    if (base->claim_keys.count(r.claim_key) == 0) in_flight.push_back(&r);
  }
  if (in_flight.empty()) return base->state;
  index::AllocatedStateBuilder builder(*index.devices, *base->state);
  for (const Reservation* r : in_flight) {
    api::ResourceClaim synthetic;
    synthetic.status.allocation = r->allocation;
    auto status = builder.AddClaim(synthetic, options_.features.consumable_capacity);
    if (!status.ok()) spdlog::warn("reservation {}: {}", r->claim_key, status.message());
  }
  return std::make_shared<const index::AllocatedState>(std::move(builder).Build());
}

StatusOr<Extender::State> Extender::LoadState() {
  State state;
  // Reservations before the snapshot (see Bind): nothing in flight can fall between the two.
  state.reservations = reservations_.Active();
  state.snapshot = store_.Load();
  if (!state.snapshot->synced()) return UnavailableError("allot has not synced the cluster state yet");
  state.index = index_cache_.Get(state.snapshot);
  auto allocated = BuildAllocated(*state.index, *state.snapshot, state.reservations);
  if (!allocated.ok()) return allocated.status();
  state.allocated = std::move(allocated).value();
  return state;
}

void Extender::RememberPod(const api::Pod& pod) {
  if (pod.metadata.uid.empty()) return;
  MutexLock lock(pods_mu_);
  if (pods_by_uid_.size() > 10000) pods_by_uid_.clear();
  pods_by_uid_[pod.metadata.uid] = pod;
}

void Extender::ObserveNodeVerdicts(const std::vector<alloc::NodeVerdict>& verdicts) {
  // One histogram update per filter call, not per node (ObserveMultiple): a filter judges thousands of nodes.
  const auto& bounds = ServiceMetrics::NodeLatencyBuckets();
  std::vector<double> increments(bounds.size() + 1, 0.0);
  double sum = 0;
  uint64_t evaluations = 0, hits = 0;
  for (const auto& v : verdicts) {
    evaluations += v.selector_evaluations;
    hits += v.selector_memo_hits;
    if (v.kind == alloc::NodeVerdict::Kind::kSkipped || v.seconds <= 0) continue;
    size_t b = static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), v.seconds) - bounds.begin());
    increments[b] += 1;
    sum += v.seconds;
  }
  metrics_.node_allocation_duration->Add({}, bounds).ObserveMultiple(increments, sum);
  metrics_.cel_evaluations->Add({}).Increment(static_cast<double>(evaluations));
  metrics_.selector_memo_lookups->Add({{"result", "hit"}}).Increment(static_cast<double>(hits));
  metrics_.selector_memo_lookups->Add({{"result", "miss"}}).Increment(static_cast<double>(evaluations));
}

Extender::Reply Extender::Filter(std::string_view body) {
  auto start = std::chrono::steady_clock::now();
  auto args = api::Decode<api::ExtenderArgs>(body);
  if (!args.ok()) return BadRequest(metrics_, "filter", args.status());
  const std::vector<std::string> names = CandidateNames(*args);
  auto finish = [&](const std::vector<std::string>& passed, const std::map<std::string, std::string>& failed,
                    const std::map<std::string, std::string>& unresolvable, const std::string& error,
                    const char* pod_result) {
    metrics_.filter_pods->Add({{"result", pod_result}}).Increment();
    metrics_.filter_nodes->Add({{"result", "passed"}}).Increment(static_cast<double>(passed.size()));
    metrics_.filter_nodes->Add({{"result", "failed"}}).Increment(static_cast<double>(failed.size()));
    metrics_.filter_nodes->Add({{"result", "unresolvable"}}).Increment(static_cast<double>(unresolvable.size()));
    metrics_.extender_requests->Add({{"verb", "filter"}, {"result", error.empty() ? "ok" : "error"}}).Increment();
    if (!error.empty()) spdlog::info("filter {}/{}: {}", args->pod.metadata.namespace_, args->pod.metadata.name, error);
    return Reply{200, Dump(FilterResultJson(*args, passed, failed, unresolvable, error))};
  };
  if (!HasClaims(args->pod)) return finish(names, {}, {}, "", "no_claims");
  RememberPod(args->pod);

  auto state = LoadState();
  if (!state.ok()) return finish({}, {}, {}, std::string(state.status().message()), "error");
  auto claims = ResolvePodClaims(args->pod, *state->snapshot);
  if (!claims.ok()) return finish({}, {}, {}, std::string(claims.status().message()), "error");

  std::vector<const api::ResourceClaim*> pending;
  std::vector<std::pair<std::string, model::NodeSelector>> pinned;  // claim key, allocation node selector
  for (const auto& claim : *claims) {
    const api::AllocationResult* allocation = EffectiveAllocation(claim, state->reservations);
    if (allocation == nullptr) {
      pending.push_back(&claim.claim);
    } else if (allocation->node_selector.has_value()) {
      pinned.emplace_back(claim.key, model::ToModel(*allocation->node_selector));
    }
  }

  std::vector<std::string> passed;
  std::map<std::string, std::string> failed;
  std::map<std::string, std::string> unresolvable;
  std::vector<const model::Node*> candidates;  // in state->index, which outlives the call
  candidates.reserve(names.size());
  for (const auto& name : names) {
    auto it = state->index->nodes->find(name);
    if (it == state->index->nodes->end()) {
      unresolvable[name] = "node not found in allot's cluster state";
      continue;
    }
    bool ok = true;
    for (const auto& [key, selector] : pinned) {
      auto match = model::Matches(selector, it->second);
      if (!match.ok() || !*match) {
        unresolvable[name] = "claim is allocated for other nodes";
        ok = false;
        break;
      }
    }
    if (ok) candidates.push_back(&it->second);
  }
  if (pending.empty()) {
    for (const model::Node* node : candidates) passed.push_back(node->name);
    return finish(passed, failed, unresolvable, "", "allocated");
  }

  alloc::FanoutOptions fanout_options;
  fanout_options.allocate.deadline = start + options_.filter_timeout;
  fanout_options.allocate.cel_cache = cel_cache_.get();
  fanout_options.steps_per_node = options_.max_search_steps;
  fanout_options.allocate.build_results = false;  // filter needs verdicts; bind allocates again
  auto verdicts = fanout_->Run(*state->index->devices, *state->allocated, candidates, pending, options_.features,
                               fanout_options);
  ObserveNodeVerdicts(verdicts);
  std::string error;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& verdict = verdicts[i];
    const std::string& name = candidates[i]->name;
    switch (verdict.kind) {
      case alloc::NodeVerdict::Kind::kFits: passed.push_back(name); break;
      case alloc::NodeVerdict::Kind::kDoesNotFit: failed[name] = "cannot allocate all claims"; break;
      case alloc::NodeVerdict::Kind::kNodeFailure:
        failed[name] = "invalid resource pools were encountered";  // the in-tree plugin's wording
        break;
      case alloc::NodeVerdict::Kind::kSkipped: failed[name] = "not evaluated"; break;
      case alloc::NodeVerdict::Kind::kError:
        if (verdict.status.code() == StatusCode::kResourceExhausted) {  // this node's search budget
          failed[name] = std::string(verdict.status.message());
        } else if (error.empty()) {
          error = std::string(verdict.status.message());
        }
        break;
    }
  }
  metrics_.allocation_duration->Add({{"phase", "filter"}}, ServiceMetrics::LatencyBuckets())
      .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!error.empty()) return finish({}, {}, {}, error, "error");
  return finish(passed, failed, unresolvable, "", passed.empty() ? "unschedulable" : "allocated");
}

namespace {

constexpr std::chrono::seconds kExpectedPlacementTtl{2};

// Devices a claim asks for, at least: ExactCount's count (1 when unset); 1 for All and for a list of
// subrequests (their smallest count would do, 1 is the safe side for a score).
size_t DevicesRequested(const api::ResourceClaim& claim) {
  size_t n = 0;
  for (const auto& r : claim.spec.devices.requests) {
    if (r.exactly && r.exactly->allocation_mode != "All") {
      n += static_cast<size_t>(std::max<int64_t>(r.exactly->count, 1));
    } else {
      n += 1;
    }
  }
  return n;
}

}  // namespace

void Extender::ExpectPlacement(const std::string& pod_uid, ExpectedPlacement placement) {
  MutexLock lock(expected_mu_);
  if (expected_.size() > 10000) expected_.clear();  // bounded; entries are short-lived anyway
  expected_[pod_uid] = std::move(placement);
}

void Extender::ForgetPlacement(const std::string& pod_uid) {
  MutexLock lock(expected_mu_);
  expected_.erase(pod_uid);
}

std::unordered_map<std::string, size_t> Extender::ExpectedDevices(const std::string& pod_uid) {
  std::unordered_map<std::string, size_t> held;
  const auto now = std::chrono::steady_clock::now();
  MutexLock lock(expected_mu_);
  for (auto it = expected_.begin(); it != expected_.end();) {
    if (now - it->second.at > kExpectedPlacementTtl) {
      it = expected_.erase(it);
      continue;
    }
    if (it->first != pod_uid) held[it->second.node] += it->second.devices;
    ++it;
  }
  return held;
}

Extender::Reply Extender::Prioritize(std::string_view body) {
  auto args = api::Decode<api::ExtenderArgs>(body);
  if (!args.ok()) return BadRequest(metrics_, "prioritize", args.status());
  const std::vector<std::string> names = CandidateNames(*args);
  std::vector<int64_t> scores(names.size(), 0);
  if (HasClaims(args->pod) && options_.score_policy != ScorePolicy::kNone) {
    auto state = LoadState();
    if (state.ok()) {
      // Devices the pod still needs (claims not yet allocated or reserved).
      size_t need = 0;
      if (auto claims = ResolvePodClaims(args->pod, *state->snapshot); claims.ok()) {
        for (const auto& claim : *claims) {
          if (EffectiveAllocation(claim, state->reservations) == nullptr) need += DevicesRequested(claim.claim);
        }
      }
      const std::unordered_map<std::string, size_t> held = ExpectedDevices(args->pod.metadata.uid);
      // Free devices per node: node-local devices not exclusively allocated or counter-consuming, minus the
      // devices other pods are expected to take there.
      std::vector<size_t> free(names.size(), 0);
      std::vector<bool> crowded(names.size(), false);  // the pod would likely lose the node's devices in bind
      size_t max_free = 0;
      for (size_t i = 0; i < names.size(); ++i) {
        const auto* slices = state->index->devices->node_local_slices(names[i]);
        if (slices == nullptr) continue;
        for (uint32_t s : *slices) {
          for (auto uid : state->index->devices->slices()[s].device_uids) free[i] += !state->allocated->ConsumesCounters(uid);
        }
        if (auto h = held.find(names[i]); h != held.end()) {
          crowded[i] = free[i] < h->second + need;
          free[i] = free[i] > h->second ? free[i] - h->second : 0;
        }
        max_free = std::max(max_free, free[i]);
      }
      size_t best = names.size();
      for (size_t i = 0; i < names.size(); ++i) {
        double ratio = max_free == 0 ? 0.0 : static_cast<double>(free[i]) / static_cast<double>(max_free);
        double score = options_.score_policy == ScorePolicy::kPack ? 10.0 * (1.0 - ratio) : 10.0 * ratio;
        if (crowded[i]) score = 0;
        scores[i] = std::clamp<int64_t>(std::lround(score), api::kMinExtenderPriority, api::kMaxExtenderPriority);
        if (!crowded[i] && (best == names.size() || scores[i] > scores[best])) best = i;
      }
      if (need > 0 && best < names.size() && !args->pod.metadata.uid.empty()) {
        ExpectPlacement(args->pod.metadata.uid, ExpectedPlacement{names[best], need, std::chrono::steady_clock::now()});
      }
    }
  }
  Json out = Json::array();
  for (size_t i = 0; i < names.size(); ++i) out.push_back({{"Host", names[i]}, {"Score", scores[i]}});
  metrics_.extender_requests->Add({{"verb", "prioritize"}, {"result", "ok"}}).Increment();
  return {200, Dump(out)};
}

}  // namespace allot::svc
