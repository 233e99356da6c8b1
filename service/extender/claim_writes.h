// The API writes of a bind (extender-and-cluster.md §2.4): per claim, the delete-protection finalizer, then
// status.allocation and status.reservedFor in one status update; and the undo of those writes when a later
// step of the bind fails. Every write has the resourceVersion it read as precondition: a concurrent change is
// a 409 Conflict, retried from a fresh GET up to ExtenderOptions::max_write_attempts times.
//
// Thread safety: stateless functions of their arguments; `kube` and `metrics` are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "service/extender/verb_context.h"

namespace allot::svc {

// One claim of a bind: what to write and what was written.
struct ClaimWrite {
  std::string ns;
  std::string name;
  std::string key;                                  // "ns/name"
  std::optional<api::AllocationResult> allocation;  // to write if the claim is not allocated yet
  bool we_allocated = false;                        // the allocation came from this bind (or its reservation)
  bool wrote_allocation = false;
  bool wrote_reservation = false;
  bool binding_conditions = false;  // some device of the claim's allocation has binding conditions
  std::shared_ptr<const Json> watched;  // the claim as the watch last showed it (may be stale)
};

// Makes `write`'s claim allocated (if it is not) and reserved for `pod`; with the binding-condition gates on
// (ctx.options.features.device_binding_and_status) it also sets allocation.allocationTimestamp when absent, as
// the scheduler does. OK when already both (idempotent retry); kAborted when the claim lost its allocation or was allocated elsewhere meanwhile, or conflicts
// persist; kFailedPrecondition when the claim is being deleted; the API error otherwise.
Status WriteClaim(const VerbContext& ctx, const api::Pod& pod, ClaimWrite& write);

// When to drop the allocation in UndoClaim (with status.devices, which must match it): kIfWritten when this
// bind wrote it; kIfUnreserved whoever wrote it (binding conditions failed or timed out: like the scheduler's
// PostFilter, which deallocates such a claim when no other consumer holds it). Never while others hold it.
enum class Deallocate { kIfWritten, kIfUnreserved };

// Removes `pod` from the claim's reservedFor, and the allocation too as `deallocate` says (then also
// status.devices, which may only describe allocated devices). Best effort: failures are logged and counted
// (allot_bind_undo_total).
//
// Both functions rewrite the claim object they read and change nothing else in it: a driver's status.devices
// entries and fields unknown to allot survive every write that keeps the allocation.
void UndoClaim(const VerbContext& ctx, const api::Pod& pod, const ClaimWrite& write,
               Deallocate deallocate = Deallocate::kIfWritten);

// The pod to bind: the one filter saw under that uid and name, else a GET; kFailedPrecondition when the
// API's pod has another uid.
StatusOr<api::Pod> LookupPod(const VerbContext& ctx, const std::string& ns, const std::string& name,
                             const std::string& uid);

}  // namespace allot::svc
