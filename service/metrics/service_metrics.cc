#include "service/metrics/service_metrics.h"

#include <prometheus/text_serializer.h>

namespace allot::svc {

ServiceMetrics::ServiceMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
#define ALLOT_METRIC_REGISTER_COUNTER_(member, name, labels, help) \
  member = &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
#define ALLOT_METRIC_REGISTER_GAUGE_(member, name, labels, help) \
  member = &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
#define ALLOT_METRIC_REGISTER_HISTOGRAM_(member, name, labels, help) \
  member = &prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
  ALLOT_SERVICE_METRICS(ALLOT_METRIC_REGISTER_COUNTER_, ALLOT_METRIC_REGISTER_GAUGE_, ALLOT_METRIC_REGISTER_HISTOGRAM_)
#undef ALLOT_METRIC_REGISTER_COUNTER_
#undef ALLOT_METRIC_REGISTER_GAUGE_
#undef ALLOT_METRIC_REGISTER_HISTOGRAM_
  build_info->Add({{"version", "0.1.0"}}).Set(1);
  http_exceptions->Add({});
  bind_claim_retries->Add({});
  reservations_in_flight->Add({});
}

const std::vector<MetricInfo>& ServiceMetrics::Table() {
  static const std::vector<MetricInfo> table = {
#define ALLOT_METRIC_INFO_COUNTER_(member, name, labels, help) {#member, name, "counter", labels, help},
#define ALLOT_METRIC_INFO_GAUGE_(member, name, labels, help) {#member, name, "gauge", labels, help},
#define ALLOT_METRIC_INFO_HISTOGRAM_(member, name, labels, help) {#member, name, "histogram", labels, help},
      ALLOT_SERVICE_METRICS(ALLOT_METRIC_INFO_COUNTER_, ALLOT_METRIC_INFO_GAUGE_, ALLOT_METRIC_INFO_HISTOGRAM_)
#undef ALLOT_METRIC_INFO_COUNTER_
#undef ALLOT_METRIC_INFO_GAUGE_
#undef ALLOT_METRIC_INFO_HISTOGRAM_
  };
  return table;
}

const prometheus::Histogram::BucketBoundaries& ServiceMetrics::LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                  0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

const prometheus::Histogram::BucketBoundaries& ServiceMetrics::NodeLatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {1e-6,   2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4,
                                                                  2.5e-4, 5e-4,   1e-3, 1e-2, 0.1,    1};
  return buckets;
}

std::string ServiceMetrics::Serialize() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(registry_->Collect());
}

std::string CodeClass(int http_code) {
  if (http_code <= 0) return "error";
  return std::to_string(http_code / 100) + "xx";
}

void ServiceMetrics::ObserveHttp(std::string_view route, int status, double seconds) {
  http_requests->Add({{"route", std::string(route)}, {"code", CodeClass(status)}}).Increment();
  http_request_duration->Add({{"route", std::string(route)}}, LatencyBuckets()).Observe(seconds);
}

namespace {

// The verbs HttpKubeClient reports (the label values of allot_apiserver_requests_total).
constexpr std::array<std::string_view, 7> kApiVerbs = {"get",   "list",  "watch", "update",
                                                       "update_status", "patch", "create"};

}  // namespace

void ServiceMetrics::ObserveApiCall(std::string_view verb, int http_code, double seconds) {
  static_assert(kApiVerbs.size() == kApiVerbCount);
  size_t v = 0;
  while (v < kApiVerbs.size() && kApiVerbs[v] != verb) ++v;
  const size_t code = http_code >= 100 && http_code < 600 ? static_cast<size_t>(http_code / 100) : 0;
  if (v == kApiVerbs.size() || (http_code > 0 && code == 0)) {  // not a known verb or code: no slot
    apiserver_requests->Add({{"verb", std::string(verb)}, {"code", CodeClass(http_code)}}).Increment();
    apiserver_request_duration->Add({{"verb", std::string(verb)}}, LatencyBuckets()).Observe(seconds);
    return;
  }
  prometheus::Counter* counter = api_requests_[v][code].load(std::memory_order_acquire);
  if (counter == nullptr) {
    counter = &apiserver_requests->Add({{"verb", std::string(verb)}, {"code", CodeClass(http_code)}});
    api_requests_[v][code].store(counter, std::memory_order_release);
  }
  counter->Increment();
  prometheus::Histogram* duration = api_durations_[v].load(std::memory_order_acquire);
  if (duration == nullptr) {
    duration = &apiserver_request_duration->Add({{"verb", std::string(verb)}}, LatencyBuckets());
    api_durations_[v].store(duration, std::memory_order_release);
  }
  duration->Observe(seconds);
}

double ServiceMetrics::ValueForTest(std::string_view name, const prometheus::Labels& labels) const {
  for (const auto& family : registry_->Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      prometheus::Labels have;
      for (const auto& label : metric.label) have[label.name] = label.value;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = have.find(k);
        if (it == have.end() || it->second != v) match = false;
      }
      if (!match) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter: return metric.counter.value;
        case prometheus::MetricType::Gauge: return metric.gauge.value;
        case prometheus::MetricType::Histogram: return static_cast<double>(metric.histogram.sample_count);
        default: return 0;
      }
    }
  }
  return 0;
}

}  // namespace allot::svc
