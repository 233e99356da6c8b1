#include "bench/alloc/bench_cluster.h"

#include <cstdio>
#include <fstream>
#include <span>
#include <sstream>
#include <utility>

#include "api/codec.h"
#include "base/status_macros.h"
#include "core/index/from_api.h"

namespace allot::bench {
namespace {

Status AddObject(const nlohmann::json& j, Fixture& out) {
  const std::string kind = j.is_object() ? j.value("kind", "") : "";
  if (kind == "List" || (j.is_object() && j.contains("items"))) {
    for (const auto& item : j["items"]) ALLOT_RETURN_IF_ERROR(AddObject(item, out));
    return OkStatus();
  }
  if (kind == "ResourceSlice") {
    ALLOT_ASSIGN_OR_RETURN(api::ResourceSlice s, api::Decode<api::ResourceSlice>(j));
    out.slices.push_back(std::move(s));
  } else if (kind == "DeviceClass") {
    ALLOT_ASSIGN_OR_RETURN(api::DeviceClass c, api::Decode<api::DeviceClass>(j));
    out.classes.push_back(std::move(c));
  }
  return OkStatus();
}

}  // namespace

std::string NodeName(size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "node-%05zu", i);
  return buf;
}

StatusOr<Fixture> LoadFixture(const std::vector<std::string>& paths) {
  Fixture out;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return NotFoundError("cannot read " + path + " (run from the repository root)");
    std::stringstream ss;
    ss << in.rdbuf();
    ALLOT_ASSIGN_OR_RETURN(nlohmann::json j, api::ParseJson(ss.str()));
    Status st = AddObject(j, out);
    if (!st.ok()) return st.WithPrefix(path);
  }
  return out;
}

StatusOr<api::ResourceClaim> ClaimFromJson(std::string_view json) { return api::Decode<api::ResourceClaim>(json); }
StatusOr<api::ResourceSlice> SliceFromJson(std::string_view json) { return api::Decode<api::ResourceSlice>(json); }
StatusOr<api::DeviceClass> ClassFromJson(std::string_view json) { return api::Decode<api::DeviceClass>(json); }

StatusOr<std::unique_ptr<Cluster>> MakeCluster(const Fixture& fixture, size_t nodes,
                                               std::vector<api::ResourceClaim> claims, const alloc::Features& features,
                                               const std::vector<api::ResourceClaim>& allocated) {
  auto c = std::make_unique<Cluster>();
  c->features = features;
  // Shared slices once, then each node's copies of the node-local ones; converted per node so that only one
  // node's api copies exist at a time.
  index::ModelInputs model;
  const auto add = [&](std::span<const api::ResourceSlice> slices) -> Status {
    index::ModelInputs converted = index::ToModelInputs(slices, {});
    if (!converted.problems.empty()) return converted.problems.front().status;
    for (auto& m : converted.slices) {
      c->devices += m->devices.size();
      model.slices.push_back(std::move(m));
    }
    return OkStatus();
  };
  std::vector<api::ResourceSlice> shared;
  for (const auto& s : fixture.slices) {
    if (!s.spec.node_name || s.spec.node_name->empty()) shared.push_back(s);
  }
  ALLOT_RETURN_IF_ERROR(add(shared));
  for (size_t i = 0; i < nodes; ++i) {
    const std::string node = NodeName(i);
    std::vector<api::ResourceSlice> copies;
    for (const auto& s : fixture.slices) {
      if (!s.spec.node_name || s.spec.node_name->empty()) continue;
      api::ResourceSlice copy = s;
      copy.metadata.name = node + "-" + s.metadata.name;
      copy.spec.node_name = node;
      copy.spec.pool.name = node;
      copies.push_back(std::move(copy));
    }
    ALLOT_RETURN_IF_ERROR(add(copies));
    c->nodes.push_back(model::Node{node, {{"kubernetes.io/hostname", node}}});
  }
  model.classes = index::ToModelInputs({}, fixture.classes).classes;
  c->snapshot = index::Snapshot::Build(std::move(model.slices), std::move(model.classes));
  index::AllocatedStateBuild state = index::BuildAllocatedState(*c->snapshot, allocated, features.consumable_capacity);
  if (!state.problems.empty()) return state.problems.front().status;
  c->state = std::move(state.state);
  c->claims = std::move(claims);
  for (const auto& claim : c->claims) c->claim_ptrs.push_back(&claim);
  return c;
}

}  // namespace allot::bench
