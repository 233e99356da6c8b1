#include "service/tooling/explain.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/codec.h"
#include "api/tooling/explain.h"
#include "core/alloc/explain.h"
#include "core/model/convert.h"
#include "service/extender/pod_claims.h"

namespace allot::svc {
namespace {

// The pod's claims, resolved as filter resolves them (ResolvePodClaims), with the body's `claims` as overrides.
// A failure is the 400 message, naming the field.
StatusOr<std::vector<PodClaim>> ResolveClaims(const api::Pod& pod, std::vector<api::ResourceClaim> given,
                                              const ClusterView& view) {
  const std::string ns = pod.metadata.namespace_.empty() ? "default" : pod.metadata.namespace_;
  ClaimOverrides overrides;
  std::vector<std::string> given_keys;
  for (size_t j = 0; j < given.size(); ++j) {
    const std::string cns = given[j].metadata.namespace_.empty() ? ns : given[j].metadata.namespace_;
    std::string key = cns + "/" + given[j].metadata.name;
    if (overrides.count(key) != 0) return InvalidArgumentError("claims[" + std::to_string(j) + "]: " + key + " given twice");
    overrides.emplace(key, std::make_shared<const api::ResourceClaim>(std::move(given[j])));
    given_keys.push_back(std::move(key));
  }
  size_t entry = 0;
  auto claims = ResolvePodClaims(pod, view, &overrides, &entry);
  if (!claims.ok()) {
    std::string msg = "pod.spec.resourceClaims[" + std::to_string(entry) + "]: " + std::string(claims.status().message());
    if (claims.status().code() == StatusCode::kUnavailable) {  // not created yet, or not in allot's state
      const std::string& name = pod.spec.resource_claims[entry].name;
      msg += pod.spec.resource_claims[entry].resource_claim_template_name.has_value() &&
                     msg.find("not created yet") != std::string::npos
                 ? " (give it in \"claims\", named \"" + name + "\" or annotated resource.kubernetes.io/pod-claim-name: " +
                       name + ")"
                 : " (give it in \"claims\")";
    }
    return InvalidArgumentError(msg);
  }
  for (size_t j = 0; j < given_keys.size(); ++j) {
    const api::ResourceClaim* claim = overrides[given_keys[j]].get();
    bool used = false;
    for (const PodClaim& c : *claims) used |= c.claim.get() == claim;
    if (!used) return InvalidArgumentError("claims[" + std::to_string(j) + "]: not a claim of the pod");
  }
  return claims;
}

// "1/6 nodes fit; 2 SelectorMismatch, 1 DevicesInUse, 1 error": nodes per code (a node counts once per code).
std::string Summary(const Json& nodes, size_t fitting) {
  std::map<std::string, size_t> counts;
  size_t errors = 0;
  for (const Json& n : nodes) {
    std::set<std::string> codes;
    for (const Json& r : n["reasons"]) codes.insert(r["code"].get<std::string>());
    for (const std::string& c : codes) ++counts[c];
    if (n.contains("error")) ++errors;
  }
  std::vector<std::pair<std::string, size_t>> ordered(counts.begin(), counts.end());
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out = std::to_string(fitting) + "/" + std::to_string(nodes.size()) + " nodes fit";
  std::string detail;
  for (const auto& [code, n] : ordered) detail += (detail.empty() ? "" : ", ") + std::to_string(n) + " " + code;
  if (errors > 0) {
    detail += (detail.empty() ? "" : ", ") + std::to_string(errors) + (errors == 1 ? " error" : " errors");
  }
  return detail.empty() ? out : out + "; " + detail;
}

}  // namespace

std::vector<alloc::Holder> StateHolders(const RequestState& state) {
  std::vector<alloc::Holder> holders;
  for (const auto& held : state.view->allocated->claims) {
    if (!held->status.allocation) continue;
    holders.push_back(alloc::Holder{held->metadata.namespace_ + "/" + held->metadata.name,
                                    &*held->status.allocation, false});
  }
  for (const auto& r : state.reservations) {
    if (state.view->allocated->keys.count(r.claim_key) == 0) holders.push_back({r.claim_key, &r.allocation, true});
  }
  return holders;
}

Json ExplainAnswer(const VerbContext& ctx, const ClusterView& view, const index::AllocatedState& allocated,
                   const ExplainInputs& inputs) {
  alloc::ExplainOptions options;
  options.allocate.cel_cache = &ctx.cel_cache;
  options.allocate.max_steps = ctx.options.max_search_steps;
  options.holders = inputs.holders;
  Json fits = Json::array();
  Json nodes = Json::array();
  for (const std::string& name : inputs.nodes) {
    Json entry = {{"node", name}, {"fits", false}, {"reasons", Json::array()}};
    const model::Node* node = view.FindNode(name);
    std::string error;
    if (node == nullptr) error = "node not found in allot's cluster state";
    if (auto excluded = inputs.excluded.find(name); error.empty() && excluded != inputs.excluded.end()) {
      error = excluded->second;
    }
    for (const auto& [key, selector] : inputs.pinned) {
      if (!error.empty()) break;
      auto match = model::Matches(selector, *node);
      if (!match.ok() || !*match) error = "claim " + key + " is allocated for other nodes";
    }
    if (error.empty() && inputs.pending.empty()) {
      entry["fits"] = true;
    } else if (error.empty()) {
      alloc::NodeExplanation e =
          alloc::ExplainNode(*view.devices, allocated, *node, inputs.pending, ctx.options.features, options);
      entry["fits"] = e.fits;
      for (const alloc::Reason& r : e.reasons) {
        entry["reasons"].push_back({{"claim", r.claim},
                                    {"request", r.request},
                                    {"code", std::string(alloc::ReasonCodeName(r.code))},
                                    {"message", r.message}});
      }
      if (!e.error.ok()) error = std::string(e.error.message());
    }
    if (!error.empty()) entry["error"] = error;
    if (entry["fits"].get<bool>()) fits.push_back(name);
    nodes.push_back(std::move(entry));
  }
  return Json{{"fits", fits}, {"nodes", nodes}, {"summary", Summary(nodes, fits.size())}};
}

VerbReply Explain(const VerbContext& ctx, std::string_view body) {
  auto request = api::Decode<api::ExplainRequest>(body);
  if (!request.ok()) return JsonErrorReply(400, std::string(request.status().message()));
  if (request->pod_ref.has_value() == request->pod.has_value()) {
    return JsonErrorReply(400, request->pod.has_value() ? "podRef: give either podRef or pod, not both"
                                                    : "pod: missing (give podRef or pod)");
  }
  api::Pod pod;
  if (request->pod_ref.has_value()) {
    const api::PodRef& ref = *request->pod_ref;
    const std::string ns = ref.namespace_.empty() ? "default" : ref.namespace_;
    auto object = ctx.kube.Get(PodsResource(), ns, ref.name);
    if (!object.ok()) {
      if (IsNotFound(object.status())) return JsonErrorReply(404, "podRef: pod " + ns + "/" + ref.name + " not found");
      return JsonErrorReply(502, "podRef: reading pod " + ns + "/" + ref.name + ": " +
                                 std::string(object.status().message()));
    }
    auto decoded = api::Decode<api::Pod>(*object);
    if (!decoded.ok()) {
      return JsonErrorReply(502, "podRef: pod " + ns + "/" + ref.name + ": " + std::string(decoded.status().message()));
    }
    pod = std::move(decoded).value();
  } else {
    pod = std::move(*request->pod);
  }

  auto state = LoadRequestState(ctx);
  if (!state.ok()) {
    const int status = state.status().code() == StatusCode::kUnavailable ? 503 : 500;
    return JsonErrorReply(status, std::string(state.status().message()));
  }
  const ClusterView& view = *state->view;
  auto claims = ResolveClaims(pod, std::move(request->claims), view);
  if (!claims.ok()) return JsonErrorReply(400, std::string(claims.status().message()));

  // As filter: allocated (or reserved) claims pin the pod to their nodes, the others are allocated per node.
  ExplainInputs inputs;
  for (const PodClaim& c : *claims) {
    const api::AllocationResult* allocation = EffectiveAllocation(c, state->reservations);
    if (allocation == nullptr) {
      inputs.pending.push_back(c.claim.get());
    } else if (allocation->node_selector.has_value()) {
      inputs.pinned.emplace_back(c.key, model::ToModel(*allocation->node_selector));
    }
  }
  inputs.holders = StateHolders(*state);
  if (request->nodes.has_value()) {
    inputs.nodes = *request->nodes;
  } else {
    for (const auto& [name, node] : *view.nodes) inputs.nodes.push_back(name);
    std::sort(inputs.nodes.begin(), inputs.nodes.end());
  }
  Json answer = ExplainAnswer(ctx, view, *state->allocated, inputs);
  return {200, DumpJson(answer)};
}

}  // namespace allot::svc
