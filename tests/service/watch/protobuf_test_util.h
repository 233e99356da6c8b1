// Hand-built protobuf for tests: a minimal writer and an enveloped ResourceClaim ("k8s\0" + runtime.Unknown).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace allot::svc::testing {

inline std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
// A length-delimited field.
inline std::string Bytes(uint32_t field, const std::string& payload) {
  return Varint((uint64_t{field} << 3) | 2) + Varint(payload.size()) + payload;
}
inline std::string VarintField(uint32_t field, uint64_t v) { return Varint(uint64_t{field} << 3) + Varint(v); }

// Claim spec whose opaque parameters have whitespace, as the API server stores what a client sent.
inline const std::string& ClaimSpecBytes() {
  static const std::string spec = Bytes(1, Bytes(1, Bytes(1, "gpu") + Bytes(3, "{\n  \"a\": 1\n}")));
  return spec;
}

// ObjectMeta: name, namespace, resourceVersion, generation, finalizers, then managedFields (a two-byte tag).
inline std::string ClaimMeta(const std::vector<std::string>& finalizers, const std::string& rv = "4711") {
  std::string meta = Bytes(1, "claim-1") + Bytes(3, "ns") + Bytes(6, rv) + VarintField(7, 3);
  for (const auto& f : finalizers) meta += Bytes(14, f);
  meta += Bytes(17, Bytes(1, "kube-scheduler"));
  return meta;
}

inline std::string ClaimEnvelope(const std::string& meta) {
  std::string type_meta = Bytes(1, "resource.k8s.io/v1") + Bytes(2, "ResourceClaim");
  std::string object = Bytes(1, meta) + Bytes(2, ClaimSpecBytes()) + Bytes(3, "");
  return std::string("k8s\0", 4) + Bytes(1, type_meta) + Bytes(2, object) + Bytes(3, "") + Bytes(4, "");
}

}  // namespace allot::svc::testing
