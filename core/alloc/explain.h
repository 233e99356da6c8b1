// Explain: why a pod's claims do not fit on one node, in a fixed set of reason codes (issue 13 §1,
// docs/tooling.md "Explain").
//
//   NodeExplanation e = alloc::ExplainNode(snapshot, allocated, node, {&claim_a, &claim_b}, features, options);
//   e.fits      exactly what alloc::Allocate says for these inputs (it is run to decide it)
//   e.reasons   empty when it fits; else per claim and request (and subrequest) the first stage of the
//               staged narrowing below whose candidate set is empty, with a message naming near misses
//   e.error     set when the allocator fails for a reason outside the codes (invalid pools on the node,
//               search budget, deadline, an input error such as a gated field with the feature off)
//
// Staged narrowing, per request or subrequest, over the node's candidate devices in device order, each
// stage with the allocator's own predicate (core/alloc/search.h; never a second model):
//
//   ClassNotFound           the DeviceClass does not exist
//   NoDevices               no device passes the class's selectors (with per-device node selection and
//                           the binding-conditions gate, as the allocator's IsSelectable does)
//   SelectorMismatch        class devices exist, none passes the request's own selectors
//   SelectorError           a selector failed to compile or to evaluate on a device (the allocator stops
//                           with that error), and no device passes
//   TaintNotTolerated       every remaining device has a NoSchedule/NoExecute taint not tolerated
//   DevicesInUse            every remaining device is allocated (by an allocated claim or an in-flight
//                           reservation, both in `allocated`); admin-access requests skip this stage
//   CountersExhausted       every remaining device needs shared counters that are used up (alone)
//   CapacityExhausted       every remaining device lacks the consumable capacity requested
//   InsufficientDevices     fewer usable devices than the count (also bounded by the shared counters
//                           the devices consume together); for `All` any device lost after the selector
//                           stages; or, when every request passes alone, claims or requests compete for
//                           the same devices
//   ConstraintUnsatisfiable every request of the claim passes alone and the claim fits without its
//                           matchAttribute/distinctAttribute constraints, but not with them
//
// A prioritized-list request reports one reason per subrequest when no subrequest passes. When every
// request passes every stage but Allocate fails, ExplainNode allocates growing prefixes of the claims to
// find the first claim that does not fit (InsufficientDevices if it fits alone, else
// ConstraintUnsatisfiable / InsufficientDevices as above). If even that finds nothing (the allocator's
// reference-compatible quirks), the last claim gets InsufficientDevices, so `fits == false` always comes
// with a reason or an error.
//
// Thread safety: reentrant, like Allocate; concurrent calls may share the snapshot, the allocated state,
// the holders and a cel::CompileCache.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/alloc/allocator.h"
#include "core/alloc/features.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"

namespace allot::alloc {

enum class ReasonCode {
  kClassNotFound,
  kNoDevices,
  kSelectorMismatch,
  kSelectorError,
  kTaintNotTolerated,
  kDevicesInUse,
  kCountersExhausted,
  kCapacityExhausted,
  kInsufficientDevices,
  kConstraintUnsatisfiable,
};
inline constexpr int kReasonCodeCount = 10;

// "ClassNotFound", "NoDevices", ...: the wire names.
std::string_view ReasonCodeName(ReasonCode code);

// A fixed, node-independent description of the code ("all matching devices are allocated"), for texts that
// must read the same on every node that fails for that code (filter's FailedNodes, docs/extender-api.md).
std::string_view ReasonCodeSummary(ReasonCode code);

// The code of an Allocate error that is a reason rather than a failure of the node: kNotFound (a missing
// DeviceClass) is ClassNotFound, a CEL compile or runtime error is SelectorError; nullopt otherwise.
std::optional<ReasonCode> ReasonCodeOfError(const Status& status);

struct Reason {
  std::string claim;    // "ns/name" (or "name")
  std::string request;  // "gpu", "gpu/small" for a subrequest, "a,b" for a constraint over several requests
  ReasonCode code = ReasonCode::kNoDevices;
  std::string message;  // names the near misses; may name the node's devices and other claims
};

// Who holds allocated devices, only to name them in DevicesInUse messages (the decision itself reads the
// AllocatedState). `allocation` must outlive the ExplainNode call.
struct Holder {
  std::string claim;  // "ns/name"
  const api::AllocationResult* allocation = nullptr;
  bool in_flight = false;  // a reservation of a bind in progress, not yet in the claim's status
};

struct ExplainOptions {
  // For the verdict and for the per-claim searches: max_steps, deadline, cancel and cel_cache apply;
  // build_results is ignored (verdicts only).
  Options allocate;
  std::vector<Holder> holders;
  // The caller has just run Allocate with these inputs and it returned no allocation (not an error), so
  // the verdict is not computed again (filter's fan-out explains the nodes it found not to fit). With a
  // wrong claim here `fits` stays false and the reasons may be empty.
  bool known_not_to_fit = false;
  // False: decide the codes only; Reason::message is then empty or a short fixed text (no counting or
  // wording of near misses per device). Filter's texts carry no messages; this keeps explaining thousands
  // of failing nodes cheap. The codes are the same either way.
  bool messages = true;
};

struct NodeExplanation {
  bool fits = false;
  std::vector<Reason> reasons;
  Status error;  // OK unless the allocator failed outside the codes (see above)
};

// `claims` are the pod's unallocated claims in pod order, as for Allocate.
NodeExplanation ExplainNode(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                            const model::Node& node, const std::vector<const api::ResourceClaim*>& claims,
                            const Features& features, const ExplainOptions& options = {});

}  // namespace allot::alloc
