#include "api/internal/json_io.h"

#include <cstdint>
#include <limits>
#include <string>

namespace allot::api {
namespace internal {

const char* JsonTypeName(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::object:
      return "object";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "number";
    case nlohmann::json::value_t::binary:
      return "binary";
    case nlohmann::json::value_t::discarded:
      return "discarded";
  }
  return "unknown";
}

bool ExpectObject(JsonReader& reader, const nlohmann::json& json) {
  if (json.is_object()) return true;
  reader.Fail(std::string("expected object, got ") + JsonTypeName(json));
  return false;
}

const nlohmann::json* FindField(const nlohmann::json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

namespace {
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}
}  // namespace

const nlohmann::json* FindFieldAnyCase(const nlohmann::json& object, std::string_view key) {
  auto it = object.find(key);
  if (it != object.end()) return it->is_null() ? nullptr : &*it;
  for (auto jt = object.begin(); jt != object.end(); ++jt) {
    if (EqualsIgnoreAsciiCase(jt.key(), key)) return jt->is_null() ? nullptr : &*jt;
  }
  return nullptr;
}

}  // namespace internal

void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::string& out) {
  if (!json.is_string()) {
    reader.Fail(std::string("expected string, got ") + internal::JsonTypeName(json));
    return;
  }
  out = json.get_ref<const std::string&>();
}

void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, bool& out) {
  if (!json.is_boolean()) {
    reader.Fail(std::string("expected boolean, got ") + internal::JsonTypeName(json));
    return;
  }
  out = json.get<bool>();
}

void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, int64_t& out) {
  if (json.is_number_unsigned()) {
    const auto u = json.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      reader.Fail("integer out of range: " + json.dump());
      return;
    }
    out = static_cast<int64_t>(u);
    return;
  }
  if (json.is_number_integer()) {
    out = json.get<int64_t>();
    return;
  }
  if (json.is_number_float()) {
    reader.Fail("expected integer, got non-integer number " + json.dump());
    return;
  }
  reader.Fail(std::string("expected integer, got ") + internal::JsonTypeName(json));
}

void ReadJson(internal::JsonReader& /*reader*/, const nlohmann::json& json, nlohmann::json& out) { out = json; }

}  // namespace allot::api
