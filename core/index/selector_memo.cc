#include "core/index/selector_memo.h"

namespace allot::index {

std::atomic<int8_t>* SelectorMemo::Row(const std::shared_ptr<const void>& selector) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry& e = rows_[selector.get()];
  if (e.values == nullptr) {
    e.owner = selector;
    e.values = std::make_unique<std::atomic<int8_t>[]>(device_count_);
    for (size_t i = 0; i < device_count_; ++i) e.values[i].store(kUnknown, std::memory_order_relaxed);
  }
  return e.values.get();
}

}  // namespace allot::index
