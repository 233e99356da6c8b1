// The texts of filter's FailedNodes (and of its Error for a fatal input error) in explain's reason codes
// (core/alloc/explain.h; issue 13 §1, docs/extender-api.md "filter").
//
// kube-scheduler groups identical FailedNodes texts across nodes in the pod's FailedScheduling event
// ("0/6 nodes are available: 3 claim gpu-claim, request gpu: DevicesInUse (all matching devices are
// allocated), …"), so every text here is built only from what is the same on every node: the claim's
// name (the pod's namespace is implied), the request, the code and the code's fixed summary
// (alloc::ReasonCodeSummary). Never node names, device names, counts or values seen on a node: those are
// explain's messages (POST /api/v1/explain).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "core/alloc/explain.h"

namespace allot::svc {

// The text kube-scheduler gets (and drops into `kubectl describe pod`) when a pod's pending claims do not
// fit on a node; before reasons were computed it was always this.
inline constexpr char kGenericFailedNodeText[] = "cannot allocate all claims";

// "claim gpu-claim, request gpu: DevicesInUse (all matching devices are allocated)", one entry per reason
// in the order given (claims in pod order, requests in claim order), duplicates dropped, joined with "; ".
// kGenericFailedNodeText when `reasons` is empty (the explanation did not finish).
std::string FailedNodeText(const std::vector<alloc::Reason>& reasons);

// filter's Error for an allocator error that fails the whole request: the allocator's message, prefixed
// with its code when it has one ("ClassNotFound: claim c, request gpu: could not retrieve device class x").
std::string FilterErrorText(const Status& status);

}  // namespace allot::svc
