// Extender: the scheduler-extender verbs over the published cluster view and the allocator. It owns what the
// verbs share (verb_context.h) and forwards each request to its verb:
//
//   Filter      which of the candidate nodes can satisfy the pod's claims (filter.cc; advisory, nothing held)
//   Prioritize  0..10 per node by the score policy pack | spread | none (prioritize.cc)
//   Bind        the authoritative allocation: allocate against the latest view plus in-flight binds, reserve
//               in memory at once, write finalizer + claim status (resourceVersion, 409 retry), POST
//               pods/binding, undo the claim writes if anything fails (bind.cc, claim_writes.cc)
//
// Each verb takes the raw request body and returns the HTTP status and response body, so the logic is
// tested without sockets. Malformed bodies are 400 {"error": "<json path>: <problem>"}; everything else
// is 200 with the wire result (errors in its Error field), as kube-scheduler expects.
// Wire format and failure semantics: docs/extender-api.md.
//
// Thread safety: thread-safe. Filter/Prioritize read one ClusterView each and never block on writers;
// Bind serialises only its allocate-and-reserve step (bind_mu_), not the API writes; waits for binding
// conditions run on the BindingWaiter's thread, not under any lock.
#pragma once

#include <memory>
#include <string_view>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "core/alloc/features.h"
#include "core/alloc/scoring.h"
#include "service/extender/binding_waiter.h"
#include "service/extender/expected_placements.h"
#include "service/extender/extender_options.h"
#include "service/extender/reservations.h"
#include "service/extender/seen_pods.h"
#include "service/extender/verb_context.h"
#include "service/extender/verb_metrics.h"
#include "service/metrics/service_metrics.h"
#include "service/state/cluster_view_publisher.h"
#include "service/store/cluster_store.h"
#include "service/watch/kube_client.h"

namespace allot::svc {

using alloc::ParseScorePolicy;
using alloc::ScorePolicy;
// Kubernetes --feature-gates syntax over the 1.37 defaults: alloc::Features::FromGateList (one table of gate
// names for both spellings, core/alloc/features.h).
StatusOr<alloc::Features> ParseFeatureGates(std::string_view text);

class Extender {
 public:
  using Reply = VerbReply;

  // `store`, `kube` and `metrics` must outlive the extender. Registers store listeners (construct before the
  // reflectors start).
  Extender(ClusterStore& store, KubeClient& kube, ServiceMetrics& metrics, ExtenderOptions options);
  ~Extender();

  // True once the view of a synced store has been built and its memos filled (part of /readyz: the first
  // requests would otherwise pay for it against their deadline).
  bool IndexWarm() const { return views_->Ready(); }

  Reply Filter(std::string_view body) { return svc::Filter(context_, body); }
  Reply Prioritize(std::string_view body) { return svc::Prioritize(context_, body); }
  Reply Bind(std::string_view body) { return svc::Bind(context_, body); }

  ReservationTable& reservations() { return reservations_; }
  BindingWaiter& binding_waiter() { return *binding_waiter_; }
  // The published cluster view (the tooling routes read it too).
  ClusterViewPublisher& views() { return *views_; }
  // What the verbs share; other readers of the same state (the tooling routes) use it with LoadRequestState
  // so that their answers come from exactly what filter and bind see.
  const VerbContext& context() const { return context_; }

 private:
  // Fills a new device index's memos before readiness (per-node pool lists, every device class's selector
  // results) with a verdict-only allocation of an `All` request of each class on every node. Without it the
  // first filters after a start pay for that against their deadline: at 5,000 8xH100 nodes about 4 ms per
  // node, and the first four filters ran out of their 4 s. Runs on the view publisher's thread.
  void WarmMemos(const ClusterView& view);

  const ExtenderOptions options_;
  const VerbMetrics metrics_;
  ReservationTable reservations_;
  std::unique_ptr<alloc::NodeFanout> fanout_;
  std::unique_ptr<cel::CompileCache> cel_cache_;
  ExpectedPlacements expected_;
  SeenPods pods_;
  Mutex bind_mu_;  // serialises allocate-and-reserve in Bind (guards no field: the step is the critical section)
  std::unique_ptr<ClusterViewPublisher> views_;  // after what WarmMemos uses: its thread calls it
  // Its waits finish through context_ (claim writes, reservations): ~Extender shuts it down first.
  std::unique_ptr<BindingWaiter> binding_waiter_;
  const VerbContext context_;
};

}  // namespace allot::svc
