// Node scoring for the extender's prioritize verb: how full each candidate node's local devices are.
//
//   alloc::NodeScores s = alloc::ScoreNodes(devices, allocated, names, expected, need, ScorePolicy::kPack);
//   // s.scores[i] in [0, 10] for names[i]; s.best = the highest-scored node that is not crowded
//
// A node's free devices are its node-local devices (slices with spec.nodeName = the node) that `allocated`
// leaves free: not exclusively allocated, not shared and not consuming counters. Devices reachable through
// node selectors or all-nodes slices do not count (they are shared by many nodes and say nothing about
// which node to prefer). `expected` holds devices other pods are expected to take on a node (the
// extender's expected placements); they are subtracted, and a node where the pod's `need` does not fit
// beside them is "crowded" and scores 0: the pod would likely lose its devices there in bind.
//
// kPack scores 10 * (1 - free / max_free) (fill fuller nodes first, keep empty nodes for big pods), kSpread
// 10 * free / max_free, kNone 0 everywhere. The in-tree DynamicResources plugin does not score; kNone
// reproduces its placement.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"

namespace allot::alloc {

enum class ScorePolicy { kPack, kSpread, kNone };

// "pack", "spread", "none"; kInvalidArgument naming --score-policy otherwise.
StatusOr<ScorePolicy> ParseScorePolicy(std::string_view text);

// Devices a claim asks for, at least: ExactCount's count (1 when unset); 1 for All and for a list of
// subrequests (their smallest count would do; 1 is the safe side for a score).
size_t DevicesRequested(const api::ResourceClaim& claim);

// Node-local devices of `node` that `allocated` leaves free (see above); 0 for a node without local slices.
size_t FreeNodeLocalDevices(const index::Snapshot& devices, const index::AllocatedState& allocated,
                            const std::string& node);

struct NodeScores {
  std::vector<int64_t> scores;  // index-aligned with the node names, each in [0, 10]
  std::optional<size_t> best;   // highest score among nodes that are not crowded (first on ties)
};

NodeScores ScoreNodes(const index::Snapshot& devices, const index::AllocatedState& allocated,
                      const std::vector<std::string>& nodes,
                      const std::unordered_map<std::string, size_t>& expected, size_t need, ScorePolicy policy);

}  // namespace allot::alloc
