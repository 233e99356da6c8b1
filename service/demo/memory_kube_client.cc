#include "service/demo/memory_kube_client.h"

#include <chrono>
#include <ctime>
#include <utility>
#include <vector>

namespace allot::svc {

const ResourceType* ResourceTypeForKind(std::string_view kind) {
  for (const ResourceType* t : {&NodesResource(), &PodsResource(), &ResourceSlicesResource(), &DeviceClassesResource(),
                                &ResourceClaimsResource(), &DeviceTaintRulesResource()}) {
    if (t->kind == kind) return t;
  }
  return nullptr;
}

namespace {

Status HttpError(int code, const std::string& reason, const std::string& message, std::string_view what) {
  Json status = {{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Failure"},
                 {"reason", reason}, {"code", code},        {"message", message}};
  return ApiStatusFromHttp(code, status.dump(), what);
}

std::string Now() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Meta(const Json& object, const char* field) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  auto it = meta->find(field);
  return it != meta->end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Key(std::string_view ns, std::string_view name) {
  return ns.empty() ? std::string(name) : std::string(ns) + "/" + std::string(name);
}

}  // namespace

MemoryKubeClient::~MemoryKubeClient() { Shutdown(); }

void MemoryKubeClient::Shutdown() {
  {
    MutexLock lock(mu_);
    shutdown_ = true;
  }
  cv_.NotifyAll();
}

int64_t MemoryKubeClient::current_resource_version() const {
  MutexLock lock(mu_);
  return resource_version_;
}

void MemoryKubeClient::CompactForTest() {
  MutexLock lock(mu_);
  history_.clear();
  compacted_before_ = resource_version_;
}

Json MemoryKubeClient::Store(const ResourceType& type, Json object, WatchEventType event_type) {
  ++resource_version_;
  object["metadata"]["resourceVersion"] = std::to_string(resource_version_);
  if (!object.contains("kind")) object["kind"] = type.kind;
  if (!object.contains("apiVersion")) object["apiVersion"] = type.ApiVersion();
  std::string key = ObjectKey(object);
  Text text = std::make_shared<const std::string>(object.dump());
  if (event_type == WatchEventType::kDeleted) {
    Bucket(type).erase(key);
  } else {
    Bucket(type)[key] = text;
  }
  history_.push_back(Event{resource_version_, type.resource, event_type, std::move(text)});
  // Bound the history like etcd compaction does; old resume points then get 410.
  while (history_.size() > 10000) {
    compacted_before_ = history_.front().rv + 1;
    history_.pop_front();
  }
  cv_.NotifyAll();
  return object;
}

StatusOr<Json> MemoryKubeClient::Find(const ResourceType& type, std::string_view ns, std::string_view name) {
  Objects& bucket = Bucket(type);
  auto it = bucket.find(Key(type.namespaced ? ns : "", name));
  if (it == bucket.end()) {
    return HttpError(404, "NotFound", type.resource + " \"" + std::string(name) + "\" not found",
                     "GET " + type.ObjectPath(ns, name));
  }
  return Json::parse(*it->second);
}

StatusOr<Json> MemoryKubeClient::Apply(Json object) {
  const ResourceType* type = ResourceTypeForKind(object.value("kind", ""));
  if (type == nullptr) return InvalidArgumentError("kind: unsupported kind '" + object.value("kind", "") + "'");
  if (Meta(object, "name").empty()) return InvalidArgumentError("metadata.name: missing");
  MutexLock lock(mu_);
  Json copy = std::move(object);
  if (type->namespaced && Meta(copy, "namespace").empty()) copy["metadata"]["namespace"] = "default";
  bool exists = Bucket(*type).count(ObjectKey(copy)) > 0;
  if (!exists) {
    if (Meta(copy, "uid").empty()) copy["metadata"]["uid"] = "uid-" + std::to_string(++uid_counter_);
    if (Meta(copy, "creationTimestamp").empty()) copy["metadata"]["creationTimestamp"] = Now();
  }
  return Store(*type, std::move(copy), exists ? WatchEventType::kModified : WatchEventType::kAdded);
}

Status MemoryKubeClient::Delete(const ResourceType& type, std::string_view ns, std::string_view name) {
  MutexLock lock(mu_);
  auto found = Find(type, ns, name);
  if (!found.ok()) return found.status();
  Store(type, std::move(found).value(), WatchEventType::kDeleted);
  return OkStatus();
}

StatusOr<Json> MemoryKubeClient::Get(const ResourceType& type, std::string_view ns, std::string_view name) {
  MutexLock lock(mu_);
  return Find(type, ns, name);
}

StatusOr<ListPage> MemoryKubeClient::List(const ResourceType& type, const ListOptions& options) {
  MutexLock lock(mu_);
  ListPage page;
  page.resource_version = std::to_string(resource_version_);
  const Objects& bucket = Bucket(type);
  auto it = options.continue_token.empty() ? bucket.begin() : bucket.upper_bound(options.continue_token);
  for (; it != bucket.end(); ++it) {
    if (options.limit > 0 && static_cast<int64_t>(page.items.size()) >= options.limit) {
      page.continue_token = std::prev(it)->first;
      break;
    }
    page.items.push_back(Json::parse(*it->second));
  }
  return page;
}

Status MemoryKubeClient::Watch(const ResourceType& type, const WatchOptions& options, const WatchHandler& handler,
                               WatchCancel* cancel) {
  int64_t cursor;
  {
    MutexLock lock(mu_);
    if (options.resource_version.empty() || options.resource_version == "0") {
      cursor = resource_version_;
    } else {
      try {
        cursor = std::stoll(options.resource_version);
      } catch (...) {
        return HttpError(400, "BadRequest", "invalid resourceVersion", "watch " + type.resource);
      }
      if (cursor + 1 < compacted_before_) {
        return HttpError(410, "Expired",
                         "too old resource version: " + options.resource_version + " (" +
                             std::to_string(compacted_before_) + ")",
                         "watch " + type.resource);
      }
    }
  }
  if (cancel != nullptr) {
    cancel->SetInterrupt([this] {
      MutexLock lock(mu_);
      cv_.NotifyAll();
    });
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  Status result;
  while (true) {
    std::vector<WatchEvent> batch;
    std::vector<std::pair<WatchEventType, Text>> texts;  // parsed after the lock is released
    {
      MutexLock lock(mu_);
      while (!(shutdown_ || (cancel != nullptr && cancel->cancelled()) ||
               (!history_.empty() && history_.back().rv > cursor)) &&
             cv_.WaitUntil(mu_, deadline)) {
      }
      if (cancel != nullptr && cancel->cancelled()) {
        result = CancelledError("watch " + type.resource + " cancelled");
        break;
      }
      if (shutdown_) break;
      for (const Event& e : history_) {
        if (e.rv <= cursor || e.resource != type.resource) continue;
        texts.emplace_back(e.type, e.object);
      }
      if (!history_.empty()) cursor = std::max(cursor, history_.back().rv);
      if (texts.empty() && std::chrono::steady_clock::now() >= deadline) {
        // Server-side timeout: a bookmark with the current version, then the stream ends.
        Json bookmark = {{"kind", type.kind}, {"apiVersion", type.ApiVersion()},
                         {"metadata", {{"resourceVersion", std::to_string(resource_version_)}}}};
        batch.push_back(WatchEvent{WatchEventType::kBookmark, bookmark});
      }
    }
    // A bookmark is only added when there are no events, so appending keeps the order.
    for (const auto& [event_type, text] : texts) batch.push_back(WatchEvent{event_type, Json::parse(*text)});
    bool stop = false;
    for (auto& event : batch) {
      if (!handler(std::move(event))) {
        stop = true;
        break;
      }
    }
    if (stop || std::chrono::steady_clock::now() >= deadline) break;
  }
  if (cancel != nullptr) cancel->SetInterrupt(nullptr);
  return result;
}

StatusOr<Json> MemoryKubeClient::Put(const ResourceType& type, const Json& object, bool status_only) {
  std::string ns = Meta(object, "namespace");
  std::string name = Meta(object, "name");
  std::string what = "PUT " + type.ObjectPath(ns, name) + (status_only ? "/status" : "");
  MutexLock lock(mu_);
  auto found = Find(type, ns, name);
  if (!found.ok()) return found.status();
  const Json& stored = *found;
  std::string want_rv = Meta(object, "resourceVersion");
  if (!want_rv.empty() && want_rv != Meta(stored, "resourceVersion")) {
    return HttpError(409, "Conflict",
                     "Operation cannot be fulfilled on " + type.resource + " \"" + name +
                         "\": the object has been modified; please apply your changes to the latest version and "
                         "try again",
                     what);
  }
  Json next;
  if (status_only) {
    next = stored;
    if (object.contains("status")) {
      next["status"] = object["status"];
    } else {
      next.erase("status");
    }
  } else {
    next = object;
    if (stored.contains("status")) {
      next["status"] = stored["status"];
    } else {
      next.erase("status");
    }
    next["metadata"]["uid"] = stored["metadata"].value("uid", "");
    next["metadata"]["creationTimestamp"] = stored["metadata"].value("creationTimestamp", "");
  }
  return Store(type, std::move(next), WatchEventType::kModified);
}

StatusOr<Json> MemoryKubeClient::Update(const ResourceType& type, const Json& object) {
  return Put(type, object, /*status_only=*/false);
}

StatusOr<Json> MemoryKubeClient::UpdateStatus(const ResourceType& type, const Json& object) {
  return Put(type, object, /*status_only=*/true);
}

StatusOr<Json> MemoryKubeClient::Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                                       std::string_view content_type, const Json& patch) {
  std::string what = "PATCH " + type.ObjectPath(ns, name);
  const bool json_patch = content_type == "application/json-patch+json";
  if (content_type != "application/merge-patch+json" && !json_patch) {
    return HttpError(415, "UnsupportedMediaType",
                     "only application/merge-patch+json and application/json-patch+json are supported", what);
  }
  MutexLock lock(mu_);
  auto found = Find(type, ns, name);
  if (!found.ok()) return found.status();
  const std::string stored_rv = Meta(*found, "resourceVersion");
  Json next = std::move(found).value();
  std::string want_rv;
  if (json_patch) {
    // RFC 6902; as the API server does, a resourceVersion in the patched object is a precondition.
    if (!patch.is_array()) return HttpError(400, "BadRequest", "a JSON patch must be an array", what);
    try {
      next = next.patch(patch);
    } catch (const Json::exception& e) {
      return HttpError(422, "Invalid", std::string("the patch could not be applied: ") + e.what(), what);
    }
    want_rv = Meta(next, "resourceVersion");
  } else {
    want_rv = Meta(patch, "resourceVersion");
    next.merge_patch(patch);
  }
  if (!want_rv.empty() && want_rv != stored_rv) {
    return HttpError(409, "Conflict", "the object has been modified", what);
  }
  return Store(type, std::move(next), WatchEventType::kModified);
}

StatusOr<Json> MemoryKubeClient::Create(const ResourceType& type, const Json& object) {
  std::string what = "POST " + type.CollectionPath(Meta(object, "namespace"));
  if (!object.is_object()) return HttpError(400, "BadRequest", "body must be an object", what);
  Json copy = object;
  if (!copy["metadata"].is_object()) copy["metadata"] = Json::object();
  MutexLock lock(mu_);
  if (type.namespaced && Meta(copy, "namespace").empty()) copy["metadata"]["namespace"] = "default";
  if (Meta(copy, "name").empty()) {
    std::string prefix = Meta(copy, "generateName");
    if (prefix.empty()) return HttpError(422, "Invalid", "metadata.name: Required value", what);
    static const char* kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    uint64_t n = static_cast<uint64_t>(++uid_counter_) * 2654435761u;
    std::string suffix;
    for (int i = 0; i < 5; ++i, n /= 27) suffix.push_back(kAlphabet[n % 27]);
    copy["metadata"]["name"] = prefix + suffix;
  }
  if (Bucket(type).count(ObjectKey(copy)) > 0) {
    return HttpError(409, "AlreadyExists", type.resource + " \"" + Meta(copy, "name") + "\" already exists", what);
  }
  copy["metadata"]["uid"] = "uid-" + std::to_string(++uid_counter_);
  copy["metadata"]["creationTimestamp"] = Now();
  return Store(type, std::move(copy), WatchEventType::kAdded);
}

StatusOr<Json> MemoryKubeClient::CreateSubresource(const ResourceType& type, std::string_view ns,
                                                   std::string_view name, std::string_view subresource,
                                                   const Json& body) {
  std::string what = "POST " + type.ObjectPath(ns, name) + "/" + std::string(subresource);
  if (type.resource != "pods" || subresource != "binding") {
    return HttpError(404, "NotFound", "subresource not supported by the in-memory API", what);
  }
  MutexLock lock(mu_);
  auto found = Find(type, ns, name);
  if (!found.ok()) return found.status();
  Json pod = std::move(found).value();
  std::string want_uid = Meta(body, "uid");
  if (!want_uid.empty() && want_uid != Meta(pod, "uid")) {
    return HttpError(409, "Conflict", "Precondition failed: UID in precondition: " + want_uid, what);
  }
  std::string node = body.contains("target") ? body["target"].value("name", "") : "";
  if (node.empty()) return HttpError(422, "Invalid", "target.name: Required value", what);
  if (pod.contains("spec") && !pod["spec"].value("nodeName", "").empty()) {
    return HttpError(409, "Conflict",
                     "pod " + std::string(name) + " is already assigned to node \"" +
                         pod["spec"].value("nodeName", "") + "\"",
                     what);
  }
  pod["spec"]["nodeName"] = node;
  pod["status"]["conditions"].push_back({{"type", "PodScheduled"}, {"status", "True"}});
  Store(type, std::move(pod), WatchEventType::kModified);
  return Json{{"kind", "Status"}, {"apiVersion", "v1"}, {"status", "Success"}, {"code", 201}};
}

}  // namespace allot::svc
