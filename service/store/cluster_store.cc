#include "service/store/cluster_store.h"

#include <utility>

#include "api/codec.h"
#include "core/model/convert.h"

namespace allot::svc {

bool ObjectKindOf(const ResourceType& type, ObjectKind* kind) {
  if (type.resource == "nodes") {
    *kind = ObjectKind::kNode;
  } else if (type.resource == "resourceslices") {
    *kind = ObjectKind::kResourceSlice;
  } else if (type.resource == "deviceclasses") {
    *kind = ObjectKind::kDeviceClass;
  } else if (type.resource == "resourceclaims") {
    *kind = ObjectKind::kResourceClaim;
  } else if (type.resource == "devicetaintrules") {
    *kind = ObjectKind::kDeviceTaintRule;
  } else {
    return false;
  }
  return true;
}

const ResourceType& ResourceTypeOf(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kNode: return NodesResource();
    case ObjectKind::kResourceSlice: return ResourceSlicesResource();
    case ObjectKind::kDeviceClass: return DeviceClassesResource();
    case ObjectKind::kResourceClaim: return ResourceClaimsResource();
    case ObjectKind::kDeviceTaintRule: return DeviceTaintRulesResource();
  }
  return NodesResource();
}

std::shared_ptr<const Json> StoreSnapshot::Find(ObjectKind kind, const std::string& key) const {
  const ObjectMap& map = of(kind);
  auto it = map.find(key);
  return it == map.end() ? nullptr : it->second;
}

bool StoreSnapshot::synced() const {
  for (bool s : kind_synced) {
    if (!s) return false;
  }
  return true;
}

ClusterStore::ClusterStore(ServiceMetrics* metrics) : metrics_(metrics) {
  auto initial = std::make_shared<StoreSnapshot>();
  for (auto& map : initial->objects) map = std::make_shared<const ObjectMap>();
  initial->slices = std::make_shared<const SliceMap>();
  current_ = std::move(initial);
  if (metrics_ != nullptr) {
    for (size_t k = 0; k < kObjectKindCount; ++k) {
      object_gauges_[k] = &metrics_->store_objects->Add({{"kind", ResourceTypeOf(static_cast<ObjectKind>(k)).kind}});
    }
  }
}

std::shared_ptr<const StoreSnapshot> ClusterStore::Load() const {
  MutexLock lock(snapshot_mu_);
  return current_;
}

void ClusterStore::AddListener(std::function<void(const std::shared_ptr<const StoreSnapshot>&)> listener) {
  MutexLock lock(write_mu_);
  listeners_.push_back(std::move(listener));
}

std::shared_ptr<const StoreSnapshot> ClusterStore::WaitFor(
    const std::function<bool(const StoreSnapshot&)>& predicate, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(snapshot_mu_);
  while (!predicate(*current_)) {
    if (!snapshot_cv_.WaitUntil(snapshot_mu_, deadline)) return predicate(*current_) ? current_ : nullptr;
  }
  return current_;
}

void ClusterStore::Publish(std::shared_ptr<const StoreSnapshot> next, ObjectKind changed) {
  if (prometheus::Gauge* gauge = object_gauges_[static_cast<size_t>(changed)]) {
    gauge->Set(static_cast<double>(next->of(changed).size()));
  }
  {
    MutexLock lock(snapshot_mu_);
    current_ = next;
  }
  snapshot_cv_.NotifyAll();
  for (const auto& listener : listeners_) listener(next);
}

namespace {

// A copy of `base` with a new revision; the caller replaces objects[kind].
std::shared_ptr<StoreSnapshot> NextSnapshot(const StoreSnapshot& base) {
  auto next = std::make_shared<StoreSnapshot>(base);
  next->revision = base.revision + 1;
  return next;
}

// Converts a ResourceSlice (reusing `previous` when it has the same resourceVersion) and strips its devices and
// counters from `object`, which the store then keeps as the slice's JSON.
std::shared_ptr<const StoredSlice> ConvertSlice(const std::string& key, Json& object,
                                                const std::shared_ptr<const StoredSlice>& previous) {
  std::string rv = ResourceVersionOf(object);
  std::shared_ptr<const StoredSlice> out;
  if (previous != nullptr && !rv.empty() && previous->resource_version == rv) {
    out = previous;
  } else {
    auto stored = std::make_shared<StoredSlice>();
    stored->resource_version = rv;
    auto decoded = api::Decode<api::ResourceSlice>(object);
    if (!decoded.ok()) {
      stored->problem = "ResourceSlice " + key + ": " + std::string(decoded.status().message());
    } else {
      auto converted = model::ToModel(*decoded);
      if (converted.ok()) {
        stored->slice = std::move(converted).value();
      } else {
        stored->problem = "ResourceSlice " + key + ": " + std::string(converted.status().message());
      }
    }
    out = std::move(stored);
  }
  if (object.is_object() && object.contains("spec") && object["spec"].is_object()) {
    object["spec"].erase("devices");
    object["spec"].erase("sharedCounters");
  }
  return out;
}

std::shared_ptr<const StoredSlice> FindSlice(const SliceMap& slices, const std::string& key) {
  auto it = slices.find(key);
  return it == slices.end() ? nullptr : it->second;
}

}  // namespace

// One (re)list of a kind. Slices are converted outside write_mu_ (the slow part); `previous_` only lets an
// unchanged slice keep its conversion, so a concurrent writer cannot make the result wrong.
class ClusterStore::StoreReplaceBuilder final : public ReplaceBuilder {
 public:
  StoreReplaceBuilder(ClusterStore& store, const ResourceType& type) : store_(store) {
    known_ = ObjectKindOf(type, &kind_);
    if (known_ && kind_ == ObjectKind::kResourceSlice) {
      previous_ = store_.Load()->slices;
      slices_ = std::make_shared<SliceMap>();
    }
  }

  void AddPage(std::vector<Json> items) override {
    if (!known_) return;
    for (auto& item : items) {
      std::string key = ObjectKey(item);
      if (slices_ != nullptr) (*slices_)[key] = ConvertSlice(key, item, FindSlice(*previous_, key));
      (*map_)[key] = std::make_shared<const Json>(std::move(item));
      item = Json();  // frees the rest of the JSON now (a relist of a large cluster is many GB as JSON)
    }
  }

  void Commit() override {
    if (!known_ || committed_) return;
    committed_ = true;
    MutexLock lock(store_.write_mu_);
    auto next = NextSnapshot(*store_.Load());
    next->objects[static_cast<size_t>(kind_)] = std::move(map_);
    if (slices_ != nullptr) next->slices = std::move(slices_);
    store_.Publish(std::move(next), kind_);
  }

 private:
  ClusterStore& store_;
  ObjectKind kind_ = ObjectKind::kNode;
  bool known_ = false;
  bool committed_ = false;
  std::shared_ptr<ObjectMap> map_ = std::make_shared<ObjectMap>();
  std::shared_ptr<const SliceMap> previous_;  // kResourceSlice only
  std::shared_ptr<SliceMap> slices_;          // kResourceSlice only
};

std::unique_ptr<ReplaceBuilder> ClusterStore::BeginReplace(const ResourceType& type) {
  return std::make_unique<StoreReplaceBuilder>(*this, type);
}

void ClusterStore::Replace(const ResourceType& type, std::vector<Json> items) {
  auto builder = BeginReplace(type);
  builder->AddPage(std::move(items));
  builder->Commit();
}

void ClusterStore::Upsert(const ResourceType& type, Json object) {
  ObjectKind kind;
  if (!ObjectKindOf(type, &kind)) return;
  std::string key = ObjectKey(object);
  std::shared_ptr<const StoredSlice> slice;
  if (kind == ObjectKind::kResourceSlice) slice = ConvertSlice(key, object, FindSlice(*Load()->slices, key));
  MutexLock lock(write_mu_);
  auto base = Load();
  auto map = std::make_shared<ObjectMap>(base->of(kind));
  (*map)[key] = std::make_shared<const Json>(std::move(object));
  auto next = NextSnapshot(*base);
  next->objects[static_cast<size_t>(kind)] = std::move(map);
  if (slice != nullptr) {
    auto slices = std::make_shared<SliceMap>(*base->slices);
    (*slices)[key] = std::move(slice);
    next->slices = std::move(slices);
  }
  Publish(std::move(next), kind);
}

void ClusterStore::Remove(const ResourceType& type, const Json& object) {
  ObjectKind kind;
  if (!ObjectKindOf(type, &kind)) return;
  std::string key = ObjectKey(object);
  MutexLock lock(write_mu_);
  auto base = Load();
  if (base->of(kind).count(key) == 0) return;
  auto map = std::make_shared<ObjectMap>(base->of(kind));
  map->erase(key);
  auto next = NextSnapshot(*base);
  next->objects[static_cast<size_t>(kind)] = std::move(map);
  if (kind == ObjectKind::kResourceSlice) {
    auto slices = std::make_shared<SliceMap>(*base->slices);
    slices->erase(key);
    next->slices = std::move(slices);
  }
  Publish(std::move(next), kind);
}

void ClusterStore::MarkSynced(const ResourceType& type) {
  ObjectKind kind;
  if (!ObjectKindOf(type, &kind)) return;
  MutexLock lock(write_mu_);
  auto next = NextSnapshot(*Load());
  next->kind_synced[static_cast<size_t>(kind)] = true;
  Publish(std::move(next), kind);
}

}  // namespace allot::svc
