// BindingWaiter: bind's wait for the binding conditions of a pod's devices (binding_conditions.h), on one
// thread of its own, woken by every store publication (the claims' watch), never by a polling loop.
//
//   auto ticket = waiter.Start({pod_uid, node, {"ns/claim"}, now + binding_timeout, finish});
//   std::optional<std::string> error = ticket->AwaitUntil(now + reply_wait);   // nullopt: still waiting
//
// After Start, the waiter checks the claims in the store's current snapshot and again after each publication.
// When every claim is ready, a failure condition is True, a claim disappears, or the deadline passes, it runs
// the wait's `finish` on its thread with that outcome (OK; kFailedPrecondition; kAborted;
// kDeadlineExceeded "device binding timeout") and completes the ticket with what `finish` returns (the bind's
// reply error, "" = bound). Bind's HTTP worker waits on the ticket only up to its reply time; the wait itself
// goes on without it, so a scheduler whose extender httpTimeout is shorter than the binding timeout does not
// cut it, and waiting pods hold no HTTP worker and no lock (docs/extender-api.md, "Binding conditions").
//
// Shutdown() (also the destructor) finishes every open wait with kUnavailable, so that `finish` undoes it.
//
// Thread safety: thread-safe. `finish` runs on the waiter's thread, one at a time, without the waiter's lock.
// The store must outlive the waiter and must not publish after it is destroyed (its listener stays registered).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "service/store/cluster_store.h"

namespace allot::svc {

class BindingWaiter {
 public:
  using Finish = std::function<std::string(const Status& conditions)>;

  struct Wait {
    std::string pod_uid;
    std::string node;
    std::vector<std::string> claim_keys;  // "ns/name" of the claims whose devices have binding conditions
    std::chrono::steady_clock::time_point deadline;
    Finish finish;
  };

  // A wait's completion, shared by the waiter and whoever waits for the reply.
  class Ticket {
   public:
    // The reply error once the wait finished ("" = bound); nullopt if it has not by `until`.
    std::optional<std::string> AwaitUntil(std::chrono::steady_clock::time_point until);

   private:
    friend class BindingWaiter;
    void Complete(std::string error);
    Mutex mu_;
    CondVar cv_;
    std::optional<std::string> error_ ALLOT_GUARDED_BY(mu_);
  };

  explicit BindingWaiter(ClusterStore& store);
  ~BindingWaiter();
  BindingWaiter(const BindingWaiter&) = delete;
  BindingWaiter& operator=(const BindingWaiter&) = delete;

  std::shared_ptr<Ticket> Start(Wait wait);
  // The node an open wait of `pod_uid` binds to; nullopt if the pod has none.
  std::optional<std::string> PendingNode(const std::string& pod_uid);
  size_t size();
  void Shutdown();

 private:
  struct Entry {
    Wait wait;
    std::shared_ptr<Ticket> ticket;
    std::vector<bool> seen_allocated;  // per claim key: the store showed it allocated (only the loop touches it)
  };
  // The outcome of `entry` in `snapshot` at `now`; nullopt while it has to wait on. A claim the store showed
  // allocated and now shows without an allocation (deallocated by someone else) ends the wait (kAborted).
  static std::optional<Status> Evaluate(const StoreSnapshot& snapshot, Entry& entry,
                                        std::chrono::steady_clock::time_point now);
  static void End(Entry& entry, const Status& outcome);  // runs wait.finish, completes the ticket
  void Loop();

  ClusterStore& store_;
  Mutex mu_;
  CondVar cv_;
  std::vector<std::shared_ptr<Entry>> entries_ ALLOT_GUARDED_BY(mu_);
  bool changed_ ALLOT_GUARDED_BY(mu_) = false;  // a publication or a new wait since the last check
  bool stop_ ALLOT_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last member: started after everything it uses
};

}  // namespace allot::svc
