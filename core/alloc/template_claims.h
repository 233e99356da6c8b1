// The ResourceClaims that Kubernetes' resourceclaim controller would create for a pod's template entries,
// without creating anything: what `simulate` (core/alloc/simulate.h) allocates for each replica of a pod.
//
//   api::ResourceClaim c = alloc::MintTemplateClaim(pod, pod.spec.resource_claims[0], tmpl, GeneratedNameSuffix(3));
//
// The controller (pkg/controller/resourceclaim, handleClaim) creates the claim with
//   generateName  <pod name>-<pod claim name>- ; when that is longer than 57 bytes both parts are cut in
//                 proportion to their length and joined by "-" (no trailing "-"), as the controller does;
//                 the API server then appends 5 random characters
//   namespace     the pod's
//   annotations   the template's spec.metadata.annotations plus resource.kubernetes.io/pod-claim-name: <entry>
//   labels        the template's spec.metadata.labels
//   owner         the pod (apiVersion v1, kind Pod, controller and blockOwnerDeletion true)
//   spec          the template's spec.spec
// Here the 5 characters are GeneratedNameSuffix(n), deterministic, from the API server's alphabet, so that
// simulated names look real and repeat from call to call. Nothing is looked up: the name may equal an
// existing claim's (harmless: nothing is written).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"

namespace allot::alloc {

// The annotation naming the pod claim entry a generated claim was made for.
inline constexpr char kPodClaimNameAnnotation[] = "resource.kubernetes.io/pod-claim-name";

// Five characters of the API server's generateName alphabet ("bcdfghjklmnpqrstvwxz2456789"), the digits of
// n in base 27 (n modulo 27^5); distinct for distinct n below 14,348,907.
std::string GeneratedNameSuffix(uint64_t n);

// The controller's generateName for `entry` of `pod` (see above).
std::string TemplateClaimGenerateName(std::string_view pod_name, std::string_view entry_name);

// The claim the controller would create for `entry` of `pod` from `tmpl`, named generateName + `suffix`.
api::ResourceClaim MintTemplateClaim(const api::Pod& pod, const api::PodResourceClaim& entry,
                                     const api::ResourceClaimTemplate& tmpl, std::string_view suffix);

}  // namespace allot::alloc
