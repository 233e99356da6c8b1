#include "core/index/from_api.h"

#include <optional>
#include <utility>

#include "core/model/convert.h"

namespace allot::index {
namespace {

// Adds one claim to `builder`, recording a problem if it fails.
void AddOne(AllocatedStateBuilder& builder, size_t i, const api::ResourceClaim& claim, bool consumable_capacity,
            std::vector<ClaimProblem>& problems) {
  Status st = builder.AddClaim(claim, consumable_capacity);
  if (!st.ok()) problems.push_back(ClaimProblem{i, &claim, std::move(st)});
}

template <class Claims, class Deref>
AllocatedStateBuild BuildState(const Snapshot& snapshot, const Claims& claims, bool consumable_capacity,
                               const AllocatedState* base, Deref deref) {
  std::optional<AllocatedStateBuilder> builder;
  if (base != nullptr) {
    builder.emplace(snapshot, *base);
  } else {
    builder.emplace(snapshot);
  }
  AllocatedStateBuild out;
  for (size_t i = 0; i < claims.size(); ++i) AddOne(*builder, i, deref(claims[i]), consumable_capacity, out.problems);
  out.state = std::move(*builder).Build();
  return out;
}

}  // namespace

ModelInputs ToModelInputs(std::span<const api::ResourceSlice> slices, std::span<const api::DeviceClass> classes) {
  ModelInputs out;
  out.slices.reserve(slices.size());
  for (size_t i = 0; i < slices.size(); ++i) {
    StatusOr<std::shared_ptr<const model::Slice>> m = model::ToModel(slices[i]);
    if (m.ok()) {
      out.slices.push_back(std::move(m).value());
    } else {
      out.problems.push_back(ObjectProblem{i, m.status()});
    }
  }
  out.classes.reserve(classes.size());
  for (const auto& c : classes) out.classes.push_back(model::ToModel(c));
  return out;
}

SnapshotBuild BuildSnapshot(std::span<const api::ResourceSlice> slices, std::span<const api::DeviceClass> classes) {
  ModelInputs m = ToModelInputs(slices, classes);
  return SnapshotBuild{Snapshot::Build(std::move(m.slices), std::move(m.classes)), std::move(m.problems)};
}

AllocatedStateBuild BuildAllocatedState(const Snapshot& snapshot, std::span<const api::ResourceClaim* const> claims,
                                        bool consumable_capacity, const AllocatedState* base) {
  return BuildState(snapshot, claims, consumable_capacity, base,
                    [](const api::ResourceClaim* c) -> const api::ResourceClaim& { return *c; });
}

AllocatedStateBuild BuildAllocatedState(const Snapshot& snapshot, std::span<const api::ResourceClaim> claims,
                                        bool consumable_capacity, const AllocatedState* base) {
  return BuildState(snapshot, claims, consumable_capacity, base,
                    [](const api::ResourceClaim& c) -> const api::ResourceClaim& { return c; });
}

}  // namespace allot::index
