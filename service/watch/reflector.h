// Reflector: keeps one resource type of the API server mirrored into a sink, the way client-go's
// tools/cache reflector does.
//
//   List (paged, limit/continue, consistent read): each page goes to the sink's ReplaceBuilder as it arrives
//   (and its JSON is freed before the next page is fetched); after the last page the builder's Commit()
//   replaces the sink's state in one step -> synced() = true. A list that fails part-way drops the builder
//   (nothing is published) and is retried from the first page.
//   Watch from the list's resourceVersion with allowWatchBookmarks and a random 5-10 min timeoutSeconds:
//     ADDED/MODIFIED -> sink.Upsert, DELETED -> sink.Remove, BOOKMARK -> only the resume point moves.
//   A stream that ends (server timeout, disconnect) resumes from the last resourceVersion seen.
//   410 Gone / "too old resource version" (as HTTP status or as a watch ERROR event) -> relist at once.
//   Other failures back off with jitter (initial 800 ms, doubling, capped at 30 s) and retry.
//
// Thread safety: Start()/Stop() from one owner thread; synced(), resource_version(), WaitForSync() from
// any thread. The sink is called only from the reflector's own thread.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/thread_annotations.h"
#include "service/metrics/service_metrics.h"
#include "service/watch/kube_client.h"

namespace allot::svc {

// Collects the pages of one (re)list. AddPage() may be called any number of times, then Commit() at most
// once; a builder destroyed without Commit() changes nothing. Used from one thread.
class ReplaceBuilder {
 public:
  virtual ~ReplaceBuilder() = default;
  // The next page's items, in list order. The builder may convert and drop them at once.
  virtual void AddPage(std::vector<Json> items) = 0;
  // Replaces the sink's state of the type with every item added (keys absent were deleted), atomically.
  virtual void Commit() = 0;
};

// Receives the mirrored state of one type. Called from one reflector thread at a time.
class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  // The complete current state after a (re)list; keys absent from `items` were deleted.
  virtual void Replace(const ResourceType& type, std::vector<Json> items) = 0;
  // A builder for a paged (re)list. The default one keeps the pages and calls Replace() with all items at
  // Commit(); sinks that can take the pages as they come (ClusterStore) override it to bound memory.
  virtual std::unique_ptr<ReplaceBuilder> BeginReplace(const ResourceType& type);
  virtual void Upsert(const ResourceType& type, Json object) = 0;
  virtual void Remove(const ResourceType& type, const Json& object) = 0;
  // Called once when the initial list has been delivered.
  virtual void MarkSynced(const ResourceType& type) { (void)type; }
};

struct ReflectorOptions {
  int64_t page_size = 500;
  std::chrono::milliseconds initial_backoff{800};
  std::chrono::milliseconds max_backoff{30000};
  int64_t min_watch_timeout_seconds = 300;
  int64_t max_watch_timeout_seconds = 600;
};

class Reflector {
 public:
  // `client`, `sink` and `metrics` (nullable) must outlive the reflector.
  Reflector(KubeClient& client, const ResourceType& type, ReflectorSink& sink, ReflectorOptions options = {},
            ServiceMetrics* metrics = nullptr);
  ~Reflector();  // Stop()
  Reflector(const Reflector&) = delete;
  Reflector& operator=(const Reflector&) = delete;

  // Starts the background thread. Call once.
  void Start();
  // Cancels the running watch, wakes any backoff sleep and joins. Idempotent.
  void Stop();

  bool synced() const { return synced_.load(); }
  // Blocks until synced or timeout; true if synced.
  bool WaitForSync(std::chrono::milliseconds timeout) const;
  std::string resource_version() const;
  // Number of completed lists (initial included).
  int64_t lists_completed() const { return lists_completed_.load(); }
  const ResourceType& type() const { return type_; }

 private:
  void Run();
  Status ListAll();
  // Watches once from resource_version_. Sets *relist when the server said the version is gone.
  Status WatchOnce(bool* relist, int64_t* events);
  // Sleeps the current backoff (and grows it). False if Stop() was called.
  bool Backoff();
  void SetResourceVersion(std::string rv);

  KubeClient& client_;
  const ResourceType type_;
  ReflectorSink& sink_;
  const ReflectorOptions options_;
  ServiceMetrics* const metrics_;
  std::string kind_label_;
  // allot_watch_events_total{kind, type} by WatchEventType, looked up once (nullptr without metrics).
  std::array<prometheus::Counter*, 5> event_counters_{};

  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> synced_{false};
  std::atomic<int64_t> lists_completed_{0};
  WatchCancel cancel_;
  std::mt19937_64 rng_;  // reflector thread only
  std::chrono::milliseconds backoff_;  // reflector thread only

  mutable Mutex mu_;
  mutable CondVar cv_;  // signalled on Stop(), on sync and when Run() returns
  std::string resource_version_ ALLOT_GUARDED_BY(mu_);
  bool exited_ ALLOT_GUARDED_BY(mu_) = false;  // Run() has returned
};

}  // namespace allot::svc
