#include "service/tooling/inventory_gauges.h"

#include <vector>

#include "core/alloc/inventory.h"

namespace allot::svc {
namespace {

using Values = std::map<std::pair<std::string, std::string>, double>;

// Sets every child in `values`, removes the children of `*current` that are not in it.
void Apply(prometheus::Family<prometheus::Gauge>& family, const char* label, const Values& values,
           std::map<std::pair<std::string, std::string>, prometheus::Gauge*>* current) {
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> next;
  for (const auto& [key, value] : values) {
    prometheus::Gauge* gauge = &family.Add({{label, key.first}, {"state", key.second}});
    gauge->Set(value);
    next.emplace(key, gauge);
  }
  for (const auto& [key, gauge] : *current) {
    if (next.count(key) == 0) family.Remove(gauge);
  }
  *current = std::move(next);
}

}  // namespace

void InventoryGauges::Refresh() {
  StatusOr<RequestState> state = LoadRequestState(ctx_);
  if (!state.ok()) return;
  const ClusterView& view = *state->view;
  std::vector<const model::Node*> nodes;
  for (const auto& [name, node] : *view.nodes) nodes.push_back(&node);
  std::vector<std::string> classes;
  for (const auto& [key, object] : view.store->of(ObjectKind::kDeviceClass)) {
    if (view.devices->FindClass(key) != nullptr) classes.push_back(key);
  }
  alloc::Options options;
  options.cel_cache = &ctx_.cel_cache;
  StatusOr<alloc::Inventory> inv =
      alloc::ComputeInventory(*view.devices, *state->allocated, nodes, classes, {}, ctx_.options.features, options);
  if (!inv.ok()) return;

  Values drivers;
  for (const auto& p : inv->pools) {
    if (!p.counts) continue;
    drivers[{p.driver, "total"}] += static_cast<double>(p.counts->total_devices);
    drivers[{p.driver, "allocated"}] += static_cast<double>(p.counts->allocated_devices);
    drivers[{p.driver, "available"}] += static_cast<double>(p.counts->available_devices);
    drivers[{p.driver, "unavailable"}] += static_cast<double>(p.counts->unavailable_devices);
  }
  Values per_class;
  for (const auto& row : inv->classes) {
    per_class[{row.device_class, "selected"}] += static_cast<double>(row.devices);
    per_class[{row.device_class, "free"}] += static_cast<double>(row.free);
  }
  MutexLock lock(mu_);
  Apply(*metrics_.inventory_devices, "driver", drivers, &drivers_);
  Apply(*metrics_.inventory_class_devices, "class", per_class, &classes_);
}

}  // namespace allot::svc
