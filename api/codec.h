// JSON codecs for every wire type in api/: the only place nlohmann exceptions are caught.
//
//   StatusOr<api::ResourceSlice> slice = api::Decode<api::ResourceSlice>(body);
//   if (!slice.ok()) return slice.status();   // "spec.devices[0].name: expected string, got number"
//   std::string out = api::EncodeString(*slice);
//
// Decode never throws. Errors are InvalidArgument with the message
//   "invalid JSON: <parser message>"              for text that is not JSON, or
//   "<json path>: <problem>"                      for JSON that does not fit the type, where the path
//                                                 is relative to the decoded value, e.g.
//   "spec.devices[3].capacity.memory.value: invalid quantity \"4Gx\""
//   "spec.devices[0].name: expected string, got number"
//   "spec.driver: missing required field"
// Only the first problem is reported. Unknown keys are ignored; null counts as absent.
//
// Encode follows Go's encoding/json with the k8s json tags (omitempty), so Decode followed by Encode
// reproduces every file under tests/testdata/scenarios/k8s and tests/testdata/data as a JSON value.
// Encode never throws; EncodeString replaces invalid UTF-8 instead of failing.
//
// Supported T: every struct with a ReadJson/WriteJson pair in api/ (k8s/*.h, extender/v1.h,
// scenario.h), their List<T> aliases, and HostPriorityList.
//
// Thread safety: all functions are reentrant.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/extender/v1.h"
#include "api/internal/json_io.h"
#include "api/internal/json_reader.h"
#include "api/k8s/core_v1.h"
#include "api/k8s/meta.h"
#include "api/k8s/quantity.h"
#include "api/k8s/resource_v1.h"
#include "api/k8s/watch_event.h"
#include "api/scenario.h"
#include "base/status.h"

namespace allot::api {

// Parses JSON text. InvalidArgument "invalid JSON: ..." on syntax errors (incl. invalid UTF-8).
// Trailing non-whitespace after the value is an error.
StatusOr<nlohmann::json> ParseJson(std::string_view text);

namespace internal {
// Wraps an escaped nlohmann exception (should not happen) as an Internal status.
Status CodecExceptionStatus(const char* what);
}  // namespace internal

template <class T>
StatusOr<T> Decode(const nlohmann::json& json) {
  internal::JsonReader reader;
  T out{};
  try {
    ReadJson(reader, json, out);
  } catch (const nlohmann::json::exception& e) {
    return internal::CodecExceptionStatus(e.what());
  }
  if (!reader.ok()) return reader.status();
  return out;
}

template <class T>
StatusOr<T> Decode(std::string_view text) {
  StatusOr<nlohmann::json> json = ParseJson(text);
  if (!json.ok()) return std::move(json).status();
  return Decode<T>(*json);
}

// Overloads that keep Decode<T>("...") and Decode<T>(std::string) unambiguous (nlohmann::json is
// implicitly constructible from strings too): they always parse the text.
template <class T>
StatusOr<T> Decode(const std::string& text) {
  return Decode<T>(std::string_view(text));
}
template <class T>
StatusOr<T> Decode(const char* text) {
  return Decode<T>(std::string_view(text));
}

template <class T>
nlohmann::json Encode(const T& value) {
  return WriteJson(value);
}

// Compact JSON text (no spaces), as Go's encoding/json writes it.
template <class T>
std::string EncodeString(const T& value) {
  return WriteJson(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace allot::api
