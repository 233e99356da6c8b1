// GET /api/v1/claims/NS/NAME/metadata: a preview of the device metadata files (KEP-5304) a DRA driver with
// metadata enabled would mount into the containers of a pod using the claim (docs/tooling.md, "Device
// metadata"). The files are built by BuildDeviceMetadataFiles (device_metadata_files.h) from the claim's
// allocation (status.allocation, else bind's in-flight reservation for the claim) and the view's devices,
// read through LoadRequestState like every tooling route.
//
// Query: `version` (optional, at most once): v1alpha1 | v1beta1 (or the full metadata.resource.k8s.io/...
// form); default v1beta1, the version 1.37 writes first.
//
// Answer (200), compact JSON:
//   {"claim": "ns/name", "apiVersion": "metadata.resource.k8s.io/v1beta1", "inFlight": true?,
//    "files": [{"path": "/var/run/kubernetes.io/dra-device-attributes/resourceclaims/<claim>/<request>/<driver>-metadata.json",
//               "driver": D, "request": R,
//               "document": <DeviceMetadata>,
//               "devices": [{"request": R, "pool": P, "device": N, "adminAccess": true?, "shareID": S?,
//                            "capacity": {name: Q}?, "consumedCapacity": {name: Q}?, "inSlices": false?}]}]}
// `inFlight` is set when the allocation is a reservation the watch has not shown yet.
// Errors: 400 {"error": "query parameter <name>: <problem>"}; 404 for a claim the store does not have;
// 409 for a claim that is not allocated (and has no in-flight reservation); 500 for a stored claim that
// does not decode; 503 before the store synced.
//
// Thread safety: a function of thread-safe components; runs on any HTTP worker.
#pragma once

#include <map>
#include <string>

#include "service/extender/verb_context.h"

namespace allot::svc {

VerbReply DeviceMetadataPreview(const VerbContext& ctx, const std::string& claim_namespace,
                                const std::string& claim_name, const std::multimap<std::string, std::string>& params);

}  // namespace allot::svc
