// Filter: which of the candidate nodes can satisfy the pod's claims. Advisory: nothing is held; bind
// allocates again against the state it sees then.
//
// Per node: a node missing from the view, or outside the node selector of a claim that is already allocated
// (or reserved by an in-flight bind), is unresolvable; otherwise the pending claims are allocated on it by the
// fan-out (verdicts only, no results) within --filter-timeout-ms and --max-search-steps. With --filter-reasons
// (the default) the fan-out also explains each node that does not fit, and its FailedNodes text names the
// reason codes (filter_reasons.h); without it the text is the generic "cannot allocate all claims".
//
// The answer is in the request's form: NodeNames for `nodeCacheCapable: true`; for `nodeCacheCapable: false`
// (full Node objects in `Nodes`) the request's own Node objects that passed, unchanged. Node names are the keys
// of FailedNodes and FailedAndUnresolvableNodes in both modes.
#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "core/alloc/node_fanout.h"
#include "core/cel/selector.h"
#include "core/model/convert.h"
#include "service/extender/filter_reasons.h"
#include "service/extender/seen_pods.h"
#include "service/extender/verb_context.h"
#include "service/metrics/service_metrics.h"

namespace allot::svc {

namespace {

// The member of `object` under `name`, matched as api::Decode matches extender keys (Go's rule: exact, else
// ignoring ASCII case); nullptr when absent, null, or `object` is not an object.
const Json* MemberAnyCase(const Json& object, std::string_view name) {
  return object.is_object() ? api::internal::FindFieldAnyCase(object, name) : nullptr;
}

// Non-cache mode (`nodeCacheCapable: false`): the request's own NodeList (apiVersion, kind, metadata) with only
// the items named in `passed`, each unchanged (value for value) as the scheduler sent it. kube-scheduler builds
// the NodeInfos of its scoring plugins (and of any later extender) from these objects, so they must be the full
// Nodes, not allot's partial model of them (api::Node drops every field allot does not read: addresses, images,
// nodeInfo, podCIDR, managedFields, ...).
Json PassedNodeObjects(const Json& request, const std::vector<std::string>& passed) {
  static const Json kNoList = Json::object();
  const Json* found = MemberAnyCase(request, "Nodes");
  const Json& list = found != nullptr ? *found : kNoList;
  Json out = Json::object();
  for (const char* key : {"apiVersion", "kind"}) {
    if (const Json* value = MemberAnyCase(list, key); value != nullptr && value->is_string()) out[key] = *value;
  }
  const Json* meta = MemberAnyCase(list, "metadata");
  out["metadata"] = meta != nullptr && meta->is_object() ? *meta : Json::object();  // Go always writes it
  Json kept = Json::array();
  const Json* items = MemberAnyCase(list, "items");
  if (items != nullptr && items->is_array()) {
    std::set<std::string_view> keep(passed.begin(), passed.end());
    for (const Json& node : *items) {
      const Json* node_meta = MemberAnyCase(node, "metadata");
      const Json* name = node_meta != nullptr ? MemberAnyCase(*node_meta, "name") : nullptr;
      if (name != nullptr && name->is_string() && keep.count(name->get_ref<const std::string&>()) > 0) {
        kept.push_back(node);
      }
    }
  }
  out["items"] = std::move(kept);
  return out;
}

// The wire result: in cache mode (NodeNames) the names that passed, else (Nodes) the request's Node objects
// that did, unchanged.
std::string FilterReplyBody(const Json& request, const api::ExtenderArgs& args, const std::vector<std::string>& passed,
                            std::map<std::string, std::string> failed, std::map<std::string, std::string> unresolvable,
                            std::string error) {
  api::ExtenderFilterResult result;
  result.failed_nodes = std::move(failed);
  result.failed_and_unresolvable_nodes = std::move(unresolvable);
  result.error = std::move(error);
  if (args.nodes.has_value() && !args.node_names.has_value()) {
    Json out = api::Encode(result);
    out["Nodes"] = PassedNodeObjects(request, passed);
    return DumpJson(out);
  }
  result.node_names = passed;
  return api::EncodeString(result);
}

// Per-node allocation times and selector statistics of one filter call. One histogram update per call, not
// per node (ObserveMultiple): a filter judges thousands of nodes.
void ObserveNodeVerdicts(const VerbMetrics& metrics, const std::vector<alloc::NodeVerdict>& verdicts) {
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
  metrics.node_allocation->ObserveMultiple(increments, sum);
  metrics.cel_evaluations->Increment(static_cast<double>(evaluations));
  metrics.memo_hits->Increment(static_cast<double>(hits));
  metrics.memo_misses->Increment(static_cast<double>(evaluations));
}

}  // namespace

VerbReply Filter(const VerbContext& ctx, std::string_view body) {
  const auto start = std::chrono::steady_clock::now();
  const VerbMetrics& metrics = ctx.metrics;
  auto request = api::ParseJson(body);
  if (!request.ok()) return BadRequest(metrics.filter, request.status());
  auto args = api::Decode<api::ExtenderArgs>(*request);
  if (!args.ok()) return BadRequest(metrics.filter, args.status());
  const std::vector<std::string> names = CandidateNames(*args);
  auto finish = [&](const std::vector<std::string>& passed, std::map<std::string, std::string> failed,
                    std::map<std::string, std::string> unresolvable, std::string error, const char* pod_result) {
    metrics.FilterPods(pod_result).Increment();
    metrics.nodes_passed->Increment(static_cast<double>(passed.size()));
    metrics.nodes_failed->Increment(static_cast<double>(failed.size()));
    metrics.nodes_unresolvable->Increment(static_cast<double>(unresolvable.size()));
    (error.empty() ? metrics.filter.ok : metrics.filter.error)->Increment();
    if (!error.empty()) spdlog::info("filter {}/{}: {}", args->pod.metadata.namespace_, args->pod.metadata.name, error);
    return VerbReply{200, FilterReplyBody(*request, *args, passed, std::move(failed), std::move(unresolvable),
                                          std::move(error))};
  };
  if (!HasClaims(args->pod)) return finish(names, {}, {}, "", "no_claims");
  ctx.pods.Remember(args->pod);

  auto state = LoadRequestState(ctx);
  if (!state.ok()) return finish({}, {}, {}, std::string(state.status().message()), "error");
  const ClusterView& view = *state->view;
  auto claims = ResolvePodClaims(args->pod, view);
  if (!claims.ok()) return finish({}, {}, {}, std::string(claims.status().message()), "error");

  std::vector<const api::ResourceClaim*> pending;
  std::vector<model::NodeSelector> pinned;  // node selectors of the pod's allocated (or reserved) claims
  for (const auto& claim : *claims) {
    const api::AllocationResult* allocation = EffectiveAllocation(claim, state->reservations);
    if (allocation == nullptr) {
      pending.push_back(claim.claim.get());
    } else if (allocation->node_selector.has_value()) {
      pinned.push_back(model::ToModel(*allocation->node_selector));
    }
  }

  std::vector<std::string> passed;
  std::map<std::string, std::string> failed;
  std::map<std::string, std::string> unresolvable;
  std::vector<const model::Node*> candidates;  // in the view, which outlives the call
  candidates.reserve(names.size());
  for (const auto& name : names) {
    const model::Node* node = view.FindNode(name);
    if (node == nullptr) {
      unresolvable[name] = "node not found in allot's cluster state";
      continue;
    }
    bool ok = true;
    for (const auto& selector : pinned) {
      auto match = model::Matches(selector, *node);
      if (!match.ok() || !*match) {
        unresolvable[name] = "claim is allocated for other nodes";
        ok = false;
        break;
      }
    }
    if (ok) candidates.push_back(node);
  }
  if (pending.empty()) {
    for (const model::Node* node : candidates) passed.push_back(node->name);
    return finish(passed, std::move(failed), std::move(unresolvable), "", "allocated");
  }

  alloc::FanoutOptions fanout_options;
  fanout_options.allocate.deadline = start + ctx.options.filter_timeout;
  fanout_options.allocate.cel_cache = &ctx.cel_cache;
  fanout_options.steps_per_node = ctx.options.max_search_steps;
  fanout_options.allocate.build_results = false;  // filter needs verdicts; bind allocates again
  fanout_options.explain_failures = ctx.options.filter_reasons;
  auto verdicts = ctx.fanout.Run(*view.devices, *state->allocated, candidates, pending, ctx.options.features,
                                 fanout_options);
  ObserveNodeVerdicts(metrics, verdicts);
  std::string error;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const auto& verdict = verdicts[i];
    const std::string& name = candidates[i]->name;
    switch (verdict.kind) {
      case alloc::NodeVerdict::Kind::kFits: passed.push_back(name); break;
      case alloc::NodeVerdict::Kind::kDoesNotFit: failed[name] = FailedNodeText(verdict.reasons); break;
      case alloc::NodeVerdict::Kind::kNodeFailure:
        failed[name] = "invalid resource pools were encountered";  // the in-tree plugin's wording
        break;
      case alloc::NodeVerdict::Kind::kSkipped: failed[name] = "not evaluated"; break;
      case alloc::NodeVerdict::Kind::kError:
        if (verdict.status.code() == StatusCode::kResourceExhausted) {  // this node's search budget
          // The allocator's message names the node; the scheduler groups texts that are the same.
          failed[name] = "search budget of " + std::to_string(ctx.options.max_search_steps) +
                         " steps exhausted (--max-search-steps)";
        } else if (error.empty()) {
          error = FilterErrorText(verdict.status);
        }
        break;
    }
  }
  metrics.filter_allocation->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!error.empty()) return finish({}, {}, {}, error, "error");
  const char* result = passed.empty() ? "unschedulable" : "allocated";
  return finish(passed, std::move(failed), std::move(unresolvable), "", result);
}

}  // namespace allot::svc
