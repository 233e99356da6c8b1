#include "service/tooling/inventory_gauges.h"

#include <initializer_list>
#include <vector>

#include "core/alloc/inventory.h"

namespace allot::svc {
namespace {

using Values = std::map<InventoryGauges::Key, double>;

// Sets every child in `values`, removes the children of `*current` that are not in it. `labels` name the
// key's leading parts; the last part is always "state".
void Apply(prometheus::Family<prometheus::Gauge>& family, std::initializer_list<const char*> labels,
           const Values& values, std::map<InventoryGauges::Key, prometheus::Gauge*>* current) {
  std::map<InventoryGauges::Key, prometheus::Gauge*> next;
  for (const auto& [key, value] : values) {
    std::map<std::string, std::string> set;
    auto part = key.begin();
    for (const char* label : labels) set[label] = *part++;
    set["state"] = key.back();
    prometheus::Gauge* gauge = &family.Add(set);
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
  alloc::InventoryFilter all;
  all.default_partition_type_attribute = ctx_.options.partition_type_attribute;
  StatusOr<alloc::Inventory> inv =
      alloc::ComputeInventory(*view.devices, *state->allocated, nodes, classes, all, ctx_.options.features, options);
  if (!inv.ok()) return;

  Values drivers;
  Values pools;
  for (const auto& p : inv->pools) {
    if (!p.counts) continue;
    const std::pair<const char*, int64_t> counts[] = {{"total", p.counts->total_devices},
                                                      {"allocated", p.counts->allocated_devices},
                                                      {"available", p.counts->available_devices},
                                                      {"unavailable", p.counts->unavailable_devices}};
    for (const auto& [name, n] : counts) {
      drivers[{p.driver, name}] += static_cast<double>(n);
      if (ctx_.options.inventory_pool_metrics) pools[{p.driver, p.pool, name}] = static_cast<double>(n);
    }
  }
  Values per_class;
  Values partitions;
  for (const auto& row : inv->classes) {
    per_class[{row.device_class, "selected"}] += static_cast<double>(row.devices);
    per_class[{row.device_class, "free"}] += static_cast<double>(row.free);
    for (const auto& part : row.partitions) {
      partitions[{row.device_class, part.type, "selected"}] += static_cast<double>(part.devices);
      partitions[{row.device_class, part.type, "free"}] += static_cast<double>(part.free);
      partitions[{row.device_class, part.type, "allocatable"}] += static_cast<double>(part.allocatable);
    }
  }
  MutexLock lock(mu_);
  Apply(*metrics_.inventory_devices, {"driver"}, drivers, &drivers_);
  Apply(*metrics_.inventory_class_devices, {"class"}, per_class, &classes_);
  Apply(*metrics_.inventory_partition_devices, {"class", "type"}, partitions, &partitions_);
  Apply(*metrics_.inventory_pool_devices, {"driver", "pool"}, pools, &pools_);
}

}  // namespace allot::svc
