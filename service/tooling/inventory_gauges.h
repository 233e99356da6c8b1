// InventoryGauges: the inventory (service/tooling/inventory.h) as Prometheus gauges, computed once per
// published cluster view, off the scrape path, so DRA capacity can be graphed and alerted on:
//
//   allot_inventory_devices{driver, state}        state: total | allocated | available | unavailable
//                                                 (KEP-5677 definitions, summed over the driver's complete pools)
//   allot_inventory_class_devices{class, state}   state: selected | free (summed over nodes)
//   allot_inventory_partition_devices{class, type, state}
//                                                 state: selected | free | allocatable (each node's "how many
//                                                 more fit", summed over nodes); only partition types with a
//                                                 grouping attribute (a slice's, or --partition-type-attribute)
//   allot_inventory_pool_devices{driver, pool, state}   only with --inventory-pool-metrics=true
//   allot_inventory_gauges_revision, allot_inventory_gauges_compute_seconds: which view they show, what it cost
//
// Label values are driver, DeviceClass and partition type names: bounded by the cluster's drivers, classes
// and device profiles, never node or claim names; per-pool series only behind their flag. Series that
// disappeared are removed with the next computation. Before the store synced there are none.
//
// Who computes, and when: the view publisher (service/state/cluster_view_publisher.h) hands every new view
// to this object's own thread (a pointer swap on the publisher's thread: views, /readyz and the verbs are
// not delayed), which computes alloc::ComputeInventoryTotals over it (the view's allocated claims; bind's
// in-flight reservations are not included: they last until the watch shows the claim, which is the next
// view) and sets the gauges. A /metrics scrape only serialises numbers. Views that arrive while it computes
// are coalesced: only the newest is computed next. To bound the CPU spent under constant churn, two
// computations start at least max(min_interval, duration of the last one / max_busy_fraction) apart
// (defaults 1 s and 0.25: at most a quarter of one core).
//
// Staleness contract: the gauges show the newest published view as of their last computation; a change
// (allocation, taint, slice) shows once the watch delivered it, the publisher built its view (milliseconds to
// a fraction of a second) and the next computation ran: at most max(min_interval, 4 x T) + T after the view's
// publication, T being one computation (docs/perf/allot.md §7: about 0.2 s at 104 k devices, seconds at
// 1 M). For the same view the values equal the unfiltered GET /api/v1/inventory's sums when no bind is in
// flight (tests/service/tooling/inventory_test.cc checks that after allocations, taints and slice removals).
//
// Thread safety: thread-safe. The constructor registers a listener with `ctx.views` and starts the thread;
// the destructor removes the listener and joins the thread (waiting for a computation in progress).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/thread_annotations.h"
#include "core/alloc/features.h"
#include "service/extender/verb_context.h"
#include "service/metrics/service_metrics.h"

namespace allot::svc {

struct InventoryGaugesPacing {
  std::chrono::milliseconds min_interval{1000};  // between the starts of two computations
  double max_busy_fraction = 0.25;               // of one core, under constant churn
};

class InventoryGauges {
 public:
  using Key = std::vector<std::string>;  // label values, "state" last
  using Values = std::map<Key, double>;

  // One computation's numbers, per family.
  struct Computed {
    Values drivers;
    Values classes;
    Values partitions;
    Values pools;  // empty unless --inventory-pool-metrics
  };

  // What a computation reads besides the view (copied from the extender's options at construction).
  struct Settings {
    std::string partition_type_attribute;
    bool pool_metrics = false;
    alloc::Features features;
    cel::CompileCache* cel_cache = nullptr;
  };

  // `ctx` (its views and cel_cache) and `metrics` must outlive this object.
  InventoryGauges(const VerbContext& ctx, ServiceMetrics& metrics, InventoryGaugesPacing pacing = {});
  ~InventoryGauges();
  InventoryGauges(const InventoryGauges&) = delete;
  InventoryGauges& operator=(const InventoryGauges&) = delete;

  // The numbers of `view`, as the thread computes them (pure; for tests and the benchmark).
  static Computed Compute(const ClusterView& view, const Settings& settings);

  // True once the gauges show a view of store revision >= `revision`; false after `timeout` (tests).
  bool WaitForRevision(uint64_t revision, std::chrono::milliseconds timeout);

 private:
  void Loop();
  void Set(const Computed& values);

  ClusterViewPublisher& views_;
  ServiceMetrics& metrics_;
  const Settings settings_;
  const InventoryGaugesPacing pacing_;

  Mutex mu_;
  CondVar wake_cv_;  // a view arrived, or stop
  CondVar done_cv_;  // a computation finished
  std::shared_ptr<const ClusterView> next_ ALLOT_GUARDED_BY(mu_);  // newest view not yet computed
  bool stop_ ALLOT_GUARDED_BY(mu_) = false;
  bool shown_ ALLOT_GUARDED_BY(mu_) = false;  // the gauges show a view
  uint64_t shown_revision_ ALLOT_GUARDED_BY(mu_) = 0;

  // Touched only by the thread.
  std::map<Key, prometheus::Gauge*> drivers_;
  std::map<Key, prometheus::Gauge*> classes_;
  std::map<Key, prometheus::Gauge*> partitions_;
  std::map<Key, prometheus::Gauge*> pools_;
  prometheus::Gauge* revision_gauge_ = nullptr;
  prometheus::Gauge* seconds_gauge_ = nullptr;

  int listener_ = -1;
  std::thread thread_;  // last member: started after everything it uses
};

}  // namespace allot::svc
