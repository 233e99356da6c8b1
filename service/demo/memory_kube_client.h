// MemoryKubeClient: an in-memory Kubernetes API with the semantics allot relies on, used by the embedded
// demo cluster (`allot serve` without a kubeconfig) and by tests as a fake API server.
//
// Behaviour kept from kube-apiserver:
//   - one cluster-wide resourceVersion counter; every write bumps it and records a watch event;
//   - Update/UpdateStatus are PUTs with a resourceVersion precondition (mismatch ⇒ HTTP 409 Conflict);
//     Update keeps the stored status, UpdateStatus changes only status (the status subresource split);
//   - Create assigns uid/resourceVersion/creationTimestamp and honours generateName; duplicates ⇒ 409;
//   - pods/NAME/binding sets spec.nodeName once (uid precondition; already bound ⇒ 409);
//   - List returns the collection resourceVersion; Watch replays history after the given version and
//     then blocks for new events; a version older than the compacted history ⇒ HTTP 410 Gone.
// Errors are built with ApiStatusFromHttp, so callers classify them exactly as with HttpKubeClient.
//
// Thread safety: thread-safe. Watches block on a condition variable and wake on writes or cancellation.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/thread_annotations.h"
#include "service/watch/kube_client.h"

namespace allot::svc {

// The ResourceType for an object's kind (Node, Pod, ResourceSlice, DeviceClass, ResourceClaim); nullptr if
// the kind is not one allot knows.
const ResourceType* ResourceTypeForKind(std::string_view kind);

class MemoryKubeClient final : public KubeClient {
 public:
  MemoryKubeClient() = default;
  ~MemoryKubeClient() override;

  // Creates or replaces `object` (no precondition), whatever its kind among the known ones.
  StatusOr<Json> Apply(Json object);
  // Deletes; kNotFound if absent.
  Status Delete(const ResourceType& type, std::string_view ns, std::string_view name);
  // Forgets the watch history: watches from any older resourceVersion then get 410 Gone.
  void CompactForTest();
  // Wakes every blocked watch and makes them return (used at shutdown).
  void Shutdown();
  int64_t current_resource_version() const;

  StatusOr<Json> Get(const ResourceType& type, std::string_view ns, std::string_view name) override;
  StatusOr<ListPage> List(const ResourceType& type, const ListOptions& options) override;
  Status Watch(const ResourceType& type, const WatchOptions& options, const WatchHandler& handler,
               WatchCancel* cancel) override;
  StatusOr<Json> Update(const ResourceType& type, const Json& object) override;
  StatusOr<Json> UpdateStatus(const ResourceType& type, const Json& object) override;
  StatusOr<Json> Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                       std::string_view content_type, const Json& patch) override;
  StatusOr<Json> Create(const ResourceType& type, const Json& object) override;
  StatusOr<Json> CreateSubresource(const ResourceType& type, std::string_view ns, std::string_view name,
                                   std::string_view subresource, const Json& body) override;

 private:
  // Objects are kept as compact JSON text, shared by the object table and the watch history, and parsed
  // when read: a JSON tree is about 7x the size of its text (a ResourceSlice of 26 MIG devices is about
  // 30 KB of text and 200 KB as a tree), and a demo cluster of a million devices must fit in memory.
  using Text = std::shared_ptr<const std::string>;
  struct Event {
    int64_t rv;
    std::string resource;
    WatchEventType type;
    Text object;
  };
  using Objects = std::map<std::string, Text>;  // ObjectKey -> object

  Objects& Bucket(const ResourceType& type) ALLOT_REQUIRES(mu_) { return objects_[type.resource]; }
  // Stamps a new resourceVersion into `object`, stores it and records the event.
  Json Store(const ResourceType& type, Json object, WatchEventType event_type) ALLOT_REQUIRES(mu_);
  // A parsed copy of the stored object.
  StatusOr<Json> Find(const ResourceType& type, std::string_view ns, std::string_view name) ALLOT_REQUIRES(mu_);
  // Update / UpdateStatus (takes mu_ itself; the old comment "all below: mu_ held" was wrong for it).
  StatusOr<Json> Put(const ResourceType& type, const Json& object, bool status_only) ALLOT_EXCLUDES(mu_);

  mutable Mutex mu_;
  CondVar cv_;
  int64_t resource_version_ ALLOT_GUARDED_BY(mu_) = 1000;
  int64_t compacted_before_ ALLOT_GUARDED_BY(mu_) = 0;  // watches from a version < this get 410
  int64_t uid_counter_ ALLOT_GUARDED_BY(mu_) = 0;
  bool shutdown_ ALLOT_GUARDED_BY(mu_) = false;
  std::map<std::string, Objects> objects_ ALLOT_GUARDED_BY(mu_);  // resource -> objects
  std::deque<Event> history_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::svc
