#include "bench/alloc/bench_cluster.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include "api/codec.h"
#include "base/status_macros.h"
#include "core/model/convert.h"

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
  std::vector<std::shared_ptr<const model::Slice>> slices;
  for (const auto& s : fixture.slices) {
    if (s.spec.node_name && !s.spec.node_name->empty()) continue;
    ALLOT_ASSIGN_OR_RETURN(std::shared_ptr<const model::Slice> m, model::ToModel(s));
    c->devices += m->devices.size();
    slices.push_back(std::move(m));
  }
  for (size_t i = 0; i < nodes; ++i) {
    const std::string node = NodeName(i);
    for (const auto& s : fixture.slices) {
      if (!s.spec.node_name || s.spec.node_name->empty()) continue;
      api::ResourceSlice copy = s;
      copy.metadata.name = node + "-" + s.metadata.name;
      copy.spec.node_name = node;
      copy.spec.pool.name = node;
      ALLOT_ASSIGN_OR_RETURN(std::shared_ptr<const model::Slice> m, model::ToModel(copy));
      c->devices += m->devices.size();
      slices.push_back(std::move(m));
    }
    c->nodes.push_back(model::Node{node, {{"kubernetes.io/hostname", node}}});
  }
  std::vector<std::shared_ptr<const model::DeviceClass>> classes;
  for (const auto& dc : fixture.classes) classes.push_back(model::ToModel(dc));
  c->snapshot = index::Snapshot::Build(std::move(slices), std::move(classes));
  index::AllocatedStateBuilder builder(*c->snapshot);
  for (const auto& a : allocated) ALLOT_RETURN_IF_ERROR(builder.AddClaim(a, features.consumable_capacity));
  c->state = std::move(builder).Build();
  c->claims = std::move(claims);
  for (const auto& claim : c->claims) c->claim_ptrs.push_back(&claim);
  return c;
}

}  // namespace allot::bench
