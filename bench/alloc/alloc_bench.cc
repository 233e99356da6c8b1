// Allocator benchmarks (style.md §8): per-node alloc::Allocate on real device shapes, and the
// per-pod filter over many nodes through alloc::NodeFanout (sequential vs. the thread pool).
// Inputs come from tests/testdata/data (run from the repository root); building the snapshot
// and allocated state is setup, not timed (allot builds them once per published cluster state).
//
//   BM_Allocate_PlainDevices10         10 plain devices, claim for 1 (scheduler_perf's shape)
//   BM_Allocate_H100MigPartitionable   8 x H100 80GB, 208 partitionable devices with counters;
//                                      one 1g.10gb + one 2g.20gb MIG device
//   BM_Allocate_H100MigFullNode        same node; 3 x 2g.20gb fit on each GPU (24 in all); claim
//                                      for 25: unsatisfiable once the counters are exhausted
//   BM_Allocate_ConsumableCapacity     8 shared example-driver GPUs, one 10Gi/10-compute share
//   BM_Allocate_MatchAttribute8Gpus    8 full H100s, claim for all 8 with matchAttribute
//   BM_Allocate_BacktrackUnsatisfiable 12 plain devices, one claim for 6 + 7: no solution; the
//                                      reference enumerates every 6-of-12 choice first
//   BM_FanOut_H100Mig{Sequential,Parallel}/N   the MIG claim on every node of an N-node cluster
//   BM_FanOut_Plain{Sequential,Parallel}/N      one plain device on every node (10 devices each)
//   BM_FanOut_H100Mig1g{Sequential,Parallel}/5000  one pod with one 1g.10gb MIG claim on every node of
//                                      5,000 8xH100 nodes (1.04 M devices). Opt-in: registered only when
//                                      ALLOT_BENCH_H100_5000=1 is set (building the cluster takes minutes
//                                      and several GB), so plain runs and the CI smoke leave it out.
//
// Every call shares one cel::CompileCache, as `allot serve` does (compiling the class selectors
// on every call is not what a running service pays).
// Counters: steps = allocator search steps per call; nodes = nodes evaluated per iteration.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/alloc/bench_cluster.h"
#include "core/alloc/allocator.h"
#include "core/alloc/node_fanout.h"
#include "core/cel/selector.h"

namespace allot::bench {
namespace {

constexpr char kDataDir[] = "tests/testdata/data/";

cel::CompileCache& SharedCelCache() {
  static cel::CompileCache cache;
  return cache;
}

template <class T>
T OrDie(StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "alloc_bench: %s: %s\n", what, std::string(v.status().message()).c_str());
    std::exit(1);
  }
  return std::move(v).value();
}

api::ResourceClaim Claim(const std::string& requests, const std::string& constraints = "[]") {
  return OrDie(ClaimFromJson(R"({"metadata":{"name":"pod-claim-0","namespace":"default","uid":"uid-0"},)"
                             R"("spec":{"devices":{"requests":)" +
                             requests + R"(,"constraints":)" + constraints + "}}}"),
               "claim");
}

std::string Exactly(const std::string& name, const std::string& cls, int count, const std::string& extra = "") {
  return R"({"name":")" + name + R"(","exactly":{"deviceClassName":")" + cls + R"(","count":)" +
         std::to_string(count) + extra + "}}";
}

std::string ProfileSelector(const std::string& profile) {
  return R"(,"selectors":[{"cel":{"expression":"device.attributes['gpu.nvidia.com'].profile == ')" + profile +
         R"('"}}])";
}

Fixture PlainFixture(int devices) {
  std::string devs;
  for (int i = 0; i < devices; ++i) devs += (i ? "," : "") + std::string(R"({"name":"dev-)") + std::to_string(i) + "\"}";
  Fixture f;
  f.slices.push_back(OrDie(SliceFromJson(R"({"metadata":{"name":"plain"},"spec":{"driver":"test-driver.cdi.k8s.io",)"
                                         R"("pool":{"name":"p","generation":1,"resourceSliceCount":1},)"
                                         R"("nodeName":"n","devices":[)" +
                                         devs + "]}}"),
                           "plain slice"));
  f.classes.push_back(OrDie(ClassFromJson(R"({"metadata":{"name":"test-class"},"spec":{"selectors":)"
                                          R"([{"cel":{"expression":"device.driver == 'test-driver.cdi.k8s.io'"}}]}})"),
                            "plain class"));
  return f;
}

alloc::Features FeaturesOf(const std::vector<std::string>& names) {
  return OrDie(alloc::Features::FromNames(names), "features");
}

// Times Allocate on node 0 of `c`; fails the benchmark if the outcome is not `want_fit`.
void RunAllocate(benchmark::State& state, const Cluster& c, bool want_fit) {
  alloc::AllocateStats stats;
  alloc::Options opts;
  opts.cel_cache = &SharedCelCache();
  alloc::Options counted = opts;
  counted.stats = &stats;
  auto first = alloc::Allocate(*c.snapshot, c.state, c.nodes[0], c.claim_ptrs, c.features, counted);
  if (!first.ok() || first->has_value() != want_fit) {
    state.SkipWithError(first.ok() ? (want_fit ? "unexpectedly unsatisfiable" : "unexpectedly allocated")
                                   : std::string(first.status().message()).c_str());
    return;
  }
  for (auto _ : state) {
    auto r = alloc::Allocate(*c.snapshot, c.state, c.nodes[0], c.claim_ptrs, c.features, opts);
    benchmark::DoNotOptimize(r);
  }
  state.counters["steps"] = static_cast<double>(stats.steps);
  state.counters["devices"] = static_cast<double>(c.devices);
}

const Fixture& H100Fixture() {
  static const Fixture f = OrDie(LoadFixture({std::string(kDataDir) + "nvidia-h100-80gb-x8-dynmig.json",
                                              std::string(kDataDir) + "deviceclasses-nvidia.json"}),
                                 "H100 fixture");
  return f;
}

api::ResourceClaim MigClaim() {
  return Claim("[" + Exactly("mig-small", "mig.nvidia.com", 1, ProfileSelector("1g.10gb")) + "," +
               Exactly("mig-medium", "mig.nvidia.com", 1, ProfileSelector("2g.20gb")) + "]");
}

void BM_Allocate_PlainDevices10(benchmark::State& state) {
  static auto c = OrDie(MakeCluster(PlainFixture(10), 1, {Claim("[" + Exactly("req-0", "test-class", 1) + "]")},
                                    FeaturesOf({})),
                        "cluster");
  RunAllocate(state, *c, true);
}
BENCHMARK(BM_Allocate_PlainDevices10);

void BM_Allocate_H100MigPartitionable(benchmark::State& state) {
  static auto c = OrDie(MakeCluster(H100Fixture(), 1, {MigClaim()}, FeaturesOf({"PartitionableDevices"})), "cluster");
  RunAllocate(state, *c, true);
}
BENCHMARK(BM_Allocate_H100MigPartitionable);

void BM_Allocate_H100MigFullNode(benchmark::State& state) {
  static auto c = OrDie(MakeCluster(H100Fixture(), 1,
                                    {Claim("[" + Exactly("mig", "mig.nvidia.com", 25, ProfileSelector("2g.20gb")) + "]")},
                                    FeaturesOf({"PartitionableDevices"})),
                        "cluster");
  RunAllocate(state, *c, false);
}
// One iteration: about a minute today (16.8 M search steps, docs/perf/allot.md).
BENCHMARK(BM_Allocate_H100MigFullNode)->Iterations(1)->Unit(benchmark::kSecond);

void BM_Allocate_ConsumableCapacity(benchmark::State& state) {
  static auto c = OrDie(
      MakeCluster(OrDie(LoadFixture({std::string(kDataDir) + "example-driver-8gpu-shared.json",
                                     std::string(kDataDir) + "deviceclasses-example.json"}),
                        "shared fixture"),
                  1,
                  {Claim("[" +
                         Exactly("req-0", "gpu.example.com", 1,
                                 R"(,"capacity":{"requests":{"memory":"10Gi","compute":"10"}})") +
                         "]")},
                  FeaturesOf({"ConsumableCapacity"})),
      "cluster");
  RunAllocate(state, *c, true);
}
BENCHMARK(BM_Allocate_ConsumableCapacity);

void BM_Allocate_MatchAttribute8Gpus(benchmark::State& state) {
  static auto c = OrDie(
      MakeCluster(OrDie(LoadFixture({std::string(kDataDir) + "nvidia-h100-80gb-x8-legacy.json",
                                     std::string(kDataDir) + "deviceclasses-nvidia.json"}),
                        "legacy fixture"),
                  1, {Claim("[" + Exactly("gpus", "gpu.nvidia.com", 8) + "]",
                            R"([{"matchAttribute":"gpu.nvidia.com/productName"},)"
                            R"({"matchAttribute":"gpu.nvidia.com/driverVersion"}])")},
                  FeaturesOf({})),
      "cluster");
  RunAllocate(state, *c, true);
}
BENCHMARK(BM_Allocate_MatchAttribute8Gpus);

void BM_Allocate_BacktrackUnsatisfiable(benchmark::State& state) {
  static auto c = OrDie(MakeCluster(PlainFixture(12), 1,
                                    {Claim("[" + Exactly("req-0", "test-class", 6) + "," +
                                           Exactly("req-1", "test-class", 7) + "]")},
                                    FeaturesOf({})),
                        "cluster");
  RunAllocate(state, *c, false);
}
BENCHMARK(BM_Allocate_BacktrackUnsatisfiable);

// One H100 MIG cluster per size, built on first use and kept for the process.
const Cluster& H100Cluster(size_t nodes) {
  static std::map<size_t, std::unique_ptr<Cluster>> clusters;
  auto& c = clusters[nodes];
  if (!c) c = OrDie(MakeCluster(H100Fixture(), nodes, {MigClaim()}, FeaturesOf({"PartitionableDevices"})), "cluster");
  return *c;
}

void ReportFanout(benchmark::State& state, const Cluster& c, const std::vector<alloc::NodeVerdict>& v) {
  size_t fits = 0;
  for (const auto& x : v) fits += x.kind == alloc::NodeVerdict::Kind::kFits;
  if (fits != c.nodes.size()) state.SkipWithError("not every node fits");
  state.counters["nodes"] = static_cast<double>(c.nodes.size());
  state.counters["devices"] = static_cast<double>(c.devices);
  state.counters["per_node_ns"] = benchmark::Counter(static_cast<double>(c.nodes.size()),
                                                     benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

enum class Fanout { kSequential, kPool };

// Times one pod's fan-out over every node of `c`: on the calling thread (NodeFanout::RunSequential) or on a
// 2-thread pool. `warm_first` runs one untimed fan-out first, for clusters where the first one on a snapshot
// (filling its memos) would dominate a short run.
void TimeFanout(benchmark::State& state, const Cluster& c, Fanout mode, bool warm_first) {
  std::unique_ptr<alloc::NodeFanout> pool;
  if (mode == Fanout::kPool) pool = std::make_unique<alloc::NodeFanout>(2);
  alloc::FanoutOptions opts;
  opts.allocate.cel_cache = &SharedCelCache();
  auto run = [&] {
    return pool ? pool->Run(*c.snapshot, c.state, c.nodes, c.claim_ptrs, c.features, opts)
                : alloc::NodeFanout::RunSequential(*c.snapshot, c.state, c.nodes, c.claim_ptrs, c.features, opts);
  };
  std::vector<alloc::NodeVerdict> v;
  if (warm_first) v = run();
  for (auto _ : state) {
    v = run();
    benchmark::DoNotOptimize(v);
  }
  ReportFanout(state, c, v);
}

void BM_FanOut_H100MigSequential(benchmark::State& state) {
  TimeFanout(state, H100Cluster(static_cast<size_t>(state.range(0))), Fanout::kSequential, false);
}
// 5,000 H100 nodes: BM_FanOut_H100Mig1g* below (opt-in).
BENCHMARK(BM_FanOut_H100MigSequential)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FanOut_H100MigParallel(benchmark::State& state) {
  TimeFanout(state, H100Cluster(static_cast<size_t>(state.range(0))), Fanout::kPool, false);
}
BENCHMARK(BM_FanOut_H100MigParallel)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();

// One pod, one claim for a single 1g.10gb MIG device, over N 8xH100 nodes (built on first use, kept).
const Cluster& H100SmallCluster(size_t nodes) {
  static std::map<size_t, std::unique_ptr<Cluster>> clusters;
  auto& c = clusters[nodes];
  if (!c) {
    c = OrDie(MakeCluster(H100Fixture(), nodes,
                          {Claim("[" + Exactly("mig-small", "mig.nvidia.com", 1, ProfileSelector("1g.10gb")) + "]")},
                          FeaturesOf({"PartitionableDevices"})),
              "cluster");
  }
  return *c;
}

void BM_FanOut_H100Mig1gSequential(benchmark::State& state) {
  // The first fan-out on a snapshot fills its memos (pools per node, selector results): about 25 s at 5,000
  // nodes, which would dominate one or two iterations.
  TimeFanout(state, H100SmallCluster(static_cast<size_t>(state.range(0))), Fanout::kSequential, true);
}

void BM_FanOut_H100Mig1gParallel(benchmark::State& state) {
  // The first fan-out on a snapshot fills its memos (pools per node, selector results): about 25 s at 5,000
  // nodes, which would dominate one or two iterations.
  TimeFanout(state, H100SmallCluster(static_cast<size_t>(state.range(0))), Fanout::kPool, true);
}

// Opt-in (ALLOT_BENCH_H100_5000=1): the 5,000-node H100 fan-out. Both variants share one cluster.
[[maybe_unused]] const bool kH100_5000Registered = [] {
  const char* on = std::getenv("ALLOT_BENCH_H100_5000");
  if (on == nullptr || std::string(on) != "1") return false;
  benchmark::RegisterBenchmark("BM_FanOut_H100Mig1gSequential", BM_FanOut_H100Mig1gSequential)
      ->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();
  benchmark::RegisterBenchmark("BM_FanOut_H100Mig1gParallel", BM_FanOut_H100Mig1gParallel)
      ->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();
  return true;
}();

// scheduler_perf's shape at the upstream node limit: 10 plain devices per node, claim for one.
const Cluster& PlainCluster(size_t nodes) {
  static std::map<size_t, std::unique_ptr<Cluster>> clusters;
  auto& c = clusters[nodes];
  if (!c) {
    c = OrDie(MakeCluster(PlainFixture(10), nodes, {Claim("[" + Exactly("req-0", "test-class", 1) + "]")},
                          FeaturesOf({})),
              "cluster");
  }
  return *c;
}

void BM_FanOut_PlainSequential(benchmark::State& state) {
  TimeFanout(state, PlainCluster(static_cast<size_t>(state.range(0))), Fanout::kSequential, false);
}
BENCHMARK(BM_FanOut_PlainSequential)->Arg(10)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_FanOut_PlainParallel(benchmark::State& state) {
  TimeFanout(state, PlainCluster(static_cast<size_t>(state.range(0))), Fanout::kPool, false);
}
BENCHMARK(BM_FanOut_PlainParallel)->Arg(10)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace allot::bench

BENCHMARK_MAIN();
