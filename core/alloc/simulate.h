// Simulate: how many copies of a pod fit right now, placed one after another exactly as the extender's
// filter -> prioritize -> bind would place them, reserving nothing and writing nothing (issue 13 §3,
// docs/tooling.md "Simulate").
//
//   SimulateResult r = alloc::Simulate(snapshot, allocated, pod, claims, candidates, features, fanout, options);
//   r.placements   one per placed replica, in order: the chosen node and the AllocationResult of every claim
//                  the replica allocated (its template claims, and a direct claim the first time it is placed)
//   r.next         set when fewer than options.replicas were placed and the search can be explained: the next
//                  replica's pending claims, pinned selectors and the allocated state it saw (for ExplainNode)
//   r.error        OK, or why the simulation stopped early: kDeadlineExceeded / kCancelled (options.allocate;
//                  `next` unset, the placements are a lower bound), or a fatal allocator error on the next
//                  replica (CEL runtime error, a gated field with its feature off, ...; `next` set)
//
// Per replica:
//   claims     each template entry gets a fresh claim (MintTemplateClaim, named <pod>-<entry>-<suffix>); a
//              direct claim is shared by every replica: pending until a replica allocates it, then allocated
//              (its devices in the state, its nodeSelector pinning later replicas), as a claim allocated in
//              the cluster or reserved by a bind in flight is from the start (SimulatedPodClaim::allocation)
//   filter     a candidate outside an allocated claim's nodeSelector does not fit; else the pending claims
//              are allocated on it (NodeFanout, verdicts only, options.steps_per_node each). A node whose
//              search budget runs out does not fit (filter reports it as a failed node)
//   prioritize ScoreNodes (scoring.h) over the fitting nodes with options.score_policy, no expected placements
//              (each replica is bound before the next is scored); the best node wins, the first one in
//              candidate order on ties (kube-scheduler would add other plugins' scores and break ties at
//              random)
//   bind       Allocate on that node with results; they are added to the allocated state the next replica
//              sees (index::BuildAllocatedState on top of the previous state)
// A replica whose pending claims fit nowhere stops the simulation.
//
// Allocated state only grows, so a node where the claims did not fit stays unfit; a fitting node is judged
// again only when the state changed where it can see it (the chosen node, or every node when a result device
// is not node-local to the chosen node) or when the replica's pending claims differ from the previous one's.
// The answers are those of judging every node for every replica.
//
// Thread safety: reentrant; the inputs are only read; the fan-out is shared as its contract allows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/alloc/allocator.h"
#include "core/alloc/features.h"
#include "core/alloc/node_fanout.h"
#include "core/alloc/scoring.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"

namespace allot::alloc {

// One entry of the pod's spec.resourceClaims, resolved by the caller. Exactly one of `claim` and
// `from_template` is set; pointers must outlive the Simulate call.
struct SimulatedPodClaim {
  std::string entry;                                          // the pod claim entry's name
  const api::ResourceClaim* claim = nullptr;                  // a direct claim, shared by the replicas
  const api::AllocationResult* allocation = nullptr;          // its allocation (status or in flight), if any
  const api::ResourceClaimTemplate* from_template = nullptr;  // a template: one claim minted per replica
};

struct SimulateOptions {
  size_t replicas = 1;
  ScorePolicy score_policy = ScorePolicy::kPack;
  uint64_t steps_per_node = 0;  // search budget of each Allocate call; 0 = unlimited
  // cel_cache, deadline and cancel (for the whole simulation), share_id_generator, config_semantics.
  Options allocate;
};

struct ClaimPlacement {
  std::string claim;  // "ns/name"
  api::AllocationResult allocation;
};

struct ReplicaPlacement {
  std::string pod;   // the replica's pod name (ReplicaPodName)
  std::string node;
  std::vector<ClaimPlacement> allocations;  // in pod claim order; claims allocated by this replica only
};

// What explain needs to say why the next replica does not fit. Pointers in `pending` point into `minted` or
// into the caller's claims; moving the struct keeps them valid.
struct NextReplica {
  std::string pod;
  std::vector<api::ResourceClaim> minted;                           // its template claims
  std::vector<const api::ResourceClaim*> pending;                   // its unallocated claims, in pod order
  std::vector<std::pair<std::string, model::NodeSelector>> pinned;  // "ns/name" of allocated claims, selector
  std::shared_ptr<const index::AllocatedState> allocated;           // the state it was judged against
};

struct SimulateResult {
  std::vector<ReplicaPlacement> placements;
  std::optional<NextReplica> next;
  Status error;
  uint64_t allocate_calls = 0;  // Allocate runs (filter verdicts + binds), for benchmarks and tests
};

// The name of replica `replica` of `pod`: metadata.name when set (every replica is a copy of that pod), else
// metadata.generateName + GeneratedNameSuffix(replica).
std::string ReplicaPodName(const api::Pod& pod, size_t replica);

// `candidates` in the order ties are broken (the caller's order); they must be in the snapshot's cluster.
// `allocated` is the cluster's allocated state (with in-flight reservations), built against `snapshot`.
SimulateResult Simulate(const index::Snapshot& snapshot, std::shared_ptr<const index::AllocatedState> allocated,
                        const api::Pod& pod, const std::vector<SimulatedPodClaim>& claims,
                        const std::vector<const model::Node*>& candidates, const Features& features,
                        NodeFanout& fanout, const SimulateOptions& options);

}  // namespace allot::alloc
