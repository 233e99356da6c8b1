// Simulate benchmarks (docs/perf/allot.md, "Simulate"): alloc::Simulate of 100 replicas of a one-claim pod
// (a template claim minted per replica) over a generated cluster, as POST /api/v1/simulate runs it: shared
// CEL cache, a 2-thread NodeFanout (the service's default --fanout-threads), pack scoring.
//
//   BM_Simulate_H100Mig2g/N   one 2g.20gb MIG device per replica, N 8xH100 dynamic-MIG nodes (208 devices each)
//   BM_Simulate_Plain8Gpu/N   one GPU per replica, N nodes of 8 example-driver GPUs
//   BM_Simulate_H100Mig2gOverfull/1   1,000 replicas on one 8xH100 node: 24 fit, the rest stops the run
//
// Building the cluster is setup; one untimed run first fills the snapshot's memos (pools per node, selector
// results), which a running service has filled long before. Counters: placed = replicas placed,
// allocate_calls = Allocate runs per simulation (filter verdicts + binds), nodes = cluster size.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/alloc/bench_cluster.h"
#include "core/alloc/simulate.h"
#include "core/cel/selector.h"

namespace allot::bench {
namespace {

template <class T>
T OrDie(StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "simulate_bench: %s: %s\n", what, std::string(v.status().message()).c_str());
    std::exit(1);
  }
  return std::move(v).value();
}

struct Workload {
  std::unique_ptr<Cluster> cluster;
  api::ResourceClaimTemplate tmpl;
  api::Pod pod;
  std::vector<const model::Node*> nodes;
};

Workload MakeWorkload(const std::vector<std::string>& files, size_t nodes, const std::string& claim_json) {
  Workload w;
  w.cluster = OrDie(MakeCluster(OrDie(LoadFixture(files), "fixture"), nodes, {}, alloc::Features()), "cluster");
  w.tmpl.metadata.name = "t";
  w.tmpl.metadata.namespace_ = "default";
  w.tmpl.spec.spec = OrDie(ClaimFromJson(claim_json), "claim").spec;
  w.pod.metadata.name = "worker";
  w.pod.metadata.namespace_ = "default";
  w.pod.spec.resource_claims.push_back(api::PodResourceClaim{"dev", std::nullopt, "t"});
  for (const auto& n : w.cluster->nodes) w.nodes.push_back(&n);
  return w;
}

const Workload& H100(size_t nodes) {
  static std::map<size_t, Workload> cache;
  auto it = cache.find(nodes);
  if (it == cache.end()) {
    it = cache.emplace(nodes, MakeWorkload({"tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json",
                                            "tests/testdata/data/deviceclasses-nvidia.json"},
                                           nodes,
                                           R"({"metadata":{"name":"x"},"spec":{"devices":{"requests":[{"name":"mig",)"
                                           R"("exactly":{"deviceClassName":"mig.nvidia.com","selectors":[{"cel":)"
                                           R"({"expression":"device.attributes['gpu.nvidia.com'].profile == '2g.20gb'"}}]}}]}}})"))
             .first;
  }
  return it->second;
}

const Workload& Plain(size_t nodes) {
  static std::map<size_t, Workload> cache;
  auto it = cache.find(nodes);
  if (it == cache.end()) {
    it = cache.emplace(nodes, MakeWorkload({"tests/testdata/data/example-driver-8gpu.json",
                                            "tests/testdata/data/deviceclasses-example.json"},
                                           nodes,
                                           R"({"metadata":{"name":"x"},"spec":{"devices":{"requests":[{"name":"gpu",)"
                                           R"("exactly":{"deviceClassName":"gpu.example.com"}}]}}})"))
             .first;
  }
  return it->second;
}

void RunSimulate(benchmark::State& state, const Workload& w, size_t replicas, size_t want_placed) {
  static cel::CompileCache cel_cache;
  static alloc::NodeFanout fanout(2);
  alloc::SimulateOptions options;
  options.replicas = replicas;
  options.steps_per_node = 500000;  // the service's --max-search-steps default
  options.allocate.cel_cache = &cel_cache;
  auto allocated = std::make_shared<const index::AllocatedState>(w.cluster->state);
  std::vector<alloc::SimulatedPodClaim> claims = {{"dev", nullptr, nullptr, &w.tmpl}};
  auto run = [&] {
    return alloc::Simulate(*w.cluster->snapshot, allocated, w.pod, claims, w.nodes, w.cluster->features, fanout,
                           options);
  };
  alloc::SimulateResult warm = run();
  if (!warm.error.ok() || warm.placements.size() != want_placed) {
    state.SkipWithError(("unexpected outcome: placed " + std::to_string(warm.placements.size()) + ", " +
                         std::string(warm.error.message()))
                            .c_str());
    return;
  }
  for (auto _ : state) {
    alloc::SimulateResult r = run();
    benchmark::DoNotOptimize(r.placements.data());
  }
  state.counters["placed"] = static_cast<double>(warm.placements.size());
  state.counters["allocate_calls"] = static_cast<double>(warm.allocate_calls);
  state.counters["nodes"] = static_cast<double>(w.nodes.size());
}

void BM_Simulate_H100Mig2g(benchmark::State& state) {
  RunSimulate(state, H100(static_cast<size_t>(state.range(0))), 100, 100);
}
BENCHMARK(BM_Simulate_H100Mig2g)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Simulate_Plain8Gpu(benchmark::State& state) {
  RunSimulate(state, Plain(static_cast<size_t>(state.range(0))), 100, 100);
}
BENCHMARK(BM_Simulate_Plain8Gpu)->Arg(100)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Simulate_H100Mig2gOverfull(benchmark::State& state) {
  RunSimulate(state, H100(static_cast<size_t>(state.range(0))), 1000, 24);
}
BENCHMARK(BM_Simulate_H100Mig2gOverfull)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace allot::bench

BENCHMARK_MAIN();
