#include "service/tooling/inventory_gauges.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "core/alloc/inventory_totals.h"

namespace allot::svc {
namespace {

using Key = InventoryGauges::Key;
using Values = InventoryGauges::Values;

// Sets every child in `values`, removes the children of `*current` that are not in it. `labels` name the
// key's leading parts; the last part is always "state".
void Apply(prometheus::Family<prometheus::Gauge>& family, std::initializer_list<const char*> labels,
           const Values& values, std::map<Key, prometheus::Gauge*>* current) {
  std::map<Key, prometheus::Gauge*> next;
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

InventoryGauges::InventoryGauges(const VerbContext& ctx, ServiceMetrics& metrics, InventoryGaugesPacing pacing)
    : views_(ctx.views),
      metrics_(metrics),
      settings_{ctx.options.partition_type_attribute, ctx.options.inventory_pool_metrics, ctx.options.features,
                &ctx.cel_cache},
      pacing_(pacing),
      revision_gauge_(&metrics.inventory_gauges_revision->Add({})),
      seconds_gauge_(&metrics.inventory_gauges_compute_seconds->Add({})) {
  thread_ = std::thread([this] { Loop(); });
  listener_ = views_.AddViewListener([this](const std::shared_ptr<const ClusterView>& view) {
    {
      MutexLock lock(mu_);
      next_ = view;  // replaces a view not computed yet: the newest is what counts
    }
    wake_cv_.NotifyOne();
  });
}

InventoryGauges::~InventoryGauges() {
  views_.RemoveViewListener(listener_);
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  wake_cv_.NotifyOne();
  thread_.join();
}

InventoryGauges::Computed InventoryGauges::Compute(const ClusterView& view, const Settings& settings) {
  std::vector<const model::Node*> nodes;
  nodes.reserve(view.nodes->size());
  for (const auto& [name, node] : *view.nodes) nodes.push_back(&node);
  std::vector<std::string> classes;
  for (const auto& [key, object] : view.store->of(ObjectKind::kDeviceClass)) {
    if (view.devices->FindClass(key) != nullptr) classes.push_back(key);
  }
  alloc::Options options;
  options.cel_cache = settings.cel_cache;
  alloc::InventoryTotalsOptions which;
  which.default_partition_type_attribute = settings.partition_type_attribute;
  which.per_pool = settings.pool_metrics;
  Computed out;
  StatusOr<alloc::InventoryTotals> totals = alloc::ComputeInventoryTotals(
      *view.devices, *view.allocated->state, nodes, classes, which, settings.features, options);
  if (!totals.ok()) return out;
  auto add_counts = [](Values& values, const Key& prefix, const alloc::PoolCounts& c) {
    const std::pair<const char*, int64_t> counts[] = {{"total", c.total_devices},
                                                      {"allocated", c.allocated_devices},
                                                      {"available", c.available_devices},
                                                      {"unavailable", c.unavailable_devices}};
    for (const auto& [state, n] : counts) {
      Key key = prefix;
      key.emplace_back(state);
      values[key] = static_cast<double>(n);
    }
  };
  for (const auto& [driver, counts] : totals->drivers) add_counts(out.drivers, {driver}, counts);
  for (const auto& [pool, counts] : totals->pools) add_counts(out.pools, {pool.first, pool.second}, counts);
  for (const auto& [cls, t] : totals->classes) {
    out.classes[{cls, "selected"}] = static_cast<double>(t.selected);
    out.classes[{cls, "free"}] = static_cast<double>(t.free);
  }
  for (const auto& [key, p] : totals->partitions) {
    out.partitions[{key.first, key.second, "selected"}] = static_cast<double>(p.selected);
    out.partitions[{key.first, key.second, "free"}] = static_cast<double>(p.free);
    out.partitions[{key.first, key.second, "allocatable"}] = static_cast<double>(p.allocatable);
  }
  return out;
}

void InventoryGauges::Set(const Computed& values) {
  Apply(*metrics_.inventory_devices, {"driver"}, values.drivers, &drivers_);
  Apply(*metrics_.inventory_class_devices, {"class"}, values.classes, &classes_);
  Apply(*metrics_.inventory_partition_devices, {"class", "type"}, values.partitions, &partitions_);
  Apply(*metrics_.inventory_pool_devices, {"driver", "pool"}, values.pools, &pools_);
}

void InventoryGauges::Loop() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point not_before = Clock::now();  // pacing: the earliest start of the next computation
  while (true) {
    std::shared_ptr<const ClusterView> view;
    {
      MutexLock lock(mu_);
      while (!stop_ && (next_ == nullptr || Clock::now() < not_before)) {
        if (next_ == nullptr) {
          wake_cv_.Wait(mu_);
        } else {
          wake_cv_.WaitUntil(mu_, not_before);
        }
      }
      if (stop_) return;
      view = std::move(next_);
      next_ = nullptr;
    }
    const Clock::time_point start = Clock::now();
    Set(Compute(*view, settings_));
    const std::chrono::duration<double> took = Clock::now() - start;
    revision_gauge_->Set(static_cast<double>(view->store->revision));
    seconds_gauge_->Set(took.count());
    const auto paced = std::chrono::duration_cast<Clock::duration>(took / std::max(pacing_.max_busy_fraction, 0.01));
    not_before = start + std::max<Clock::duration>(pacing_.min_interval, paced);
    {
      MutexLock lock(mu_);
      shown_ = true;
      shown_revision_ = view->store->revision;
    }
    done_cv_.NotifyAll();
  }
}

bool InventoryGauges::WaitForRevision(uint64_t revision, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(mu_);
  while (!(shown_ && shown_revision_ >= revision)) {
    if (!done_cv_.WaitUntil(mu_, deadline) && std::chrono::steady_clock::now() >= deadline) {
      return shown_ && shown_revision_ >= revision;
    }
  }
  return true;
}

}  // namespace allot::svc
