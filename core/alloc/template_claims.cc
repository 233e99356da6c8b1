#include "core/alloc/template_claims.h"

namespace allot::alloc {

std::string GeneratedNameSuffix(uint64_t n) {
  static constexpr std::string_view kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out(5, kAlphabet[0]);
  for (size_t i = out.size(); i-- > 0;) {
    out[i] = kAlphabet[n % kAlphabet.size()];
    n /= kAlphabet.size();
  }
  return out;
}

std::string TemplateClaimGenerateName(std::string_view pod_name, std::string_view entry_name) {
  constexpr size_t kMaxBaseLen = 57;  // 63 bytes minus a hyphen and 5 random characters
  std::string name = std::string(pod_name) + "-" + std::string(entry_name) + "-";
  if (name.size() <= kMaxBaseLen) return name;
  const size_t len = name.size();
  return std::string(pod_name.substr(0, pod_name.size() * kMaxBaseLen / len)) + "-" +
         std::string(entry_name.substr(0, entry_name.size() * kMaxBaseLen / len));
}

api::ResourceClaim MintTemplateClaim(const api::Pod& pod, const api::PodResourceClaim& entry,
                                     const api::ResourceClaimTemplate& tmpl, std::string_view suffix) {
  api::ResourceClaim claim;
  claim.api_version = "resource.k8s.io/v1";
  claim.kind = "ResourceClaim";
  claim.metadata.generate_name = TemplateClaimGenerateName(pod.metadata.name, entry.name);
  claim.metadata.name = claim.metadata.generate_name + std::string(suffix);
  claim.metadata.namespace_ = pod.metadata.namespace_.empty() ? "default" : pod.metadata.namespace_;
  claim.metadata.annotations = tmpl.spec.metadata.annotations;
  claim.metadata.annotations[kPodClaimNameAnnotation] = entry.name;
  claim.metadata.labels = tmpl.spec.metadata.labels;
  claim.metadata.owner_references.push_back(
      api::OwnerReference{"v1", "Pod", pod.metadata.name, pod.metadata.uid, true, true});
  claim.spec = tmpl.spec.spec;
  return claim;
}

}  // namespace allot::alloc
