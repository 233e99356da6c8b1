#include "service/state/cluster_view_publisher.h"

#include <malloc.h>

#include <utility>

#include <spdlog/spdlog.h>

namespace allot::svc {

namespace {

// Returns free heap pages to the operating system. Listing and converting a large cluster frees many GB of
// short-lived JSON (the list as JSON trees is several times the converted model), which glibc otherwise keeps
// mapped: at 50 8xH100 nodes, RSS at ready was 236 MiB before and 84 MiB after a trim. Called after a new
// device index was built, not per request.
void ReleaseFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

}  // namespace

ClusterViewPublisher::ClusterViewPublisher(ClusterStore& store, ServiceMetrics* metrics, bool consumable_capacity,
                                           WarmHook warm)
    : store_(store), warm_(std::move(warm)), builder_(consumable_capacity) {
  if (metrics != nullptr) {
    index_devices_ = &metrics->index_devices->Add({});
    index_pools_ = &metrics->index_pools->Add({});
  }
  // Create spdlog's registry on this thread, before the threads we start log: libspdlog is not built with
  // TSan, which then cannot see the once-guard of its lazily created registry and reports a race between the
  // first two threads that log at the same time.
  spdlog::default_logger_raw();
  thread_ = std::thread([this] { Loop(); });
  store_.AddListener([this](const std::shared_ptr<const StoreSnapshot>&) {
    {
      MutexLock lock(wake_mu_);
      pending_ = true;
    }
    wake_cv_.NotifyOne();
  });
}

ClusterViewPublisher::~ClusterViewPublisher() {
  {
    MutexLock lock(wake_mu_);
    stop_ = true;
  }
  wake_cv_.NotifyOne();
  thread_.join();
}

std::shared_ptr<const ClusterView> ClusterViewPublisher::ViewOf(std::shared_ptr<const StoreSnapshot> snapshot) {
  MutexLock lock(build_mu_);
  // A caller that loaded an older snapshot than the last view's gets the newer view rather than a rebuild
  // backwards: newer is all the verbs need (revisions only grow).
  if (current_ != nullptr && current_->store->revision >= snapshot->revision) return current_;
  current_ = builder_.Build(std::move(snapshot));
  return current_;
}

StatusOr<std::shared_ptr<const ClusterView>> ClusterViewPublisher::Current() {
  auto snapshot = store_.Load();
  if (!snapshot->synced()) return UnavailableError("allot has not synced the cluster state yet");
  return ViewOf(std::move(snapshot));
}

void ClusterViewPublisher::Loop() {
  const void* warmed_for = nullptr;  // the device index last warmed (and after whose build the heap was trimmed)
  while (true) {
    {
      MutexLock lock(wake_mu_);
      while (!pending_ && !stop_) wake_cv_.Wait(wake_mu_);
      if (stop_) return;
      pending_ = false;
    }
    auto snapshot = store_.Load();  // the newest; publications in the meantime are covered by it
    if (!snapshot->synced()) continue;
    std::shared_ptr<const ClusterView> view = ViewOf(std::move(snapshot));
    if (index_devices_ != nullptr) {
      index_devices_->Set(static_cast<double>(view->devices->device_uid_count()));
      index_pools_->Set(static_cast<double>(view->devices->pool_count()));
    }
    if (view->devices.get() != warmed_for) {  // before readiness, so that RSS at ready is the steady state
      warmed_for = view->devices.get();
      if (warm_) warm_(*view);
      ReleaseFreedMemory();
    }
    ready_.store(true);
    MutexLock lock(listeners_mu_);
    for (auto& [id, listener] : listeners_) {
      if (listener.called && listener.revision == view->store->revision) continue;
      listener.called = true;
      listener.revision = view->store->revision;
      listener.call(view);
    }
  }
}

int ClusterViewPublisher::AddViewListener(ViewListener listener) {
  int id = 0;
  {
    MutexLock lock(listeners_mu_);
    id = next_listener_++;
    listeners_.emplace(id, Listener{std::move(listener), 0, false});
  }
  {
    MutexLock lock(wake_mu_);  // a pass of the loop calls it with the current view
    pending_ = true;
  }
  wake_cv_.NotifyOne();
  return id;
}

void ClusterViewPublisher::RemoveViewListener(int id) {
  MutexLock lock(listeners_mu_);
  listeners_.erase(id);
}

}  // namespace allot::svc
