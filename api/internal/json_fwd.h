// Forward declarations shared by every wire-type header in api/.
//
// Each wire type T in allot::api has two free functions, found by argument-dependent lookup:
//   void ReadJson(internal::JsonReader&, const nlohmann::json&, T&);   // decode, errors go to the reader
//   nlohmann::json WriteJson(const T&);                                  // encode, Go omitempty rules
// Callers normally use api/codec.h (Decode<T>, Encode) instead of calling these directly.
// The codec .cc files define both from one field list per type (api/internal/json_fields.h).
#pragma once

#include <nlohmann/json.hpp>

namespace allot::api {
namespace internal {
class JsonReader;
}  // namespace internal
}  // namespace allot::api

// Declares ReadJson/WriteJson for one wire type; used inside namespace allot::api.
#define ALLOT_API_DECLARE_JSON(Type)                                                    \
  void ReadJson(::allot::api::internal::JsonReader& reader, const nlohmann::json& json, \
                Type& out);                                                             \
  nlohmann::json WriteJson(const Type& value)
