// What the extender verbs (filter.cc, prioritize.cc, bind.cc) share: the components they use, one request's
// state, and small helpers, so that no verb re-types another's.
//
// Thread safety: VerbContext holds references to thread-safe components (see each); it is built once by the
// Extender and read by every request thread. RequestState is one request's, immutable once loaded.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/extender/v1.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "core/index/allocated_state.h"
#include "service/extender/extender_options.h"
#include "service/extender/pod_claims.h"
#include "service/extender/reservations.h"
#include "service/extender/verb_metrics.h"
#include "service/state/cluster_view_publisher.h"
#include "service/watch/kube_client.h"

namespace allot::alloc {
class NodeFanout;
}
namespace allot::cel {
class CompileCache;
}

namespace allot::svc {

class BindingWaiter;
class ExpectedPlacements;
class SeenPods;

// A verb's answer: the HTTP status and the JSON body.
struct VerbReply {
  int status = 200;
  std::string body;
};

struct VerbContext {
  const ExtenderOptions& options;
  ClusterViewPublisher& views;
  ReservationTable& reservations;
  KubeClient& kube;
  const VerbMetrics& metrics;
  alloc::NodeFanout& fanout;
  cel::CompileCache& cel_cache;
  ExpectedPlacements& expected;
  SeenPods& pods;
  Mutex& bind_mu;  // serialises allocate-and-reserve in Bind (guards no field: the step is the critical section)
  BindingWaiter& binding_waiter;  // bind's waits for binding conditions
};

// One request's view of the cluster: the published view plus the in-flight reservations, and the allocated
// state of both.
struct RequestState {
  std::shared_ptr<const ClusterView> view;
  std::vector<Reservation> reservations;
  std::shared_ptr<const index::AllocatedState> allocated;  // never null once loaded
};

// Reads the reservations, then the view (in that order: see ClusterViewPublisher::Current), and combines
// them. kUnavailable before the store synced.
StatusOr<RequestState> LoadRequestState(const VerbContext& ctx);

// The allocated state of `view`'s allocated claims plus the `reservations` whose claims the view does not show
// allocated yet. Shares the view's state when no reservation adds to it.
std::shared_ptr<const index::AllocatedState> WithReservations(const ClusterView& view,
                                                              const std::vector<Reservation>& reservations,
                                                              bool consumable_capacity);

// A pod claim's effective allocation: its status, else an in-flight reservation; nullptr if neither.
const api::AllocationResult* EffectiveAllocation(const PodClaim& claim, const std::vector<Reservation>& reservations);

// Candidate node names of a filter/prioritize request (cache mode NodeNames, else Nodes.items).
std::vector<std::string> CandidateNames(const api::ExtenderArgs& args);

// 400 {"error": "<json path>: <problem>"} for a body that did not decode; counts it for `requests`' verb.
VerbReply BadRequest(const VerbMetrics::Requests& requests, const Status& status);

// `status` with {"error": message}: the error reply of every JSON route.
VerbReply JsonErrorReply(int status, const std::string& message);

// Compact JSON (invalid UTF-8 replaced), as every reply is written.
std::string DumpJson(const Json& json);

// The verbs. `body` is the raw request body; malformed bodies are 400, everything else 200 with the wire
// result (errors in its Error field), as kube-scheduler expects. Wire format: docs/extender-api.md.
VerbReply Filter(const VerbContext& ctx, std::string_view body);
VerbReply Prioritize(const VerbContext& ctx, std::string_view body);
VerbReply Bind(const VerbContext& ctx, std::string_view body);

}  // namespace allot::svc
