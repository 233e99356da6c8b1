// metadata.resource.k8s.io DeviceMetadata: codecs, path rules, the versioned stream.
#include "api/k8s/device_metadata.h"

#include <sstream>

#include "api/codec.h"
#include "api/internal/json_fields.h"

namespace allot::api {

template <class V>
void Fields(V& v, internal::Visited<V, DeviceMetadataDevice>& o) {
  v.Required("driver", o.driver);
  v.Required("pool", o.pool);
  v.Required("name", o.name);
  v.OmitEmpty("attributes", o.attributes);
  v.OmitEmpty("networkData", o.network_data);
}
ALLOT_API_DEFINE_JSON(DeviceMetadataDevice);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceMetadataRequest>& o) {
  v.Required("name", o.name);
  v.OmitEmpty("devices", o.devices);
}
ALLOT_API_DEFINE_JSON(DeviceMetadataRequest);

template <class V>
void Fields(V& v, internal::Visited<V, DeviceMetadata>& o) {
  internal::KindAndMetadata(v, o);
  v.OmitEmpty("podClaimName", o.pod_claim_name);
  v.OmitEmpty("requests", o.requests);
}
ALLOT_API_DEFINE_JSON(DeviceMetadata);

const std::vector<std::string_view>& DeviceMetadataVersions() {
  static const std::vector<std::string_view> kVersions = {kDeviceMetadataV1beta1, kDeviceMetadataV1alpha1};
  return kVersions;
}

bool IsDeviceMetadataVersion(std::string_view api_version) {
  for (std::string_view v : DeviceMetadataVersions()) {
    if (v == api_version) return true;
  }
  return false;
}

std::string DeviceMetadataFileName(std::string_view driver) {
  return std::string(driver) + std::string(kDeviceMetadataFileSuffix);
}

std::string_view BaseRequestName(std::string_view request) { return request.substr(0, request.find('/')); }

namespace {

std::string JoinPath(std::string_view root, std::string_view sub, std::string_view name, std::string_view request,
                     std::string_view driver) {
  std::string out(root);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  for (std::string_view part : {sub, name, BaseRequestName(request)}) out.append("/").append(part);
  return out + "/" + DeviceMetadataFileName(driver);
}

}  // namespace

std::string ResourceClaimMetadataPath(std::string_view driver, std::string_view claim_name, std::string_view request,
                                      std::string_view root) {
  return JoinPath(root, kResourceClaimsSubDir, claim_name, request, driver);
}

std::string ResourceClaimTemplateMetadataPath(std::string_view driver, std::string_view pod_claim_name,
                                              std::string_view request, std::string_view root) {
  return JoinPath(root, kResourceClaimTemplatesSubDir, pod_claim_name, request, driver);
}

std::string EncodeDeviceMetadataStream(const DeviceMetadata& doc, const std::vector<std::string_view>& versions) {
  std::string out;
  for (std::string_view version : versions) {
    DeviceMetadata versioned = doc;
    versioned.api_version = std::string(version);
    versioned.kind = std::string(kDeviceMetadataKind);
    out += EncodeString(versioned);
    out += '\n';
  }
  return out;
}

StatusOr<DeviceMetadata> DecodeDeviceMetadataStream(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> unknown;
  for (int index = 0;; ++index) {
    in >> std::ws;
    if (in.peek() == std::char_traits<char>::eof()) break;
    nlohmann::json object;
    try {
      in >> object;
    } catch (const nlohmann::json::exception& e) {
      return InvalidArgumentError("object " + std::to_string(index) + ": invalid JSON: " + e.what());
    }
    if (!object.is_object()) {
      return InvalidArgumentError("object " + std::to_string(index) + ": not a JSON object");
    }
    auto api_version = object.find("apiVersion");
    if (api_version == object.end() || !api_version->is_string() || api_version->get<std::string>().empty()) {
      return InvalidArgumentError("object " + std::to_string(index) + ": apiVersion: missing");
    }
    const std::string version = api_version->get<std::string>();
    if (!IsDeviceMetadataVersion(version)) {
      unknown.push_back(version);
      continue;
    }
    const std::string where = "object " + std::to_string(index) + " (" + version + ")";
    auto kind = object.find("kind");
    if (kind == object.end() || !kind->is_string() || kind->get<std::string>() != kDeviceMetadataKind) {
      return InvalidArgumentError(where + ": kind: want " + std::string(kDeviceMetadataKind));
    }
    StatusOr<DeviceMetadata> doc = Decode<DeviceMetadata>(object);
    if (!doc.ok()) return doc.status().WithPrefix(where);
    return doc;
  }
  if (unknown.empty()) return InvalidArgumentError("no metadata objects found in stream");
  std::string list;
  for (const std::string& v : unknown) list += (list.empty() ? "" : ", ") + v;
  return InvalidArgumentError("no compatible metadata version found in stream (unknown versions: " + list + ")");
}

}  // namespace allot::api
