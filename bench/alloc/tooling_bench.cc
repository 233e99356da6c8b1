// Tooling benchmarks (docs/perf/allot.md, "Explain and inventory"): the core of POST /api/v1/explain and
// GET /api/v1/inventory over generated clusters, as the routes run them (shared CEL cache, memos warm).
//
//   BM_Explain_SelectorMismatch/N   ExplainNode on each of N nodes of 8 example-driver GPUs, sequentially as
//                                   the explain route does, for a claim whose selector (memory >= 100Gi) no
//                                   device passes: every node is judged, with near-miss messages
//   BM_Inventory_H100/nodes:N/partitions:P
//                                   ComputeInventory over N 8xH100 dynamic-MIG nodes (208 devices each; N=5000 is
//                                   1.04 M devices), all four NVIDIA classes: the whole answer, unfiltered; with
//                                   P=1 also the per-class partitions (attribute gpu.nvidia.com/profile)
//   BM_InventoryTotals_H100/nodes:N/partitions:P
//                                   ComputeInventoryTotals on the same: the inventory gauges' work per view
//   BM_MetricsScrape_InventorySeries
//                                   a /metrics scrape's serialisation with the gauges' series (service linked)
//
// Building the cluster is setup; one untimed run first fills the snapshot's memos, which a running service has
// filled long before. Counters: nodes, devices, and what the answer holds (failing nodes; pools and class rows).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/alloc/bench_cluster.h"
#include "core/alloc/explain.h"
#include "core/alloc/inventory.h"
#include "core/alloc/inventory_totals.h"
#include "core/cel/selector.h"
#ifdef ALLOT_TOOLING_BENCH_SERVICE
#include "service/metrics/service_metrics.h"
#endif

namespace allot::bench {
namespace {

template <class T>
T OrDie(StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "tooling_bench: %s: %s\n", what, std::string(v.status().message()).c_str());
    std::exit(1);
  }
  return std::move(v).value();
}

const Cluster& ClusterOf(const std::vector<std::string>& files, size_t nodes) {
  static std::map<std::pair<std::string, size_t>, std::unique_ptr<Cluster>> cache;
  auto key = std::make_pair(files.front(), nodes);
  auto it = cache.find(key);
  if (it == cache.end()) {
    it = cache.emplace(key, OrDie(MakeCluster(OrDie(LoadFixture(files), "fixture"), nodes, {}, alloc::Features()),
                                  "cluster"))
             .first;
  }
  return *it->second;
}

void BM_Explain_SelectorMismatch(benchmark::State& state) {
  const Cluster& c = ClusterOf({"tests/testdata/data/example-driver-8gpu.json",
                                "tests/testdata/data/deviceclasses-example.json"},
                               static_cast<size_t>(state.range(0)));
  static cel::CompileCache cel_cache;
  api::ResourceClaim claim = OrDie(
      ClaimFromJson(R"({"metadata":{"name":"big","namespace":"default"},"spec":{"devices":{"requests":[{"name":"gpu",)"
                    R"("exactly":{"deviceClassName":"gpu.example.com","selectors":[{"cel":{"expression":)"
                    R"("device.capacity['gpu.example.com'].memory.compareTo(quantity('100Gi')) >= 0"}}]}}]}}})"),
      "claim");
  alloc::ExplainOptions options;
  options.allocate.cel_cache = &cel_cache;
  options.allocate.max_steps = 500000;  // the service's --max-search-steps default
  auto run = [&] {
    size_t failing = 0;
    for (const model::Node& node : c.nodes) {
      alloc::NodeExplanation e = alloc::ExplainNode(*c.snapshot, c.state, node, {&claim}, c.features, options);
      if (!e.fits && !e.reasons.empty() && e.reasons[0].code == alloc::ReasonCode::kSelectorMismatch) ++failing;
    }
    return failing;
  };
  const size_t warm = run();
  if (warm != c.nodes.size()) {
    state.SkipWithError(("expected SelectorMismatch on every node, got " + std::to_string(warm)).c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(run());
  state.counters["nodes"] = static_cast<double>(c.nodes.size());
  state.counters["failing"] = static_cast<double>(warm);
}
BENCHMARK(BM_Explain_SelectorMismatch)->Arg(500)->Arg(5000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The 8xH100 dynamic-MIG cluster of `nodes` nodes with what both inventory benchmarks pass alongside it.
struct H100Inventory {
  const Cluster& c;
  alloc::Options options;
  std::vector<const model::Node*> nodes;
  std::vector<std::string> classes;
};

H100Inventory H100InventoryOf(size_t node_count) {
  static cel::CompileCache cel_cache;
  H100Inventory h{ClusterOf({"tests/testdata/data/nvidia-h100-80gb-x8-dynmig.json",
                             "tests/testdata/data/deviceclasses-nvidia.json"},
                            node_count),
                  {}, {}, {}};
  h.options.cel_cache = &cel_cache;
  for (const model::Node& n : h.c.nodes) h.nodes.push_back(&n);
  for (const char* name : {"gpu.nvidia.com", "mig.nvidia.com", "vfio.gpu.nvidia.com", "compute-domain-daemon.nvidia.com"}) {
    if (h.c.snapshot->FindClass(name) != nullptr) h.classes.push_back(name);
  }
  return h;
}

void BM_Inventory_H100(benchmark::State& state) {
  H100Inventory h = H100InventoryOf(static_cast<size_t>(state.range(0)));
  const Cluster& c = h.c;
  const alloc::Options& options = h.options;
  const std::vector<const model::Node*>& nodes = h.nodes;
  const std::vector<std::string>& classes = h.classes;
  alloc::InventoryFilter filter;
  if (state.range(1) != 0) filter.default_partition_type_attribute = "gpu.nvidia.com/profile";
  auto run = [&] { return OrDie(alloc::ComputeInventory(*c.snapshot, c.state, nodes, classes, filter, c.features, options), "inventory"); };
  alloc::Inventory warm = run();
  if (warm.pools.size() != c.nodes.size()) {
    state.SkipWithError(("expected one pool per node, got " + std::to_string(warm.pools.size())).c_str());
    return;
  }
  for (auto _ : state) {
    alloc::Inventory inv = run();
    benchmark::DoNotOptimize(inv.classes.data());
  }
  state.counters["nodes"] = static_cast<double>(c.nodes.size());
  state.counters["devices"] = static_cast<double>(c.devices);
  state.counters["pools"] = static_cast<double>(warm.pools.size());
  state.counters["class_rows"] = static_cast<double>(warm.classes.size());
}
BENCHMARK(BM_Inventory_H100)
    ->Args({500, 0})
    ->Args({500, 1})
    ->Args({5000, 0})
    ->Args({5000, 1})
    ->ArgNames({"nodes", "partitions"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

// The inventory gauges' per-view computation (service/tooling/inventory_gauges.h runs it on its own thread for
// each published view): ComputeInventoryTotals over the same cluster and classes as BM_Inventory_H100.
void BM_InventoryTotals_H100(benchmark::State& state) {
  H100Inventory h = H100InventoryOf(static_cast<size_t>(state.range(0)));
  const Cluster& c = h.c;
  const alloc::Options& options = h.options;
  const std::vector<const model::Node*>& nodes = h.nodes;
  const std::vector<std::string>& classes = h.classes;
  alloc::InventoryTotalsOptions which;
  if (state.range(1) != 0) which.default_partition_type_attribute = "gpu.nvidia.com/profile";
  auto run = [&] {
    return OrDie(alloc::ComputeInventoryTotals(*c.snapshot, c.state, nodes, classes, which, c.features, options), "totals");
  };
  alloc::InventoryTotals warm = run();
  if (warm.drivers.empty() || warm.classes.size() != classes.size()) {
    state.SkipWithError("expected driver and class totals");
    return;
  }
  for (auto _ : state) {
    alloc::InventoryTotals t = run();
    benchmark::DoNotOptimize(t.classes.size());
  }
  state.counters["devices"] = static_cast<double>(c.devices);
  state.counters["partition_series"] = static_cast<double>(warm.partitions.size() * 3);
}
BENCHMARK(BM_InventoryTotals_H100)
    ->Args({500, 0})
    ->Args({500, 1})
    ->Args({5000, 0})
    ->Args({5000, 1})
    ->ArgNames({"nodes", "partitions"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

#ifdef ALLOT_TOOLING_BENCH_SERVICE
// A /metrics scrape now: ServiceMetrics::Serialize with the inventory series of the 4 NVIDIA classes, their
// MIG partition types and one driver set (what BM_InventoryTotals_H100/partitions:1 fills; independent of the
// number of devices). Before, a scrape also ran one whole ComputeInventory (BM_Inventory_H100).
void BM_MetricsScrape_InventorySeries(benchmark::State& state) {
  svc::ServiceMetrics metrics;
  for (const char* s : {"total", "allocated", "available", "unavailable"}) {
    metrics.inventory_devices->Add({{"driver", "gpu.nvidia.com"}, {"state", s}}).Set(1040000);
  }
  for (const char* cls : {"gpu.nvidia.com", "mig.nvidia.com", "vfio.gpu.nvidia.com", "compute-domain-daemon.nvidia.com"}) {
    for (const char* s : {"selected", "free"}) metrics.inventory_class_devices->Add({{"class", cls}, {"state", s}}).Set(1);
  }
  for (const char* type : {"1g.10gb", "1g.10gb+me", "1g.20gb", "2g.20gb", "3g.40gb", "4g.40gb", "7g.80gb"}) {
    for (const char* s : {"selected", "free", "allocatable"}) {
      metrics.inventory_partition_devices->Add({{"class", "mig.nvidia.com"}, {"type", type}, {"state", s}}).Set(1);
    }
  }
  for (auto _ : state) benchmark::DoNotOptimize(metrics.Serialize().size());
  state.counters["bytes"] = static_cast<double>(metrics.Serialize().size());
}
BENCHMARK(BM_MetricsScrape_InventorySeries)->Unit(benchmark::kMicrosecond);
#endif

}  // namespace
}  // namespace allot::bench

BENCHMARK_MAIN();
