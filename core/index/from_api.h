// The allocator's inputs from decoded API objects, written once for every caller (the extender, the CLI
// commands, the conformance harness, test and benchmark helpers):
//
//   decoded ResourceSlices + DeviceClasses  --BuildSnapshot-->        shared_ptr<const Snapshot>
//   allocated ResourceClaims (+ a base)      --BuildAllocatedState--> AllocatedState
//
// Contract:
//   * Nothing fails as a whole. An object that cannot be used is reported as a problem (with its position in
//     the input and the Status saying why) and the rest is built; a caller that wants all-or-nothing returns
//     the first problem's status, one that serves a live cluster logs them and goes on.
//   * Slices: a slice that model::ToModel rejects (unrepresentable quantity and similar value errors; the
//     message names the slice) is left out of the snapshot. DeviceClasses always convert. The snapshot keeps
//     the input order of the slices that convert (it decides the candidate order of the search).
//   * Claims: claims without status.allocation add nothing and are no problem. A claim whose results cannot
//     be added (an unparsable consumedCapacity) is a problem; like AllocatedStateBuilder::AddClaim, the
//     results listed before the failing one stay added. The service logs these as
//     "claim <namespace>/<name>: <status message>".
//   * The state belongs to `snapshot` (AllocatedState's contract); a `base` must have been built against the
//     same snapshot, and the claims are added on top of a copy of it (e.g. in-flight reservations overlaid on
//     the state of the allocated claims).
//
// Pure: no I/O, no logging. Thread safety: reentrant; the inputs are only read.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/model/device_class.h"
#include "core/model/slice.h"

namespace allot::index {

// An input object that was left out: its position in the input list and why.
struct ObjectProblem {
  size_t index = 0;
  Status status;
};

// The model form of decoded slices and classes, before Snapshot::Build (for callers that time or assemble
// the two steps separately). `problems` lists the slices that did not convert, in input order.
struct ModelInputs {
  std::vector<std::shared_ptr<const model::Slice>> slices;
  std::vector<std::shared_ptr<const model::DeviceClass>> classes;
  std::vector<ObjectProblem> problems;
};
ModelInputs ToModelInputs(std::span<const api::ResourceSlice> slices, std::span<const api::DeviceClass> classes);

struct SnapshotBuild {
  std::shared_ptr<const Snapshot> snapshot;  // never null
  std::vector<ObjectProblem> problems;       // slices left out (ToModelInputs)
};
// ToModelInputs + Snapshot::Build.
SnapshotBuild BuildSnapshot(std::span<const api::ResourceSlice> slices, std::span<const api::DeviceClass> classes);

// A claim whose allocation could not be (fully) added.
struct ClaimProblem {
  size_t index = 0;                             // position in the input list
  const api::ResourceClaim* claim = nullptr;    // the input claim (not owned)
  Status status;
};

struct AllocatedStateBuild {
  AllocatedState state;
  std::vector<ClaimProblem> problems;  // in input order
};
// The devices in use by `claims` (plus those of `base`, if given) on `snapshot`, with the ConsumableCapacity
// feature setting `consumable_capacity` (AllocatedState's header). `claims` must not hold nullptr.
AllocatedStateBuild BuildAllocatedState(const Snapshot& snapshot, std::span<const api::ResourceClaim* const> claims,
                                        bool consumable_capacity, const AllocatedState* base = nullptr);
// The same for a list of claim values.
AllocatedStateBuild BuildAllocatedState(const Snapshot& snapshot, std::span<const api::ResourceClaim> claims,
                                        bool consumable_capacity, const AllocatedState* base = nullptr);

}  // namespace allot::index
