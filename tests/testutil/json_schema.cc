#include "tests/testutil/json_schema.h"

#include <cmath>
#include <cstdint>
#include <regex>
#include <set>

namespace allot::testutil {
namespace {

using nlohmann::json;

constexpr int kMaxRefDepth = 64;

const std::set<std::string>& CheckedKeywords() {
  static const std::set<std::string> kKeywords = {
      "type",  "nullable", "enum",    "properties", "required",  "additionalProperties", "items",
      "$ref",  "oneOf",    "allOf",   "minimum",    "maximum",   "minLength",            "maxLength",
      "minItems", "pattern"};
  return kKeywords;
}

const std::set<std::string>& Annotations() {
  static const std::set<std::string> kAnnotations = {"description", "title", "example", "format", "default",
                                                     "deprecated"};
  return kAnnotations;
}

const std::set<std::string>& TypeNames() {
  static const std::set<std::string> kTypes = {"object", "array", "string", "integer", "number", "boolean"};
  return kTypes;
}

std::string TypeOf(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    default: return "unsupported";
  }
}

bool HasType(const json& value, const std::string& type) {
  if (type == "integer") {
    if (value.is_number_integer()) return true;
    if (!value.is_number_float()) return false;
    const double d = value.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  if (type == "number") return value.is_number();
  return TypeOf(value) == type;
}

// Length in code points of a UTF-8 string (nlohmann keeps strings as UTF-8).
size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string Member(const std::string& path, const std::string& key) { return path + "." + key; }

bool IsSchemaArray(const json& v) { return v.is_array() && !v.empty(); }

bool IsCount(const json& v) { return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0); }

}  // namespace

const json* JsonSchemaValidator::Resolve(std::string_view ref) const {
  if (ref.empty() || ref[0] != '#') return nullptr;
  if (ref == "#") return &root_;
  if (ref.size() < 2 || ref[1] != '/') return nullptr;
  const json* node = &root_;
  size_t start = 2;
  while (true) {
    const size_t end = ref.find('/', start);
    std::string token(ref.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    std::string key;
    for (size_t i = 0; i < token.size(); ++i) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        key += token[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        key += token[i];
      }
    }
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos) return nullptr;
      const size_t index = std::stoul(key);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (end == std::string_view::npos) return node;
    start = end + 1;
  }
}

std::vector<std::string> JsonSchemaValidator::Validate(const json& schema, const json& value) const {
  std::vector<std::string> out;
  Check(schema, value, "$", 0, out);
  return out;
}

void JsonSchemaValidator::Check(const json& schema, const json& value, const std::string& path, int depth,
                                std::vector<std::string>& out) const {
  if (depth > kMaxRefDepth) {
    out.push_back(path + ": $ref chain deeper than " + std::to_string(kMaxRefDepth));
    return;
  }
  if (!schema.is_object()) {
    out.push_back(path + ": the schema is not an object: " + schema.dump());
    return;
  }
  if (auto ref = schema.find("$ref"); ref != schema.end()) {
    const json* target = ref->is_string() ? Resolve(ref->get<std::string>()) : nullptr;
    if (target == nullptr) {
      out.push_back(path + ": unresolvable $ref " + ref->dump());
      return;
    }
    Check(*target, value, path, depth + 1, out);
    return;
  }
  if (auto nullable = schema.find("nullable"); value.is_null() && nullable != schema.end() && nullable->is_boolean() &&
                                               nullable->get<bool>()) {
    return;
  }

  if (auto type = schema.find("type"); type != schema.end() && type->is_string()) {
    if (!HasType(value, type->get<std::string>())) {
      out.push_back(path + ": expected " + type->get<std::string>() + ", got " + TypeOf(value));
      return;
    }
  }
  if (auto values = schema.find("enum"); values != schema.end() && values->is_array()) {
    bool found = false;
    for (const json& v : *values) found = found || v == value;
    if (!found) out.push_back(path + ": " + value.dump() + " is not one of " + values->dump());
  }
  if (auto all = schema.find("allOf"); all != schema.end() && all->is_array()) {
    for (const json& sub : *all) Check(sub, value, path, depth + 1, out);
  }
  if (auto one = schema.find("oneOf"); one != schema.end() && one->is_array()) {
    size_t matched = 0;
    std::string why;
    for (size_t i = 0; i < one->size(); ++i) {
      std::vector<std::string> problems;
      Check((*one)[i], value, path, depth + 1, problems);
      if (problems.empty()) {
        ++matched;
      } else {
        why += (why.empty() ? "" : "; ") + std::string("#") + std::to_string(i) + ": " + problems.front();
      }
    }
    if (matched != 1) {
      out.push_back(path + ": matches " + std::to_string(matched) + " of the " + std::to_string(one->size()) +
                    " oneOf schemas, not exactly one" + (matched == 0 ? " (" + why + ")" : ""));
    }
  }
  if (value.is_number()) {
    const double number = value.get<double>();
    if (auto min = schema.find("minimum"); min != schema.end() && min->is_number() && number < min->get<double>()) {
      out.push_back(path + ": " + value.dump() + " is less than the minimum " + min->dump());
    }
    if (auto max = schema.find("maximum"); max != schema.end() && max->is_number() && number > max->get<double>()) {
      out.push_back(path + ": " + value.dump() + " is more than the maximum " + max->dump());
    }
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    const size_t length = CodePoints(s);
    if (auto min = schema.find("minLength"); min != schema.end() && IsCount(*min) &&
                                             length < min->get<size_t>()) {
      out.push_back(path + ": shorter than minLength " + min->dump());
    }
    if (auto max = schema.find("maxLength"); max != schema.end() && IsCount(*max) &&
                                             length > max->get<size_t>()) {
      out.push_back(path + ": longer than maxLength " + max->dump());
    }
    if (auto pattern = schema.find("pattern"); pattern != schema.end() && pattern->is_string()) {
      try {
        if (!std::regex_search(s, std::regex(pattern->get<std::string>(), std::regex::ECMAScript))) {
          out.push_back(path + ": " + value.dump() + " does not match the pattern " + pattern->dump());
        }
      } catch (const std::regex_error& e) {
        out.push_back(path + ": the pattern " + pattern->dump() + " does not compile: " + e.what());
      }
    }
  }
  if (value.is_array()) {
    if (auto min = schema.find("minItems"); min != schema.end() && IsCount(*min) &&
                                            value.size() < min->get<size_t>()) {
      out.push_back(path + ": fewer than minItems " + min->dump() + " items");
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (size_t i = 0; i < value.size(); ++i) {
        Check(*items, value[i], path + "[" + std::to_string(i) + "]", depth + 1, out);
      }
    }
  }
  if (value.is_object()) {
    const json empty = json::object();
    auto properties_it = schema.find("properties");
    const json& properties = properties_it != schema.end() && properties_it->is_object() ? *properties_it : empty;
    if (auto required = schema.find("required"); required != schema.end() && required->is_array()) {
      for (const json& name : *required) {
        if (name.is_string() && !value.contains(name.get<std::string>())) {
          out.push_back(Member(path, name.get<std::string>()) + ": missing required member");
        }
      }
    }
    auto additional = schema.find("additionalProperties");
    for (const auto& [key, member] : value.items()) {
      if (auto declared = properties.find(key); declared != properties.end()) {
        Check(*declared, member, Member(path, key), depth + 1, out);
      } else if (additional != schema.end()) {
        if (additional->is_boolean() && !additional->get<bool>()) {
          out.push_back(Member(path, key) + ": unexpected member (additionalProperties is false)");
        } else if (additional->is_object()) {
          Check(*additional, member, Member(path, key), depth + 1, out);
        }
      }
    }
  }
}

std::vector<std::string> JsonSchemaValidator::SchemaProblems(const json& schema, const std::string& where) const {
  std::vector<std::string> out;
  CheckSchema(schema, where, out);
  return out;
}

void JsonSchemaValidator::CheckSchema(const json& schema, const std::string& where,
                                      std::vector<std::string>& out) const {
  if (!schema.is_object()) {
    out.push_back(where + ": a schema must be an object");
    return;
  }
  if (auto ref = schema.find("$ref"); ref != schema.end()) {
    if (!ref->is_string() || Resolve(ref->get<std::string>()) == nullptr) {
      out.push_back(where + ": unresolvable $ref " + ref->dump());
    }
    for (const auto& [key, v] : schema.items()) {
      if (key != "$ref") out.push_back(where + ": \"" + key + "\" next to $ref is ignored in OpenAPI 3.0");
    }
    return;
  }
  for (const auto& [key, v] : schema.items()) {
    if (CheckedKeywords().count(key) == 0 && Annotations().count(key) == 0) {
      out.push_back(where + ": keyword \"" + key + "\" is not supported by the test's JSON Schema validator");
    }
  }
  if (auto type = schema.find("type"); type != schema.end() &&
                                       (!type->is_string() || TypeNames().count(type->get<std::string>()) == 0)) {
    out.push_back(where + ".type: " + type->dump() + " is not one of object, array, string, integer, number, boolean");
  }
  if (auto nullable = schema.find("nullable"); nullable != schema.end() && !nullable->is_boolean()) {
    out.push_back(where + ".nullable: must be a boolean");
  }
  if (auto values = schema.find("enum"); values != schema.end() && !IsSchemaArray(*values)) {
    out.push_back(where + ".enum: must be a non-empty array");
  }
  for (const char* key : {"minimum", "maximum"}) {
    if (auto v = schema.find(key); v != schema.end() && !v->is_number()) {
      out.push_back(where + "." + key + ": must be a number");
    }
  }
  for (const char* key : {"minLength", "maxLength", "minItems"}) {
    if (auto v = schema.find(key); v != schema.end() && !IsCount(*v)) {
      out.push_back(where + "." + key + ": must be a non-negative integer");
    }
  }
  if (auto pattern = schema.find("pattern"); pattern != schema.end()) {
    if (!pattern->is_string()) {
      out.push_back(where + ".pattern: must be a string");
    } else {
      try {
        std::regex compiled(pattern->get<std::string>(), std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        out.push_back(where + ".pattern: does not compile: " + e.what());
      }
    }
  }
  std::set<std::string> declared;
  if (auto properties = schema.find("properties"); properties != schema.end()) {
    if (!properties->is_object()) {
      out.push_back(where + ".properties: must be an object");
    } else {
      for (const auto& [key, sub] : properties->items()) {
        declared.insert(key);
        CheckSchema(sub, where + ".properties." + key, out);
      }
    }
  }
  auto additional = schema.find("additionalProperties");
  if (additional != schema.end()) {
    if (additional->is_object()) {
      CheckSchema(*additional, where + ".additionalProperties", out);
    } else if (!additional->is_boolean()) {
      out.push_back(where + ".additionalProperties: must be a boolean or a schema");
    }
  }
  const bool closed = additional != schema.end() && additional->is_boolean() && !additional->get<bool>();
  if (auto required = schema.find("required"); required != schema.end()) {
    if (!IsSchemaArray(*required)) {
      out.push_back(where + ".required: must be a non-empty array of member names");
    } else {
      for (const json& name : *required) {
        if (!name.is_string()) {
          out.push_back(where + ".required: " + name.dump() + " is not a member name");
        } else if (closed && declared.count(name.get<std::string>()) == 0) {
          out.push_back(where + ".required: \"" + name.get<std::string>() +
                        "\" is not in properties of a closed object (additionalProperties: false)");
        }
      }
    }
  }
  if (auto items = schema.find("items"); items != schema.end()) CheckSchema(*items, where + ".items", out);
  for (const char* key : {"oneOf", "allOf"}) {
    if (auto list = schema.find(key); list != schema.end()) {
      if (!IsSchemaArray(*list)) {
        out.push_back(where + "." + key + ": must be a non-empty array of schemas");
        continue;
      }
      for (size_t i = 0; i < list->size(); ++i) {
        CheckSchema((*list)[i], where + "." + key + "[" + std::to_string(i) + "]", out);
      }
    }
  }
}

}  // namespace allot::testutil
