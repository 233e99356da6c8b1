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
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

#include "base/thread_annotations.h"

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

  // Compiled selectors by a key that stays valid and unique while the memo lives (the address of a
  // DeviceClass selector owned by the Snapshot) and an environment tag, each with its row. A call then
  // resolves a class selector with one lookup instead of hashing its expression in the compile cache.
  // Entries are never removed; the returned pointers are stable for the memo's lifetime.
  struct Compiled {
    std::shared_ptr<const void> selector;
    std::atomic<int8_t>* row = nullptr;
  };
  const Compiled* FindCompiled(const void* key, uint32_t tag);
  // Adds an entry for (key, tag) unless there is one (the first one added wins) and returns the entry.
  const Compiled* AddCompiled(const void* key, uint32_t tag, std::shared_ptr<const void> selector);

 private:
  std::atomic<int8_t>* RowLocked(const std::shared_ptr<const void>& selector) ALLOT_REQUIRES(mu_);

  struct Entry {
    std::shared_ptr<const void> owner;
    std::unique_ptr<std::atomic<int8_t>[]> values;
  };
  const size_t device_count_;
  Mutex mu_;
  std::unordered_map<const void*, Entry> rows_ ALLOT_GUARDED_BY(mu_);
  std::map<std::pair<const void*, uint32_t>, Compiled> compiled_ ALLOT_GUARDED_BY(mu_);
};

}  // namespace allot::index
