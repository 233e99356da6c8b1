#include "core/alloc/simulate.h"

#include <unordered_map>

#include "core/alloc/template_claims.h"
#include "core/index/from_api.h"
#include "core/model/convert.h"

namespace allot::alloc {
namespace {

enum class Verdict : uint8_t { kUnknown, kFits, kDoesNotFit };

std::string Key(const api::ResourceClaim& claim) {
  return (claim.metadata.namespace_.empty() ? "default" : claim.metadata.namespace_) + "/" + claim.metadata.name;
}

// True when every device of `results` is in a pool whose slices all name `node` (node-local): then only that
// node's verdict can change by allocating them.
bool OnlyNodeLocal(const index::Snapshot& snapshot, const AllocationResults& results, const std::string& node) {
  for (const api::AllocationResult& result : results) {
    for (const auto& device : result.devices.results) {
      const std::vector<uint32_t>* slices = snapshot.pool_slices(device.driver, device.pool);
      if (slices == nullptr) return false;
      for (uint32_t s : *slices) {
        const auto& name = snapshot.slices()[s].slice->node_selection.node_name;
        if (!name.has_value() || *name != node) return false;
      }
    }
  }
  return true;
}

bool Interrupted(const Status& status) {
  return status.code() == StatusCode::kDeadlineExceeded || status.code() == StatusCode::kCancelled;
}

}  // namespace

std::string ReplicaPodName(const api::Pod& pod, size_t replica) {
  if (!pod.metadata.name.empty()) return pod.metadata.name;
  return pod.metadata.generate_name + GeneratedNameSuffix(replica);
}

SimulateResult Simulate(const index::Snapshot& snapshot, std::shared_ptr<const index::AllocatedState> allocated,
                        const api::Pod& pod, const std::vector<SimulatedPodClaim>& claims,
                        const std::vector<const model::Node*>& candidates, const Features& features,
                        NodeFanout& fanout, const SimulateOptions& options) {
  SimulateResult out;
  // Allocations of direct claims made by earlier replicas, by index in `claims` (owned copies: placements grow).
  std::unordered_map<size_t, api::AllocationResult> placed_direct;
  std::vector<Verdict> verdicts(candidates.size(), Verdict::kUnknown);
  std::vector<size_t> previous_pending_direct;

  FanoutOptions filter_options;
  filter_options.allocate = options.allocate;
  filter_options.allocate.build_results = false;  // as filter: verdicts only
  filter_options.allocate.stats = nullptr;
  filter_options.steps_per_node = options.steps_per_node;
  Options bind_options = options.allocate;
  bind_options.max_steps = options.steps_per_node;
  bind_options.stats = nullptr;

  for (size_t replica = 0; replica < options.replicas; ++replica) {
    if (Status s = CheckInterrupted(options.allocate, "simulated replica " + std::to_string(replica)); !s.ok()) {
      out.error = s;
      return out;
    }
    NextReplica next;
    next.pod = ReplicaPodName(pod, replica);
    next.allocated = allocated;
    api::Pod replica_pod = pod;
    replica_pod.metadata.name = next.pod;
    next.minted.reserve(claims.size());  // `pending` points into it
    std::vector<size_t> pending_direct;  // indices in `claims` of direct claims still pending
    std::vector<size_t> pending_index;   // for each pending claim: its index in `claims`
    for (size_t i = 0; i < claims.size(); ++i) {
      const SimulatedPodClaim& c = claims[i];
      if (c.from_template != nullptr) {
        api::PodResourceClaim entry;
        entry.name = c.entry;
        next.minted.push_back(MintTemplateClaim(replica_pod, entry, *c.from_template, GeneratedNameSuffix(replica)));
        next.pending.push_back(&next.minted.back());
        pending_index.push_back(i);
        continue;
      }
      const api::AllocationResult* allocation = c.allocation;
      if (auto it = placed_direct.find(i); allocation == nullptr && it != placed_direct.end()) {
        allocation = &it->second;
      }
      if (allocation == nullptr) {
        next.pending.push_back(c.claim);
        pending_index.push_back(i);
        pending_direct.push_back(i);
      } else if (allocation->node_selector.has_value()) {
        next.pinned.emplace_back(Key(*c.claim), model::ToModel(*allocation->node_selector));
      }
    }
    if (replica > 0 && pending_direct != previous_pending_direct) {
      verdicts.assign(candidates.size(), Verdict::kUnknown);  // other claims to allocate: judge every node again
    }
    previous_pending_direct = pending_direct;

    // Filter.
    std::vector<bool> fits(candidates.size(), false);
    std::vector<size_t> to_judge;
    std::vector<const model::Node*> judged_nodes;
    for (size_t n = 0; n < candidates.size(); ++n) {
      bool pinned_ok = true;
      for (const auto& [key, selector] : next.pinned) {
        auto match = model::Matches(selector, *candidates[n]);
        if (!match.ok() || !*match) pinned_ok = false;
      }
      if (!pinned_ok) continue;
      if (next.pending.empty() || verdicts[n] == Verdict::kFits) {
        fits[n] = true;
      } else if (verdicts[n] == Verdict::kUnknown) {
        to_judge.push_back(n);
        judged_nodes.push_back(candidates[n]);
      }
    }
    if (!judged_nodes.empty()) {
      std::vector<NodeVerdict> judged =
          fanout.Run(snapshot, *allocated, judged_nodes, next.pending, features, filter_options);
      out.allocate_calls += judged.size();
      for (size_t j = 0; j < judged.size(); ++j) {
        const size_t n = to_judge[j];
        switch (judged[j].kind) {
          case NodeVerdict::Kind::kFits:
            verdicts[n] = Verdict::kFits;
            fits[n] = true;
            break;
          case NodeVerdict::Kind::kDoesNotFit:
          case NodeVerdict::Kind::kNodeFailure:
            verdicts[n] = Verdict::kDoesNotFit;
            break;
          case NodeVerdict::Kind::kSkipped:
            break;
          case NodeVerdict::Kind::kError:
            if (judged[j].status.code() == StatusCode::kResourceExhausted) break;  // this node's budget
            out.error = judged[j].status;
            if (!Interrupted(out.error)) out.next = std::move(next);
            return out;
        }
      }
    }

    // Prioritize.
    std::vector<std::string> names;
    std::vector<size_t> fitting;
    for (size_t n = 0; n < candidates.size(); ++n) {
      if (!fits[n]) continue;
      names.push_back(candidates[n]->name);
      fitting.push_back(n);
    }
    if (names.empty()) {
      out.next = std::move(next);
      return out;
    }
    size_t need = 0;
    for (const api::ResourceClaim* c : next.pending) need += DevicesRequested(*c);
    NodeScores scores = ScoreNodes(snapshot, *allocated, names, {}, need, options.score_policy);
    const size_t chosen = fitting[scores.best.value_or(0)];
    const model::Node& node = *candidates[chosen];

    // Bind.
    ReplicaPlacement placement;
    placement.pod = next.pod;
    placement.node = node.name;
    if (!next.pending.empty()) {
      auto result = Allocate(snapshot, *allocated, node, next.pending, features, bind_options);
      ++out.allocate_calls;
      if (!result.ok() || !result->has_value()) {
        out.error = !result.ok() ? result.status()
                                 : InternalError("bind found no allocation on node " + node.name +
                                                 " where filter found one");
        if (!Interrupted(out.error)) out.next = std::move(next);
        return out;
      }
      std::vector<api::ResourceClaim> bound(next.pending.size());
      for (size_t p = 0; p < next.pending.size(); ++p) {
        bound[p].status.allocation = (**result)[p];
        placement.allocations.push_back(ClaimPlacement{Key(*next.pending[p]), (**result)[p]});
        if (claims[pending_index[p]].claim != nullptr) placed_direct.emplace(pending_index[p], (**result)[p]);
      }
      index::AllocatedStateBuild built =
          index::BuildAllocatedState(snapshot, bound, features.consumable_capacity, allocated.get());
      if (!built.problems.empty()) {
        out.error = built.problems.front().status;
        out.next = std::move(next);
        return out;
      }
      allocated = std::make_shared<const index::AllocatedState>(std::move(built.state));
      if (OnlyNodeLocal(snapshot, **result, node.name)) {
        verdicts[chosen] = Verdict::kUnknown;
      } else {
        for (Verdict& v : verdicts) {
          if (v == Verdict::kFits) v = Verdict::kUnknown;
        }
      }
    }
    out.placements.push_back(std::move(placement));
  }
  return out;
}

}  // namespace allot::alloc
