// VerbMetrics: the Prometheus children the extender verbs update, looked up once when the extender is built
// (prometheus-cpp's Family::Add takes the family's mutex and hashes the labels; on the request path that was
// a lock and a map lookup per counter). Every label value of the verbs is a constant, so each child exists
// from the start and exports 0 until it counts.
//
// Thread safety: the pointers are set in the constructor and never change; the children are atomic.
#pragma once

#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "service/metrics/service_metrics.h"

namespace allot::svc {

struct VerbMetrics {
  explicit VerbMetrics(ServiceMetrics& metrics);

  // allot_extender_requests_total{verb, result} and allot_http_bad_requests_total{route = verb}.
  struct Requests {
    prometheus::Counter* ok = nullptr;
    prometheus::Counter* error = nullptr;
    prometheus::Counter* bad_request = nullptr;
    prometheus::Counter* bad_body = nullptr;  // http_bad_requests{route}
  };
  Requests filter, prioritize, bind;

  // allot_filter_pods_total{result}: "no_claims", "allocated", "unschedulable", "error".
  prometheus::Counter& FilterPods(std::string_view result) const;
  prometheus::Counter* nodes_passed = nullptr;        // allot_filter_nodes_total{result}
  prometheus::Counter* nodes_failed = nullptr;
  prometheus::Counter* nodes_unresolvable = nullptr;

  // allot_bind_total{result}: "bound", "conflict", "error".
  prometheus::Counter& BindResult(std::string_view result) const;
  prometheus::Counter* bind_claim_retries = nullptr;
  prometheus::Counter* undo_ok = nullptr;             // allot_bind_undo_total{result}
  prometheus::Counter* undo_error = nullptr;

  prometheus::Histogram* filter_allocation = nullptr;  // allot_allocation_duration_seconds{phase}
  prometheus::Histogram* bind_allocation = nullptr;
  prometheus::Histogram* node_allocation = nullptr;    // allot_node_allocation_duration_seconds
  prometheus::Counter* cel_evaluations = nullptr;
  prometheus::Counter* memo_hits = nullptr;            // allot_selector_memo_lookups_total{result}
  prometheus::Counter* memo_misses = nullptr;

 private:
  prometheus::Counter* pods_no_claims_ = nullptr;
  prometheus::Counter* pods_allocated_ = nullptr;
  prometheus::Counter* pods_unschedulable_ = nullptr;
  prometheus::Counter* pods_error_ = nullptr;
  prometheus::Counter* bind_bound_ = nullptr;
  prometheus::Counter* bind_conflict_ = nullptr;
  prometheus::Counter* bind_error_ = nullptr;
};

}  // namespace allot::svc
