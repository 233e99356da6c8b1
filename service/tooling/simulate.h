// POST /api/v1/simulate: how many copies of a pod fit right now, placed one after another as filter ->
// prioritize -> bind would place them (issue 13 §3; request and answer in docs/tooling.md, "Simulate").
//
//   body   {"pod": <Pod>, "claims": [<ResourceClaim>…], "templates": [<ResourceClaimTemplate>…],
//           "replicas": N (default 1, at most kMaxSimulateReplicas), "nodes": [names] (default every node)}
//   200    {"placed": k, "replicas": N, "placements": [{"pod", "node", "allocations": [{"claim", "results"}]}],
//           "firstFailure": <the explain answer for replica k+1>?, "error": "<why it stopped early>"?}
//   400    {"error": "<json path>: <problem>"}: a body that does not decode, replicas out of range, a pod
//          without name or claims, a claim or template the pod names but nobody gives, an unknown node
//   503    before the store synced
//
// Same state and code as the verbs: LoadRequestState (the published view plus in-flight reservations), the
// view's device index, the verbs' CEL cache, fan-out and search-step budget, alloc::Simulate (Allocate, the
// prioritize scoring with --score-policy), and ExplainAnswer (explain.h) for firstFailure. Nothing is reserved
// or written. The whole simulation has the filter's deadline (--filter-timeout-ms); the firstFailure
// explanation after it has none, like the explain route.
//
// Thread safety: reentrant; reads only thread-safe components of the VerbContext.
#pragma once

#include <cstdint>
#include <string_view>

#include "service/extender/verb_context.h"

namespace allot::svc {

inline constexpr int64_t kMaxSimulateReplicas = 1000;

VerbReply Simulate(const VerbContext& ctx, std::string_view body);

}  // namespace allot::svc
