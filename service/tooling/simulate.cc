#include "service/tooling/simulate.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/codec.h"
#include "api/tooling/simulate.h"
#include "core/alloc/simulate.h"
#include "service/tooling/explain.h"

namespace allot::svc {
namespace {

// The pod's claim entries resolved for alloc::Simulate: direct claims from the body's `claims`, else the
// view (with their allocation: status, else an in-flight reservation); template entries from `templates`.
// Direct claims named twice are simulated once. A failure is the 400 message.
StatusOr<std::vector<alloc::SimulatedPodClaim>> ResolveClaims(const api::SimulateRequest& request,
                                                              const RequestState& state) {
  const api::Pod& pod = request.pod;
  const std::string ns = pod.metadata.namespace_.empty() ? "default" : pod.metadata.namespace_;
  auto in_ns = [&](const api::ObjectMeta& m) { return (m.namespace_.empty() ? ns : m.namespace_) == ns; };
  std::vector<bool> claim_used(request.claims.size(), false);
  std::vector<bool> template_used(request.templates.size(), false);
  std::vector<alloc::SimulatedPodClaim> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < pod.spec.resource_claims.size(); ++i) {
    const api::PodResourceClaim& entry = pod.spec.resource_claims[i];
    const std::string where = "pod.spec.resourceClaims[" + std::to_string(i) + "]";
    alloc::SimulatedPodClaim resolved;
    resolved.entry = entry.name;
    if (entry.resource_claim_name.has_value() && !entry.resource_claim_name->empty()) {
      const std::string key = ns + "/" + *entry.resource_claim_name;
      for (size_t j = 0; j < request.claims.size() && resolved.claim == nullptr; ++j) {
        const api::ResourceClaim& c = request.claims[j];
        if (in_ns(c.metadata) && c.metadata.name == *entry.resource_claim_name) {
          claim_used[j] = true;
          resolved.claim = &c;
        }
      }
      if (resolved.claim == nullptr) {
        const DecodedClaim* stored = state.view->FindClaim(key);
        if (stored == nullptr) {
          return InvalidArgumentError(where + ": resourceclaim " + key + " not found (give it in \"claims\")");
        }
        if (stored->claim == nullptr) {
          return InvalidArgumentError(where + ": resourceclaim " + key + ": " + std::string(stored->status.message()));
        }
        resolved.claim = stored->claim.get();
      }
      if (!seen.insert(key).second) continue;
      if (resolved.claim->status.allocation.has_value()) resolved.allocation = &*resolved.claim->status.allocation;
      for (const auto& r : state.reservations) {
        if (resolved.allocation == nullptr && r.claim_key == key) resolved.allocation = &r.allocation;
      }
    } else if (entry.resource_claim_template_name.has_value() && !entry.resource_claim_template_name->empty()) {
      const std::string& name = *entry.resource_claim_template_name;
      for (size_t j = 0; j < request.templates.size() && resolved.from_template == nullptr; ++j) {
        const api::ResourceClaimTemplate& t = request.templates[j];
        if (in_ns(t.metadata) && t.metadata.name == name) {
          template_used[j] = true;
          resolved.from_template = &t;
        }
      }
      if (resolved.from_template == nullptr) {
        return InvalidArgumentError(where + ": resourceclaimtemplate " + ns + "/" + name +
                                    " not given (give it in \"templates\")");
      }
    } else {
      return InvalidArgumentError(where + ": names neither a claim nor a template");
    }
    out.push_back(resolved);
  }
  for (size_t j = 0; j < request.claims.size(); ++j) {
    if (!claim_used[j]) return InvalidArgumentError("claims[" + std::to_string(j) + "]: not a claim of the pod");
  }
  for (size_t j = 0; j < request.templates.size(); ++j) {
    if (!template_used[j]) {
      return InvalidArgumentError("templates[" + std::to_string(j) + "]: not a template of the pod");
    }
  }
  return out;
}

// Why kube-scheduler would not offer `node` to the extender for `pod` (its NodeName and NodeAffinity
// filters, for spec.nodeName and spec.nodeSelector); "" when it would.
std::string ExcludedBy(const api::Pod& pod, const model::Node& node) {
  if (!pod.spec.node_name.empty() && pod.spec.node_name != node.name) {
    return "excluded: pod.spec.nodeName is " + pod.spec.node_name;
  }
  for (const auto& [key, value] : pod.spec.node_selector) {
    auto label = node.labels.find(key);
    if (label == node.labels.end() || label->second != value) {
      return "excluded: pod.spec.nodeSelector " + key + "=" + value + " does not match the node's labels";
    }
  }
  return "";
}

Json PlacementJson(const alloc::ReplicaPlacement& placement) {
  Json allocations = Json::array();
  for (const alloc::ClaimPlacement& c : placement.allocations) {
    allocations.push_back({{"claim", c.claim}, {"results", api::Encode(c.allocation.devices)["results"]}});
  }
  return {{"pod", placement.pod}, {"node", placement.node}, {"allocations", std::move(allocations)}};
}

}  // namespace

VerbReply Simulate(const VerbContext& ctx, std::string_view body) {
  const auto start = std::chrono::steady_clock::now();
  auto request = api::Decode<api::SimulateRequest>(body);
  if (!request.ok()) return JsonErrorReply(400, std::string(request.status().message()));
  const int64_t replicas = request->replicas.value_or(1);
  if (replicas < 1 || replicas > kMaxSimulateReplicas) {
    return JsonErrorReply(400, "replicas: must be between 1 and " + std::to_string(kMaxSimulateReplicas) + ", got " +
                                   std::to_string(replicas));
  }
  const api::Pod& pod = request->pod;
  if (pod.metadata.name.empty() && pod.metadata.generate_name.empty()) {
    return JsonErrorReply(400, "pod.metadata.name: missing required field (or give pod.metadata.generateName)");
  }
  if (!HasClaims(pod)) {
    return JsonErrorReply(400, "pod.spec.resourceClaims: the pod has no claims (allot's filter passes such a pod "
                               "on every node; there is nothing to simulate)");
  }

  auto state = LoadRequestState(ctx);
  if (!state.ok()) {
    const int status = state.status().code() == StatusCode::kUnavailable ? 503 : 500;
    return JsonErrorReply(status, std::string(state.status().message()));
  }
  const ClusterView& view = *state->view;
  auto claims = ResolveClaims(*request, *state);
  if (!claims.ok()) return JsonErrorReply(400, std::string(claims.status().message()));

  // Candidates: the given nodes (each known, once) or every node by name; then kube-scheduler's own filters
  // for nodeName and nodeSelector. Excluded nodes are listed in firstFailure with the reason.
  ExplainInputs explain;
  if (request->nodes.has_value()) {
    std::set<std::string> seen;
    for (size_t i = 0; i < request->nodes->size(); ++i) {
      const std::string& name = (*request->nodes)[i];
      const std::string where = "nodes[" + std::to_string(i) + "]";
      if (view.FindNode(name) == nullptr) {
        return JsonErrorReply(400, where + ": node " + name + " not found in allot's cluster state");
      }
      if (!seen.insert(name).second) return JsonErrorReply(400, where + ": node " + name + " named twice");
      explain.nodes.push_back(name);
    }
  } else {
    for (const auto& [name, node] : *view.nodes) explain.nodes.push_back(name);
    std::sort(explain.nodes.begin(), explain.nodes.end());
  }
  std::vector<const model::Node*> candidates;
  for (const std::string& name : explain.nodes) {
    const model::Node* node = view.FindNode(name);
    if (std::string excluded = ExcludedBy(pod, *node); !excluded.empty()) {
      explain.excluded[name] = std::move(excluded);
    } else {
      candidates.push_back(node);
    }
  }

  alloc::SimulateOptions options;
  options.replicas = static_cast<size_t>(replicas);
  options.score_policy = ctx.options.score_policy;
  options.steps_per_node = ctx.options.max_search_steps;
  options.allocate.cel_cache = &ctx.cel_cache;
  options.allocate.deadline = start + ctx.options.filter_timeout;
  alloc::SimulateResult result = alloc::Simulate(*view.devices, state->allocated, pod, *claims, candidates,
                                                 ctx.options.features, ctx.fanout, options);

  Json placements = Json::array();
  for (const alloc::ReplicaPlacement& p : result.placements) placements.push_back(PlacementJson(p));
  Json answer = {{"placed", result.placements.size()}, {"replicas", replicas}, {"placements", std::move(placements)}};
  if (result.next.has_value()) {
    explain.pending = result.next->pending;
    explain.pinned = result.next->pinned;
    explain.holders = StateHolders(*state);
    for (const alloc::ReplicaPlacement& p : result.placements) {
      for (const alloc::ClaimPlacement& c : p.allocations) explain.holders.push_back({c.claim, &c.allocation, false});
    }
    answer["firstFailure"] = ExplainAnswer(ctx, view, *result.next->allocated, explain);
  }
  if (!result.error.ok()) {
    std::string error(result.error.message());
    if (result.error.code() == StatusCode::kDeadlineExceeded) {
      error = "deadline of " + std::to_string(ctx.options.filter_timeout.count()) +
              " ms (--filter-timeout-ms) passed after placing " + std::to_string(result.placements.size()) +
              " replicas; more may fit";
    }
    answer["error"] = error;
  }
  return {200, DumpJson(answer)};
}

}  // namespace allot::svc
