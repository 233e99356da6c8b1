#include "service/extender/cluster_index.h"

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "core/model/convert.h"

namespace allot::svc {

std::shared_ptr<const ClusterIndex> IndexCache::Get(const std::shared_ptr<const ClusterSnapshot>& cluster) {
  MutexLock lock(mu_);
  if (last_ != nullptr && last_->cluster == cluster) return last_;
  const auto& slices = cluster->slices;
  const auto& classes = cluster->objects[static_cast<size_t>(ObjectKind::kDeviceClass)];
  const auto& nodes = cluster->objects[static_cast<size_t>(ObjectKind::kNode)];
  auto next = std::make_shared<ClusterIndex>();
  next->cluster = cluster;
  if (last_ != nullptr && slices == last_slices_ && classes == last_classes_) {
    next->devices = last_->devices;
    next->problems = last_->problems;
  } else {
    auto problems = std::make_shared<std::vector<std::string>>();
    std::vector<std::shared_ptr<const model::Slice>> model_slices;
    model_slices.reserve(slices->size());
    for (const auto& [key, stored] : *slices) {
      if (stored->slice == nullptr) {
        problems->push_back(stored->problem);
        continue;
      }
      model_slices.push_back(stored->slice);
    }
    std::vector<std::shared_ptr<const model::DeviceClass>> model_classes;
    for (const auto& [key, object] : *classes) {
      auto decoded = api::Decode<api::DeviceClass>(*object);
      if (!decoded.ok()) {
        problems->push_back("DeviceClass " + key + ": " + std::string(decoded.status().message()));
        continue;
      }
      model_classes.push_back(model::ToModel(*decoded));
    }
    for (const auto& p : *problems) spdlog::warn("index: skipping {}", p);
    next->devices = index::Snapshot::Build(std::move(model_slices), std::move(model_classes));
    next->problems = std::move(problems);
  }
  if (last_ != nullptr && nodes == last_nodes_) {
    next->nodes = last_->nodes;
  } else {
    auto node_map = std::make_shared<NodeMap>();
    for (const auto& [key, object] : *nodes) {
      auto decoded = api::Decode<api::Node>(*object);
      if (!decoded.ok()) {
        spdlog::warn("index: skipping Node {}: {}", key, decoded.status().message());
        continue;
      }
      model::Node node = model::ToModel(*decoded);
      node_map->emplace(node.name, std::move(node));
    }
    next->nodes = std::move(node_map);
  }
  last_slices_ = slices;
  last_classes_ = classes;
  last_nodes_ = nodes;
  last_ = next;
  return next;
}

}  // namespace allot::svc
