// Test helpers for allocator tests: load fixture lists (tests/testdata/data/*.json), build a
// snapshot and allocated state from api objects, and small builders for claims and slices,
// in the spirit of the Go tests' sliceWithDevices(...) / claim(...) helpers.
//
// Thread safety: plain values; not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"

namespace allot::testutil {

// Objects of one or more `kind: List` / typed list / single-object JSON files.
struct Objects {
  std::vector<api::ResourceSlice> slices;
  std::vector<api::DeviceClass> classes;
  std::vector<api::ResourceClaim> claims;
  std::vector<api::Node> nodes;
};

// Appends the objects of `path` (ResourceSlice, DeviceClass, ResourceClaim, Node, their *List
// forms and generic `List`s) to `out`; other kinds are ignored.
Status LoadObjects(const std::string& path, Objects& out);

std::shared_ptr<const index::Snapshot> BuildSnapshot(const std::vector<api::ResourceSlice>& slices,
                                                     const std::vector<api::DeviceClass>& classes);

index::AllocatedState BuildState(const index::Snapshot& snapshot, const std::vector<api::ResourceClaim>& allocated,
                                 bool consumable_capacity = true);

// A claim with one ExactCount request `req-0` of `device_class`, optional CEL selector.
api::ResourceClaim MakeClaim(const std::string& name, const std::string& device_class, int64_t count = 1,
                             const std::string& selector = "");

// A DeviceClass with one CEL selector (none if empty).
api::DeviceClass MakeClass(const std::string& name, const std::string& selector);

// Builder for a node-local slice.
class SliceBuilder {
 public:
  SliceBuilder(std::string name, std::string driver, std::string pool, std::string node);
  SliceBuilder& Generation(int64_t generation, int64_t count);
  SliceBuilder& Device(const std::string& name);
  SliceBuilder& IntAttr(const std::string& key, int64_t value);   // on the last device
  SliceBuilder& StringAttr(const std::string& key, const std::string& value);
  SliceBuilder& Capacity(const std::string& key, const std::string& quantity);
  SliceBuilder& Consumes(const std::string& counter_set, const std::string& counter, const std::string& quantity);
  SliceBuilder& CounterSet(const std::string& set, const std::string& counter, const std::string& quantity);
  SliceBuilder& Taint(const std::string& key, const std::string& value, const std::string& effect);
  api::ResourceSlice Build() const { return slice_; }

 private:
  api::ResourceSlice slice_;
};

}  // namespace allot::testutil
