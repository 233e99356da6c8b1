// ReadJson/WriteJson for leaves (string, bool, int64_t, raw JSON) and containers (optional, vector,
// string-keyed map), plus the object helpers that json_fields.h builds the per-struct codecs from
// (internal to api/).
//
// Reading a container replaces its previous contents; JSON null read into a std::optional resets it.
// IsEmpty is Go's `omitempty` test: empty string, 0, false, empty slice/map, nil pointer (std::nullopt)
// and JSON null.
//
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/internal/json_fwd.h"
#include "api/internal/json_reader.h"

namespace allot::api {

// ---- leaf and container overloads (declared before the templates that use them) ---------------

void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::string& out);
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, bool& out);
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, int64_t& out);
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, nlohmann::json& out);
template <class T>
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::optional<T>& out);
template <class T>
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::vector<T>& out);
template <class T>
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::map<std::string, T>& out);

inline nlohmann::json WriteJson(const std::string& value) { return value; }
inline nlohmann::json WriteJson(bool value) { return value; }
inline nlohmann::json WriteJson(int64_t value) { return value; }
inline nlohmann::json WriteJson(const nlohmann::json& value) { return value; }
template <class T>
nlohmann::json WriteJson(const std::optional<T>& value);
template <class T>
nlohmann::json WriteJson(const std::vector<T>& value);
template <class T>
nlohmann::json WriteJson(const std::map<std::string, T>& value);

namespace internal {

// "string", "number", "boolean", "object", "array" or "null".
const char* JsonTypeName(const nlohmann::json& json);

// True if `json` is an object; otherwise records "expected object, got <type>".
bool ExpectObject(JsonReader& reader, const nlohmann::json& json);

// The value under `key`, or nullptr when the key is absent or its value is null.
const nlohmann::json* FindField(const nlohmann::json& object, std::string_view key);
// As FindField, but an exact match is preferred and otherwise any key equal ignoring ASCII case
// is accepted (Go's encoding/json rule, used for the PascalCase extender messages).
const nlohmann::json* FindFieldAnyCase(const nlohmann::json& object, std::string_view key);

inline bool IsEmpty(const std::string& v) { return v.empty(); }
inline bool IsEmpty(bool v) { return !v; }
inline bool IsEmpty(int64_t v) { return v == 0; }
inline bool IsEmpty(const nlohmann::json& v) { return v.is_null(); }
template <class T>
bool IsEmpty(const std::optional<T>& v) {
  return !v.has_value();
}
template <class T>
bool IsEmpty(const std::vector<T>& v) {
  return v.empty();
}
template <class T>
bool IsEmpty(const std::map<std::string, T>& v) {
  return v.empty();
}

}  // namespace internal

// ---- container template definitions ------------------------------------------------------------

template <class T>
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::optional<T>& out) {
  if (json.is_null()) {
    out.reset();
    return;
  }
  ReadJson(reader, json, out.emplace());
}

template <class T>
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::vector<T>& out) {
  if (!json.is_array()) {
    reader.Fail(std::string("expected array, got ") + internal::JsonTypeName(json));
    return;
  }
  out.clear();
  out.reserve(json.size());
  std::size_t i = 0;
  for (const nlohmann::json& element : json) {
    auto segment = reader.Index(i++);
    if constexpr (std::is_same_v<T, bool>) {
      bool b = false;
      ReadJson(reader, element, b);
      out.push_back(b);
    } else {
      ReadJson(reader, element, out.emplace_back());
    }
  }
}

template <class T>
void ReadJson(internal::JsonReader& reader, const nlohmann::json& json, std::map<std::string, T>& out) {
  if (!internal::ExpectObject(reader, json)) return;
  out.clear();
  for (auto it = json.begin(); it != json.end(); ++it) {
    auto segment = reader.Key(it.key());
    ReadJson(reader, it.value(), out[it.key()]);
  }
}

template <class T>
nlohmann::json WriteJson(const std::optional<T>& value) {
  return value.has_value() ? WriteJson(*value) : nlohmann::json();
}

template <class T>
nlohmann::json WriteJson(const std::vector<T>& value) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& element : value) {
    if constexpr (std::is_same_v<T, bool>) {
      array.push_back(static_cast<bool>(element));
    } else {
      array.push_back(WriteJson(element));
    }
  }
  return array;
}

template <class T>
nlohmann::json WriteJson(const std::map<std::string, T>& value) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [key, element] : value) object[key] = WriteJson(element);
  return object;
}

}  // namespace allot::api
