// Metadata edits on Kubernetes objects in their protobuf encoding, done at the wire level (no schema).
//
// Why: the API server keeps opaque fields (runtime.RawExtension, e.g. a ResourceClaim's
// spec.devices.config[].opaque.parameters) as the exact bytes a client sent. A JSON read returns them
// compacted, and every JSON write path (PUT, merge/strategic/JSON patch) re-decodes them from that
// compacted JSON; if the stored bytes had whitespace (a client that sent pretty-printed JSON or wrote over
// protobuf), the bytes differ and the server rejects the update of the immutable spec with
// "spec: Invalid value: null: field is immutable". A protobuf read-modify-write carries those bytes through
// untouched, which is what kube-scheduler's in-tree plugin does. See docs/service.md ("Finalizer writes").
//
// Format: "k8s\0" followed by a runtime.Unknown message {1: typeMeta, 2: raw, 3: contentEncoding,
// 4: contentType}; raw is the object, whose field 1 is metav1.ObjectMeta (6: resourceVersion,
// 14: finalizers). Fields are kept in their order; unknown fields are preserved.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace allot::svc {

inline constexpr std::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";

// The ObjectMeta fields the finalizer write needs.
struct ProtobufObjectMeta {
  std::string name;
  std::string resource_version;
  std::vector<std::string> finalizers;
};

// Reads metadata from an enveloped object. kInvalidArgument for anything that is not well-formed.
StatusOr<ProtobufObjectMeta> ReadProtobufObjectMeta(std::string_view envelope);

// Returns the envelope with `finalizer` appended to metadata.finalizers (unchanged if already present).
StatusOr<std::string> AddFinalizerToProtobufObject(std::string_view envelope, std::string_view finalizer);

// Returns the envelope with every occurrence of `finalizer` removed from metadata.finalizers.
StatusOr<std::string> RemoveFinalizerFromProtobufObject(std::string_view envelope, std::string_view finalizer);

}  // namespace allot::svc
