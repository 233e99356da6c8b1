// `allot conformance cel [--failures-only] FILE...`: runs CEL vector files (shapes in
// tests/testdata/cel-vectors/README.md) against allot::cel and prints one line per case
//   PASS <name> | FAIL <name>: <why> | SKIP <name>: <reason>
// and a closing "N passed, M failed, K skipped". Exit status 1 if any case failed, 2 on usage or
// unreadable input.
//
// The file kind is detected from its cases: `env` → dra-compile (DRA selector environment,
// device, compile/runtime errors, estimated cost); a `cost` object or a kubernetes.* result type →
// k8s-library (base environment; `error` is a substring of the Go message; costs asserted);
// otherwise cel-spec-subset (base environment; `error` means "any runtime error").
//
// Skips (listed with reasons in docs/cel-conformance.md) are limited to what the README marks as
// outside the Kubernetes environment: cel-spec cases with `celGoDiffers` (cel-go, and therefore
// Kubernetes, deliberately differs from cel-spec). `disableCheck` cases that the type checker rejects
// are evaluated in the engine's unchecked mode, as cel-spec does.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <optional>
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

using nlohmann::json;

enum class Outcome { kPass, kFail, kSkip };

struct CaseResult {
  Outcome outcome = Outcome::kPass;
  std::string why;
};

CaseResult Pass() { return {}; }
CaseResult Fail(std::string why) { return {Outcome::kFail, std::move(why)}; }
CaseResult Skip(std::string why) { return {Outcome::kSkip, std::move(why)}; }

std::string FirstLine(std::string_view s) {
  size_t nl = s.find('\n');
  return std::string(nl == std::string_view::npos ? s : s.substr(0, nl));
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

std::optional<std::string> Base64Decode(const std::string& in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    size_t idx = kAlphabet.find(c);
    if (idx == std::string::npos) return std::nullopt;
    buf = (buf << 6) | static_cast<uint32_t>(idx);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  return out;
}

std::optional<double> ExpectedDouble(const json& x) {
  if (x.is_number()) return x.get<double>();
  if (x.is_string()) {
    const std::string s = x.get<std::string>();
    if (s == "NaN") return std::nan("");
    if (s == "Infinity") return INFINITY;
    if (s == "-Infinity") return -INFINITY;
  }
  return std::nullopt;
}

bool SameDouble(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

std::string Got(const cel::Value& v) { return "got " + v.DebugString(); }

// Compares a value with the typed tree ({"int": "5"}, {"list": [...]}, {"map": [[k, v], ...]}, ...).
std::optional<std::string> MatchTyped(const cel::Value& v, const json& t);

std::optional<cel::Value> TypedKey(const json& t) {
  if (!t.is_object() || t.size() != 1) return std::nullopt;
  const std::string& k = t.begin().key();
  const json& x = t.begin().value();
  if (k == "int") return cel::Value::Int(std::strtoll(x.get<std::string>().c_str(), nullptr, 10));
  if (k == "uint") return cel::Value::Uint(std::strtoull(x.get<std::string>().c_str(), nullptr, 10));
  if (k == "bool") return cel::Value::Bool(x.get<bool>());
  if (k == "string") return cel::Value::String(x.get<std::string>());
  return std::nullopt;
}

std::optional<std::string> MatchTyped(const cel::Value& v, const json& t) {
  if (!t.is_object() || t.size() != 1) return "malformed typed value " + t.dump();
  const std::string& k = t.begin().key();
  const json& x = t.begin().value();
  if (k == "int") {
    if (!v.is_int() || v.int_value() != std::strtoll(x.get<std::string>().c_str(), nullptr, 10)) {
      return "want int " + x.get<std::string>() + ", " + Got(v);
    }
  } else if (k == "uint") {
    if (!v.is_uint() || v.uint_value() != std::strtoull(x.get<std::string>().c_str(), nullptr, 10)) {
      return "want uint " + x.get<std::string>() + ", " + Got(v);
    }
  } else if (k == "double") {
    std::optional<double> d = ExpectedDouble(x);
    if (!d || !v.is_double() || !SameDouble(v.double_value(), *d)) return "want double " + x.dump() + ", " + Got(v);
  } else if (k == "string") {
    if (!v.is_string() || v.string_value() != x.get<std::string>()) return "want string " + x.dump() + ", " + Got(v);
  } else if (k == "bytes") {
    std::optional<std::string> b = Base64Decode(x.get<std::string>());
    if (!b || !v.is_bytes() || v.bytes_value() != *b) return "want bytes " + x.dump() + " (base64), " + Got(v);
  } else if (k == "bool") {
    if (!v.is_bool() || v.bool_value() != x.get<bool>()) return "want bool " + x.dump() + ", " + Got(v);
  } else if (k == "null") {
    if (!v.is_null()) return "want null, " + Got(v);
  } else if (k == "list") {
    if (!v.is_list() || v.list_value().size() != x.size()) return "want list " + x.dump() + ", " + Got(v);
    for (size_t i = 0; i < x.size(); ++i) {
      if (auto m = MatchTyped(v.list_value().Get(i), x[i])) return "element " + std::to_string(i) + ": " + *m;
    }
  } else if (k == "map") {
    if (!v.is_map() || v.map_value().size() != x.size()) return "want map " + x.dump() + ", " + Got(v);
    for (const json& entry : x) {
      std::optional<cel::Value> key = TypedKey(entry[0]);
      if (!key) return "unsupported map key " + entry[0].dump();
      cel::Value found;
      if (!v.map_value().Find(*key, &found)) return "missing key " + entry[0].dump() + ", " + Got(v);
      if (auto m = MatchTyped(found, entry[1])) return "key " + entry[0].dump() + ": " + *m;
    }
  } else {
    return "unsupported typed kind " + k;
  }
  return std::nullopt;
}

// Plain JSON element (lists without `typed`): string, bool, integer or float.
std::optional<std::string> MatchLoose(const cel::Value& v, const json& x) {
  if (x.is_string()) {
    if (!v.is_string() || v.string_value() != x.get<std::string>()) return "want " + x.dump() + ", " + Got(v);
  } else if (x.is_boolean()) {
    if (!v.is_bool() || v.bool_value() != x.get<bool>()) return "want " + x.dump() + ", " + Got(v);
  } else if (x.is_number_integer()) {
    if (!v.is_int() || v.int_value() != x.get<int64_t>()) return "want " + x.dump() + ", " + Got(v);
  } else if (x.is_number()) {
    if (!v.is_double() || !SameDouble(v.double_value(), x.get<double>())) return "want " + x.dump() + ", " + Got(v);
  } else if (x.is_null()) {
    if (!v.is_null()) return "want null, " + Got(v);
  } else if (x.is_array()) {
    if (!v.is_list() || v.list_value().size() != x.size()) return "want " + x.dump() + ", " + Got(v);
    for (size_t i = 0; i < x.size(); ++i) {
      if (auto m = MatchLoose(v.list_value().Get(i), x[i])) return "element " + std::to_string(i) + ": " + *m;
    }
  } else {
    return "unsupported expected value " + x.dump();
  }
  return std::nullopt;
}

std::string CelStringLiteral(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// Compares the result with {"value", "type", ["typed"]}.
std::optional<std::string> MatchExpected(const cel::Value& v, const json& expect) {
  if (v.is_error()) return "unexpected error: " + std::string(v.error_message());
  const std::string type = expect.value("type", "");
  const json& value = expect["value"];
  if (expect.contains("typed")) return MatchTyped(v, expect["typed"]);
  if (type == "kubernetes.Quantity" || type == "kubernetes.Semver") {
    const std::string fn = type == "kubernetes.Quantity" ? "quantity" : "semver";
    // Keep the program alive while comparing: a folded quantity/semver constant is an opaque view
    // into the program (EvaluateForTest's detached result would dangle; found by ASan).
    auto want_program =
        cel::Program::Compile(fn + "(" + CelStringLiteral(value.get<std::string>()) + ")", cel::Environment::Base(), false);
    if (!want_program.ok()) return "cannot build the expected " + type;
    cel::Value want = (*want_program)->Evaluate({});
    if (want.is_error()) return "cannot build the expected " + type;
    if (!v.AsOpaque(type)) return "want " + type + ", " + Got(v);
    cel::Value eq = cel::Equal(v, want);
    if (!eq.is_bool() || !eq.bool_value()) return "want " + fn + "(" + value.dump() + "), " + Got(v);
    return std::nullopt;
  }
  if (type == "int") return MatchTyped(v, json{{"int", std::to_string(value.get<int64_t>())}});
  if (type == "uint") return MatchTyped(v, json{{"uint", std::to_string(value.get<uint64_t>())}});
  if (type == "double") return MatchTyped(v, json{{"double", value}});
  if (type == "string") return MatchTyped(v, json{{"string", value}});
  if (type == "bytes") return MatchTyped(v, json{{"bytes", value}});
  if (type == "bool") return MatchTyped(v, json{{"bool", value}});
  if (type == "null") return MatchTyped(v, json{{"null", nullptr}});
  if (type == "type") {
    if (!v.is_type() || v.type_value() != value.get<std::string>()) return "want type " + value.dump() + ", " + Got(v);
    return std::nullopt;
  }
  if (type == "list") return MatchLoose(v, value);
  return "unsupported expected type " + type;
}

// ---- cel-spec-subset and k8s-library cases (base environment) ----

CaseResult RunBaseCase(const json& c, bool k8s_library) {
  const std::string expr = c.at("expression").get<std::string>();
  const json& expect = c.at("expect");
  if (c.contains("celGoDiffers")) return Skip("celGoDiffers: " + c["celGoDiffers"].get<std::string>());

  StatusOr<std::shared_ptr<const cel::Program>> program = cel::Program::Compile(expr, cel::Environment::Base());
  std::optional<std::string> k8s_compile_error;
  if (c.contains("k8s") && c["k8s"].contains("compileError")) {
    k8s_compile_error = c["k8s"]["compileError"].get<std::string>();
  }
  if (k8s_compile_error) {
    const std::string want = *k8s_compile_error;
    if (program.ok()) return Fail("want compile error containing \"" + want + "\" (Kubernetes), compiled fine");
    if (!Contains(program.status().message(), want)) {
      return Fail("want compile error containing \"" + want + "\", got: " + FirstLine(program.status().message()));
    }
    return Pass();
  }
  if (expect.contains("compileError")) {
    const std::string want = expect["compileError"].get<std::string>();
    if (program.ok()) return Fail("want compile error containing \"" + want + "\", compiled fine");
    if (!Contains(program.status().message(), want)) {
      return Fail("want compile error containing \"" + want + "\", got: " + FirstLine(program.status().message()));
    }
    return Pass();
  }
  if (!program.ok()) {
    if (c.value("disableCheck", false)) {
      // cel-spec runs these unchecked; so does the engine's lenient mode. Type checking (what Kubernetes
      // does) rejects them, so the run-time semantics are checked without it.
      StatusOr<cel::Value> unchecked = cel::EvaluateForTest(expr, /*disable_check=*/true);
      if (!unchecked.ok()) {
        return Skip("disableCheck: rejected by the type checker and by the unchecked mode: " +
                    FirstLine(unchecked.status().message()));
      }
      if (expect.contains("error")) {
        if (!unchecked->is_error()) return Fail("(unchecked) want an error, " + Got(*unchecked));
        return Pass();
      }
      if (auto m = MatchExpected(*unchecked, expect)) return Fail("(unchecked) " + *m);
      return Pass();
    }
    return Fail("compile error: " + FirstLine(program.status().message()));
  }
  uint64_t actual = 0;
  cel::Value v = (*program)->Evaluate({}, UINT64_MAX, &actual);
  if (expect.contains("error")) {
    if (!v.is_error()) return Fail("want an error, " + Got(v));
    const std::string want = expect["error"].get<std::string>();
    if (k8s_library && !Contains(v.error_message(), want)) {
      return Fail("want error containing \"" + want + "\", got: " + std::string(v.error_message()));
    }
  } else if (auto m = MatchExpected(v, expect)) {
    return Fail(*m);
  }
  if (k8s_library && c.contains("cost") && c["cost"].is_object()) {
    const json& cost = c["cost"];
    cel::CostEstimate est = (*program)->estimated_cost();
    if (est.min != cost.value("estimatedMin", est.min) || est.max != cost.value("estimatedMax", est.max)) {
      return Fail("estimated cost [" + std::to_string(est.min) + ", " + std::to_string(est.max) + "], want [" +
                  cost.value("estimatedMin", json()).dump() + ", " + cost.value("estimatedMax", json()).dump() + "]");
    }
    if (cost.contains("actual") && actual != cost["actual"].get<uint64_t>()) {
      return Fail("actual cost " + std::to_string(actual) + ", want " + cost["actual"].dump());
    }
  }
  return Pass();
}

// ---- dra-compile cases (DRA selector environment) ----

CaseResult RunDraCase(const json& c) {
  cel::EnvOptions options;
  options.stored_expressions = c.value("env", "StoredExpressions") == "StoredExpressions";
  if (c.contains("features")) {
    const json& f = c["features"];
    options.consumable_capacity = f.value("DRAConsumableCapacity", options.consumable_capacity);
    options.list_type_attributes = f.value("DRAListTypeAttributes", options.list_type_attributes);
  }
  const json& expect = c.at("expect");
  StatusOr<std::shared_ptr<const cel::Selector>> selector =
      cel::CompileSelector(c.at("expression").get<std::string>(), options);
  if (expect.contains("compileError")) {
    const std::string want = expect["compileError"].get<std::string>();
    if (selector.ok()) return Fail("want compile error containing \"" + want + "\", compiled fine");
    if (!Contains(selector.status().message(), want)) {
      return Fail("want compile error containing \"" + want + "\", got: " + FirstLine(selector.status().message()));
    }
    return Pass();
  }
  if (!selector.ok()) return Fail("compile error: " + FirstLine(selector.status().message()));
  if (c.contains("cost") && (*selector)->max_cost() != c["cost"].get<uint64_t>()) {
    return Fail("estimated max cost " + std::to_string((*selector)->max_cost()) + ", want " + c["cost"].dump());
  }
  StatusOr<cel::DeviceInput> input = ParseDeviceJson(c.at("device"));
  if (!input.ok()) return Fail("bad device: " + std::string(input.status().message()));
  std::shared_ptr<const cel::Device> device = cel::Device::Prepare(*std::move(input));
  StatusOr<bool> result = (*selector)->Evaluate(*device);
  if (expect.contains("runtimeError")) {
    const std::string want = expect["runtimeError"].get<std::string>();
    if (result.ok()) return Fail("want runtime error containing \"" + want + "\", got " + (*result ? "true" : "false"));
    if (!Contains(result.status().message(), want)) {
      return Fail("want runtime error containing \"" + want + "\", got: " + std::string(result.status().message()));
    }
    return Pass();
  }
  if (!result.ok()) return Fail("runtime error: " + std::string(result.status().message()));
  const bool want = expect.at("result").get<bool>();
  if (*result != want) return Fail(std::string("want ") + (want ? "true" : "false") + ", got " + (*result ? "true" : "false"));
  return Pass();
}

enum class FileKind { kDra, kK8sLibrary, kCelSpec };

FileKind DetectKind(const json& cases) {
  for (const json& c : cases) {
    if (c.contains("env")) return FileKind::kDra;
  }
  for (const json& c : cases) {
    if (c.contains("cost") && c["cost"].is_object()) return FileKind::kK8sLibrary;
    const json& e = c.value("expect", json::object());
    if (e.is_object() && e.value("type", "").rfind("kubernetes.", 0) == 0) return FileKind::kK8sLibrary;
  }
  return FileKind::kCelSpec;
}

int RunConformanceCel(const std::vector<std::string>& args) {
  bool failures_only = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "--failures-only") {
      failures_only = true;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: allot conformance cel [--failures-only] FILE...\n");
    return 2;
  }
  int passed = 0, failed = 0, skipped = 0;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 2;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    json cases = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
    if (cases.is_discarded() || !cases.is_array()) {
      std::fprintf(stderr, "%s: not a JSON array of cases\n", path.c_str());
      return 2;
    }
    const FileKind kind = DetectKind(cases);
    for (const json& c : cases) {
      const std::string name = c.is_object() ? c.value("name", "<unnamed>") : "<malformed>";
      CaseResult r;
      try {
        r = kind == FileKind::kDra ? RunDraCase(c) : RunBaseCase(c, kind == FileKind::kK8sLibrary);
      } catch (const std::exception& e) {  // malformed vector JSON (nlohmann throws on type mismatch)
        r = Fail(std::string("malformed case: ") + e.what());
      }
      switch (r.outcome) {
        case Outcome::kPass:
          ++passed;
          if (!failures_only) std::printf("PASS %s\n", name.c_str());
          break;
        case Outcome::kFail:
          ++failed;
          std::printf("FAIL %s: %s\n", name.c_str(), r.why.c_str());
          break;
        case Outcome::kSkip:
          ++skipped;
          if (!failures_only) std::printf("SKIP %s: %s\n", name.c_str(), r.why.c_str());
          break;
      }
    }
  }
  std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed > 0 ? 1 : 0;
}

}  // namespace

ALLOT_REGISTER_COMMAND("conformance cel", "run CEL vector files (PASS/FAIL/SKIP per case)", RunConformanceCel);

}  // namespace allot::cli
