// Conformance harness for allocation scenario files (tests/testdata/scenarios/FORMAT.md): builds
// the snapshot and allocated state a scenario describes, runs the allocator (directly or through
// NodeFanout) with the scenario's feature gates, and compares the outcome with `expect`:
//   * outcome must match; for errors the message must contain `errorContains`;
//   * results of a claim compare as an unordered multiset, node-selector terms, requirements
//     and values order-insensitively; `ordered` cases compare results and config literally;
//   * shareID compares by presence (our shareIDs must be lower-case UUID v4 strings).
//
// Used by `allot conformance scenarios` and by the gtest table in tests/core/alloc.
//
// Thread safety: functions are reentrant; NodeFanout may be shared.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "api/scenario.h"
#include "core/alloc/allocator.h"
#include "core/alloc/node_fanout.h"
#include "base/status.h"

namespace allot::alloc {

struct ScenarioCheck {
  bool passed = false;
  std::string diff;  // empty when passed
};

enum class ScenarioMode {
  kSequential,  // Allocate() on the scenario node
  kFanout,      // NodeFanout::Run over several copies of the node; every verdict must match
};

// Non-OK only when the scenario cannot be set up (bad feature name, unconvertible slice).
// `options` go to every Allocate call (e.g. config_semantics).
StatusOr<ScenarioCheck> CheckScenario(const api::Scenario& scenario, bool ordered, ScenarioMode mode,
                                      NodeFanout* fanout = nullptr, const Options& options = {});

// Sets up the scenario and runs Allocate once on its node with `options`, returning the raw
// outcome (no comparison). The outer status is a setup failure; the inner one is Allocate's.
StatusOr<StatusOr<std::optional<AllocationResults>>> RunScenario(const api::Scenario& scenario,
                                                                 const Options& options = {});

// File names (e.g. "052-with-class-device-config.json") marked **ordered.** in the text of INDEX.md (the
// caller reads the file: core does no I/O).
std::set<std::string> ParseOrderedCases(std::string_view index_md);

// True for a lower-case RFC 4122 version-4 UUID.
bool IsUuidV4(const std::string& s);

}  // namespace allot::alloc
