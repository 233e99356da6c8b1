// CEL evaluation cost per device (compile once, evaluate many): ns per Selector::Evaluate for the
// common DRA selector shapes.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "core/cel/device.h"
#include "core/cel/selector.h"

namespace allot::cel {
namespace {

std::shared_ptr<const Device> GpuDevice() {
  DeviceInput in;
  in.driver = "gpu.nvidia.com";
  in.attributes.emplace_back("productName", std::string("NVIDIA H100 80GB HBM3"));
  in.attributes.emplace_back("architecture", std::string("Hopper"));
  in.attributes.emplace_back("cudaComputeCapability", Version{"9.0.0"});
  in.attributes.emplace_back("driverVersion", Version{"560.35.3"});
  in.attributes.emplace_back("index", int64_t{3});
  in.attributes.emplace_back("type", std::string("gpu"));
  in.attributes.emplace_back("resource.kubernetes.io/pcieRoot", std::string("pci0000:00"));
  in.capacity.emplace_back("memory", *quantity::Quantity::Parse("80Gi"));
  return Device::Prepare(std::move(in));
}

void RunSelector(benchmark::State& state, const char* expr) {
  auto selector = CompileSelector(expr, EnvOptions{});
  if (!selector.ok()) {
    state.SkipWithError(std::string(selector.status().message()).c_str());
    return;
  }
  auto device = GpuDevice();
  for (auto _ : state) {
    auto r = (*selector)->Evaluate(*device);
    benchmark::DoNotOptimize(r);
    if (!r.ok()) std::abort();
  }
}

void BM_AttributeCompare(benchmark::State& state) {
  RunSelector(state, "device.driver == 'gpu.nvidia.com' && "
                     "device.attributes['gpu.nvidia.com'].productName == 'NVIDIA H100 80GB HBM3'");
}
BENCHMARK(BM_AttributeCompare);

void BM_QuantityCompare(benchmark::State& state) {
  RunSelector(state, "device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('40Gi')) >= 0");
}
BENCHMARK(BM_QuantityCompare);

void BM_SemverCompare(benchmark::State& state) {
  RunSelector(state, "device.attributes['gpu.nvidia.com'].driverVersion.isGreaterThan(semver('550.0.0'))");
}
BENCHMARK(BM_SemverCompare);

void BM_Macro(benchmark::State& state) {
  RunSelector(state, "device.attributes['gpu.nvidia.com'].exists(k, k == 'architecture')");
}
BENCHMARK(BM_Macro);

void BM_CompileSelector(benchmark::State& state) {
  for (auto _ : state) {
    auto s = CompileSelector("device.attributes['gpu.nvidia.com'].productName.startsWith('NVIDIA') && "
                             "device.capacity['gpu.nvidia.com'].memory.isGreaterThan(quantity('10Gi'))",
                             EnvOptions{});
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_CompileSelector);

}  // namespace
}  // namespace allot::cel


