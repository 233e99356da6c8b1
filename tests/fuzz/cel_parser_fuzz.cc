// libFuzzer target for the CEL front end: parse, check (DRA stored environment) and, when the
// expression compiles, evaluate it against a small device with a tight cost limit. Must never crash,
// hang or leak; every outcome (compile error, runtime error, bool) is acceptable.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/cel/device.h"
#include "core/cel/parser.h"
#include "core/cel/selector.h"

namespace {

const allot::cel::Device& FuzzDevice() {
  static const auto* device = [] {
    allot::cel::DeviceInput in;
    in.driver = "dra.example.com";
    in.attributes.emplace_back("model", std::string("a100"));
    in.attributes.emplace_back("count", int64_t{8});
    in.attributes.emplace_back("ok", true);
    in.attributes.emplace_back("ext.example.com/tags", std::vector<std::string>{"x", "y"});
    return new std::shared_ptr<const allot::cel::Device>(allot::cel::Device::Prepare(std::move(in)));
  }();
  return **device;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  allot::cel::ParseResult parsed = allot::cel::ParseExpression(src);
  if (!parsed.issues.empty()) {
    (void)allot::cel::FormatIssues(src, parsed.issues);
    return 0;
  }
  auto selector = allot::cel::CompileSelector(src, allot::cel::EnvOptions{});
  if (selector.ok()) (void)(*selector)->Evaluate(FuzzDevice(), 10'000);
  return 0;
}
