// KubeClient: the few Kubernetes API calls allot makes, as an interface.
//
// Data flow: reflectors (list + watch) and the bind verb (update, update status, pods/binding) talk to the
// API server only through this interface. HttpKubeClient speaks HTTPS to a real server; the demo cluster and
// tests use MemoryKubeClient (service/demo/memory_kube_client.h), which behaves the same way (resourceVersion
// preconditions, 409 on conflict, watch streams with bookmarks).
//
// Objects are raw Kubernetes JSON (camelCase, as the server sends them); unknown fields are kept untouched,
// so an object read, modified and written back loses nothing a newer server added.
//
// Errors: every call maps an HTTP failure to a Status whose message starts with "HTTP <code>"
// (see ApiStatusFromHttp); IsConflict / IsGone / IsNotFound classify them. Transport failures are kUnavailable.
//
// Thread safety: implementations are thread-safe; calls may run concurrently from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/thread_annotations.h"
#include "base/status.h"

namespace allot::svc {

using Json = nlohmann::json;

// One API resource type. Immutable.
struct ResourceType {
  std::string api_path;  // "/api/v1" or "/apis/resource.k8s.io/v1"
  std::string resource;  // plural, lower case: "nodes", "resourceslices"
  std::string kind;      // "Node", "ResourceSlice"
  bool namespaced = false;

  // "<api_path>/[namespaces/<ns>/]<resource>"; an empty ns on a namespaced type means all namespaces.
  std::string CollectionPath(std::string_view ns = {}) const;
  // CollectionPath(ns) + "/<name>".
  std::string ObjectPath(std::string_view ns, std::string_view name) const;
  // "v1" or "resource.k8s.io/v1": what objects of this type carry in apiVersion.
  std::string ApiVersion() const;
};

// The types allot reads and writes.
const ResourceType& NodesResource();
const ResourceType& PodsResource();
const ResourceType& ResourceSlicesResource();
const ResourceType& DeviceClassesResource();
const ResourceType& ResourceClaimsResource();
const ResourceType& DeviceTaintRulesResource();  // resource.k8s.io/v1 since 1.37

// "ns/name" for namespaced objects, "name" otherwise (from metadata).
std::string ObjectKey(const Json& object);
// metadata.resourceVersion or "".
std::string ResourceVersionOf(const Json& object);

struct ListOptions {
  int64_t limit = 500;            // page size; 0 = no limit
  std::string continue_token;     // from the previous page
  std::string resource_version;   // "" = consistent read, "0" = any cached version
};

struct ListPage {
  std::vector<Json> items;
  std::string resource_version;   // collection resourceVersion
  std::string continue_token;     // empty on the last page
};

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };
std::string_view WatchEventTypeName(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  Json object;  // the object; a metav1.Status for kError
};

// Interrupts a blocking Watch from another thread. Thread-safe.
class WatchCancel {
 public:
  // Marks cancelled and runs the interrupt hook (if a watch is running). May be called repeatedly: a hook
  // can miss a connection that is being opened at that moment (see Reflector::Stop).
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  // Used by clients: installs (or clears, with nullptr) the hook Cancel() runs. If already cancelled the
  // hook runs at once.
  void SetInterrupt(std::function<void()> interrupt);

 private:
  std::atomic<bool> cancelled_{false};
  Mutex mu_;
  std::function<void()> interrupt_ ALLOT_GUARDED_BY(mu_);
};

struct WatchOptions {
  std::string resource_version;   // resume point
  bool allow_bookmarks = true;
  int64_t timeout_seconds = 300;  // server-side timeout of the watch
};

// Returns false to stop the watch.
using WatchHandler = std::function<bool(WatchEvent event)>;

class KubeClient {
 public:
  virtual ~KubeClient() = default;

  // GET one object. kNotFound if absent.
  virtual StatusOr<Json> Get(const ResourceType& type, std::string_view ns, std::string_view name) = 0;

  // One page of a list (all namespaces for namespaced types).
  virtual StatusOr<ListPage> List(const ResourceType& type, const ListOptions& options) = 0;

  // Streams watch events to `handler` until the server ends the stream (OK), `handler` returns false (OK),
  // `cancel` is cancelled (kCancelled) or the connection fails (kUnavailable). A non-200 answer is an
  // ApiStatusFromHttp error (410 Gone ⇒ IsGone). ERROR events are delivered to the handler as kError.
  virtual Status Watch(const ResourceType& type, const WatchOptions& options, const WatchHandler& handler,
                       WatchCancel* cancel) = 0;

  // PUT the whole object (metadata.resourceVersion is the precondition). Returns the stored object.
  virtual StatusOr<Json> Update(const ResourceType& type, const Json& object) = 0;
  // PUT .../status.
  virtual StatusOr<Json> UpdateStatus(const ResourceType& type, const Json& object) = 0;
  // PATCH with the given content type (application/merge-patch+json, ...strategic-merge-patch+json).
  virtual StatusOr<Json> Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                               std::string_view content_type, const Json& patch) = 0;
  // Adds `finalizer` to metadata.finalizers (a no-op write if present) on condition that the object still has
  // `resource_version` (409 Conflict otherwise), leaving every other stored byte as it is. Returns the stored
  // object. The default is a JSON Patch, exact for MemoryKubeClient; a real API server re-decodes opaque
  // fields from JSON on every JSON write, so HttpKubeClient writes protobuf (service/watch/protobuf_object.h).
  virtual StatusOr<Json> AddFinalizer(const ResourceType& type, std::string_view ns, std::string_view name,
                                      std::string_view resource_version, std::string_view finalizer);
  // POST a new object into its collection.
  virtual StatusOr<Json> Create(const ResourceType& type, const Json& object) = 0;
  // POST to a subresource, e.g. pods/NAME/binding. Returns the response body.
  virtual StatusOr<Json> CreateSubresource(const ResourceType& type, std::string_view ns, std::string_view name,
                                           std::string_view subresource, const Json& body) = 0;
};

// Builds the Status for an HTTP error answer: the message is "HTTP <code> <reason>: <message>" using the
// metav1.Status body when there is one. Codes: 400/422 kInvalidArgument, 401/403 kFailedPrecondition,
// 404 kNotFound, 409 kAborted, 410 kFailedPrecondition, 429/5xx kUnavailable, others kInternal.
Status ApiStatusFromHttp(int http_code, std::string_view body, std::string_view what);

// The 409 Conflict (IsConflict) for a write whose precondition `expected` no longer matches `current`.
Status StaleResourceVersion(const ResourceType& type, std::string_view name, std::string_view current,
                            std::string_view expected);

bool IsNotFound(const Status& status);
bool IsConflict(const Status& status);  // 409
bool IsGone(const Status& status);      // 410, or a watch ERROR event with code 410 / "too old resource version"

// The Status carried by a watch ERROR event object (a metav1.Status).
Status StatusFromWatchError(const Json& status_object);

}  // namespace allot::svc
