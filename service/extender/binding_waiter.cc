// Bind's wait for binding conditions (binding_waiter.h).
#include "service/extender/binding_waiter.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "service/extender/binding_conditions.h"

namespace allot::svc {

std::optional<std::string> BindingWaiter::Ticket::AwaitUntil(std::chrono::steady_clock::time_point until) {
  MutexLock lock(mu_);
  while (!error_.has_value()) {
    if (!cv_.WaitUntil(mu_, until)) break;
  }
  return error_;
}

void BindingWaiter::Ticket::Complete(std::string error) {
  {
    MutexLock lock(mu_);
    error_ = std::move(error);
  }
  cv_.NotifyAll();
}

BindingWaiter::BindingWaiter(ClusterStore& store) : store_(store) {
  spdlog::default_logger_raw();  // spdlog's registry before our thread logs (see ClusterViewPublisher)
  thread_ = std::thread([this] { Loop(); });
  store_.AddListener([this](const std::shared_ptr<const StoreSnapshot>&) {
    {
      MutexLock lock(mu_);
      if (entries_.empty()) return;  // nothing waits: the common case costs one lock
      changed_ = true;
    }
    cv_.NotifyAll();
  });
}

BindingWaiter::~BindingWaiter() { Shutdown(); }

void BindingWaiter::Shutdown() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<BindingWaiter::Ticket> BindingWaiter::Start(Wait wait) {
  auto entry = std::make_shared<Entry>();
  entry->wait = std::move(wait);
  entry->ticket = std::make_shared<Ticket>();
  bool stopped = false;
  {
    MutexLock lock(mu_);
    stopped = stop_;
    if (!stopped) {
      entries_.push_back(entry);
      changed_ = true;  // check at once: the conditions may be met already
    }
  }
  if (stopped) {
    End(*entry, UnavailableError("allot is shutting down"));
  } else {
    cv_.NotifyAll();
  }
  return entry->ticket;
}

std::optional<std::string> BindingWaiter::PendingNode(const std::string& pod_uid) {
  MutexLock lock(mu_);
  for (const auto& e : entries_) {
    if (e->wait.pod_uid == pod_uid) return e->wait.node;
  }
  return std::nullopt;
}

size_t BindingWaiter::size() {
  MutexLock lock(mu_);
  return entries_.size();
}

std::optional<Status> BindingWaiter::Evaluate(const StoreSnapshot& snapshot, Entry& entry,
                                              std::chrono::steady_clock::time_point now) {
  std::string pending;
  entry.seen_allocated.resize(entry.wait.claim_keys.size(), false);
  for (size_t i = 0; i < entry.wait.claim_keys.size(); ++i) {
    const std::string& key = entry.wait.claim_keys[i];
    auto object = snapshot.Find(ObjectKind::kResourceClaim, key);
    if (object == nullptr) return AbortedError("resourceclaim " + key + " was deleted while waiting for binding conditions");
    auto claim = api::Decode<api::ResourceClaim>(*object);
    if (!claim.ok()) return claim.status().WithPrefix("resourceclaim " + key);
    if (claim->status.allocation.has_value()) {
      entry.seen_allocated[i] = true;
    } else if (entry.seen_allocated[i]) {
      return AbortedError("resourceclaim " + key + " lost its allocation while waiting for binding conditions");
    }
    BindingCheck check = CheckBindingConditions(*claim);
    switch (check.state) {
      case BindingCheck::State::kFailed:
        return FailedPreconditionError("device binding failed: resourceclaim " + key + ": " + check.detail);
      case BindingCheck::State::kPending:
        pending += (pending.empty() ? "" : "; ") + key + ": " + check.detail;
        break;
      case BindingCheck::State::kReady: break;
    }
  }
  if (pending.empty()) return OkStatus();
  if (now >= entry.wait.deadline) return DeadlineExceededError("device binding timeout: still pending: " + pending);
  return std::nullopt;
}

void BindingWaiter::End(Entry& entry, const Status& outcome) {
  std::string error = entry.wait.finish ? entry.wait.finish(outcome) : std::string(outcome.message());
  entry.ticket->Complete(std::move(error));
}

void BindingWaiter::Loop() {
  while (true) {
    std::vector<std::shared_ptr<Entry>> open;
    bool stop = false;
    {
      MutexLock lock(mu_);
      while (!changed_ && !stop_) {
        if (entries_.empty()) {
          cv_.Wait(mu_);
          continue;
        }
        auto earliest = entries_.front()->wait.deadline;
        for (const auto& e : entries_) earliest = std::min(earliest, e->wait.deadline);
        if (!cv_.WaitUntil(mu_, earliest)) break;  // a deadline passed: check (and time out) below
      }
      stop = stop_;
      changed_ = false;
      open = entries_;
      if (stop) entries_.clear();
    }
    if (stop) {
      for (auto& e : open) End(*e, UnavailableError("allot is shutting down"));
      return;
    }
    if (open.empty()) continue;
    auto snapshot = store_.Load();
    const auto now = std::chrono::steady_clock::now();
    for (auto& e : open) {
      std::optional<Status> outcome = Evaluate(*snapshot, *e, now);
      if (!outcome.has_value()) continue;
      {
        MutexLock lock(mu_);
        entries_.erase(std::remove(entries_.begin(), entries_.end(), e), entries_.end());
      }
      End(*e, *outcome);
    }
  }
}

}  // namespace allot::svc
