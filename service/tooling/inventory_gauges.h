// InventoryGauges: the inventory (service/tooling/inventory.h) as Prometheus gauges, refreshed on each
// scrape of GET /metrics, so DRA capacity can be graphed and alerted on:
//
//   allot_inventory_devices{driver, state}        state: total | allocated | available | unavailable
//                                                 (KEP-5677 definitions, summed over the driver's complete pools)
//   allot_inventory_class_devices{class, state}   state: selected | free (summed over nodes)
//   allot_inventory_partition_devices{class, type, state}
//                                                 state: selected | free | allocatable (each node's "how many
//                                                 more fit", summed over nodes); only partition types with a
//                                                 grouping attribute (a slice's, or --partition-type-attribute)
//   allot_inventory_pool_devices{driver, pool, state}   only with --inventory-pool-metrics=true
//
// Label values are driver, DeviceClass and partition type names: bounded by the cluster's drivers, classes
// and device profiles, never node or claim names; per-pool series only behind their flag. Series that
// disappeared are removed on the next refresh. Before the store synced nothing is refreshed.
//
// Cost: one alloc::ComputeInventory per scrape (the class evaluation reads the selector memo).
//
// Thread safety: thread-safe; Refresh() serialises concurrent scrapes on mu_.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/thread_annotations.h"
#include "service/extender/verb_context.h"
#include "service/metrics/service_metrics.h"

namespace allot::svc {

class InventoryGauges {
 public:
  // `ctx` and `metrics` must outlive this object.
  InventoryGauges(const VerbContext& ctx, ServiceMetrics& metrics) : ctx_(ctx), metrics_(metrics) {}

  void Refresh();

  using Key = std::vector<std::string>;  // label values, "state" last

 private:
  const VerbContext& ctx_;
  ServiceMetrics& metrics_;
  Mutex mu_;
  std::map<Key, prometheus::Gauge*> drivers_ ALLOT_GUARDED_BY(mu_);
  std::map<Key, prometheus::Gauge*> classes_ ALLOT_GUARDED_BY(mu_);
  std::map<Key, prometheus::Gauge*> partitions_ ALLOT_GUARDED_BY(mu_);
  std::map<Key, prometheus::Gauge*> pools_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::svc
