#include "service/tooling/device_metadata.h"

#include <vector>

#include "api/codec.h"
#include "service/tooling/device_metadata_files.h"

namespace allot::svc {
namespace {

Json QuantityMap(const std::map<std::string, api::Quantity>& quantities) {
  Json out = Json::object();
  for (const auto& [name, q] : quantities) out[name] = q.text;
  return out;
}

Json FileJson(const DeviceMetadataFile& file) {
  Json devices = Json::array();
  for (const DeviceMetadataDeviceInfo& d : file.devices) {
    Json device = {{"request", d.request}, {"pool", d.pool}, {"device", d.device}};
    if (d.admin_access) device["adminAccess"] = true;
    if (d.share_id) device["shareID"] = *d.share_id;
    if (!d.capacity.empty()) device["capacity"] = QuantityMap(d.capacity);
    if (!d.consumed_capacity.empty()) device["consumedCapacity"] = QuantityMap(d.consumed_capacity);
    if (!d.in_slices) device["inSlices"] = false;
    devices.push_back(device);
  }
  return {{"path", file.path}, {"driver", file.driver}, {"request", file.request},
          {"document", api::Encode(file.document)}, {"devices", devices}};
}

}  // namespace

VerbReply DeviceMetadataPreview(const VerbContext& ctx, const std::string& claim_namespace,
                                const std::string& claim_name, const std::multimap<std::string, std::string>& params) {
  std::string version(api::kDeviceMetadataV1beta1);
  for (const auto& [name, value] : params) {
    if (name != "version") return JsonErrorReply(400, "query parameter " + name + ": unknown (known: version)");
    if (params.count(name) > 1) return JsonErrorReply(400, "query parameter version: given more than once");
    version = value.find('/') == std::string::npos ? std::string(api::kDeviceMetadataGroup) + "/" + value : value;
    if (!api::IsDeviceMetadataVersion(version)) {
      return JsonErrorReply(400, "query parameter version: want v1alpha1 or v1beta1 (got \"" + value + "\")");
    }
  }

  StatusOr<RequestState> state = LoadRequestState(ctx);
  if (!state.ok()) {
    return JsonErrorReply(state.status().code() == StatusCode::kUnavailable ? 503 : 500,
                          std::string(state.status().message()));
  }
  const std::string key = claim_namespace + "/" + claim_name;
  const DecodedClaim* decoded = state->view->FindClaim(key);
  if (decoded == nullptr) return JsonErrorReply(404, "resourceclaim " + key + " not found");
  if (decoded->claim == nullptr) {
    return JsonErrorReply(500, "resourceclaim " + key + " does not decode: " + std::string(decoded->status.message()));
  }
  const api::ResourceClaim& claim = *decoded->claim;
  const api::AllocationResult* allocation = claim.status.allocation ? &*claim.status.allocation : nullptr;
  bool in_flight = false;
  if (allocation == nullptr) {
    for (const Reservation& r : state->reservations) {
      if (r.claim_key == key) {
        allocation = &r.allocation;
        in_flight = true;
      }
    }
  }
  if (allocation == nullptr) {
    return JsonErrorReply(409, "resourceclaim " + key +
                                   " is not allocated: a driver writes device metadata only for an allocated claim");
  }
  StatusOr<std::vector<DeviceMetadataFile>> files =
      BuildDeviceMetadataFiles(claim, *allocation, *state->view->devices, version);
  if (!files.ok()) return JsonErrorReply(500, std::string(files.status().message()));

  Json out = {{"claim", key}, {"apiVersion", version}};
  if (in_flight) out["inFlight"] = true;
  Json list = Json::array();
  for (const DeviceMetadataFile& f : *files) list.push_back(FileJson(f));
  out["files"] = list;
  return {200, DumpJson(out)};
}

}  // namespace allot::svc
