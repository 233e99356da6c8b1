// Field lists: one description per wire struct drives both its ReadJson and its WriteJson
// (internal to api/; every codec .cc includes this header and nothing else from internal/).
//
// A codec .cc describes each struct once, listing its fields in decode order, and then defines the
// ReadJson/WriteJson pair that ALLOT_API_DECLARE_JSON(T) declared in the public header:
//
//   template <class V>
//   void Fields(V& v, internal::Visited<V, OwnerReference>& o) {
//     v.Required("apiVersion", o.api_version);
//     v.OmitEmpty("controller", o.controller);
//   }
//   ALLOT_API_DEFINE_JSON(OwnerReference);
//
// ReadJson runs Fields with a FieldReader (after checking that the value is a JSON object), WriteJson
// with a FieldWriter. Each field names one rule, which fixes both directions (the Go json tag and the
// k8s +required/+optional marker of the field):
//
//   rule        decode when the key is absent or null       encode
//   Required    "<path>.<key>: missing required field"      always
//   Optional    member left unchanged                       always (no omitempty in Go)
//   OmitEmpty   member left unchanged                       left out when empty (Go `omitempty`:
//                                                           "", 0, false, empty slice/map, nullopt)
//   OmitZero    member left unchanged                       left out when equal to T{} (Go `omitzero`,
//                                                           used for struct members)
//   AnyCase     as Optional, but the key is matched          always
//               ignoring ASCII case (Go's decoder rule; used by the PascalCase extender messages)
//
// Decoding reads the fields in the order listed, so the error reported (the reader keeps only the
// first) is that of the first listed field that fails. Encoding order does not matter: nlohmann::json
// objects keep their keys sorted. Members are decoded and encoded by the ReadJson/WriteJson overload
// for their type (json_io.h for leaves and containers, the type's own pair for nested structs).
//
// Extra decode-only validation goes into a check, the one place where a struct's field list carries
// custom code: `v.Required("outcome", o.outcome, CheckOutcome)` with
// `std::string CheckOutcome(const std::string&)` returning "" for a good value or the problem text,
// which is reported at "<path>.outcome". The check runs only while no error has been recorded.
//
// Thread safety: FieldReader and FieldWriter are single-use stack objects of one ReadJson/WriteJson
// call; the field lists themselves are stateless.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/internal/json_io.h"
#include "api/internal/json_reader.h"
#include "api/k8s/meta.h"

namespace allot::api::internal {

// The struct T as visitor V sees it: T for a FieldReader, const T for a FieldWriter, so one Fields()
// template serves both without casting away const. (V is deduced from the first argument only.)
template <class V, class T>
using Visited = typename V::template Object<T>;

// Decodes the fields of one JSON object into a struct; errors go to the JsonReader.
class FieldReader {
 public:
  template <class T>
  using Object = T;

  // `object` must be a JSON object and must outlive this reader.
  FieldReader(JsonReader& reader, const nlohmann::json& object) : reader_(reader), object_(object) {}
  FieldReader(const FieldReader&) = delete;
  FieldReader& operator=(const FieldReader&) = delete;

  template <class T>
  void Required(const char* key, T& out) {
    if (const nlohmann::json* value = FindField(object_, key)) {
      ReadAt(*value, key, out);
    } else {
      auto segment = reader_.Key(key);
      reader_.Fail("missing required field");
    }
  }
  template <class T, class Check>
  void Required(const char* key, T& out, Check check) {
    Required(key, out);
    if (!reader_.ok()) return;
    if (std::string problem = check(static_cast<const T&>(out)); !problem.empty()) {
      auto segment = reader_.Key(key);
      reader_.Fail(problem);
    }
  }
  template <class T>
  void Optional(const char* key, T& out) {
    if (const nlohmann::json* value = FindField(object_, key)) ReadAt(*value, key, out);
  }
  template <class T>
  void OmitEmpty(const char* key, T& out) {
    Optional(key, out);
  }
  template <class T>
  void OmitZero(const char* key, T& out) {
    Optional(key, out);
  }
  template <class T>
  void AnyCase(const char* key, T& out) {
    if (const nlohmann::json* value = FindFieldAnyCase(object_, key)) ReadAt(*value, key, out);
  }

 private:
  template <class T>
  void ReadAt(const nlohmann::json& value, const char* key, T& out) {
    auto segment = reader_.Key(key);
    ReadJson(reader_, value, out);
  }

  JsonReader& reader_;
  const nlohmann::json& object_;
};

// Encodes a struct's fields into a JSON object, following Go's encoding/json rules per field.
class FieldWriter {
 public:
  template <class T>
  using Object = const T;

  FieldWriter() = default;
  FieldWriter(const FieldWriter&) = delete;
  FieldWriter& operator=(const FieldWriter&) = delete;

  template <class T>
  void Required(const char* key, const T& value) {
    Put(key, value);
  }
  template <class T, class Check>
  void Required(const char* key, const T& value, Check /*decode-only*/) {
    Put(key, value);
  }
  template <class T>
  void Optional(const char* key, const T& value) {
    Put(key, value);
  }
  template <class T>
  void OmitEmpty(const char* key, const T& value) {
    if (!IsEmpty(value)) Put(key, value);
  }
  template <class T>
  void OmitZero(const char* key, const T& value) {
    if (value != T{}) Put(key, value);
  }
  template <class T>
  void AnyCase(const char* key, const T& value) {
    Put(key, value);
  }

  // The encoded object; call once, after Fields().
  nlohmann::json Take() && { return std::move(object_); }

 private:
  template <class T>
  void Put(const char* key, const T& value) {
    object_[key] = WriteJson(value);
  }

  nlohmann::json object_ = nlohmann::json::object();
};

template <class T>
inline constexpr bool kIsList = false;
template <class T>
inline constexpr bool kIsList<List<T>> = true;

// The leading fields of every top-level object and list: Go's inlined TypeMeta (apiVersion and kind,
// omitempty) and its `metadata` (ObjectMeta or ListMeta, always written). O is the struct as V sees it.
template <class V, class O>
void KindAndMetadata(V& v, O& o) {
  v.OmitEmpty("apiVersion", o.api_version);
  v.OmitEmpty("kind", o.kind);
  v.Optional("metadata", o.metadata);
}

// Every List<T> (NodeList, ResourceSliceList, ...); items are always written (`[]` when empty).
template <class V, class L>
  requires kIsList<std::remove_const_t<L>>
void Fields(V& v, L& o) {
  KindAndMetadata(v, o);
  v.Optional("items", o.items);
}

}  // namespace allot::api::internal

// Defines the ReadJson/WriteJson pair declared by ALLOT_API_DECLARE_JSON(Type) from the Fields()
// overload for Type, which must be visible here (define it just above). Used in namespace allot::api.
#define ALLOT_API_DEFINE_JSON(Type)                                                                  \
  void ReadJson(::allot::api::internal::JsonReader& reader, const nlohmann::json& json, Type& out) { \
    if (!::allot::api::internal::ExpectObject(reader, json)) return;                                 \
    ::allot::api::internal::FieldReader visitor(reader, json);                                       \
    Fields(visitor, out);                                                                            \
  }                                                                                                  \
  nlohmann::json WriteJson(const Type& value) {                                                      \
    ::allot::api::internal::FieldWriter visitor;                                                     \
    Fields(visitor, value);                                                                          \
    return std::move(visitor).Take();                                                                \
  }                                                                                                  \
  static_assert(true, "ALLOT_API_DEFINE_JSON is used with a trailing semicolon")
