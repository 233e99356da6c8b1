#include "service/extender/verb_metrics.h"

#include <string>

#include "base/check.h"

namespace allot::svc {

namespace {

VerbMetrics::Requests RequestsOf(ServiceMetrics& m, const std::string& verb) {
  VerbMetrics::Requests r;
  r.ok = &m.extender_requests->Add({{"verb", verb}, {"result", "ok"}});
  r.error = &m.extender_requests->Add({{"verb", verb}, {"result", "error"}});
  r.bad_request = &m.extender_requests->Add({{"verb", verb}, {"result", "bad_request"}});
  r.bad_body = &m.http_bad_requests->Add({{"route", verb}});
  return r;
}

}  // namespace

VerbMetrics::VerbMetrics(ServiceMetrics& m)
    : filter(RequestsOf(m, "filter")), prioritize(RequestsOf(m, "prioritize")), bind(RequestsOf(m, "bind")) {
  nodes_passed = &m.filter_nodes->Add({{"result", "passed"}});
  nodes_failed = &m.filter_nodes->Add({{"result", "failed"}});
  nodes_unresolvable = &m.filter_nodes->Add({{"result", "unresolvable"}});
  pods_no_claims_ = &m.filter_pods->Add({{"result", "no_claims"}});
  pods_allocated_ = &m.filter_pods->Add({{"result", "allocated"}});
  pods_unschedulable_ = &m.filter_pods->Add({{"result", "unschedulable"}});
  pods_error_ = &m.filter_pods->Add({{"result", "error"}});
  bind_bound_ = &m.bind_results->Add({{"result", "bound"}});
  bind_conflict_ = &m.bind_results->Add({{"result", "conflict"}});
  bind_error_ = &m.bind_results->Add({{"result", "error"}});
  bind_claim_retries = &m.bind_claim_retries->Add({});
  undo_ok = &m.bind_undo->Add({{"result", "ok"}});
  undo_error = &m.bind_undo->Add({{"result", "error"}});
  filter_allocation = &m.allocation_duration->Add({{"phase", "filter"}}, ServiceMetrics::LatencyBuckets());
  bind_allocation = &m.allocation_duration->Add({{"phase", "bind"}}, ServiceMetrics::LatencyBuckets());
  node_allocation = &m.node_allocation_duration->Add({}, ServiceMetrics::NodeLatencyBuckets());
  cel_evaluations = &m.cel_evaluations->Add({});
  memo_hits = &m.selector_memo_lookups->Add({{"result", "hit"}});
  memo_misses = &m.selector_memo_lookups->Add({{"result", "miss"}});
}

prometheus::Counter& VerbMetrics::FilterPods(std::string_view result) const {
  if (result == "no_claims") return *pods_no_claims_;
  if (result == "allocated") return *pods_allocated_;
  if (result == "unschedulable") return *pods_unschedulable_;
  ALLOT_CHECK(result == "error");
  return *pods_error_;
}

prometheus::Counter& VerbMetrics::BindResult(std::string_view result) const {
  if (result == "bound") return *bind_bound_;
  if (result == "conflict") return *bind_conflict_;
  ALLOT_CHECK(result == "error");
  return *bind_error_;
}

}  // namespace allot::svc
