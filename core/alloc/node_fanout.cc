#include "core/alloc/node_fanout.h"

#include <chrono>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <utility>

#include "base/thread_annotations.h"
#include "core/cel/selector.h"

namespace allot::alloc {
namespace {

// The reasons of a node Allocate found not to fit, under the node's deadline and step budget; an
// explanation that does not finish leaves `v->reasons` empty and the verdict as it is.
void Explain(const index::Snapshot& snapshot, const index::AllocatedState& allocated, const model::Node& node,
             const std::vector<const api::ResourceClaim*>& claims, const Features& features,
             const FanoutOptions& options, NodeVerdict* v) {
  ExplainOptions explain;
  explain.allocate = options.allocate;
  explain.allocate.stats = nullptr;
  explain.allocate.max_steps = options.steps_per_node;
  explain.known_not_to_fit = true;
  explain.messages = false;  // codes only, no holders: filter's texts name neither devices nor other claims
  if (!CheckInterrupted(explain.allocate, node.name).ok()) return;
  const auto start = std::chrono::steady_clock::now();
  NodeExplanation e = ExplainNode(snapshot, allocated, node, claims, features, explain);
  v->explain_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (e.error.ok() && !e.fits) v->reasons = std::move(e.reasons);
}

NodeVerdict Evaluate(const index::Snapshot& snapshot, const index::AllocatedState& allocated, const model::Node& node,
                     const std::vector<const api::ResourceClaim*>& claims, const Features& features,
                     const FanoutOptions& options) {
  Options o = options.allocate;
  AllocateStats stats;
  o.stats = &stats;
  o.max_steps = options.steps_per_node;
  NodeVerdict v;
  // Nodes not started before the deadline (or after cancellation) are not evaluated at all:
  // kError with kDeadlineExceeded / kCancelled, which the service reports as an error.
  if (Status interrupted = CheckInterrupted(o, node.name); !interrupted.ok()) {
    v.kind = NodeVerdict::Kind::kError;
    v.status = std::move(interrupted);
    return v;
  }
  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::optional<AllocationResults>> r = Allocate(snapshot, allocated, node, claims, features, o);
  v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  v.steps = stats.steps;
  v.selector_evaluations = stats.selector_evaluations;
  v.selector_memo_hits = stats.selector_memo_hits;
  if (!r.ok()) {
    v.kind = IsNodeFailure(r.status()) ? NodeVerdict::Kind::kNodeFailure : NodeVerdict::Kind::kError;
    v.status = r.status();
  } else if (r->has_value()) {
    v.kind = NodeVerdict::Kind::kFits;
    v.results = std::move(**r);
  } else {
    v.kind = NodeVerdict::Kind::kDoesNotFit;
    if (options.explain_failures) Explain(snapshot, allocated, node, claims, features, options, &v);
  }
  return v;
}

}  // namespace

NodeFanout::NodeFanout(size_t threads)
    : threads_(threads == 0 ? 1 : threads), pool_(std::make_unique<boost::asio::thread_pool>(threads_)) {}

NodeFanout::~NodeFanout() {
  pool_->join();
}

std::vector<NodeVerdict> NodeFanout::RunSequential(const index::Snapshot& snapshot,
                                                   const index::AllocatedState& allocated,
                                                   const std::vector<model::Node>& nodes,
                                                   const std::vector<const api::ResourceClaim*>& claims,
                                                   const Features& features, const FanoutOptions& options) {
  std::vector<NodeVerdict> out(nodes.size());
  size_t feasible = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (options.max_feasible != 0 && feasible >= options.max_feasible) break;
    out[i] = Evaluate(snapshot, allocated, nodes[i], claims, features, options);
    if (out[i].kind == NodeVerdict::Kind::kFits) ++feasible;
  }
  return out;
}

std::vector<NodeVerdict> NodeFanout::Run(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                                         const std::vector<model::Node>& nodes,
                                         const std::vector<const api::ResourceClaim*>& claims,
                                         const Features& features, const FanoutOptions& options) {
  std::vector<const model::Node*> pointers;
  pointers.reserve(nodes.size());
  for (const model::Node& node : nodes) pointers.push_back(&node);
  return Run(snapshot, allocated, pointers, claims, features, options);
}

std::vector<NodeVerdict> NodeFanout::Run(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                                         const std::vector<const model::Node*>& nodes,
                                         const std::vector<const api::ResourceClaim*>& claims,
                                         const Features& features, const FanoutOptions& options) {
  const size_t n = nodes.size();
  std::vector<NodeVerdict> out(n);
  if (n == 0) return out;

  // Shared by the worker tasks of this call.
  struct State {
    std::atomic<size_t> next{0};
    std::atomic<size_t> cutoff;  // nodes with index > cutoff are not needed
    Mutex mu;
    CondVar cv;
    std::vector<char> done ALLOT_GUARDED_BY(mu);
    size_t watermark ALLOT_GUARDED_BY(mu) = 0;  // all indices < watermark are done
    size_t feasible_prefix ALLOT_GUARDED_BY(mu) = 0;
    size_t running ALLOT_GUARDED_BY(mu) = 0;
  } st;
  st.cutoff.store(n, std::memory_order_relaxed);
  const size_t workers = std::min(threads_, n);
  {
    MutexLock lock(st.mu);  // no worker runs yet; the lock is for the analysis
    st.done.assign(n, 0);
    st.running = workers;
  }
  auto work = [&] {
    for (;;) {
      const size_t i = st.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= n || i > st.cutoff.load(std::memory_order_acquire)) break;
      NodeVerdict v = Evaluate(snapshot, allocated, *nodes[i], claims, features, options);
      if (options.max_feasible == 0) {  // every node is evaluated: each task writes only its own slots
        out[i] = std::move(v);
        continue;
      }
      MutexLock lock(st.mu);
      out[i] = std::move(v);
      st.done[i] = 1;
      while (st.watermark < n && st.done[st.watermark]) {
        if (out[st.watermark].kind == NodeVerdict::Kind::kFits) {
          ++st.feasible_prefix;
          if (st.feasible_prefix == options.max_feasible) st.cutoff.store(st.watermark, std::memory_order_release);
        }
        ++st.watermark;
      }
    }
    MutexLock lock(st.mu);
    if (--st.running == 0) st.cv.NotifyAll();
  };
  for (size_t w = 0; w < workers; ++w) boost::asio::post(*pool_, work);
  {
    MutexLock lock(st.mu);
    while (st.running != 0) st.cv.Wait(st.mu);
  }
  // Determinism: report exactly what a sequential scan stopping at the cutoff reports.
  const size_t cutoff = st.cutoff.load();
  for (size_t i = cutoff + 1; i < n; ++i) out[i] = NodeVerdict{};
  return out;
}

}  // namespace allot::alloc
