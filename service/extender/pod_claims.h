// Resolving a pod's ResourceClaims against a ClusterView, as resourceclaim.Name() and the scheduler's
// DynamicResources PreFilter do:
//   - spec.resourceClaims[i].resourceClaimName is used as is;
//   - a template entry is looked up in status.resourceClaimStatuses; a missing entry means "not created
//     yet" (kUnavailable: the scheduler should retry with backoff); an entry without a name means the
//     claim was intentionally not created and is skipped;
//   - a claim missing from the view is kUnavailable ("not found", it may not be watched yet);
//   - a template-generated claim must be owned by the pod (ownerReferences uid), else kFailedPrecondition;
//   - a claim being deleted is kFailedPrecondition.
// Overrides (POST /api/v1/explain: claims given in the request body, which need not exist yet) replace the
// view's claims for one call: an entry naming claim N (directly or through its status entry) uses the
// override keyed "ns/N" before the view; a template entry without a status entry (its claim not created
// yet) uses the override keyed "ns/<entry name>", else the one annotated
// resource.kubernetes.io/pod-claim-name: <entry name>. An override is not checked for an owner reference
// (a claim that does not exist yet has none); the other rules apply to it as to a stored claim.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <map>
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
  std::shared_ptr<const Json> object;               // as stored; null for an override
  std::shared_ptr<const api::ResourceClaim> claim;  // decoded (shared with the view), or the override
};

// Claims replacing the view's, by "ns/name" (see above).
using ClaimOverrides = std::map<std::string, std::shared_ptr<const api::ResourceClaim>>;

// The pod's claims in spec order, duplicates removed. On failure, `failed_entry` (if given) is set to the
// index in spec.resourceClaims of the entry that failed (for a field path in a 400 message).
StatusOr<std::vector<PodClaim>> ResolvePodClaims(const api::Pod& pod, const ClusterView& view,
                                                 const ClaimOverrides* overrides = nullptr,
                                                 size_t* failed_entry = nullptr);

// True if the pod names any claim in spec.resourceClaims.
inline bool HasClaims(const api::Pod& pod) { return !pod.spec.resource_claims.empty(); }

}  // namespace allot::svc
