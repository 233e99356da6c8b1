// POST /api/v1/explain: why a pod does not fit, per node, in the reason codes of core/alloc/explain.h
// (issue 13 §1; request and answer in docs/tooling.md, "Explain").
//
//   body   {"podRef": {"namespace": N, "name": P}}          the pod as the API server has it (VerbContext::kube)
//          {"pod": <Pod>, "claims": [<ResourceClaim>…]}     a pod (and claims) that need not exist yet
//          either with "nodes": [names] (default: every node of the view, by name)
//   200    {"fits": [names], "nodes": [{"node", "fits", "reasons": [{"claim", "request", "code", "message"}],
//           "error"?}], "summary": "1/6 nodes fit; 2 SelectorMismatch, …"}
//   400    {"error": "<json path>: <problem>"} for a body that does not decode or names no pod / an unknown claim
//   404    podRef names no pod;  502 the API server failed;  503 before the store synced
//
// The answer comes from the same state as filter and bind: LoadRequestState (the published view plus the
// in-flight reservations), the view's device index, the verbs' CEL cache and search-step budget, and
// alloc::Allocate for each node's verdict. The pod's claims are resolved by filter's ResolvePodClaims
// (service/extender/pod_claims.h) with the claims given in the body as overrides: they replace the store's
// claims of the same name and stand in for template claims not created yet; they are not written anywhere.
// A resolution failure (claim missing, being deleted, a template claim not owned by the pod) is a 400 naming
// pod.spec.resourceClaims[i].
//
// Thread safety: reentrant; reads only thread-safe components of the VerbContext.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/alloc/explain.h"
#include "core/model/node_selector.h"
#include "service/extender/verb_context.h"

namespace allot::svc {

VerbReply Explain(const VerbContext& ctx, std::string_view body);

// One explain answer's inputs, for routes that build the pod's claims themselves (simulate's firstFailure).
struct ExplainInputs {
  std::vector<const api::ResourceClaim*> pending;                   // unallocated claims, in pod order
  std::vector<std::pair<std::string, model::NodeSelector>> pinned;  // allocated claims: "ns/name", nodeSelector
  std::vector<alloc::Holder> holders;                               // who holds devices (DevicesInUse messages)
  std::vector<std::string> nodes;                                   // the nodes to explain, in answer order
  std::map<std::string, std::string> excluded;                      // node -> error: listed, not judged
};

// The explain answer {"fits", "nodes", "summary"} for `inputs`, judged against `view`'s devices and
// `allocated` (which must belong to them), with the verbs' CEL cache and search budget.
Json ExplainAnswer(const VerbContext& ctx, const ClusterView& view, const index::AllocatedState& allocated,
                   const ExplainInputs& inputs);

// The holders of `state`'s devices: the view's allocated claims and the in-flight reservations.
std::vector<alloc::Holder> StateHolders(const RequestState& state);

}  // namespace allot::svc
