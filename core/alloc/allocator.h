// The allocator: decides which devices satisfy a pod's ResourceClaims on one node, exactly as
// the Kubernetes 1.36 structured allocator (incubating/experimental variant, deterministic
// device order) does — see /work/shared/docs/dra-semantics.md §8 and docs/allocator.md.
//
//   StatusOr<std::optional<std::vector<api::AllocationResult>>> r =
//       alloc::Allocate(snapshot, allocated_state, node, {&claim_a, &claim_b}, features, options);
//
//   * r.ok() && r->has_value(): one AllocationResult per input claim, same order (results in
//     the order the devices were chosen; config; nodeSelector). shareIDs are fresh UUIDv4s.
//   * r.ok() && !r->has_value(): the claims do not fit on this node (the reference's nil, nil).
//   * !r.ok() && IsNodeFailure(r.status()): the node cannot be used because an invalid
//     resource pool was encountered and no solution was found (ErrFailedAllocationOnNode);
//     treat the node as unschedulable, not as a failed scheduling cycle.
//   * other !r.ok(): fatal input problem (CEL compile/runtime error, unknown class, gated
//     field with the feature off, too many devices, ...): kInvalidArgument with the
//     reference's message; kDeadlineExceeded / kCancelled / kResourceExhausted (search budget)
//     from Options.
//
// `claims` are the pod's *unallocated* claims, in pod order; already allocated claims go into
// the AllocatedState instead. The snapshot and allocated state are only read.
//
// Thread safety: Allocate is reentrant; concurrent calls may share the snapshot, the allocated
// state and a cel::CompileCache. Each call owns its search state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/k8s/resource_v1.h"
#include "core/alloc/features.h"
#include "base/status.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"

namespace allot::cel {
class CompileCache;
}

namespace allot::alloc {

struct AllocateStats {
  uint64_t steps = 0;               // search steps (allocateOne invocations)
  uint64_t selector_evaluations = 0;  // CEL evaluations actually run (memo misses)
  uint64_t selector_memo_hits = 0;    // selector results found in the memo
};

// How the result's devices.config is built (dra-semantics.md §8.12.2, docs/semantics-decisions.md).
enum class ConfigSemantics {
  // Kubernetes master (1.37), what the scenario files expect: each claim config at most once;
  // `requests` left empty when an entry covers every request of the claim.
  kMaster,
  // The Kubernetes 1.36.6 release: class configs always name their requests ("req/sub" for a
  // chosen subrequest); a claim config with `requests` is repeated once per claim request it
  // names, each copy keeping the config's `requests` list unchanged.
  kRelease136,
};

struct Options {
  // Replicate the reference's counter leaks (dra-semantics.md §13.3, §13.4) instead of
  // rolling the counters back. Off by default: allot rolls back every tentative step.
  bool reference_compat = false;
  // Maximum number of search steps for this call; 0 = unlimited. Exhaustion is
  // kResourceExhausted "search budget of N steps exhausted".
  uint64_t max_steps = 0;
  // Cut a long search (1,024 steps) when a count or counter bound proves it cannot succeed (Search::
  // ProvablyInfeasible). The answer is the same either way; off only to test exactly that.
  bool infeasibility_check = true;
  // Optional deadline and cancellation flag, checked when Allocate starts, after the node's
  // pools are gathered, and every 256 search steps (see CheckInterrupted).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  const std::atomic<bool>* cancel = nullptr;
  // Shared, thread-safe compile cache; a per-call cache is used when null. With a shared cache, selector
  // results are also memoized in the snapshot (index::SelectorMemo) and reused by later calls.
  cel::CompileCache* cel_cache = nullptr;
  // Generates shareIDs for multi-allocatable devices; default: random UUID v4.
  std::function<std::string()> share_id_generator;
  // Filled in when non-null.
  AllocateStats* stats = nullptr;
  // False: a fitting node yields one empty AllocationResult per claim instead of the real ones (a filter
  // needs only the verdict; building results is a large share of a small allocation's cost).
  bool build_results = true;
  // Result config layout; the default follows Kubernetes master.
  ConfigSemantics config_semantics = ConfigSemantics::kMaster;
};

using AllocationResults = std::vector<api::AllocationResult>;

StatusOr<std::optional<AllocationResults>> Allocate(const index::Snapshot& snapshot,
                                                    const index::AllocatedState& allocated,
                                                    const model::Node& node,
                                                    const std::vector<const api::ResourceClaim*>& claims,
                                                    const Features& features, const Options& options = {});

// kCancelled when options.cancel is set, kDeadlineExceeded ("timed out trying to allocate
// devices on node <node>") when options.deadline has passed, OK otherwise. Cheap; thread-safe.
Status CheckInterrupted(const Options& options, const std::string& node_name);

// True for the per-node "invalid resource pools were encountered" failure.
bool IsNodeFailure(const Status& status);

// Random RFC 4122 version-4 UUID, lower case.
std::string NewUuidV4();

}  // namespace allot::alloc
