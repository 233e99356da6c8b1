#include "service/extender/pod_claims.h"

#include <set>


namespace allot::svc {

StatusOr<std::vector<PodClaim>> ResolvePodClaims(const api::Pod& pod, const ClusterView& view) {
  const std::string& ns = pod.metadata.namespace_.empty() ? std::string("default") : pod.metadata.namespace_;
  std::vector<PodClaim> out;
  std::set<std::string> seen;
  for (const auto& entry : pod.spec.resource_claims) {
    std::string name;
    bool from_template = false;
    if (entry.resource_claim_name.has_value() && !entry.resource_claim_name->empty()) {
      name = *entry.resource_claim_name;
    } else if (entry.resource_claim_template_name.has_value()) {
      from_template = true;
      const api::PodResourceClaimStatus* status = nullptr;
      for (const auto& s : pod.status.resource_claim_statuses) {
        if (s.name == entry.name) status = &s;
      }
      if (status == nullptr) {
        return UnavailableError("pod " + ns + "/" + pod.metadata.name + ": claim for pod claim '" + entry.name +
                                "' not created yet");
      }
      if (!status->resource_claim_name.has_value() || status->resource_claim_name->empty()) continue;
      name = *status->resource_claim_name;
    } else {
      return InvalidArgumentError("pod " + ns + "/" + pod.metadata.name + ": spec.resourceClaims '" + entry.name +
                                  "' names neither a claim nor a template");
    }
    std::string key = ns + "/" + name;
    if (!seen.insert(key).second) continue;
    const DecodedClaim* stored = view.FindClaim(key);
    if (stored == nullptr) return UnavailableError("resourceclaim " + key + " not found");
    if (stored->claim == nullptr) return stored->status.WithPrefix("resourceclaim " + key);
    const std::shared_ptr<const api::ResourceClaim>& decoded = stored->claim;
    if (decoded->metadata.deletion_timestamp.has_value()) {
      return FailedPreconditionError("resourceclaim " + key + " is being deleted");
    }
    if (from_template) {
      bool owned = false;
      for (const auto& owner : decoded->metadata.owner_references) owned |= owner.uid == pod.metadata.uid;
      if (!owned) {
        return FailedPreconditionError("resourceclaim " + key + " was not created for pod " + ns + "/" +
                                       pod.metadata.name + " (no owner reference)");
      }
    }
    out.push_back(PodClaim{key, stored->object, decoded});
  }
  return out;
}

}  // namespace allot::svc
