// Resolving a pod's ResourceClaims against a ClusterView, as resourceclaim.Name() and the scheduler's
// DynamicResources PreFilter do:
//   - spec.resourceClaims[i].resourceClaimName is used as is;
//   - a template entry is looked up in status.resourceClaimStatuses; a missing entry means "not created
//     yet" (kUnavailable: the scheduler should retry with backoff); an entry without a name means the
//     claim was intentionally not created and is skipped;
//   - a claim missing from the view is kUnavailable ("not found", it may not be watched yet);
//   - a template-generated claim must be owned by the pod (ownerReferences uid), else kFailedPrecondition;
//   - a claim being deleted is kFailedPrecondition.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "service/state/cluster_view.h"

namespace allot::svc {

struct PodClaim {
  std::string key;                    // "ns/name"
  std::shared_ptr<const Json> object;               // as stored
  std::shared_ptr<const api::ResourceClaim> claim;  // decoded (shared with the view)
};

// The pod's claims in spec order, duplicates removed.
StatusOr<std::vector<PodClaim>> ResolvePodClaims(const api::Pod& pod, const ClusterView& view);

// True if the pod names any claim in spec.resourceClaims.
inline bool HasClaims(const api::Pod& pod) { return !pod.spec.resource_claims.empty(); }

}  // namespace allot::svc
