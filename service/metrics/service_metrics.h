// ServiceMetrics: every Prometheus metric allot exports, declared in ONE table (Envoy style).
//
// Names follow allot_<subsystem>_<what>_<unit>; label values come from small fixed sets (verb, result,
// kind, route, code class), or from the cluster's driver and DeviceClass names (the inventory gauges), and
// never from node, pool, pod or claim names. docs/metrics.md documents the same
// table; tests/service/metrics/service_metrics_test.cc checks that every row appears there.
//
// Thread safety: thread-safe. Families and children are prometheus-cpp objects (atomic increments; Add()
// takes the family's mutex). Serialize() may run concurrently with updates.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

// X(member, "metric name", "comma-separated label keys", "help")
#define ALLOT_SERVICE_METRICS(COUNTER, GAUGE, HISTOGRAM)                                                         \
  COUNTER(http_requests, "allot_http_requests_total", "route,code",                                             \
          "HTTP requests served, by route and status class (2xx, 4xx, 5xx).")                                    \
  HISTOGRAM(http_request_duration, "allot_http_request_duration_seconds", "route",                               \
            "Wall time from request decoded to response encoded, by route.")                                     \
  COUNTER(http_bad_requests, "allot_http_bad_requests_total", "route",                                           \
          "Requests rejected with 4xx because the body was malformed, mistyped or too large.")                   \
  COUNTER(http_exceptions, "allot_http_exceptions_total", "",                                                    \
          "Exceptions caught by the HTTP server's last-resort handler (answered 500).")                          \
  COUNTER(extender_requests, "allot_extender_requests_total", "verb,result",                                     \
          "Extender verb calls by verb (filter, prioritize, bind) and result (ok, error, bad_request).")          \
  COUNTER(filter_nodes, "allot_filter_nodes_total", "result",                                                    \
          "Nodes judged by filter, by result (passed, failed, unresolvable).")                                   \
  COUNTER(filter_pods, "allot_filter_pods_total", "result",                                                      \
          "Pods seen by filter, by result (no_claims, allocated, unschedulable, error).")                        \
  COUNTER(bind_results, "allot_bind_total", "result",                                                            \
          "Bind verb outcomes (bound, conflict, error).")                                                        \
  COUNTER(bind_claim_retries, "allot_bind_claim_update_retries_total", "",                                       \
          "Claim writes retried after a 409 Conflict during bind.")                                              \
  COUNTER(bind_undo, "allot_bind_undo_total", "result",                                                          \
          "Claim writes rolled back after a failed bind, by result (ok, error).")                                \
  HISTOGRAM(allocation_duration, "allot_allocation_duration_seconds", "phase",                                   \
            "Time to allocate a pod's claims on one request, by phase (filter, bind).")                          \
  HISTOGRAM(node_allocation_duration, "allot_node_allocation_duration_seconds", "",                              \
            "Time to allocate a pod's claims on one candidate node during filter.")                              \
  COUNTER(cel_evaluations, "allot_cel_evaluations_total", "",                                                    \
          "CEL selector evaluations run by the allocator (selector memo misses).")                               \
  COUNTER(selector_memo_lookups, "allot_selector_memo_lookups_total", "result",                                  \
          "Selector results looked up by the allocator, by result (hit, miss); hit ratio = hit / (hit + miss).") \
  GAUGE(index_devices, "allot_index_devices", "", "Devices in the current device index.")                        \
  GAUGE(index_pools, "allot_index_pools", "", "Resource pools (driver, pool) in the current device index.")      \
  GAUGE(inventory_devices, "allot_inventory_devices", "driver,state",                                            \
        "Devices of complete pools by driver and state (total, allocated, available, unavailable: KEP-5677), "    \
        "computed once per published cluster view.")                                                             \
  GAUGE(inventory_class_devices, "allot_inventory_class_devices", "class,state",                                 \
        "Devices a DeviceClass selects, summed over nodes, by state (selected, free), per cluster view.")        \
  GAUGE(inventory_partition_devices, "allot_inventory_partition_devices", "class,type,state",                     \
        "Partitions of each type a DeviceClass selects, summed over nodes, by state (selected, free, allocatable: "\
        "how many more fit one after another on each node), per cluster view.")                                  \
  GAUGE(inventory_pool_devices, "allot_inventory_pool_devices", "driver,pool,state",                             \
        "Devices of each complete pool by state (KEP-5677), only with --inventory-pool-metrics=true.")          \
  GAUGE(inventory_gauges_revision, "allot_inventory_gauges_revision", "",                                        \
        "Store revision of the cluster view the allot_inventory_* gauges were last computed from.")             \
  GAUGE(inventory_gauges_compute_seconds, "allot_inventory_gauges_compute_seconds", "",                          \
        "Wall time of the last computation of the allot_inventory_* gauges (once per published cluster view).") \
  GAUGE(reservations_in_flight, "allot_reservations_in_flight", "",                                              \
        "Claims allocated by bind whose allocation the watch has not shown yet.")                                \
  COUNTER(reservations_released, "allot_reservations_released_total", "reason",                                  \
          "In-flight reservations dropped, by reason (observed, failed, expired).")                              \
  COUNTER(apiserver_requests, "allot_apiserver_requests_total", "verb,code",                                     \
          "Kubernetes API calls by verb (get, list, watch, update, update_status, patch, create) and code class.") \
  HISTOGRAM(apiserver_request_duration, "allot_apiserver_request_duration_seconds", "verb",                      \
            "Kubernetes API call latency by verb (watch: duration of the stream).")                              \
  COUNTER(watch_events, "allot_watch_events_total", "kind,type",                                                 \
          "Watch events received by kind and type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR).")                 \
  COUNTER(watch_lists, "allot_watch_lists_total", "kind,reason",                                                 \
          "Full lists by kind and reason (initial, gone = 410/too old resource version, error).")                \
  COUNTER(watch_errors, "allot_watch_errors_total", "kind",                                                      \
          "List or watch failures that led to a backoff, by kind.")                                              \
  GAUGE(watch_synced, "allot_watch_synced", "kind", "1 once the initial list of the kind completed, else 0.")    \
  GAUGE(store_objects, "allot_store_objects", "kind", "Objects in the cluster store, by kind.")                  \
  GAUGE(build_info, "allot_build_info", "version", "Always 1; the label carries the version.")

namespace allot::svc {

// One row of the table, for documentation checks.
struct MetricInfo {
  std::string_view member;
  std::string_view name;
  std::string_view type;  // "counter", "gauge", "histogram"
  std::string_view labels;
  std::string_view help;
};

class ServiceMetrics {
 public:
  // Registers every family in a fresh registry (each instance is isolated, so tests do not share state).
  ServiceMetrics();
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // The Prometheus text exposition (version 0.0.4) of all metrics.
  std::string Serialize() const;

  static const std::vector<MetricInfo>& Table();

  // Default latency buckets (seconds): 0.5 ms .. 10 s.
  static const prometheus::Histogram::BucketBoundaries& LatencyBuckets();
  // Per-node allocation buckets (seconds): 1 µs .. 1 s.
  static const prometheus::Histogram::BucketBoundaries& NodeLatencyBuckets();

  // Convenience updaters. ObserveHttp looks its children up per call (the HTTP server caches its own per
  // route); ObserveApiCall caches the children of the known API verbs on first use, so an API call costs no
  // family lookup after the first of its (verb, code class).
  void ObserveHttp(std::string_view route, int status, double seconds);
  void ObserveApiCall(std::string_view verb, int http_code, double seconds);

  // Value of a counter or gauge child (0 if it does not exist); histogram: sample count.
  double ValueForTest(std::string_view name, const prometheus::Labels& labels = {}) const;

#define ALLOT_METRIC_MEMBER_COUNTER_(member, name, labels, help) prometheus::Family<prometheus::Counter>* member = nullptr;
#define ALLOT_METRIC_MEMBER_GAUGE_(member, name, labels, help) prometheus::Family<prometheus::Gauge>* member = nullptr;
#define ALLOT_METRIC_MEMBER_HISTOGRAM_(member, name, labels, help) \
  prometheus::Family<prometheus::Histogram>* member = nullptr;
  ALLOT_SERVICE_METRICS(ALLOT_METRIC_MEMBER_COUNTER_, ALLOT_METRIC_MEMBER_GAUGE_, ALLOT_METRIC_MEMBER_HISTOGRAM_)
#undef ALLOT_METRIC_MEMBER_COUNTER_
#undef ALLOT_METRIC_MEMBER_GAUGE_
#undef ALLOT_METRIC_MEMBER_HISTOGRAM_

 private:
  std::shared_ptr<prometheus::Registry> registry_;

  // ObserveApiCall's children by verb (kApiVerbs in service_metrics.cc) and code class (0 = transport error,
  // 1..5 = 1xx..5xx), created on first use. Family::Add returns the same child for the same labels, so two
  // threads racing to fill a slot store the same pointer.
  static constexpr size_t kApiVerbCount = 7;
  std::array<std::array<std::atomic<prometheus::Counter*>, 6>, kApiVerbCount> api_requests_{};
  std::array<std::atomic<prometheus::Histogram*>, kApiVerbCount> api_durations_{};
};

// "2xx", "4xx", "5xx", or "error" for 0 (transport failure).
std::string CodeClass(int http_code);

}  // namespace allot::svc
