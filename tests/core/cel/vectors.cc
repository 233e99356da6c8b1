#include "tests/core/cel/vectors.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/quantity/quantity.h"

namespace allot::cel::testing {
namespace {

std::string Base64Decode(const std::string& in) {
  static const std::string kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    size_t p = kChars.find(c);
    if (p == std::string::npos) break;
    val = (val << 6) + static_cast<int>(p);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

bool DoubleMatches(double actual, const nlohmann::json& j) {
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s == "NaN") return std::isnan(actual);
    if (s == "Infinity") return std::isinf(actual) && actual > 0;
    if (s == "-Infinity") return std::isinf(actual) && actual < 0;
    return false;
  }
  double want = j.get<double>();
  return actual == want || std::fabs(actual - want) <= 1e-9 * std::fabs(want);
}

// Typed tree comparison: {"int": "5"}, {"uint": "5"}, {"double": 1.5}, {"string": ..}, {"bytes": b64},
// {"bool": ..}, {"null": null}, {"list": [...]}, {"map": [[k, v], ...]}.
bool TypedMatches(const Value& v, const nlohmann::json& t, std::string* why) {
  if (!t.is_object() || t.size() != 1) {
    *why = "bad typed value " + t.dump();
    return false;
  }
  const std::string kind = t.begin().key();
  const nlohmann::json& x = t.begin().value();
  auto fail = [&](const std::string& msg) {
    *why = msg + ": got " + v.DebugString() + ", want " + t.dump();
    return false;
  };
  if (kind == "int") {
    if (!v.is_int()) return fail("kind");
    int64_t want = x.is_string() ? std::stoll(x.get<std::string>()) : x.get<int64_t>();
    return v.int_value() == want ? true : fail("int");
  }
  if (kind == "uint") {
    if (!v.is_uint()) return fail("kind");
    uint64_t want = x.is_string() ? std::stoull(x.get<std::string>()) : x.get<uint64_t>();
    return v.uint_value() == want ? true : fail("uint");
  }
  if (kind == "double") return v.is_double() && DoubleMatches(v.double_value(), x) ? true : fail("double");
  if (kind == "string") return v.is_string() && v.string_value() == x.get<std::string>() ? true : fail("string");
  if (kind == "bytes") {
    return v.is_bytes() && v.bytes_value() == Base64Decode(x.get<std::string>()) ? true : fail("bytes");
  }
  if (kind == "bool") return v.is_bool() && v.bool_value() == x.get<bool>() ? true : fail("bool");
  if (kind == "null") return v.is_null() ? true : fail("null");
  if (kind == "list") {
    if (!v.is_list() || v.list_value().size() != x.size()) return fail("list");
    for (size_t i = 0; i < x.size(); ++i) {
      if (!TypedMatches(v.list_value().Get(i), x[i], why)) return false;
    }
    return true;
  }
  if (kind == "map") {
    if (!v.is_map() || v.map_value().size() != x.size()) return fail("map");
    for (const auto& kv : x) {
      // Find the entry whose key matches the typed key.
      bool found = false;
      for (size_t i = 0; i < v.map_value().size() && !found; ++i) {
        std::string ignored;
        if (TypedMatches(v.map_value().KeyAt(i), kv[0], &ignored)) {
          if (!TypedMatches(v.map_value().ValueAt(i), kv[1], why)) return false;
          found = true;
        }
      }
      if (!found) return fail("missing map key " + kv[0].dump());
    }
    return true;
  }
  *why = "unknown typed kind " + kind;
  return false;
}

// Plain JSON (no "typed") to a typed tree: integers → int, other numbers → double, strings → string.
nlohmann::json GuessTyped(const nlohmann::json& v) {
  if (v.is_boolean()) return {{"bool", v}};
  if (v.is_null()) return {{"null", nullptr}};
  if (v.is_number_integer()) return {{"int", v}};
  if (v.is_number()) return {{"double", v}};
  if (v.is_string()) return {{"string", v}};
  if (v.is_array()) {
    nlohmann::json l = nlohmann::json::array();
    for (const auto& x : v) l.push_back(GuessTyped(x));
    return {{"list", l}};
  }
  nlohmann::json m = nlohmann::json::array();
  for (const auto& [k, x] : v.items()) m.push_back({nlohmann::json{{"string", k}}, GuessTyped(x)});
  return {{"map", m}};
}

}  // namespace

std::vector<nlohmann::json> LoadCelVectors(const std::string& file, std::string* error) {
  std::ifstream in("tests/testdata/cel-vectors/" + file);
  if (!in) {
    *error = "cannot open tests/testdata/cel-vectors/" + file;
    return {};
  }
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) {
    *error = "not a JSON array: " + file;
    return {};
  }
  return j.get<std::vector<nlohmann::json>>();
}

StatusOr<DeviceInput> DeviceFromJson(const nlohmann::json& d) {
  DeviceInput in;
  in.driver = d.value("driver", "");
  if (d.contains("attributes")) {
    for (const auto& [name, a] : d["attributes"].items()) {
      AttributeValue v;
      if (a.contains("int")) v = a["int"].get<int64_t>();
      else if (a.contains("bool")) v = a["bool"].get<bool>();
      else if (a.contains("string")) v = a["string"].get<std::string>();
      else if (a.contains("version")) v = Version{a["version"].get<std::string>()};
      else if (a.contains("ints")) v = a["ints"].get<std::vector<int64_t>>();
      else if (a.contains("bools")) v = a["bools"].get<std::vector<bool>>();
      else if (a.contains("strings")) v = a["strings"].get<std::vector<std::string>>();
      else if (a.contains("versions")) {
        std::vector<Version> vs;
        for (const auto& s : a["versions"]) vs.push_back(Version{s.get<std::string>()});
        v = std::move(vs);
      } else {
        return InvalidArgumentError("unsupported attribute value for " + name);
      }
      in.attributes.emplace_back(name, std::move(v));
    }
  }
  if (d.contains("capacity")) {
    for (const auto& [name, c] : d["capacity"].items()) {
      auto q = quantity::Quantity::Parse(c["value"].get<std::string>());
      if (!q.ok()) return q.status();
      in.capacity.emplace_back(name, *q);
    }
  }
  if (d.contains("allowMultipleAllocations")) in.allow_multiple_allocations = d["allowMultipleAllocations"].get<bool>();
  return in;
}

EnvOptions EnvOptionsFromCase(const nlohmann::json& c) {
  EnvOptions o;
  o.stored_expressions = c.value("env", "StoredExpressions") == "StoredExpressions";
  o.consumable_capacity = true;
  o.list_type_attributes = false;
  if (c.contains("features")) {
    const auto& f = c["features"];
    if (f.contains("DRAConsumableCapacity")) o.consumable_capacity = f["DRAConsumableCapacity"].get<bool>();
    if (f.contains("DRAListTypeAttributes")) o.list_type_attributes = f["DRAListTypeAttributes"].get<bool>();
  }
  return o;
}

bool ValueMatches(const Value& actual, const nlohmann::json& expect, std::string* why) {
  if (actual.is_error()) {
    *why = "evaluation error: " + std::string(actual.error_message());
    return false;
  }
  if (expect.contains("typed")) return TypedMatches(actual, expect["typed"], why);
  const std::string type = expect.value("type", "");
  const nlohmann::json& v = expect["value"];
  nlohmann::json typed;
  if (type == "int") typed = {{"int", v}};
  else if (type == "uint") typed = {{"uint", v}};
  else if (type == "double") typed = {{"double", v}};
  else if (type == "string") typed = {{"string", v}};
  else if (type == "bytes") typed = {{"bytes", v}};
  else if (type == "bool") typed = {{"bool", v}};
  else if (type == "null") typed = {{"null", nullptr}};
  else if (type == "list" || type == "map") typed = GuessTyped(v);
  else if (type == "type") {
    if (actual.is_type() && actual.type_value() == v.get<std::string>()) return true;
    *why = "type: got " + actual.DebugString() + ", want " + v.dump();
    return false;
  } else {
    *why = "cannot compare expected type " + type;
    return false;
  }
  return TypedMatches(actual, typed, why);
}

std::string SanitizeTestName(const std::string& name) {
  std::string out;
  for (char c : name) out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

}  // namespace allot::cel::testing
