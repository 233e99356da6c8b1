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

#include <string_view>

#include "service/extender/verb_context.h"

namespace allot::svc {

VerbReply Explain(const VerbContext& ctx, std::string_view body);

}  // namespace allot::svc
