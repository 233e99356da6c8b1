// Reading the device metadata files a DRA driver mounts into a container: the C++ counterpart of Go's
// k8s.io/dynamic-resource-allocation/devicemetadata (v0.37.2) Read* functions, for programs running inside a
// container (or tests and tools pointing `root` at a copy). Path rules and the file format are in
// api/k8s/device_metadata.h; decoding is DecodeDeviceMetadataStream (first object of a known apiVersion).
//
//   StatusOr<api::DeviceMetadata> md = api::ReadResourceClaimMetadata("my-claim", "gpu");
//   for (const auto& device : md->requests[0].devices) use(device.attributes.at("model"));
//
// Names (claim, podClaimName, request, driver) must be non-empty, not "." or "..", and contain no '/' (a
// request may be given as "<request>/<subrequest>": the file is the request's); else InvalidArgument. A missing
// file or directory is NotFound; a file that does not decode is InvalidArgument prefixed with its path.
//
// Thread safety: reentrant (reads the file system, no shared state).
#pragma once

#include <string>
#include <string_view>

#include "api/k8s/device_metadata.h"
#include "base/status.h"

namespace allot::api {

// One file, decoded; the result keeps the apiVersion and the claim's metadata as written.
StatusOr<DeviceMetadata> ReadDeviceMetadataFile(const std::string& path);

// One driver's file of a claim named in the pod spec / of a pod claim entry made from a template.
StatusOr<DeviceMetadata> ReadResourceClaimMetadataWithDriverName(
    std::string_view driver, std::string_view claim_name, std::string_view request,
    std::string_view root = kDeviceMetadataContainerDir);
StatusOr<DeviceMetadata> ReadResourceClaimTemplateMetadataWithDriverName(
    std::string_view driver, std::string_view pod_claim_name, std::string_view request,
    std::string_view root = kDeviceMetadataContainerDir);

// Every driver's file of the request directory (every "*-metadata.json", in name order), merged as Go merges
// them: podClaimName of the first file that has one; requests by name in first-seen order, the devices of a
// name concatenated. Like Go, the merged document has no apiVersion, kind or metadata. NotFound when the
// directory has no metadata file.
StatusOr<DeviceMetadata> ReadResourceClaimMetadata(std::string_view claim_name, std::string_view request,
                                                   std::string_view root = kDeviceMetadataContainerDir);
StatusOr<DeviceMetadata> ReadResourceClaimTemplateMetadata(std::string_view pod_claim_name, std::string_view request,
                                                           std::string_view root = kDeviceMetadataContainerDir);

}  // namespace allot::api
