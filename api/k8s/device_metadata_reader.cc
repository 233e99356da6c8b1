#include "api/k8s/device_metadata_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <system_error>
#include <vector>

#include "base/status_macros.h"

namespace allot::api {
namespace {

Status CheckName(const char* what, std::string_view name) {
  if (name.empty()) return InvalidArgumentError(std::string(what) + ": must not be empty");
  if (name == "." || name == "..") return InvalidArgumentError(std::string(what) + ": must not be \".\" or \"..\"");
  if (name.find('/') != std::string_view::npos) {
    return InvalidArgumentError(std::string(what) + ": must not contain '/' (\"" + std::string(name) + "\")");
  }
  return Status();
}

// Checks the names; `request` may carry a "/<subrequest>" suffix (the file is the request's).
Status CheckNames(const char* owner_what, std::string_view owner, std::string_view request,
                  std::string_view driver) {
  ALLOT_RETURN_IF_ERROR(CheckName(owner_what, owner));
  ALLOT_RETURN_IF_ERROR(CheckName("request", BaseRequestName(request)));
  ALLOT_RETURN_IF_ERROR(CheckName("driver", driver));
  return Status();
}

std::string RequestDir(std::string_view root, std::string_view sub, std::string_view owner, std::string_view request) {
  std::string out(root);
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out + "/" + std::string(sub) + "/" + std::string(owner) + "/" + std::string(BaseRequestName(request));
}

StatusOr<DeviceMetadata> ReadRequestDir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() > kDeviceMetadataFileSuffix.size() && name.ends_with(kDeviceMetadataFileSuffix)) {
      files.push_back(it->path().string());
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return InternalError("list metadata files in " + dir + ": " + ec.message());
  }
  if (files.empty()) return NotFoundError("no metadata files found in " + dir);
  std::sort(files.begin(), files.end());

  DeviceMetadata merged;
  std::map<std::string, size_t> request_index;
  for (const std::string& path : files) {
    StatusOr<DeviceMetadata> doc = ReadDeviceMetadataFile(path);
    if (!doc.ok()) return doc.status();
    if (!merged.pod_claim_name) merged.pod_claim_name = doc->pod_claim_name;
    for (DeviceMetadataRequest& request : doc->requests) {
      auto [it, added] = request_index.emplace(request.name, merged.requests.size());
      if (added) {
        merged.requests.push_back(std::move(request));
      } else {
        auto& devices = merged.requests[it->second].devices;
        devices.insert(devices.end(), request.devices.begin(), request.devices.end());
      }
    }
  }
  return merged;
}

}  // namespace

StatusOr<DeviceMetadata> ReadDeviceMetadataFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("open metadata file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return InternalError("read metadata file " + path);
  StatusOr<DeviceMetadata> doc = DecodeDeviceMetadataStream(text.str());
  if (!doc.ok()) return doc.status().WithPrefix(path);
  return doc;
}

StatusOr<DeviceMetadata> ReadResourceClaimMetadataWithDriverName(std::string_view driver, std::string_view claim_name,
                                                                 std::string_view request, std::string_view root) {
  ALLOT_RETURN_IF_ERROR(CheckNames("claim name", claim_name, request, driver));
  return ReadDeviceMetadataFile(ResourceClaimMetadataPath(driver, claim_name, request, root));
}

StatusOr<DeviceMetadata> ReadResourceClaimTemplateMetadataWithDriverName(std::string_view driver,
                                                                         std::string_view pod_claim_name,
                                                                         std::string_view request,
                                                                         std::string_view root) {
  ALLOT_RETURN_IF_ERROR(CheckNames("pod claim name", pod_claim_name, request, driver));
  return ReadDeviceMetadataFile(ResourceClaimTemplateMetadataPath(driver, pod_claim_name, request, root));
}

StatusOr<DeviceMetadata> ReadResourceClaimMetadata(std::string_view claim_name, std::string_view request,
                                                   std::string_view root) {
  ALLOT_RETURN_IF_ERROR(CheckName("claim name", claim_name));
  ALLOT_RETURN_IF_ERROR(CheckName("request", BaseRequestName(request)));
  return ReadRequestDir(RequestDir(root, kResourceClaimsSubDir, claim_name, request));
}

StatusOr<DeviceMetadata> ReadResourceClaimTemplateMetadata(std::string_view pod_claim_name, std::string_view request,
                                                           std::string_view root) {
  ALLOT_RETURN_IF_ERROR(CheckName("pod claim name", pod_claim_name));
  ALLOT_RETURN_IF_ERROR(CheckName("request", BaseRequestName(request)));
  return ReadRequestDir(RequestDir(root, kResourceClaimTemplatesSubDir, pod_claim_name, request));
}

}  // namespace allot::api
