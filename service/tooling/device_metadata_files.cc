#include "service/tooling/device_metadata_files.h"

#include <utility>

#include "core/model/convert.h"

namespace allot::svc {
namespace {

// The device of the newest generation of (driver, pool) that has it; nullptr if none.
const model::Device* FindModelDevice(const index::Snapshot& snapshot, const std::string& driver,
                                     const std::string& pool, const std::string& name) {
  const std::vector<uint32_t>* slices = snapshot.pool_slices(driver, pool);
  if (slices == nullptr) return nullptr;
  const model::Device* found = nullptr;
  int64_t generation = 0;
  for (uint32_t i : *slices) {
    const model::Slice& slice = *snapshot.slices()[i].slice;
    if (found != nullptr && slice.generation <= generation) continue;
    for (const model::Device& d : slice.devices) {
      if (d.name == name) {
        found = &d;
        generation = slice.generation;
        break;
      }
    }
  }
  return found;
}

const api::AllocatedDeviceStatus* FindDeviceStatus(const api::ResourceClaim& claim,
                                                   const api::DeviceRequestAllocationResult& r) {
  for (const api::AllocatedDeviceStatus& s : claim.status.devices) {
    if (s.driver == r.driver && s.pool == r.pool && s.device == r.device && s.share_id == r.share_id) return &s;
  }
  return nullptr;
}

}  // namespace

StatusOr<std::vector<DeviceMetadataFile>> BuildDeviceMetadataFiles(const api::ResourceClaim& claim,
                                                                   const api::AllocationResult& allocation,
                                                                   const index::Snapshot& devices,
                                                                   std::string_view api_version) {
  if (!api::IsDeviceMetadataVersion(api_version)) {
    return InvalidArgumentError("unknown device metadata version \"" + std::string(api_version) + "\"");
  }
  std::optional<std::string> pod_claim_name;
  if (auto it = claim.metadata.annotations.find(std::string(api::kPodClaimNameAnnotation));
      it != claim.metadata.annotations.end()) {
    pod_claim_name = it->second;
  }
  const bool from_template = pod_claim_name.has_value() && !pod_claim_name->empty();

  std::vector<DeviceMetadataFile> files;
  std::map<std::pair<std::string, std::string>, size_t> file_index;  // (base request, driver) -> files[i]
  for (const api::DeviceRequestAllocationResult& r : allocation.devices.results) {
    const std::string base(api::BaseRequestName(r.request));
    auto [it, added] = file_index.emplace(std::make_pair(base, r.driver), files.size());
    if (added) {
      DeviceMetadataFile file;
      file.driver = r.driver;
      file.request = base;
      file.path = from_template ? api::ResourceClaimTemplateMetadataPath(r.driver, *pod_claim_name, base)
                                : api::ResourceClaimMetadataPath(r.driver, claim.metadata.name, base);
      api::DeviceMetadata& doc = file.document;
      doc.api_version = std::string(api_version);
      doc.kind = std::string(api::kDeviceMetadataKind);
      doc.metadata.name = claim.metadata.name;
      doc.metadata.namespace_ = claim.metadata.namespace_;
      doc.metadata.uid = claim.metadata.uid;
      doc.metadata.generation = 1;
      doc.pod_claim_name = pod_claim_name;
      files.push_back(std::move(file));
    }
    DeviceMetadataFile& file = files[it->second];

    api::DeviceMetadataRequest* request = nullptr;
    for (auto& entry : file.document.requests) {
      if (entry.name == r.request) request = &entry;
    }
    if (request == nullptr) {
      file.document.requests.push_back(api::DeviceMetadataRequest{r.request, {}});
      request = &file.document.requests.back();
    }
    api::DeviceMetadataDevice device;
    device.driver = r.driver;
    device.pool = r.pool;
    device.name = r.device;
    DeviceMetadataDeviceInfo info;
    info.request = r.request;
    info.pool = r.pool;
    info.device = r.device;
    info.admin_access = r.admin_access.value_or(false);
    info.share_id = r.share_id;
    info.consumed_capacity = r.consumed_capacity;
    if (const model::Device* d = FindModelDevice(devices, r.driver, r.pool, r.device); d != nullptr) {
      for (const model::Attribute& a : d->attributes) device.attributes[a.key] = model::ToApi(a);
      for (const model::Capacity& c : d->capacity) info.capacity[c.name] = model::ToApi(c.value);
    } else {
      info.in_slices = false;
    }
    if (const api::AllocatedDeviceStatus* s = FindDeviceStatus(claim, r); s != nullptr) {
      device.network_data = s->network_data;
    }
    request->devices.push_back(std::move(device));
    file.devices.push_back(std::move(info));
  }
  return files;
}

}  // namespace allot::svc
