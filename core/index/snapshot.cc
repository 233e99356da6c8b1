#include "core/index/snapshot.h"

#include <utility>

namespace allot::index {

std::string Snapshot::Key(std::string_view a, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size() + 1);
  k.append(a).push_back('\0');
  k.append(b);
  return k;
}

std::string Snapshot::Key(std::string_view a, std::string_view b, std::string_view c) {
  std::string k = Key(a, b);
  k.push_back('\0');
  k.append(c);
  return k;
}

std::shared_ptr<const Snapshot> Snapshot::Build(std::vector<std::shared_ptr<const model::Slice>> slices,
                                                std::vector<std::shared_ptr<const model::DeviceClass>> classes) {
  auto snap = std::make_shared<Snapshot>();
  snap->slices_.reserve(slices.size());
  for (auto& s : slices) {
    if (s == nullptr) continue;
    const uint32_t idx = static_cast<uint32_t>(snap->slices_.size());
    SliceEntry entry;
    entry.device_uids.reserve(s->devices.size());
    for (const auto& d : s->devices) {
      auto [it, inserted] = snap->uids_.emplace(Key(s->driver, s->pool, d.name), static_cast<DeviceUid>(snap->uid_count_));
      if (inserted) ++snap->uid_count_;
      entry.device_uids.push_back(it->second);
    }
    // As 1.37's NewAllocator: a slice with a nodeName is that node's, counter slices included (1.36 filed
    // every counter slice under "shared", so each node gathered every partitionable pool of the cluster).
    if (s->has_node_name()) {
      snap->per_node_[*s->node_selection.node_name].push_back(idx);
    } else {
      snap->shared_.push_back(idx);
    }
    snap->by_pool_[Key(s->driver, s->pool)].push_back(idx);
    entry.slice = std::move(s);
    snap->slices_.push_back(std::move(entry));
  }
  snap->selector_memo_ = std::make_unique<SelectorMemo>(snap->uid_count_);
  for (auto& c : classes) {
    if (c == nullptr) continue;
    std::string name = c->name;
    snap->classes_[name] = std::move(c);
  }
  return snap;
}

const model::DeviceClass* Snapshot::FindClass(std::string_view name) const {
  auto it = classes_.find(name);
  return it == classes_.end() ? nullptr : it->second.get();
}

std::optional<DeviceUid> Snapshot::FindDevice(std::string_view driver, std::string_view pool,
                                              std::string_view device) const {
  auto it = uids_.find(Key(driver, pool, device));
  if (it == uids_.end()) return std::nullopt;
  return it->second;
}

const std::vector<uint32_t>* Snapshot::node_local_slices(const std::string& node) const {
  auto it = per_node_.find(node);
  return it == per_node_.end() ? nullptr : &it->second;
}

const std::vector<uint32_t>* Snapshot::pool_slices(std::string_view driver, std::string_view pool) const {
  auto it = by_pool_.find(Key(driver, pool));
  return it == by_pool_.end() ? nullptr : &it->second;
}

std::shared_ptr<const BuiltPool> Snapshot::FindBuiltPool(const std::string& key) const {
  MutexLock lock(built_pools_mu_);
  auto it = built_pools_.find(key);
  return it == built_pools_.end() ? nullptr : it->second;
}

std::shared_ptr<const BuiltPool> Snapshot::AddBuiltPool(std::string key, std::shared_ptr<const BuiltPool> built) const {
  MutexLock lock(built_pools_mu_);
  return built_pools_.try_emplace(std::move(key), std::move(built)).first->second;
}

std::shared_ptr<const NodePoolsEntry> Snapshot::FindNodePools(const std::string& key) const {
  MutexLock lock(node_pools_mu_);
  auto it = node_pools_.find(key);
  return it == node_pools_.end() ? nullptr : it->second;
}

void Snapshot::SetNodePools(const std::string& key, std::shared_ptr<const NodePoolsEntry> entry) const {
  MutexLock lock(node_pools_mu_);
  node_pools_[key] = std::move(entry);
}

}  // namespace allot::index
