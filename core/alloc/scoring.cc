#include "core/alloc/scoring.h"

#include <algorithm>
#include <cmath>

#include "api/extender/v1.h"

namespace allot::alloc {

StatusOr<ScorePolicy> ParseScorePolicy(std::string_view text) {
  if (text == "pack") return ScorePolicy::kPack;
  if (text == "spread") return ScorePolicy::kSpread;
  if (text == "none") return ScorePolicy::kNone;
  return InvalidArgumentError("--score-policy must be pack, spread or none, got '" + std::string(text) + "'");
}

size_t DevicesRequested(const api::ResourceClaim& claim) {
  size_t n = 0;
  for (const auto& r : claim.spec.devices.requests) {
    if (r.exactly && r.exactly->allocation_mode != "All") {
      n += static_cast<size_t>(std::max<int64_t>(r.exactly->count, 1));
    } else {
      n += 1;
    }
  }
  return n;
}

size_t FreeNodeLocalDevices(const index::Snapshot& devices, const index::AllocatedState& allocated,
                            const std::string& node) {
  const std::vector<uint32_t>* slices = devices.node_local_slices(node);
  if (slices == nullptr) return 0;
  size_t free = 0;
  for (uint32_t s : *slices) {
    for (auto uid : devices.slices()[s].device_uids) free += !allocated.ConsumesCounters(uid);
  }
  return free;
}

NodeScores ScoreNodes(const index::Snapshot& devices, const index::AllocatedState& allocated,
                      const std::vector<std::string>& nodes,
                      const std::unordered_map<std::string, size_t>& expected, size_t need, ScorePolicy policy) {
  NodeScores out;
  out.scores.assign(nodes.size(), 0);
  if (policy == ScorePolicy::kNone) return out;
  std::vector<size_t> free(nodes.size(), 0);
  std::vector<bool> crowded(nodes.size(), false);
  size_t max_free = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (devices.node_local_slices(nodes[i]) == nullptr) continue;
    free[i] = FreeNodeLocalDevices(devices, allocated, nodes[i]);
    if (auto h = expected.find(nodes[i]); h != expected.end()) {
      crowded[i] = free[i] < h->second + need;
      free[i] = free[i] > h->second ? free[i] - h->second : 0;
    }
    max_free = std::max(max_free, free[i]);
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    double ratio = max_free == 0 ? 0.0 : static_cast<double>(free[i]) / static_cast<double>(max_free);
    double score = policy == ScorePolicy::kPack ? 10.0 * (1.0 - ratio) : 10.0 * ratio;
    if (crowded[i]) score = 0;
    out.scores[i] = std::clamp<int64_t>(std::lround(score), api::kMinExtenderPriority, api::kMaxExtenderPriority);
    if (!crowded[i] && (!out.best.has_value() || out.scores[i] > out.scores[*out.best])) out.best = i;
  }
  return out;
}

}  // namespace allot::alloc
