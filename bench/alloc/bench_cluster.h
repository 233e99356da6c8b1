// Benchmark inputs for the allocator: device fixtures (tests/testdata/data/*.json, k8s Lists of
// ResourceSlices and DeviceClasses) replicated over synthetic nodes, built into the immutable
// index::Snapshot and index::AllocatedState that alloc::Allocate reads.
//
//   ALLOT_ASSIGN_OR_RETURN(bench::Fixture f, bench::LoadFixture({"tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json",
//                                                             "tests/testdata/data/deviceclasses-nvidia.json"}));
//   ALLOT_ASSIGN_OR_RETURN(std::unique_ptr<bench::Cluster> c, bench::MakeCluster(f, /*nodes=*/500, claims, features));
//
// Node i is named "node-%05d"; its copies of the fixture's node-local slices get that node name,
// a pool of the same name and slice names prefixed with it. Shared (non node-local) slices are
// kept once. Paths are relative to the repository root (run benchmarks from there).
//
// Thread safety: plain functions; a Cluster is immutable after MakeCluster and may be read by
// any number of threads.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/resource_v1.h"
#include "core/alloc/features.h"
#include "base/status.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/model/node_selector.h"

namespace allot::bench {

struct Fixture {
  std::vector<api::ResourceSlice> slices;
  std::vector<api::DeviceClass> classes;
};

// Reads k8s List files (or single objects) of ResourceSlices and DeviceClasses.
StatusOr<Fixture> LoadFixture(const std::vector<std::string>& paths);

// Decodes one object from JSON text (claims and small fixtures written inline in benchmarks).
StatusOr<api::ResourceClaim> ClaimFromJson(std::string_view json);
StatusOr<api::ResourceSlice> SliceFromJson(std::string_view json);
StatusOr<api::DeviceClass> ClassFromJson(std::string_view json);

struct Cluster {
  alloc::Features features;
  std::shared_ptr<const index::Snapshot> snapshot;
  index::AllocatedState state;
  std::vector<model::Node> nodes;
  std::vector<api::ResourceClaim> claims;
  std::vector<const api::ResourceClaim*> claim_ptrs;  // into `claims`
  size_t devices = 0;                                 // devices in the snapshot
};

// Replicates the fixture over `nodes` nodes; `allocated` are already allocated claims (their
// results name devices of the replicated pools, e.g. pool "node-00000").
StatusOr<std::unique_ptr<Cluster>> MakeCluster(const Fixture& fixture, size_t nodes,
                                               std::vector<api::ResourceClaim> claims, const alloc::Features& features,
                                               const std::vector<api::ResourceClaim>& allocated = {});

std::string NodeName(size_t i);

}  // namespace allot::bench
