// GatherPools: the resource pools usable from one node, in the reference's deterministic
// device order (dra-semantics.md §8.2, incubating/experimental variant of Kubernetes 1.36).
//
//   * candidate slices = node-local slices of the node, then shared slices (input order);
//   * relevance: counter slices always; nodeName/allNodes/nodeSelector matched against the
//     node; perDeviceNodeSelection slices when any device matches; others ignored;
//   * per pool only the highest generation; completeness via resourceSliceCount of the first
//     kept slice, falling back to a scan of the pool's slices on all nodes (newer generation
//     elsewhere drops the pool, otherwise other-node slices of the same generation complete
//     it and count for counters only);
//   * validation (duplicate device names, duplicate counter sets, unknown counter references)
//     marks a pool invalid; invalid and incomplete pools are listed but contribute no
//     candidates;
//   * pools sorted by (driver, pool); pools with binding-condition devices last; slices by
//     name; devices as listed.
//
// Pools whose device slices all target other nodes, and that are complete and valid, contribute
// nothing to a node (no candidates, no error) and are left out of NodePools; incomplete and invalid
// ones are kept for the "all devices" and "invalid pools encountered" rules.
//
// Cost: the per-pool work is memoized in the Snapshot (Snapshot::FindBuiltPool), so a node pays for
// the relevance scan and for copying its own pools, not for validating every pool of the cluster.
//
// Thread safety: a function of an immutable Snapshot (its memo is internally locked); NodePools is
// thread-compatible and is normally owned by one Allocate call.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"

namespace allot::index {

struct Pool {
  std::string driver;
  std::string name;
  int64_t generation = 0;
  bool incomplete = false;
  bool invalid = false;
  std::string invalid_reason;
  bool has_binding_conditions = false;
  std::vector<const SliceEntry*> slices;               // device slices targeting the node, by name
  std::vector<const SliceEntry*> non_targeting_slices;  // same generation, other nodes (counters only)
  std::vector<const model::CounterSet*> counter_sets;  // union over the pool's counter slices

  std::string id() const { return driver + "/" + name; }
};

// A pool as built from one set of relevant slices; `absent` when a newer generation elsewhere means
// the driver is mid-update (the pool is treated as if it did not exist). Immutable, shared.
struct BuiltPool {
  bool absent = false;
  Pool pool;
};

// One allocatable device in device order.
struct Candidate {
  const model::Device* device = nullptr;
  const model::Slice* slice = nullptr;
  uint32_t pool = 0;  // index into NodePools::pools
  DeviceUid uid = 0;
};

struct NodePools {
  std::vector<Pool> pools;
  std::vector<Candidate> candidates;  // devices of complete, valid pools, in device order
  bool any_invalid = false;
  bool any_incomplete = false;
};

// Fatal error only for an unparsable node selector on a relevant slice or device.
StatusOr<NodePools> GatherPools(const Snapshot& snapshot, const model::Node& node, bool partitionable_devices);

// GatherPools, memoised in the snapshot per node: the result depends only on the snapshot, the node's
// name and labels, and the feature setting. Labels matter only when a relevant-or-not slice or device
// of the snapshot was checked against a node selector while gathering for this node; then a node whose
// labels changed since the memoised result is gathered again. Errors are not memoised. Thread-safe.
StatusOr<std::shared_ptr<const NodePools>> GatherPoolsShared(const Snapshot& snapshot, const model::Node& node,
                                                             bool partitionable_devices);

struct NodePoolsEntry {
  bool reads_labels = false;  // a node selector was evaluated while gathering
  std::map<std::string, std::string> labels;  // of the node the pools were gathered for (if reads_labels)
  std::shared_ptr<const NodePools> pools;
};

}  // namespace allot::index
