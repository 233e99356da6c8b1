#include "service/extender/extender.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/alloc/node_fanout.h"
#include "core/cel/selector.h"

namespace allot::svc {

StatusOr<alloc::Features> ParseFeatureGates(std::string_view text) { return alloc::Features::FromGateList(text); }

Extender::Extender(ClusterStore& store, KubeClient& kube, ServiceMetrics& metrics, ExtenderOptions options)
    : options_(options),
      metrics_(metrics),
      reservations_(&metrics, options.reservation_ttl),
      fanout_(std::make_unique<alloc::NodeFanout>(std::max<size_t>(1, options.fanout_threads))),
      cel_cache_(std::make_unique<cel::CompileCache>()),
      views_(std::make_unique<ClusterViewPublisher>(store, &metrics, options.features.consumable_capacity,
                                                    [this](const ClusterView& view) { WarmMemos(view); })),
      binding_waiter_(std::make_unique<BindingWaiter>(store)),
      context_{options_,   *views_, reservations_, kube,    metrics_,         *fanout_,
               *cel_cache_, expected_, pods_,      bind_mu_, *binding_waiter_} {
  store.AddListener([this](const std::shared_ptr<const StoreSnapshot>& snapshot) { reservations_.Observe(*snapshot); });
  if (options_.features.device_binding_and_status && options_.binding_reply_wait < options_.binding_timeout) {
    spdlog::info(
        "binding conditions: bind waits up to {} s for them; a bind request answers \"pending\" after {} ms and "
        "allot binds the pod later (keep --binding-reply-ms below the scheduler's extender httpTimeout, or raise "
        "both above the binding timeout to bind in one attempt)",
        options_.binding_timeout.count(), options_.binding_reply_wait.count());
  }
}

Extender::~Extender() {
  binding_waiter_->Shutdown();  // open waits undo their claim writes while everything they use still exists
}

void Extender::WarmMemos(const ClusterView& view) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<const model::Node*> nodes;
  nodes.reserve(view.nodes->size());
  for (const auto& [name, node] : *view.nodes) nodes.push_back(&node);
  if (nodes.empty()) return;
  const index::AllocatedState nothing_allocated;  // selector results and pool lists do not depend on it
  alloc::FanoutOptions options;
  options.allocate.cel_cache = cel_cache_.get();  // the shared cache is what puts results in the index's memo
  options.allocate.build_results = false;
  options.steps_per_node = options_.max_search_steps;
  size_t classes = 0;
  for (const auto& [key, object] : view.store->of(ObjectKind::kDeviceClass)) {
    api::ExactDeviceRequest all;
    all.device_class_name = key;  // cluster-scoped: the key is the name
    all.allocation_mode = "All";  // every device of the class is checked against its selectors
    api::DeviceRequest request;
    request.name = "warm-up";
    request.exactly = all;
    api::ResourceClaim claim;
    claim.metadata.name = "allot-warm-up";
    claim.spec.devices.requests.push_back(request);
    fanout_->Run(*view.devices, nothing_allocated, nodes, {&claim}, options_.features, options);  // verdicts unused
    ++classes;
  }
  spdlog::info("memos warmed for {} nodes x {} device classes in {:.1f} s", nodes.size(), classes,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace allot::svc
