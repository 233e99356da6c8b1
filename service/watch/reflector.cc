#include "service/watch/reflector.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

namespace allot::svc {

namespace {

// Keeps every page and hands them to ReflectorSink::Replace at Commit().
class BufferingReplaceBuilder final : public ReplaceBuilder {
 public:
  BufferingReplaceBuilder(ReflectorSink& sink, const ResourceType& type) : sink_(sink), type_(type) {}
  void AddPage(std::vector<Json> items) override {
    for (auto& item : items) items_.push_back(std::move(item));
  }
  void Commit() override { sink_.Replace(type_, std::move(items_)); }

 private:
  ReflectorSink& sink_;
  const ResourceType& type_;
  std::vector<Json> items_;
};

}  // namespace

std::unique_ptr<ReplaceBuilder> ReflectorSink::BeginReplace(const ResourceType& type) {
  return std::make_unique<BufferingReplaceBuilder>(*this, type);
}

Reflector::Reflector(KubeClient& client, const ResourceType& type, ReflectorSink& sink, ReflectorOptions options,
                     ServiceMetrics* metrics)
    : client_(client),
      type_(type),
      sink_(sink),
      options_(options),
      metrics_(metrics),
      kind_label_(type.kind),
      rng_(std::random_device{}()),
      backoff_(options.initial_backoff) {
  if (metrics_ != nullptr) {
    metrics_->watch_synced->Add({{"kind", kind_label_}}).Set(0);
    for (WatchEventType t : {WatchEventType::kAdded, WatchEventType::kModified, WatchEventType::kDeleted,
                             WatchEventType::kBookmark, WatchEventType::kError}) {
      event_counters_[static_cast<size_t>(t)] =
          &metrics_->watch_events->Add({{"kind", kind_label_}, {"type", std::string(WatchEventTypeName(t))}});
    }
  }
}

Reflector::~Reflector() { Stop(); }

void Reflector::Start() {
  // Create spdlog's registry on this thread, before the threads we start log: libspdlog is not built with
  // TSan, which then cannot see the once-guard of its lazily created registry and reports a race between the
  // first two threads that log at the same time.
  spdlog::default_logger_raw();
  thread_ = std::thread([this] {
    Run();
    {
      MutexLock lock(mu_);
      exited_ = true;
    }
    cv_.NotifyAll();
  });
}

void Reflector::Stop() {
  {
    MutexLock lock(mu_);
    stopping_.store(true);
  }
  cv_.NotifyAll();
  if (!thread_.joinable()) return;
  // One Cancel() can miss a watch whose connection is being opened at that very moment (the HTTP client
  // has no sticky stop), and the stream could then block until its read timeout: repeat until Run() is left.
  mu_.Lock();
  while (!exited_) {
    mu_.Unlock();
    cancel_.Cancel();
    mu_.Lock();
    const auto retry = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    while (!exited_ && cv_.WaitUntil(mu_, retry)) {
    }
  }
  mu_.Unlock();
  thread_.join();
}

bool Reflector::WaitForSync(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(mu_);
  while (!synced_.load() && !stopping_.load() && cv_.WaitUntil(mu_, deadline)) {
  }
  return synced_.load();
}

std::string Reflector::resource_version() const {
  MutexLock lock(mu_);
  return resource_version_;
}

void Reflector::SetResourceVersion(std::string rv) {
  MutexLock lock(mu_);
  resource_version_ = std::move(rv);
}

bool Reflector::Backoff() {
  std::uniform_real_distribution<double> jitter(1.0, 1.5);
  auto sleep = std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(backoff_.count()) * jitter(rng_)));
  backoff_ = std::min(options_.max_backoff, backoff_ * 2);
  const auto deadline = std::chrono::steady_clock::now() + sleep;
  MutexLock lock(mu_);
  while (!stopping_.load() && cv_.WaitUntil(mu_, deadline)) {
  }
  return !stopping_.load();
}

Status Reflector::ListAll() {
  // Pages go to the builder as they arrive, so at most one page is held as JSON here; a failure part-way
  // drops the builder and publishes nothing.
  std::unique_ptr<ReplaceBuilder> builder = sink_.BeginReplace(type_);
  ListOptions list_options;
  list_options.limit = options_.page_size;
  std::string rv;
  size_t count = 0;
  while (true) {
    if (stopping_.load()) return CancelledError("stopping");
    auto page = client_.List(type_, list_options);
    if (!page.ok()) return page.status();
    count += page->items.size();
    rv = page->resource_version;
    std::string next = std::move(page->continue_token);
    builder->AddPage(std::move(page->items));
    if (next.empty()) break;
    list_options.continue_token = std::move(next);
  }
  builder->Commit();
  SetResourceVersion(rv);
  lists_completed_.fetch_add(1);
  spdlog::debug("reflector {}: listed {} objects at resourceVersion {}", type_.resource, count, rv);
  return OkStatus();
}

Status Reflector::WatchOnce(bool* relist, int64_t* events) {
  WatchOptions watch_options;
  watch_options.resource_version = resource_version();
  watch_options.allow_bookmarks = true;
  std::uniform_int_distribution<int64_t> timeout(options_.min_watch_timeout_seconds,
                                                 std::max(options_.min_watch_timeout_seconds,
                                                          options_.max_watch_timeout_seconds));
  watch_options.timeout_seconds = timeout(rng_);
  Status event_error;
  auto handler = [&](WatchEvent event) {
    ++*events;
    if (prometheus::Counter* counter = event_counters_[static_cast<size_t>(event.type)]) counter->Increment();
    switch (event.type) {
      case WatchEventType::kAdded:
      case WatchEventType::kModified: {
        std::string rv = ResourceVersionOf(event.object);
        sink_.Upsert(type_, std::move(event.object));
        if (!rv.empty()) SetResourceVersion(std::move(rv));
        return true;
      }
      case WatchEventType::kDeleted: {
        std::string rv = ResourceVersionOf(event.object);
        sink_.Remove(type_, event.object);
        if (!rv.empty()) SetResourceVersion(std::move(rv));
        return true;
      }
      case WatchEventType::kBookmark: {
        std::string rv = ResourceVersionOf(event.object);
        if (!rv.empty()) SetResourceVersion(std::move(rv));
        return true;
      }
      case WatchEventType::kError:
        event_error = StatusFromWatchError(event.object);
        return false;
    }
    return true;
  };
  Status status = client_.Watch(type_, watch_options, handler, &cancel_);
  if (!event_error.ok()) status = event_error;
  *relist = IsGone(status);
  return status;
}

void Reflector::Run() {
  bool need_list = true;
  std::string list_reason = "initial";
  while (!stopping_.load()) {
    if (need_list) {
      Status status = ListAll();
      if (stopping_.load()) break;
      if (metrics_ != nullptr) metrics_->watch_lists->Add({{"kind", kind_label_}, {"reason", list_reason}}).Increment();
      if (!status.ok()) {
        spdlog::warn("reflector {}: list failed: {}", type_.resource, status.ToString());
        if (metrics_ != nullptr) metrics_->watch_errors->Add({{"kind", kind_label_}}).Increment();
        list_reason = "error";
        if (!Backoff()) break;
        continue;
      }
      need_list = false;
      backoff_ = options_.initial_backoff;
      if (!synced_.load()) {
        sink_.MarkSynced(type_);
        {
          MutexLock lock(mu_);
          synced_.store(true);
        }
        cv_.NotifyAll();
        if (metrics_ != nullptr) metrics_->watch_synced->Add({{"kind", kind_label_}}).Set(1);
        spdlog::info("reflector {}: synced", type_.resource);
      }
    }
    bool relist = false;
    int64_t events = 0;
    auto started = std::chrono::steady_clock::now();
    Status status = WatchOnce(&relist, &events);
    if (stopping_.load()) break;
    if (relist) {
      spdlog::info("reflector {}: resourceVersion gone ({}), relisting", type_.resource, status.message());
      need_list = true;
      list_reason = "gone";
      continue;
    }
    if (!status.ok()) {
      spdlog::warn("reflector {}: watch failed: {}", type_.resource, status.ToString());
      if (metrics_ != nullptr) metrics_->watch_errors->Add({{"kind", kind_label_}}).Increment();
      if (!Backoff()) break;
      continue;
    }
    // A clean end resumes at once, unless the stream was suspiciously short and empty (avoid a hot loop).
    if (events == 0 && std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) {
      if (!Backoff()) break;
    } else {
      backoff_ = options_.initial_backoff;
    }
  }
}

}  // namespace allot::svc
