#include "service/extender/pod_claims.h"

#include <set>

namespace allot::svc {
namespace {

constexpr char kPodClaimNameAnnotation[] = "resource.kubernetes.io/pod-claim-name";

// The override for a template entry whose claim is not created yet: keyed by the entry's name, else
// annotated with it.
const api::ResourceClaim* OverrideForTemplate(const ClaimOverrides& overrides, const std::string& ns,
                                              const std::string& entry) {
  if (auto it = overrides.find(ns + "/" + entry); it != overrides.end()) return it->second.get();
  for (const auto& [key, claim] : overrides) {
    if (key.compare(0, ns.size() + 1, ns + "/") != 0) continue;
    auto a = claim->metadata.annotations.find(kPodClaimNameAnnotation);
    if (a != claim->metadata.annotations.end() && a->second == entry) return claim.get();
  }
  return nullptr;
}

}  // namespace

StatusOr<std::vector<PodClaim>> ResolvePodClaims(const api::Pod& pod, const ClusterView& view,
                                                 const ClaimOverrides* overrides, size_t* failed_entry) {
  const std::string& ns = pod.metadata.namespace_.empty() ? std::string("default") : pod.metadata.namespace_;
  std::vector<PodClaim> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < pod.spec.resource_claims.size(); ++i) {
    const api::PodResourceClaim& entry = pod.spec.resource_claims[i];
    if (failed_entry != nullptr) *failed_entry = i;
    std::string name;
    bool from_template = false;
    std::shared_ptr<const api::ResourceClaim> given;
    if (entry.resource_claim_name.has_value() && !entry.resource_claim_name->empty()) {
      name = *entry.resource_claim_name;
    } else if (entry.resource_claim_template_name.has_value()) {
      from_template = true;
      const api::PodResourceClaimStatus* status = nullptr;
      for (const auto& s : pod.status.resource_claim_statuses) {
        if (s.name == entry.name) status = &s;
      }
      if (status == nullptr) {
        const api::ResourceClaim* pending =
            overrides == nullptr ? nullptr : OverrideForTemplate(*overrides, ns, entry.name);
        if (pending == nullptr) {
          return UnavailableError("pod " + ns + "/" + pod.metadata.name + ": claim for pod claim '" + entry.name +
                                  "' not created yet");
        }
        name = pending->metadata.name;
      } else {
        if (!status->resource_claim_name.has_value() || status->resource_claim_name->empty()) continue;
        name = *status->resource_claim_name;
      }
    } else {
      return InvalidArgumentError("pod " + ns + "/" + pod.metadata.name + ": spec.resourceClaims '" + entry.name +
                                  "' names neither a claim nor a template");
    }
    std::string key = ns + "/" + name;
    if (!seen.insert(key).second) continue;
    if (overrides != nullptr) {
      if (auto it = overrides->find(key); it != overrides->end()) given = it->second;
    }
    if (given != nullptr) {
      if (given->metadata.deletion_timestamp.has_value()) {
        return FailedPreconditionError("resourceclaim " + key + " is being deleted");
      }
      out.push_back(PodClaim{key, nullptr, std::move(given)});
      continue;
    }
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
