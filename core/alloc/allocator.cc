#include "core/alloc/allocator.h"

#include <random>

#include "core/alloc/search.h"
#include "core/cel/selector.h"
#include "base/status_macros.h"

namespace allot::alloc {

StatusOr<std::optional<AllocationResults>> Allocate(const index::Snapshot& snapshot,
                                                    const index::AllocatedState& allocated,
                                                    const model::Node& node,
                                                    const std::vector<const api::ResourceClaim*>& claims,
                                                    const Features& features, const Options& options) {
  // Before any work (pool gathering can dominate on big nodes): an expired deadline or a
  // cancellation is reported without touching the snapshot.
  ALLOT_RETURN_IF_ERROR(CheckInterrupted(options, node.name));
  std::unique_ptr<cel::CompileCache> local;
  cel::CompileCache* cache = options.cel_cache;
  if (cache == nullptr) {
    local = std::make_unique<cel::CompileCache>(64);
    cache = local.get();
  }
  internal::Search search(snapshot, allocated, node, claims, features, options, cache);
  return search.Run();
}

Status CheckInterrupted(const Options& options, const std::string& node_name) {
  if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
    return CancelledError("allocation on node " + node_name + " cancelled");
  }
  if (options.deadline && std::chrono::steady_clock::now() > *options.deadline) {
    return DeadlineExceededError("timed out trying to allocate devices on node " + node_name);
  }
  return OkStatus();
}

bool IsNodeFailure(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition &&
         status.message().find("invalid resource pools were encountered") != std::string_view::npos;
}

std::string NewUuidV4() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  // The 128 bits as 32 hex digits in 8-4-4-4-12 groups (hand-formatted: snprintf was most of a shared
  // allocation's cost).
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) ++pos;
    const uint64_t word = i < 16 ? hi : lo;
    out[pos++] = kHex[(word >> (60 - 4 * (i % 16))) & 0xf];
  }
  return out;
}

}  // namespace allot::alloc
