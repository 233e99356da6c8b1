#include "core/alloc/conformance.h"

#include <algorithm>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "api/codec.h"
#include "base/split.h"
#include "base/status_macros.h"
#include "core/index/allocated_state.h"
#include "core/index/from_api.h"
#include "core/index/snapshot.h"

namespace allot::alloc {
namespace {

constexpr char kSharePlaceholder[] = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";

void SortArray(nlohmann::json& a) {
  if (!a.is_array()) return;
  std::sort(a.begin(), a.end(), [](const nlohmann::json& x, const nlohmann::json& y) { return x.dump() < y.dump(); });
}

nlohmann::json Normalize(const api::AllocationResult& r, bool ordered) {
  nlohmann::json j = api::WriteJson(r);
  if (j.contains("devices") && j["devices"].contains("results")) {
    for (auto& res : j["devices"]["results"]) {
      if (res.contains("shareID")) res["shareID"] = kSharePlaceholder;
    }
    if (!ordered) SortArray(j["devices"]["results"]);
  }
  if (j.contains("nodeSelector") && j["nodeSelector"].contains("nodeSelectorTerms")) {
    for (auto& term : j["nodeSelector"]["nodeSelectorTerms"]) {
      for (const char* key : {"matchExpressions", "matchFields"}) {
        if (!term.contains(key)) continue;
        for (auto& req : term[key]) {
          if (req.contains("values")) SortArray(req["values"]);
        }
        SortArray(term[key]);
      }
    }
    SortArray(j["nodeSelector"]["nodeSelectorTerms"]);
  }
  return j;
}

std::string Describe(const StatusOr<std::optional<AllocationResults>>& r) {
  if (!r.ok()) return "error: " + std::string(r.status().message());
  if (!r->has_value()) return "unsatisfiable";
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& a : **r) arr.push_back(api::WriteJson(a));
  return "allocated: " + arr.dump();
}

ScenarioCheck Compare(const api::Scenario& sc, bool ordered, const StatusOr<std::optional<AllocationResults>>& got) {
  ScenarioCheck out;
  const std::string& want = sc.expect.outcome;
  std::ostringstream diff;
  if (want == api::kOutcomeError) {
    if (got.ok()) {
      diff << "want error containing \"" << sc.expect.error_contains << "\", got " << Describe(got);
    } else if (got.status().message().find(sc.expect.error_contains) == std::string_view::npos) {
      diff << "want error containing \"" << sc.expect.error_contains << "\", got error \"" << got.status().message()
           << "\"";
    }
  } else if (want == api::kOutcomeUnsatisfiable) {
    if (!got.ok() || got->has_value()) diff << "want unsatisfiable, got " << Describe(got);
  } else {
    if (!got.ok() || !got->has_value()) {
      diff << "want allocated, got " << Describe(got);
    } else {
      const AllocationResults& results = **got;
      if (results.size() != sc.expect.allocations.size()) {
        diff << "want " << sc.expect.allocations.size() << " allocations, got " << results.size();
      } else {
        for (size_t i = 0; i < results.size(); ++i) {
          for (const auto& r : results[i].devices.results) {
            if (r.share_id && !IsUuidV4(*r.share_id)) {
              diff << "claim #" << i << ": shareID \"" << *r.share_id << "\" is not a UUID v4; ";
            }
          }
          nlohmann::json a = Normalize(results[i], ordered);
          nlohmann::json e = Normalize(sc.expect.allocations[i], ordered);
          if (a != e) diff << "claim #" << i << ": want " << e.dump() << ", got " << a.dump() << "; ";
        }
      }
    }
  }
  out.diff = diff.str();
  out.passed = out.diff.empty();
  return out;
}

}  // namespace

bool IsUuidV4(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return s[14] == '4' && (s[19] == '8' || s[19] == '9' || s[19] == 'a' || s[19] == 'b');
}

namespace {

// Everything Allocate needs, built from a scenario.
struct ScenarioInputs {
  Features features;
  std::shared_ptr<const index::Snapshot> snapshot;
  std::optional<index::AllocatedState> state;
  model::Node node;
  std::vector<const api::ResourceClaim*> claims;
};

StatusOr<ScenarioInputs> BuildInputs(const api::Scenario& sc) {
  ScenarioInputs in;
  ALLOT_ASSIGN_OR_RETURN(in.features, Features::FromNames(sc.features));
  index::SnapshotBuild built = index::BuildSnapshot(sc.resource_slices, sc.device_classes);
  if (!built.problems.empty()) return built.problems.front().status;
  in.snapshot = std::move(built.snapshot);
  index::AllocatedStateBuild state =
      index::BuildAllocatedState(*in.snapshot, sc.allocated_claims, in.features.consumable_capacity);
  if (!state.problems.empty()) return state.problems.front().status;
  in.state.emplace(std::move(state.state));
  in.node = model::Node{sc.node.name, sc.node.labels};
  for (const auto& c : sc.claims) in.claims.push_back(&c);
  return in;
}

}  // namespace

StatusOr<StatusOr<std::optional<AllocationResults>>> RunScenario(const api::Scenario& sc, const Options& options) {
  ALLOT_ASSIGN_OR_RETURN(ScenarioInputs in, BuildInputs(sc));
  return Allocate(*in.snapshot, *in.state, in.node, in.claims, in.features, options);
}

StatusOr<ScenarioCheck> CheckScenario(const api::Scenario& sc, bool ordered, ScenarioMode mode, NodeFanout* fanout,
                                      const Options& options) {
  ALLOT_ASSIGN_OR_RETURN(ScenarioInputs in, BuildInputs(sc));
  const index::Snapshot& snapshot_ref = *in.snapshot;
  const index::AllocatedState& state = *in.state;
  const Features& features = in.features;
  const model::Node& node = in.node;
  const std::vector<const api::ResourceClaim*>& claims = in.claims;

  if (mode == ScenarioMode::kSequential || fanout == nullptr) {
    return Compare(sc, ordered, Allocate(snapshot_ref, state, node, claims, features, options));
  }
  std::vector<model::Node> nodes(4, node);
  FanoutOptions opts;
  opts.allocate = options;
  std::vector<NodeVerdict> verdicts = fanout->Run(snapshot_ref, state, nodes, claims, features, opts);
  for (size_t i = 0; i < verdicts.size(); ++i) {
    NodeVerdict& v = verdicts[i];
    StatusOr<std::optional<AllocationResults>> got =
        v.kind == NodeVerdict::Kind::kFits
            ? StatusOr<std::optional<AllocationResults>>(std::move(v.results))
            : (v.kind == NodeVerdict::Kind::kDoesNotFit ? StatusOr<std::optional<AllocationResults>>(std::nullopt)
                                                        : StatusOr<std::optional<AllocationResults>>(v.status));
    ScenarioCheck check = Compare(sc, ordered, got);
    if (!check.passed) {
      check.diff = "fan-out node #" + std::to_string(i) + ": " + check.diff;
      return check;
    }
  }
  return ScenarioCheck{true, ""};
}

std::set<std::string> ParseOrderedCases(std::string_view index_md) {
  std::set<std::string> out;
  for (std::string_view line : SplitView(index_md, '\n')) {
    if (!line.starts_with("| `") || line.find("**ordered.**") == std::string_view::npos) continue;
    const size_t end = line.find('`', 3);
    if (end != std::string_view::npos) out.insert(std::string(line.substr(3, end - 3)));
  }
  return out;
}

}  // namespace allot::alloc
