// ClusterViewPublisher: keeps the ClusterView of the store's current snapshot, built off the request path.
//
//   ClusterViewPublisher views(store, &metrics, features.consumable_capacity, warm);
//   StatusOr<std::shared_ptr<const ClusterView>> view = views.Current();   // on the request path
//
// After every store publication its builder thread builds the view of the newest snapshot (publications in
// the meantime are covered by it). When that view has a new device index, the thread runs `warm` on it (the
// extender fills the index's memos there) and returns freed heap to the system before Ready() turns true, so
// that the first requests after readiness do not pay for decoding, indexing or selector evaluation against
// their deadline, and RSS at readiness is the steady state.
//
// Current() returns the view of the store's snapshot *at the time of the call*, or of a newer one: the thread's
// view when it is current (the common case), else it builds the view itself, or waits for a build in progress. Verbs rely on
// this: they read the in-flight reservations before calling Current(), and a reservation is dropped only
// once a published store snapshot shows its claim allocated (ReservationTable::Observe), so the pair never
// misses an allocation.
//
// View listeners (AddViewListener) are told each new view on the builder thread, after Ready() turned true
// for it; they must return quickly (the builder thread's next view waits for them): the inventory gauges
// (service/tooling/inventory_gauges.h) only hand the view to their own thread.
//
// Thread safety: thread-safe. `store` must outlive the publisher and must not publish after it is destroyed
// (its listener stays registered); `warm` runs on the builder thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "service/metrics/service_metrics.h"
#include "service/state/cluster_view.h"
#include "service/state/cluster_view_builder.h"
#include "service/store/cluster_store.h"

namespace allot::svc {

class ClusterViewPublisher {
 public:
  using WarmHook = std::function<void(const ClusterView&)>;

  // `metrics` (may be nullptr) gets the device index gauges.
  ClusterViewPublisher(ClusterStore& store, ServiceMetrics* metrics, bool consumable_capacity, WarmHook warm);
  ~ClusterViewPublisher();
  ClusterViewPublisher(const ClusterViewPublisher&) = delete;
  ClusterViewPublisher& operator=(const ClusterViewPublisher&) = delete;

  // The view of the store's current snapshot; kUnavailable while the store has not synced every kind.
  StatusOr<std::shared_ptr<const ClusterView>> Current();

  // True once the view of a synced store was built and warmed (part of /readyz).
  bool Ready() const { return ready_.load(); }

  using ViewListener = std::function<void(const std::shared_ptr<const ClusterView>&)>;
  // Calls `listener` on the builder thread with every view the thread publishes whose store revision differs
  // from the one it was last called with; the first call, with the current view, follows soon after this
  // one once the store synced. Views published in quick succession may be skipped (the newest is what counts).
  // Returns an id for RemoveViewListener.
  int AddViewListener(ViewListener listener);
  // After it returns, the listener is neither running nor called again.
  void RemoveViewListener(int id);

 private:
  std::shared_ptr<const ClusterView> ViewOf(std::shared_ptr<const StoreSnapshot> snapshot);
  void Loop();

  ClusterStore& store_;
  prometheus::Gauge* index_devices_ = nullptr;
  prometheus::Gauge* index_pools_ = nullptr;
  const WarmHook warm_;

  Mutex build_mu_;  // held while a view is built, so that concurrent callers build it once
  ClusterViewBuilder builder_ ALLOT_GUARDED_BY(build_mu_);
  std::shared_ptr<const ClusterView> current_ ALLOT_GUARDED_BY(build_mu_);  // the newest view built

  Mutex wake_mu_;
  CondVar wake_cv_;
  bool pending_ ALLOT_GUARDED_BY(wake_mu_) = false;
  bool stop_ ALLOT_GUARDED_BY(wake_mu_) = false;
  std::atomic<bool> ready_{false};

  struct Listener {
    ViewListener call;
    uint64_t revision = 0;  // store revision of the view it was last called with
    bool called = false;
  };
  Mutex listeners_mu_;  // held while listeners run, so that RemoveViewListener waits for a running call
  std::map<int, Listener> listeners_ ALLOT_GUARDED_BY(listeners_mu_);
  int next_listener_ ALLOT_GUARDED_BY(listeners_mu_) = 0;

  std::thread thread_;  // last member: started after everything it uses
};

}  // namespace allot::svc
