// An immutable view of the cluster's ResourceSlices and DeviceClasses, as the allocator
// needs it: slices split into node-local and shared lists, slices grouped by pool for the
// completeness check, and a dense id ("uid") for every (driver, pool, device) name triple so
// that in-use lookups in the search are array accesses instead of string hashing.
//
// Build one Snapshot per published cluster state and share it as shared_ptr<const Snapshot>;
// any number of threads may call its const methods concurrently. GatherPools() (pools.h)
// derives the per-node pool list from it.
//
// Thread safety: immutable after Build(); all methods are const and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model/device_class.h"
#include "core/model/slice.h"

namespace allot::index {

using DeviceUid = uint32_t;

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

  const std::vector<SliceEntry>& slices() const { return slices_; }
  // Candidates for a node, in the reference's order: node-local slices then shared ones.
  const std::vector<uint32_t>* node_local_slices(const std::string& node) const;
  const std::vector<uint32_t>& shared_slices() const { return shared_; }
  // Every slice of (driver, pool), any node and generation (for the completeness check).
  const std::vector<uint32_t>* pool_slices(std::string_view driver, std::string_view pool) const;

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
};

}  // namespace allot::index
