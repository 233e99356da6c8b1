// `allot cel eval '<expr>' [--device device.json] [--list-type-attributes] [--no-consumable-capacity]
//                          [--new-expressions] [--cost]`
//
// Compiles and evaluates one CEL expression and prints the result value (DebugString form) or the
// error. Without --device the expression runs in the base Kubernetes environment (no variables);
// with --device it runs in the DRA selector environment with `device` bound to the device read from
// the JSON file (format: service/cli/cel_device_json.h; sample tests/testdata/devices/example-gpu.json).
// Unlike a selector, the result need not be a bool, so any expression can be inspected.
//
// Exit codes: 0 value printed, 1 runtime error, 2 usage or compile error.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cel/program.h"
#include "core/cel/selector.h"
#include "service/cli/cel_device_json.h"
#include "service/cli/command.h"

namespace allot::cli {
namespace {

constexpr char kUsage[] =
    "usage: allot cel eval '<expr>' [--device device.json] [--list-type-attributes]\n"
    "                      [--no-consumable-capacity] [--new-expressions] [--cost]\n";

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

int RunCelEval(const std::vector<std::string>& args) {
  std::string expression, device_path;
  bool have_expression = false, print_cost = false;
  cel::EnvOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--device" && i + 1 < args.size()) {
      device_path = args[++i];
    } else if (a == "--list-type-attributes") {
      options.list_type_attributes = true;
    } else if (a == "--no-consumable-capacity") {
      options.consumable_capacity = false;
    } else if (a == "--new-expressions") {
      options.stored_expressions = false;
    } else if (a == "--cost") {
      print_cost = true;
    } else if (!have_expression) {
      expression = a;
      have_expression = true;
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (!have_expression) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  std::shared_ptr<const cel::Environment> env = cel::Environment::Base();
  std::shared_ptr<const cel::Device> device;
  if (!device_path.empty()) {
    std::string text;
    if (!ReadFile(device_path, &text)) {
      std::fprintf(stderr, "cannot read %s\n", device_path.c_str());
      return 2;
    }
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      std::fprintf(stderr, "%s: invalid JSON\n", device_path.c_str());
      return 2;
    }
    StatusOr<cel::DeviceInput> input = ParseDeviceJson(j);
    if (!input.ok()) {
      std::fprintf(stderr, "%s: %s\n", device_path.c_str(), std::string(input.status().message()).c_str());
      return 2;
    }
    device = cel::Device::Prepare(*std::move(input));
    env = cel::DraEnvironment(options);
  }

  StatusOr<std::shared_ptr<const cel::Program>> program = cel::Program::Compile(expression, env);
  if (!program.ok()) {
    std::fprintf(stderr, "compilation failed: %s\n", std::string(program.status().message()).c_str());
    return 2;
  }
  if (device != nullptr && !device->prepare_error().empty()) {
    std::printf("error: %s\n", device->prepare_error().c_str());
    return 1;
  }
  std::vector<cel::Value> variables;
  if (device != nullptr) {
    int index = env->FindVariable("device");
    if (index < 0) {
      std::fprintf(stderr, "the DRA environment declares no `device` variable\n");
      return 2;
    }
    variables.resize(static_cast<size_t>(index) + 1);
    variables[static_cast<size_t>(index)] = device->value();
  }
  uint64_t actual = 0;
  cel::Value result = (*program)->Evaluate(variables, cel::kSelectorMaxCost, &actual);
  if (print_cost) {
    cel::CostEstimate est = (*program)->estimated_cost();
    std::printf("cost: estimated [%llu, %llu], actual %llu\n", static_cast<unsigned long long>(est.min),
                static_cast<unsigned long long>(est.max), static_cast<unsigned long long>(actual));
  }
  if (result.is_error()) {
    std::printf("error: %s\n", std::string(result.error_message()).c_str());
    return 1;
  }
  std::printf("%s\n", result.DebugString().c_str());
  return 0;
}

}  // namespace

ALLOT_REGISTER_COMMAND("cel eval", "evaluate a CEL expression, optionally against a device JSON file", RunCelEval);

}  // namespace allot::cli
