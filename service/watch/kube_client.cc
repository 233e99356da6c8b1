#include "service/watch/kube_client.h"

#include <utility>

namespace allot::svc {

std::string ResourceType::CollectionPath(std::string_view ns) const {
  std::string path = api_path;
  if (namespaced && !ns.empty()) {
    path += "/namespaces/";
    path += ns;
  }
  path += "/";
  path += resource;
  return path;
}

std::string ResourceType::ObjectPath(std::string_view ns, std::string_view name) const {
  std::string path = CollectionPath(ns);
  path += "/";
  path += name;
  return path;
}

std::string ResourceType::ApiVersion() const {
  if (api_path == "/api/v1") return "v1";
  constexpr std::string_view kApis = "/apis/";
  if (api_path.rfind(kApis, 0) == 0) return api_path.substr(kApis.size());
  return api_path;
}

const ResourceType& NodesResource() {
  static const ResourceType t{"/api/v1", "nodes", "Node", false};
  return t;
}
const ResourceType& PodsResource() {
  static const ResourceType t{"/api/v1", "pods", "Pod", true};
  return t;
}
const ResourceType& ResourceSlicesResource() {
  static const ResourceType t{"/apis/resource.k8s.io/v1", "resourceslices", "ResourceSlice", false};
  return t;
}
const ResourceType& DeviceClassesResource() {
  static const ResourceType t{"/apis/resource.k8s.io/v1", "deviceclasses", "DeviceClass", false};
  return t;
}
const ResourceType& ResourceClaimsResource() {
  static const ResourceType t{"/apis/resource.k8s.io/v1", "resourceclaims", "ResourceClaim", true};
  return t;
}
const ResourceType& DeviceTaintRulesResource() {
  static const ResourceType t{"/apis/resource.k8s.io/v1", "devicetaintrules", "DeviceTaintRule", false};
  return t;
}

namespace {
std::string MetaString(const Json& object, const char* field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto it = meta->find(field);
  if (it == meta->end() || !it->is_string()) return "";
  return it->get<std::string>();
}
}  // namespace

std::string ObjectKey(const Json& object) {
  std::string ns = MetaString(object, "namespace");
  std::string name = MetaString(object, "name");
  return ns.empty() ? name : ns + "/" + name;
}

std::string ResourceVersionOf(const Json& object) { return MetaString(object, "resourceVersion"); }

std::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded: return "ADDED";
    case WatchEventType::kModified: return "MODIFIED";
    case WatchEventType::kDeleted: return "DELETED";
    case WatchEventType::kBookmark: return "BOOKMARK";
    case WatchEventType::kError: return "ERROR";
  }
  return "UNKNOWN";
}

void WatchCancel::Cancel() {
  cancelled_.store(true);
  // The hook runs under mu_: SetInterrupt(nullptr) then waits for it, so the client the hook refers to
  // cannot be destroyed while it runs.
  MutexLock lock(mu_);
  if (interrupt_) interrupt_();
}

void WatchCancel::SetInterrupt(std::function<void()> interrupt) {
  MutexLock lock(mu_);
  interrupt_ = std::move(interrupt);
  if (interrupt_ && cancelled_.load()) interrupt_();
}

namespace {

StatusCode CodeForHttp(int http_code) {
  switch (http_code) {
    case 400:
    case 422: return StatusCode::kInvalidArgument;
    case 401:
    case 403:
    case 410: return StatusCode::kFailedPrecondition;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kAborted;
    case 429: return StatusCode::kUnavailable;
    default: return http_code >= 500 ? StatusCode::kUnavailable : StatusCode::kInternal;
  }
}

bool HasHttpPrefix(const Status& status, std::string_view code) {
  std::string prefix = "HTTP ";
  prefix += code;
  return status.message().find(prefix) != std::string_view::npos;
}

}  // namespace

Status ApiStatusFromHttp(int http_code, std::string_view body, std::string_view what) {
  std::string reason;
  std::string message;
  Json parsed = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    if (auto it = parsed.find("reason"); it != parsed.end() && it->is_string()) reason = it->get<std::string>();
    if (auto it = parsed.find("message"); it != parsed.end() && it->is_string()) message = it->get<std::string>();
  }
  if (message.empty()) message = std::string(body.substr(0, 200));
  std::string text = std::string(what) + ": HTTP " + std::to_string(http_code);
  if (!reason.empty()) text += " " + reason;
  text += ": " + message;
  return Status(CodeForHttp(http_code), std::move(text));
}

bool IsNotFound(const Status& status) { return status.code() == StatusCode::kNotFound; }

Status StaleResourceVersion(const ResourceType& type, std::string_view name, std::string_view current,
                            std::string_view expected) {
  return AbortedError("HTTP 409 Conflict: " + type.resource + " " + std::string(name) + " changed (resourceVersion " +
                      std::string(current) + ", expected " + std::string(expected) + ")");
}

bool IsConflict(const Status& status) { return status.code() == StatusCode::kAborted && HasHttpPrefix(status, "409"); }

bool IsGone(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition &&
         (HasHttpPrefix(status, "410") || status.message().find("too old resource version") != std::string_view::npos);
}

Status StatusFromWatchError(const Json& status_object) {
  int code = 500;
  if (auto it = status_object.find("code"); it != status_object.end() && it->is_number_integer()) code = it->get<int>();
  std::string message = "unknown watch error";
  if (auto it = status_object.find("message"); it != status_object.end() && it->is_string()) {
    message = it->get<std::string>();
  }
  // "too old resource version" arrives with code 410; some servers historically sent 500 with that text.
  if (message.find("too old resource version") != std::string::npos) code = 410;
  return ApiStatusFromHttp(code, status_object.dump(), "watch");
}

StatusOr<Json> KubeClient::AddFinalizer(const ResourceType& type, std::string_view ns, std::string_view name,
                                        std::string_view resource_version, std::string_view finalizer) {
  auto current = Get(type, ns, name);
  if (!current.ok()) return current.status();
  const Json& meta = (*current)["metadata"];
  if (ResourceVersionOf(*current) != resource_version) {
    return StaleResourceVersion(type, name, ResourceVersionOf(*current), resource_version);
  }
  const bool has_list = meta.contains("finalizers") && meta["finalizers"].is_array();
  if (has_list) {
    for (const auto& f : meta["finalizers"]) {
      if (f == finalizer) return current;
    }
  }
  // "replace" of resourceVersion with the value read makes a concurrent change a 409 Conflict.
  Json patch = Json::array();
  patch.push_back({{"op", "replace"}, {"path", "/metadata/resourceVersion"}, {"value", resource_version}});
  if (has_list) {
    patch.push_back({{"op", "add"}, {"path", "/metadata/finalizers/-"}, {"value", finalizer}});
  } else {
    patch.push_back({{"op", "add"}, {"path", "/metadata/finalizers"}, {"value", Json::array({finalizer})}});
  }
  return Patch(type, ns, name, "application/json-patch+json", patch);
}

}  // namespace allot::svc
