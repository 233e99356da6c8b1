// An immutable view of the cluster's ResourceSlices and DeviceClasses, as the allocator
// needs it: slices split into node-local and shared lists, slices grouped by pool for the
// completeness check, and a dense id ("uid") for every (driver, pool, device) name triple so
// that in-use lookups in the search are array accesses instead of string hashing.
//
// Build one Snapshot per published cluster state and share it as shared_ptr<const Snapshot>;
// any number of threads may call its const methods concurrently. GatherPools() (pools.h)
// derives the per-node pool list from it.
//
// Thread safety: immutable after Build(); all methods are const and thread-safe. The one mutable part is
// the memos of built pools (FindBuiltPool) and selector results (selector_memo), which are
// thread-safe and only ever grow.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/thread_annotations.h"
#include "core/model/device_class.h"
#include "core/index/selector_memo.h"
#include "core/model/slice.h"

namespace allot::index {

using DeviceUid = uint32_t;

struct BuiltPool;       // pools.h
struct NodePoolsEntry;  // pools.h

// One slice plus the uid of each of its devices (parallel to slice->devices).
struct SliceEntry {
  std::shared_ptr<const model::Slice> slice;
  std::vector<DeviceUid> device_uids;
};

class Snapshot {
 public:
  static std::shared_ptr<const Snapshot> Build(std::vector<std::shared_ptr<const model::Slice>> slices,
                                               std::vector<std::shared_ptr<const model::DeviceClass>> classes);

  // nullptr when there is no such class.
  const model::DeviceClass* FindClass(std::string_view name) const;

  // The uid of (driver, pool, device), or nullopt when no slice in the snapshot has it.
  std::optional<DeviceUid> FindDevice(std::string_view driver, std::string_view pool, std::string_view device) const;
  size_t device_uid_count() const { return uid_count_; }
  size_t pool_count() const { return by_pool_.size(); }

  const std::vector<SliceEntry>& slices() const { return slices_; }
  // Candidates for a node, in the reference's order: node-local slices then shared ones.
  const std::vector<uint32_t>* node_local_slices(const std::string& node) const;
  const std::vector<uint32_t>& shared_slices() const { return shared_; }
  // Every slice of (driver, pool), any node and generation (for the completeness check).
  const std::vector<uint32_t>* pool_slices(std::string_view driver, std::string_view pool) const;

  // Memo of GatherPools' per-pool work (completeness, building, validation). That work is a function of the
  // snapshot and of the pool's relevant slices only, not of the node, and with partitionable devices every
  // node sees every pool's counter slice: without the memo each node would redo it for every pool of the
  // cluster. `key` identifies the pool, the relevant slices and the feature setting (pools.cc).
  // AddBuiltPool returns the entry that is in the memo afterwards (the first one added wins).
  std::shared_ptr<const BuiltPool> FindBuiltPool(const std::string& key) const;
  std::shared_ptr<const BuiltPool> AddBuiltPool(std::string key, std::shared_ptr<const BuiltPool> built) const;

  // Memo of whole GatherPools results per node (GatherPoolsShared), keyed by node name and feature
  // setting; the entry records the labels it was computed for. SetNodePools replaces.
  std::shared_ptr<const NodePoolsEntry> FindNodePools(const std::string& key) const;
  void SetNodePools(const std::string& key, std::shared_ptr<const NodePoolsEntry> entry) const;

  // Selector results per device for this snapshot (selector_memo.h); nullptr for a default-constructed one.
  SelectorMemo* selector_memo() const { return selector_memo_.get(); }

  // Default-constructible for tests of an empty cluster.
  Snapshot() = default;

 private:
  static std::string Key(std::string_view a, std::string_view b);
  static std::string Key(std::string_view a, std::string_view b, std::string_view c);

  std::vector<SliceEntry> slices_;
  std::unordered_map<std::string, std::vector<uint32_t>> per_node_;
  std::vector<uint32_t> shared_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_pool_;
  std::unordered_map<std::string, DeviceUid> uids_;
  size_t uid_count_ = 0;
  std::map<std::string, std::shared_ptr<const model::DeviceClass>, std::less<>> classes_;

  std::unique_ptr<SelectorMemo> selector_memo_;  // the object itself is thread-safe
  mutable Mutex built_pools_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const BuiltPool>> built_pools_
      ALLOT_GUARDED_BY(built_pools_mu_);
  mutable Mutex node_pools_mu_;
  mutable std::unordered_map<std::string, std::shared_ptr<const NodePoolsEntry>> node_pools_
      ALLOT_GUARDED_BY(node_pools_mu_);
};

}  // namespace allot::index
