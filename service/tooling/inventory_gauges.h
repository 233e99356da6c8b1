// InventoryGauges: the inventory (service/tooling/inventory.h) as Prometheus gauges, refreshed on each
// scrape of GET /metrics, so DRA capacity can be graphed and alerted on:
//
//   allot_inventory_devices{driver, state}        state: total | allocated | available | unavailable
//                                                 (KEP-5677 definitions, summed over the driver's complete pools)
//   allot_inventory_class_devices{class, state}   state: selected | free (summed over nodes)
//
// Label values are driver and DeviceClass names: bounded by the cluster's drivers and classes, never node,
// pool or claim names (per-pool series are not exported). Series of drivers and classes that disappeared
// are removed on the next refresh. Before the store synced nothing is refreshed.
//
// Cost: one alloc::ComputeInventory per scrape (the class evaluation reads the selector memo).
//
// Thread safety: thread-safe; Refresh() serialises concurrent scrapes on mu_.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "base/thread_annotations.h"
#include "service/extender/verb_context.h"
#include "service/metrics/service_metrics.h"

namespace allot::svc {

class InventoryGauges {
 public:
  // `ctx` and `metrics` must outlive this object.
  InventoryGauges(const VerbContext& ctx, ServiceMetrics& metrics) : ctx_(ctx), metrics_(metrics) {}

  void Refresh();

 private:
  using Key = std::pair<std::string, std::string>;  // (driver or class, state)
  const VerbContext& ctx_;
  ServiceMetrics& metrics_;
  Mutex mu_;
  std::map<Key, prometheus::Gauge*> drivers_ ALLOT_GUARDED_BY(mu_);
  std::map<Key, prometheus::Gauge*> classes_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::svc
