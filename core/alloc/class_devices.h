// Which devices a DeviceClass selects on a node, decided by the allocator itself.
//
//   StatusOr<ClassDevices> d = alloc::SelectClassDevices(snapshot, node, "gpu.example.com", features, options);
//
// The answer is the set of candidates that a request of that class with no selectors of its own could be
// given on `node`, before looking at what is in use: devices of the node's complete, valid pools (GatherPools,
// node-local then shared) that pass the class's CEL selectors, per-device node selection and the
// binding-conditions gate. It is computed by the same Search code that Allocate runs (Search::
// SelectableCandidates), so selector results come from and go into the snapshot's SelectorMemo when
// `options.cel_cache` is set: there is no second model of class matching.
//
// Errors: kNotFound for an unknown class, kInvalidArgument for a CEL compile or runtime error (with the
// allocator's message), a node-selector error from GatherPools.
//
// Thread safety: reentrant, like Allocate; the result shares the snapshot's memoised pools and points into
// the snapshot, so it must not outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/alloc/allocator.h"
#include "core/index/pools.h"

namespace allot::alloc {

struct ClassDevices {
  std::shared_ptr<const index::NodePools> pools;  // the node's pools (GatherPoolsShared)
  std::vector<uint32_t> candidates;               // indices into pools->candidates, in device order
};

StatusOr<ClassDevices> SelectClassDevices(const index::Snapshot& snapshot, const model::Node& node,
                                          const std::string& class_name, const Features& features,
                                          const Options& options = {});

}  // namespace allot::alloc
