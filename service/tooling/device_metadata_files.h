// The DeviceMetadata files a DRA driver with device metadata enabled would write for an allocated claim
// (KEP-5304; Go: k8s.io/dynamic-resource-allocation/kubeletplugin/metadata.go v0.37.2), built from the claim's
// allocation and the device index of a ClusterView. Used by GET /api/v1/claims/NS/NAME/metadata
// (device_metadata.h).
//
// One file per (request, driver) of the allocation, in the order the results first name them, as the Go
// writer lays them out:
//   - path: ResourceClaimTemplateMetadataPath(driver, podClaimName, request) when the claim has a non-empty
//     resource.kubernetes.io/pod-claim-name annotation, else ResourceClaimMetadataPath(driver, claim, request);
//     `request` is the base request (a prioritized list's "gpu/small" is written under "gpu");
//   - document: apiVersion `api_version`, metadata {name, namespace, uid, generation: 1}, podClaimName = the
//     annotation when present (also when empty, as Go does), one requests[] entry per distinct result request
//     ("gpu/small" kept whole) with the driver's devices in result order.
// Device fields are what allot knows, not what a driver chooses: attributes are the device's ResourceSlice
// attributes (keys as written in the slice; a driver may write other keys or values), networkData is the
// claim's status.devices entry for the device if any. Admin-access devices are listed like any other (the
// driver prepares them too). Capacities and consumed capacity have no field in DeviceMetadata; they are
// returned beside the document in DeviceMetadataFile::devices.
//
// Thread safety: a pure function of its arguments (the snapshot is immutable).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/device_metadata.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/index/snapshot.h"

namespace allot::svc {

// What the allocation says about one device of a file, beyond the document.
struct DeviceMetadataDeviceInfo {
  std::string request;  // as in the result ("gpu/small" kept whole)
  std::string pool;
  std::string device;
  bool admin_access = false;
  std::optional<std::string> share_id;
  std::map<std::string, api::Quantity> capacity;           // the device's capacities in the ResourceSlice
  std::map<std::string, api::Quantity> consumed_capacity;  // the allocation result's consumedCapacity
  bool in_slices = true;  // false: no ResourceSlice of the view has the device (no attributes then)
};

struct DeviceMetadataFile {
  std::string driver;
  std::string request;  // the base request: the path segment
  std::string path;     // in the container
  api::DeviceMetadata document;
  std::vector<DeviceMetadataDeviceInfo> devices;  // one per device of the document, in result order
};

// `allocation` is the claim's (status.allocation, or an in-flight reservation's). `api_version` must be one
// of api::DeviceMetadataVersions() (InvalidArgument otherwise). An allocation without results gives no files.
StatusOr<std::vector<DeviceMetadataFile>> BuildDeviceMetadataFiles(const api::ResourceClaim& claim,
                                                                   const api::AllocationResult& allocation,
                                                                   const index::Snapshot& devices,
                                                                   std::string_view api_version);

}  // namespace allot::svc
