// SelectorMemo: the result of each compiled CEL selector on each device, shared by every allocation that
// runs on one Snapshot (so a filter over 5,000 nodes, and the next filter, evaluate a selector on a device
// once). A Snapshot is rebuilt whenever a slice or class changes, which is what invalidates the results.
//
// A row per selector, indexed by DeviceUid: kUnknown, kFalse or kTrue. Errors are not stored (the caller
// re-evaluates to report them). Rows are created under a lock, read and written lock-free with relaxed
// atomics: a value is a pure function of (selector, device), so concurrent writers agree.
//
// Selectors are identified by pointer; the memo holds a reference to each so that an address is never
// reused for another selector while the memo lives. The memo does not know the selector's type.
//
// Thread safety: thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace allot::index {

class SelectorMemo {
 public:
  static constexpr int8_t kUnknown = 0;
  static constexpr int8_t kFalse = 1;
  static constexpr int8_t kTrue = 2;

  explicit SelectorMemo(size_t device_count) : device_count_(device_count) {}

  // The row of `selector` (device_count() entries, initially kUnknown). Stable for the memo's lifetime.
  std::atomic<int8_t>* Row(const std::shared_ptr<const void>& selector);
  size_t device_count() const { return device_count_; }

 private:
  struct Entry {
    std::shared_ptr<const void> owner;
    std::unique_ptr<std::atomic<int8_t>[]> values;
  };
  const size_t device_count_;
  std::mutex mu_;
  std::unordered_map<const void*, Entry> rows_;  // guarded by mu_
};

}  // namespace allot::index
