// NodeFanout: evaluates Allocate() for many candidate nodes in parallel on a bounded
// boost::asio::thread_pool, with the same answers as evaluating them one by one in order.
//
//   alloc::NodeFanout fanout(/*threads=*/2);
//   alloc::FanoutOptions opts;  opts.max_feasible = 3;  opts.steps_per_node = 1'000'000;
//   std::vector<alloc::NodeVerdict> v = fanout.Run(snapshot, state, nodes, claims, features, opts);
//
// Verdicts are index-aligned with `nodes`. Early stop ("enough feasible nodes"): with
// max_feasible = K > 0, only nodes up to and including the K-th feasible node *in input order*
// are reported; later ones are kSkipped — exactly what a sequential scan that stops after K
// feasible nodes reports, independent of thread timing. Each node gets its own search budget
// (steps_per_node); exhausting it yields kError with kResourceExhausted.
// Deadline / cancellation (options.allocate.deadline, .cancel): checked before each node is
// started and inside Allocate. A node started after the deadline, or whose evaluation reaches a
// check after it, gets kError with kDeadlineExceeded (or kCancelled), never kFits; nodes that
// finished in time keep their verdict. Callers should treat any such kError as a timed-out filter.
// Reasons (options.explain_failures): a node found kDoesNotFit is explained by the same worker right after
// its verdict (alloc::ExplainNode with known_not_to_fit and without messages: the codes of the staged
// narrowing, and only when every request passes it alone, the per-claim searches), so explanations run in
// parallel and only for failing nodes.
// They share the node's deadline, cancellation and step budget but never change a verdict: a node whose
// explanation is not started before the deadline, or ends in an error (deadline, budget, …), stays
// kDoesNotFit with empty `reasons`. kFits, kNodeFailure, kError and kSkipped nodes are never explained.
//
// Thread safety: Run() may be called concurrently from several threads (it shares the pool);
// it must not be called from a task running on this fan-out's own pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/alloc/allocator.h"
#include "core/alloc/explain.h"

namespace boost::asio {
class thread_pool;
}

namespace allot::alloc {

struct NodeVerdict {
  enum class Kind {
    kFits,         // results holds one AllocationResult per claim
    kDoesNotFit,   // the reference's (nil, nil)
    kNodeFailure,  // invalid pools on this node (status says why); unschedulable
    kError,        // fatal input error, budget exhausted, deadline or cancellation (status)
    kSkipped,      // not evaluated: enough feasible nodes earlier in the list
  };
  Kind kind = Kind::kSkipped;
  std::optional<AllocationResults> results;
  Status status;
  uint64_t steps = 0;
  uint64_t selector_evaluations = 0;  // AllocateStats of this node's call
  uint64_t selector_memo_hits = 0;
  double seconds = 0;                 // wall time of this node's Allocate (0 if not evaluated)
  // With FanoutOptions::explain_failures, for kDoesNotFit only: ExplainNode's reasons (empty when the
  // explanation did not finish; see above), and the wall time spent on them.
  std::vector<Reason> reasons;
  double explain_seconds = 0;
};

struct FanoutOptions {
  size_t max_feasible = 0;      // 0 = evaluate every node
  uint64_t steps_per_node = 0;  // 0 = unlimited
  Options allocate;             // passed to every Allocate call (stats/max_steps are per node)
  bool explain_failures = false;  // fill NodeVerdict::reasons of kDoesNotFit nodes
};

class NodeFanout {
 public:
  explicit NodeFanout(size_t threads);
  ~NodeFanout();
  NodeFanout(const NodeFanout&) = delete;
  NodeFanout& operator=(const NodeFanout&) = delete;

  std::vector<NodeVerdict> Run(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                               const std::vector<model::Node>& nodes,
                               const std::vector<const api::ResourceClaim*>& claims, const Features& features,
                               const FanoutOptions& options);
  // The same, over nodes owned elsewhere (no copies; the service's node map).
  std::vector<NodeVerdict> Run(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                               const std::vector<const model::Node*>& nodes,
                               const std::vector<const api::ResourceClaim*>& claims, const Features& features,
                               const FanoutOptions& options);

  // The same contract, evaluated on the calling thread (reference for tests).
  static std::vector<NodeVerdict> RunSequential(const index::Snapshot& snapshot,
                                                const index::AllocatedState& allocated,
                                                const std::vector<model::Node>& nodes,
                                                const std::vector<const api::ResourceClaim*>& claims,
                                                const Features& features, const FanoutOptions& options);

 private:
  size_t threads_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace allot::alloc
