// ClusterStore: the in-memory mirror of the cluster objects allot needs (Nodes, ResourceSlices,
// DeviceClasses, ResourceClaims, DeviceTaintRules), fed by one Reflector per kind (or by the demo cluster, which runs the
// same reflectors against an in-memory API), publishing immutable StoreSnapshots.
//
// Read path: Load() returns a shared_ptr<const StoreSnapshot>; a request loads once and sees one
// consistent view for its whole life. Loading takes a mutex only for a pointer copy; it never waits for
// a writer building the next snapshot.
// Write path: reflector threads call the ReflectorSink methods; each write copies the pointer map of the
// changed kind (objects themselves are shared, never copied), bumps the revision and publishes.
//
// Thread safety: thread-safe. Listeners run on the writer's thread after publication, with the writer lock
// (write_mu_) still held, so they see snapshots in publication order; they must not call back into the
// sink methods or AddListener (that would deadlock) and should be quick (they delay the next write).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/thread_annotations.h"
#include "core/model/slice.h"
#include "service/metrics/service_metrics.h"
#include "service/watch/reflector.h"

namespace allot::svc {

enum class ObjectKind { kNode = 0, kResourceSlice, kDeviceClass, kResourceClaim, kDeviceTaintRule };
inline constexpr size_t kObjectKindCount = 5;

// Maps a ResourceType to its kind; false for types the store does not hold.
bool ObjectKindOf(const ResourceType& type, ObjectKind* kind);
const ResourceType& ResourceTypeOf(ObjectKind kind);

using ObjectMap = std::map<std::string, std::shared_ptr<const Json>>;  // ObjectKey -> object

// A ResourceSlice converted to the allocator's model when it arrives (core/model/convert.h), once per
// resourceVersion. The store keeps this instead of the slice's devices as JSON: a JSON tree costs about
// 8 KB per partitionable device, several times the model.
struct StoredSlice {
  std::string resource_version;
  std::shared_ptr<const model::Slice> slice;  // nullptr when the object could not be decoded or converted
  std::string problem;                         // why `slice` is nullptr ("ResourceSlice KEY: message")
};
using SliceMap = std::map<std::string, std::shared_ptr<const StoredSlice>>;  // ObjectKey -> slice

// Immutable view of the cluster at one revision.
//
// ResourceSlices are in both `objects` and `slices`, under the same keys: objects[kResourceSlice] holds each
// slice's JSON *without* spec.devices and spec.sharedCounters (metadata, driver, pool, node selection), and
// `slices` holds the converted slice with its devices and counters.
struct StoreSnapshot {
  std::array<std::shared_ptr<const ObjectMap>, kObjectKindCount> objects;
  std::shared_ptr<const SliceMap> slices;
  std::array<bool, kObjectKindCount> kind_synced{};
  uint64_t revision = 0;

  const ObjectMap& of(ObjectKind kind) const { return *objects[static_cast<size_t>(kind)]; }
  // nullptr if absent.
  std::shared_ptr<const Json> Find(ObjectKind kind, const std::string& key) const;
  // True once every kind finished its initial list.
  bool synced() const;
};

class ClusterStore final : public ReflectorSink {
 public:
  explicit ClusterStore(ServiceMetrics* metrics = nullptr);

  std::shared_ptr<const StoreSnapshot> Load() const;

  // Registers a callback run after every publication. Register before writers start.
  void AddListener(std::function<void(const std::shared_ptr<const StoreSnapshot>&)> listener);

  // Blocks until `predicate(snapshot)` holds or the timeout passes; returns the last snapshot checked
  // if the predicate held, nullptr on timeout.
  std::shared_ptr<const StoreSnapshot> WaitFor(
      const std::function<bool(const StoreSnapshot&)>& predicate, std::chrono::milliseconds timeout) const;

  // ReflectorSink.
  void Replace(const ResourceType& type, std::vector<Json> items) override;
  // Converts each page's ResourceSlices (and strips their devices) as the page arrives, off the writer lock,
  // and keeps nothing else of the page's JSON; Commit() publishes the whole new map of the kind in one
  // snapshot. Nothing is visible before Commit(). A builder for a type the store does not hold ignores all.
  std::unique_ptr<ReplaceBuilder> BeginReplace(const ResourceType& type) override;
  void Upsert(const ResourceType& type, Json object) override;
  void Remove(const ResourceType& type, const Json& object) override;
  void MarkSynced(const ResourceType& type) override;

 private:
  class StoreReplaceBuilder;

  // Installs `next` as the current snapshot and notifies listeners. Called with write_mu_ held.
  void Publish(std::shared_ptr<const StoreSnapshot> next, ObjectKind changed) ALLOT_REQUIRES(write_mu_);

  ServiceMetrics* const metrics_;
  std::array<prometheus::Gauge*, kObjectKindCount> object_gauges_{};  // allot_store_objects{kind}; null without metrics
  Mutex write_mu_;  // serialises writers (one per kind)
  std::vector<std::function<void(const std::shared_ptr<const StoreSnapshot>&)>> listeners_
      ALLOT_GUARDED_BY(write_mu_);

  mutable Mutex snapshot_mu_;  // held only to copy/swap current_
  mutable CondVar snapshot_cv_;
  std::shared_ptr<const StoreSnapshot> current_ ALLOT_GUARDED_BY(snapshot_mu_);
};

}  // namespace allot::svc
