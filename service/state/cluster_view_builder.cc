#include "service/state/cluster_view_builder.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "core/index/from_api.h"
#include "core/model/convert.h"
#include "service/state/device_taint_rules.h"

namespace allot::svc {

std::shared_ptr<const ClusterView> ClusterViewBuilder::Build(std::shared_ptr<const StoreSnapshot> store) {
  if (last_ != nullptr && last_->store == store) return last_;
  const StoreSnapshot* previous = last_ == nullptr ? nullptr : last_->store.get();
  auto changed = [&](ObjectKind kind) {
    return previous == nullptr || previous->objects[static_cast<size_t>(kind)] != store->objects[static_cast<size_t>(kind)];
  };
  auto next = std::make_shared<ClusterView>();
  next->store = store;

  if (previous != nullptr && previous->slices == store->slices && !changed(ObjectKind::kDeviceClass) &&
      !changed(ObjectKind::kDeviceTaintRule)) {
    next->devices = last_->devices;
    next->problems = last_->problems;
  } else {
    auto problems = std::make_shared<std::vector<std::string>>();
    DecodedTaintRules rules = DecodeTaintRules(store->of(ObjectKind::kDeviceTaintRule));
    std::vector<std::shared_ptr<const model::Slice>> slices;
    slices.reserve(store->slices->size());
    for (const auto& [key, stored] : *store->slices) {
      if (stored->slice == nullptr) {
        problems->push_back(stored->problem);
        continue;
      }
      slices.push_back(rules.rules.empty() ? stored->slice : ApplyTaintRules(stored->slice, rules.rules));
    }
    for (auto& p : rules.problems) problems->push_back(std::move(p));
    std::vector<std::shared_ptr<const model::DeviceClass>> classes;
    for (const auto& [key, object] : store->of(ObjectKind::kDeviceClass)) {
      auto decoded = api::Decode<api::DeviceClass>(*object);
      if (!decoded.ok()) {
        problems->push_back("DeviceClass " + key + ": " + std::string(decoded.status().message()));
        continue;
      }
      classes.push_back(model::ToModel(*decoded));
    }
    for (const auto& p : *problems) spdlog::warn("index: skipping {}", p);
    next->devices = index::Snapshot::Build(std::move(slices), std::move(classes));
    next->problems = std::move(problems);
  }

  if (!changed(ObjectKind::kNode)) {
    next->nodes = last_->nodes;
  } else {
    auto nodes = std::make_shared<NodeMap>();
    for (const auto& [key, object] : store->of(ObjectKind::kNode)) {
      auto decoded = api::Decode<api::Node>(*object);
      if (!decoded.ok()) {
        spdlog::warn("index: skipping Node {}: {}", key, decoded.status().message());
        continue;
      }
      model::Node node = model::ToModel(*decoded);
      nodes->emplace(node.name, std::move(node));
    }
    next->nodes = std::move(nodes);
  }

  next->claims = changed(ObjectKind::kResourceClaim) ? BuildClaims(store->of(ObjectKind::kResourceClaim))
                                                     : last_->claims;
  next->allocated = BuildAllocated(*next->claims, next->devices);
  last_ = next;
  return next;
}

std::shared_ptr<const ClaimTable> ClusterViewBuilder::BuildClaims(const ObjectMap& claims) {
  auto table = std::make_shared<ClaimTable>();
  std::unordered_map<const Json*, std::shared_ptr<const DecodedClaim>> decoded;
  decoded.reserve(claims.size());
  for (const auto& [key, object] : claims) {
    std::shared_ptr<const DecodedClaim> entry;
    if (auto it = decoded_.find(object.get()); it != decoded_.end()) {
      entry = it->second;
    } else {
      auto claim = api::Decode<api::ResourceClaim>(*object);
      auto fresh = std::make_shared<DecodedClaim>();
      fresh->object = object;
      if (claim.ok()) {
        fresh->claim = std::make_shared<const api::ResourceClaim>(std::move(claim).value());
      } else {
        fresh->status = claim.status();
        spdlog::warn("undecodable ResourceClaim {}: {}", key, claim.status().message());
      }
      entry = std::move(fresh);
    }
    decoded.emplace(object.get(), entry);
    table->emplace_hint(table->end(), key, std::move(entry));  // the store's map is in key order too
  }
  decoded_ = std::move(decoded);
  return table;
}

std::shared_ptr<const AllocatedClaims> ClusterViewBuilder::BuildAllocated(
    const ClaimTable& table, const std::shared_ptr<const index::Snapshot>& devices) {
  std::vector<std::shared_ptr<const api::ResourceClaim>> claims;  // in key order, as the table
  for (const auto& [key, entry] : table) {
    if (entry->claim != nullptr && entry->claim->status.allocation.has_value()) claims.push_back(entry->claim);
  }
  if (last_ != nullptr && last_->devices == devices && last_->allocated->claims == claims) return last_->allocated;

  auto out = std::make_shared<AllocatedClaims>();
  std::vector<const api::ResourceClaim*> inputs;
  inputs.reserve(claims.size());
  for (const auto& claim : claims) {
    inputs.push_back(claim.get());
    out->keys.insert(claim->metadata.namespace_ + "/" + claim->metadata.name);
  }
  index::AllocatedStateBuild built = index::BuildAllocatedState(*devices, inputs, consumable_capacity_);
  for (const auto& p : built.problems) {
    spdlog::warn("claim {}/{}: {}", p.claim->metadata.namespace_, p.claim->metadata.name, p.status.message());
  }
  out->claims = std::move(claims);
  out->state = std::make_shared<const index::AllocatedState>(std::move(built.state));
  return out;
}

}  // namespace allot::svc
