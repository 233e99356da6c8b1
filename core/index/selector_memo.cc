#include "core/index/selector_memo.h"

namespace allot::index {

std::atomic<int8_t>* SelectorMemo::Row(const std::shared_ptr<const void>& selector) {
  MutexLock lock(mu_);
  return RowLocked(selector);
}

std::atomic<int8_t>* SelectorMemo::RowLocked(const std::shared_ptr<const void>& selector) {
  Entry& e = rows_[selector.get()];
  if (e.values == nullptr) {
    e.owner = selector;
    e.values = std::make_unique<std::atomic<int8_t>[]>(device_count_);
    for (size_t i = 0; i < device_count_; ++i) e.values[i].store(kUnknown, std::memory_order_relaxed);
  }
  return e.values.get();
}

const SelectorMemo::Compiled* SelectorMemo::FindCompiled(const void* key, uint32_t tag) {
  MutexLock lock(mu_);
  auto it = compiled_.find({key, tag});
  return it == compiled_.end() ? nullptr : &it->second;
}

const SelectorMemo::Compiled* SelectorMemo::AddCompiled(const void* key, uint32_t tag,
                                                        std::shared_ptr<const void> selector) {
  MutexLock lock(mu_);
  auto [it, added] = compiled_.try_emplace({key, tag});
  if (added) {
    it->second.row = RowLocked(selector);
    it->second.selector = std::move(selector);
  }
  return &it->second;
}

}  // namespace allot::index
