// `allot bench-allocate [--runs N] [--max-nodes N] [--run-target-ms N] [--timeout-ms N] [--no-results] FILE...`
//
// Times alloc::Allocate on benchmark workload files the way bench/reference's `bench` mode times
// the Kubernetes allocator, and prints one JSON line per file with the same fields
// (bench/reference/bench.go BenchResult), so that bench/compare.sh can put both side by side.
//
// A FILE is either a scenario file (tests/testdata/scenarios/FORMAT.md: one node) or a cluster
// file (`"kind": "cluster"`, docs/perf/README.md: nodes sharing one slice template in which
// "$NODE" stands for the node name, plus per-node allocation results, each one allocated claim).
//
// Per file:
//   1. not timed: decode, convert to the model, build the index::Snapshot and AllocatedState
//      (allot builds these once per published cluster state, not per pod; their cost is
//      reported as snapshot_build_ns / state_build_ns, and new_allocator_ns is 0); one
//      cel::CompileCache per file, shared by all calls as `allot serve` shares one (the reference
//      bench likewise keeps one CEL cache across calls);
//   2. not timed: one pass over the timed nodes (an evenly spaced sample of --max-nodes nodes,
//      as the reference does): outcome and results of the first node, feasible nodes, search
//      steps; a node that exceeds --timeout-ms (default 10 s) stops the file with timed_out;
//   3. timed: --runs runs of `iterations` passes over the timed nodes (iterations chosen so that
//      one run lasts about --run-target-ms, default 200 ms); ns_per_op is the median over runs
//      of the mean time of one Allocate call for one node.
// Single-threaded. Scenario files with a non-empty `expect` also report matches_expect, using the
// conformance harness (alloc::CheckScenario).
// Exit code: 0, 1 when a file could not be run (the others are still reported), 2 on usage errors.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "api/codec.h"
#include "api/scenario.h"
#include "core/alloc/allocator.h"
#include "core/alloc/conformance.h"
#include "core/alloc/features.h"
#include "core/cel/selector.h"
#include "base/status_macros.h"
#include "core/index/allocated_state.h"
#include "core/index/from_api.h"
#include "core/index/snapshot.h"
#include "service/cli/command.h"

namespace allot::cli {
namespace {

using Clock = std::chrono::steady_clock;
using AllocateOutcome = StatusOr<std::optional<alloc::AllocationResults>>;

struct BenchFlags {
  int runs = 7;
  size_t max_nodes = 0;
  int64_t run_target_ns = 200'000'000;
  int64_t timeout_ns = 10'000'000'000;
  bool results = true;
};

// Everything Allocate needs for one workload; built once, outside the timed region.
struct BenchInput {
  std::string name;
  std::string kind;  // "scenario" | "cluster"
  alloc::Features features;
  std::shared_ptr<const index::Snapshot> snapshot;
  index::AllocatedState state;
  std::vector<api::ResourceClaim> claims;
  std::vector<model::Node> nodes;
  std::optional<api::Scenario> scenario;  // scenario files, for matches_expect
  int64_t snapshot_build_ns = 0;
  int64_t state_build_ns = 0;
};

int64_t NsSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replaces every "$NODE" in the strings of `j` (keys and values) by `node`.
nlohmann::json Instantiate(const nlohmann::json& j, const std::string& node) {
  static const std::string kPlaceholder = "$NODE";
  auto replace = [&](std::string s) {
    for (size_t pos = s.find(kPlaceholder); pos != std::string::npos; pos = s.find(kPlaceholder, pos + node.size())) {
      s.replace(pos, kPlaceholder.size(), node);
    }
    return s;
  };
  if (j.is_string()) return replace(j.get<std::string>());
  if (j.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : j) out.push_back(Instantiate(e, node));
    return out;
  }
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = j.begin(); it != j.end(); ++it) out[replace(it.key())] = Instantiate(it.value(), node);
    return out;
  }
  return j;
}

template <class T>
StatusOr<std::vector<T>> DecodeList(const nlohmann::json& j, const char* what) {
  std::vector<T> out;
  if (j.is_null()) return out;
  if (!j.is_array()) return InvalidArgumentError(std::string(what) + ": not a list");
  for (const auto& item : j) {
    StatusOr<T> v = api::Decode<T>(item);
    if (!v.ok()) return v.status().WithPrefix(what);
    out.push_back(std::move(v).value());
  }
  return out;
}

// Builds snapshot and state from converted slices and classes (`model` has no problems) and allocated claims.
// Only Snapshot::Build is timed as snapshot_build_ns: the service converts each slice once when it arrives.
Status BuildIndex(index::ModelInputs model, const std::vector<api::ResourceClaim>& allocated, BenchInput& in) {
  Clock::time_point t0 = Clock::now();
  in.snapshot = index::Snapshot::Build(std::move(model.slices), std::move(model.classes));
  in.snapshot_build_ns = NsSince(t0);
  t0 = Clock::now();
  index::AllocatedStateBuild state =
      index::BuildAllocatedState(*in.snapshot, allocated, in.features.consumable_capacity);
  if (!state.problems.empty()) return state.problems.front().status;
  in.state = std::move(state.state);
  in.state_build_ns = NsSince(t0);
  return OkStatus();
}

StatusOr<BenchInput> LoadScenarioInput(const std::string& path) {
  ALLOT_ASSIGN_OR_RETURN(api::Scenario sc, api::LoadScenarioFile(path));
  BenchInput in;
  in.name = sc.name;
  in.kind = "scenario";
  ALLOT_ASSIGN_OR_RETURN(in.features, alloc::Features::FromNames(sc.features));
  index::ModelInputs model = index::ToModelInputs(sc.resource_slices, sc.device_classes);
  if (!model.problems.empty()) return model.problems.front().status;
  ALLOT_RETURN_IF_ERROR(BuildIndex(std::move(model), sc.allocated_claims, in));
  in.claims = sc.claims;
  in.nodes.push_back(model::Node{sc.node.name, sc.node.labels});
  in.scenario = std::move(sc);
  return in;
}

StatusOr<BenchInput> LoadClusterInput(const nlohmann::json& j) {
  BenchInput in;
  in.name = j.value("name", "");
  in.kind = "cluster";
  std::vector<std::string> feature_names;
  if (j.contains("features") && j["features"].is_array()) {
    for (const auto& f : j["features"]) feature_names.push_back(f.get<std::string>());
  }
  ALLOT_ASSIGN_OR_RETURN(in.features, alloc::Features::FromNames(feature_names));
  ALLOT_ASSIGN_OR_RETURN(std::vector<api::DeviceClass> api_classes,
                         DecodeList<api::DeviceClass>(j.value("deviceClasses", nlohmann::json()), "deviceClasses"));
  ALLOT_ASSIGN_OR_RETURN(in.claims, DecodeList<api::ResourceClaim>(j.value("claims", nlohmann::json()), "claims"));
  ALLOT_ASSIGN_OR_RETURN(std::vector<api::ScenarioNode> nodes,
                         DecodeList<api::ScenarioNode>(j.value("nodes", nlohmann::json()), "nodes"));
  const nlohmann::json tmpl = j.value("sliceTemplate", nlohmann::json::array());
  const nlohmann::json allocated = j.value("allocated", nlohmann::json::object());

  index::ModelInputs model;
  std::vector<api::ResourceClaim> allocated_claims;
  for (const auto& n : nodes) {
    ALLOT_ASSIGN_OR_RETURN(std::vector<api::ResourceSlice> node_slices,
                           DecodeList<api::ResourceSlice>(Instantiate(tmpl, n.name), "sliceTemplate"));
    index::ModelInputs node_model = index::ToModelInputs(node_slices, {});
    if (!node_model.problems.empty()) return node_model.problems.front().status;
    model.slices.insert(model.slices.end(), std::make_move_iterator(node_model.slices.begin()),
                        std::make_move_iterator(node_model.slices.end()));
    in.nodes.push_back(model::Node{n.name, n.labels});
    auto it = allocated.find(n.name);
    if (it == allocated.end()) continue;
    // One allocated claim per result, request "req-0" (bench/reference/cluster.go); the file
    // leaves `request` out.
    nlohmann::json items = *it;
    if (items.is_array()) {
      for (auto& item : items) {
        if (item.is_object()) item["request"] = "req-0";
      }
    }
    ALLOT_ASSIGN_OR_RETURN(std::vector<api::DeviceRequestAllocationResult> results,
                           DecodeList<api::DeviceRequestAllocationResult>(items, "allocated"));
    for (auto& r : results) {
      api::ResourceClaim c;
      c.metadata.name = "allocated-claim-" + std::to_string(allocated_claims.size());
      c.status.allocation.emplace();
      c.status.allocation->devices.results.push_back(std::move(r));
      allocated_claims.push_back(std::move(c));
    }
  }
  model.classes = index::ToModelInputs({}, api_classes).classes;
  ALLOT_RETURN_IF_ERROR(BuildIndex(std::move(model), allocated_claims, in));
  return in;
}

StatusOr<BenchInput> LoadInput(const std::string& path) {
  ALLOT_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  ALLOT_ASSIGN_OR_RETURN(nlohmann::json j, api::ParseJson(text));
  if (j.is_object() && j.value("kind", "") == "cluster") {
    StatusOr<BenchInput> in = LoadClusterInput(j);
    if (!in.ok()) return in.status().WithPrefix(path);
    return in;
  }
  return LoadScenarioInput(path);
}

const char* OutcomeOf(const AllocateOutcome& r) {
  if (!r.ok()) return api::kOutcomeError;
  return r->has_value() ? api::kOutcomeAllocated : api::kOutcomeUnsatisfiable;
}

std::string CompilerVersion() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown";
#endif
}

// Runs one workload; the returned JSON has bench/reference's BenchResult fields (plus
// snapshot_build_ns and state_build_ns).
StatusOr<nlohmann::json> RunOne(const std::string& path, const BenchFlags& flags) {
  ALLOT_ASSIGN_OR_RETURN(BenchInput in, LoadInput(path));
  std::vector<const api::ResourceClaim*> claims;
  for (const auto& c : in.claims) claims.push_back(&c);
  const size_t total_nodes = in.nodes.size();
  std::vector<model::Node> timed = in.nodes;
  if (flags.max_nodes > 0 && total_nodes > flags.max_nodes) {
    timed.clear();
    for (size_t i = 0; i < flags.max_nodes; ++i) timed.push_back(in.nodes[i * total_nodes / flags.max_nodes]);
  }

  nlohmann::json res = {
      {"workload", in.name},
      {"kind", in.kind},
      {"channel", "allot"},
      {"nodes", total_nodes},
      {"nodes_timed", timed.size()},
      {"ns_per_op", 0},
      {"ns_per_op_min", 0},
      {"ns_per_op_max", 0},
      {"new_allocator_ns", 0},
      {"pod_cycle_ns", 0},
      {"runs", 0},
      {"iterations_per_run", 0},
      {"outcome", ""},
      {"feasible_nodes", 0},
      {"snapshot_build_ns", in.snapshot_build_ns},
      {"state_build_ns", in.state_build_ns},
      {"go_version", CompilerVersion()},  // the reference's field name; here the C++ compiler
      {"gomaxprocs", 1},
  };

  cel::CompileCache cel_cache;
  alloc::Options timed_opts;
  timed_opts.cel_cache = &cel_cache;

  // Untimed pass: outcome, results of the first node, feasible nodes, warm-up. Its time per node is
  // reported as first_pass_ns_per_op: the cost on a fresh snapshot, before the snapshot's memos (built
  // pools, selector results) are filled, i.e. the first filter after a slice or class changed.
  int feasible = 0;
  const Clock::time_point first_pass_start = Clock::now();
  for (size_t i = 0; i < timed.size(); ++i) {
    alloc::AllocateStats stats;
    alloc::Options opts = timed_opts;
    opts.deadline = Clock::now() + std::chrono::nanoseconds(flags.timeout_ns);
    opts.stats = &stats;
    AllocateOutcome r = alloc::Allocate(*in.snapshot, in.state, timed[i], claims, in.features, opts);
    if (!r.ok() && r.status().code() == StatusCode::kDeadlineExceeded) {
      res["timed_out"] = true;
      res["outcome"] = api::kOutcomeError;
      res["error"] = std::string(r.status().message());
      res["ns_per_op"] = flags.timeout_ns;
      return res;
    }
    if (r.ok() && r->has_value()) ++feasible;
    if (i != 0) continue;
    res["outcome"] = OutcomeOf(r);
    if (stats.steps > 0) res["allocate_one_calls"] = stats.steps;
    if (!r.ok()) res["error"] = std::string(r.status().message());
    if (r.ok() && r->has_value() && flags.results) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& a : **r) arr.push_back(api::WriteJson(a));
      res["results"] = std::move(arr);
    }
  }
  res["first_pass_ns_per_op"] = NsSince(first_pass_start) / static_cast<int64_t>(std::max<size_t>(timed.size(), 1));
  res["feasible_nodes"] = feasible;
  if (in.scenario && !in.scenario->expect.outcome.empty()) {
    StatusOr<alloc::ScenarioCheck> check =
        alloc::CheckScenario(*in.scenario, /*ordered=*/false, alloc::ScenarioMode::kSequential);
    const bool ok = check.ok() && check->passed;
    res["matches_expect"] = ok;
    if (!ok) {
      std::fprintf(stderr, "%s: allot disagrees with expect: %s\n", in.name.c_str(),
                   check.ok() ? check->diff.c_str() : std::string(check.status().message()).c_str());
    }
  }

  auto pass = [&] {
    for (const auto& node : timed) {
      AllocateOutcome r = alloc::Allocate(*in.snapshot, in.state, node, claims, in.features, timed_opts);
      static_cast<void>(r);
    }
  };
  // Calibrate: iterations per run so that one run lasts about run_target_ns.
  Clock::time_point t0 = Clock::now();
  pass();
  const int64_t pass_ns = std::max<int64_t>(NsSince(t0), 1);
  const int64_t iters = pass_ns < flags.run_target_ns ? flags.run_target_ns / pass_ns : 1;
  std::vector<int64_t> per_op;
  for (int run = 0; run < flags.runs; ++run) {
    t0 = Clock::now();
    for (int64_t it = 0; it < iters; ++it) pass();
    per_op.push_back(NsSince(t0) / (iters * static_cast<int64_t>(timed.size())));
  }
  std::sort(per_op.begin(), per_op.end());
  res["ns_per_op"] = per_op[per_op.size() / 2];
  res["ns_per_op_min"] = per_op.front();
  res["ns_per_op_max"] = per_op.back();
  res["pod_cycle_ns"] = per_op[per_op.size() / 2] * static_cast<int64_t>(total_nodes);
  res["runs"] = flags.runs;
  res["iterations_per_run"] = iters;
  return res;
}

int Usage() {
  std::fprintf(stderr,
               "usage: allot bench-allocate [--runs N] [--max-nodes N] [--run-target-ms N] [--timeout-ms N] "
               "[--no-results] FILE...\n");
  return 2;
}

int RunBenchAllocate(const std::vector<std::string>& args) {
  BenchFlags flags;
  std::vector<std::string> files;
  for (size_t i = 0; i < args.size(); ++i) {
    auto number = [&](int64_t& out) {
      if (i + 1 >= args.size()) return false;
      try {
        out = std::stoll(args[++i]);
      } catch (...) {
        return false;
      }
      return out >= 0;
    };
    int64_t v = 0;
    if (args[i] == "--runs") {
      if (!number(v) || v < 1) return Usage();
      flags.runs = static_cast<int>(v);
    } else if (args[i] == "--max-nodes") {
      if (!number(v)) return Usage();
      flags.max_nodes = static_cast<size_t>(v);
    } else if (args[i] == "--run-target-ms") {
      if (!number(v)) return Usage();
      flags.run_target_ns = v * 1'000'000;
    } else if (args[i] == "--timeout-ms") {
      if (!number(v) || v < 1) return Usage();
      flags.timeout_ns = v * 1'000'000;
    } else if (args[i] == "--no-results") {
      flags.results = false;
    } else if (!args[i].empty() && args[i][0] == '-') {
      return Usage();
    } else {
      files.push_back(args[i]);
    }
  }
  if (files.empty()) return Usage();
  int status = 0;
  for (const auto& f : files) {
    StatusOr<nlohmann::json> res = RunOne(f, flags);
    if (!res.ok()) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), std::string(res.status().message()).c_str());
      status = 1;
      continue;
    }
    std::printf("%s\n", res->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  }
  return status;
}

}  // namespace

ALLOT_REGISTER_COMMAND("bench-allocate", "time Allocate per node on workload files (JSON lines as bench/reference)",
                       RunBenchAllocate);

}  // namespace allot::cli
