// metadata.resource.k8s.io DeviceMetadata: what a DRA driver with device metadata enabled writes into each
// container that uses a ResourceClaim (KEP-5304; Go: k8s.io/dynamic-resource-allocation/api/metadata and
// kubeletplugin/metadata.go, v0.37.2), the in-container path rules, and the file format.
//
// Versions: v1alpha1 (1.36) and v1beta1 (1.37) have the same fields. A metadata file is a concatenated JSON
// stream holding the same document once per version the driver supports, newest first (1.37 writes v1beta1
// then v1alpha1), each object followed by "\n".
//
// Paths inside the container (Go: metadata.ResourceClaimFilePath / ResourceClaimTemplateFilePath):
//   <root>/resourceclaims/<claimName>/<requestName>/<driverName>-metadata.json           a claim named in the pod
//   <root>/resourceclaimtemplates/<podClaimName>/<requestName>/<driverName>-metadata.json  a claim from a template
// with <root> = kDeviceMetadataContainerDir and <requestName> the request without a "/<subrequest>" suffix.
// A driver uses the template form when the claim carries the resource.kubernetes.io/pod-claim-name
// annotation with a non-empty value (that value is the podClaimName).
//
// Thread safety: plain value types and reentrant functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/internal/json_fwd.h"
#include "api/k8s/meta.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"

namespace allot::api {

inline constexpr std::string_view kDeviceMetadataGroup = "metadata.resource.k8s.io";
inline constexpr std::string_view kDeviceMetadataV1alpha1 = "metadata.resource.k8s.io/v1alpha1";
inline constexpr std::string_view kDeviceMetadataV1beta1 = "metadata.resource.k8s.io/v1beta1";
inline constexpr std::string_view kDeviceMetadataKind = "DeviceMetadata";
inline constexpr std::string_view kDeviceMetadataContainerDir = "/var/run/kubernetes.io/dra-device-attributes";
inline constexpr std::string_view kResourceClaimsSubDir = "resourceclaims";
inline constexpr std::string_view kResourceClaimTemplatesSubDir = "resourceclaimtemplates";
inline constexpr std::string_view kDeviceMetadataFileSuffix = "-metadata.json";
// The claim annotation naming the pod's claim entry of a claim made from a template.
inline constexpr std::string_view kPodClaimNameAnnotation = "resource.kubernetes.io/pod-claim-name";

struct DeviceMetadataDevice {
  std::string driver;  // required
  std::string pool;    // required
  std::string name;    // required
  std::map<std::string, DeviceAttribute> attributes;  // keys as the driver writes them
  std::optional<NetworkDeviceData> network_data;      // "networkData"
  bool operator==(const DeviceMetadataDevice&) const = default;
};

struct DeviceMetadataRequest {
  std::string name;  // required: "<request>" or "<request>/<subrequest>", as in the allocation result
  std::vector<DeviceMetadataDevice> devices;
  bool operator==(const DeviceMetadataRequest&) const = default;
};

struct DeviceMetadata {
  std::string api_version;  // kDeviceMetadataV1alpha1 or kDeviceMetadataV1beta1
  std::string kind;         // kDeviceMetadataKind
  ObjectMeta metadata;      // the claim's name, namespace, uid; generation 1 on first write
  std::optional<std::string> pod_claim_name;  // "podClaimName"
  std::vector<DeviceMetadataRequest> requests;
  bool operator==(const DeviceMetadata&) const = default;
};

ALLOT_API_DECLARE_JSON(DeviceMetadataDevice);
ALLOT_API_DECLARE_JSON(DeviceMetadataRequest);
ALLOT_API_DECLARE_JSON(DeviceMetadata);

// The versions allot reads and writes, newest first: {kDeviceMetadataV1beta1, kDeviceMetadataV1alpha1}.
const std::vector<std::string_view>& DeviceMetadataVersions();
bool IsDeviceMetadataVersion(std::string_view api_version);

// "<driver>-metadata.json".
std::string DeviceMetadataFileName(std::string_view driver);
// The request segment of a path: `request` up to its first '/'.
std::string_view BaseRequestName(std::string_view request);
std::string ResourceClaimMetadataPath(std::string_view driver, std::string_view claim_name, std::string_view request,
                                      std::string_view root = kDeviceMetadataContainerDir);
std::string ResourceClaimTemplateMetadataPath(std::string_view driver, std::string_view pod_claim_name,
                                              std::string_view request,
                                              std::string_view root = kDeviceMetadataContainerDir);

// The file a driver writes: `doc` encoded once per entry of `versions` (default: DeviceMetadataVersions(),
// newest first) with apiVersion and kind set, each compact and followed by "\n".
std::string EncodeDeviceMetadataStream(const DeviceMetadata& doc,
                                       const std::vector<std::string_view>& versions = DeviceMetadataVersions());

// Reads a metadata file as Go's devicemetadata.DecodeMetadataFromStream does: the first object of a known
// version wins (its apiVersion and kind are kept in the result). Objects of other apiVersions are skipped.
// Errors (InvalidArgument): text that is not a stream of JSON objects; an object without apiVersion; a known
// version with another kind or fields that do not decode ("object 1 (metadata.resource.k8s.io/v1beta1):
// requests[0].name: missing required field"); no object at all; only unknown versions (listed).
StatusOr<DeviceMetadata> DecodeDeviceMetadataStream(std::string_view text);

}  // namespace allot::api
