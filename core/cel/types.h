// Static types of the CEL type checker.
//
// A Type is a small immutable value: a kind, a name (opaque/object types and type parameters) and
// parameters (list element, map key/value, optional element, type-of). Formatting follows cel-go
// (`map(string, map(string, any))`, `optional_type(int)`, `kubernetes.Quantity`) because compile errors
// quote types.
//
// Thread safety: immutable value type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace allot::cel {

enum class TypeKind : uint8_t {
  kDyn,
  kAny,         // google.protobuf.Any: assignable like dyn, but not a comprehension range
  kNull,        // null_type
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,        // params[0] = element
  kMap,         // params[0] = key, params[1] = value
  kOptional,    // params[0] = element; formatted optional_type(T)
  kType,        // params[0] = the denoted type (or none: `type`)
  kOpaque,      // name = "kubernetes.Quantity", "kubernetes.Semver", ...; params allowed
  kObject,      // name = "kubernetes.DRADevice": a message-like type with declared fields
  kTypeParam,   // name = "A", "B", ...: a type parameter in an overload signature
  kError,       // the checker's error type (after a reported issue)
};

class Type {
 public:
  Type() : kind_(TypeKind::kDyn) {}

  static Type Dyn() { return Type(TypeKind::kDyn); }
  static Type Any() { return Type(TypeKind::kAny); }
  static Type Null() { return Type(TypeKind::kNull); }
  static Type Bool() { return Type(TypeKind::kBool); }
  static Type Int() { return Type(TypeKind::kInt); }
  static Type Uint() { return Type(TypeKind::kUint); }
  static Type Double() { return Type(TypeKind::kDouble); }
  static Type String() { return Type(TypeKind::kString); }
  static Type Bytes() { return Type(TypeKind::kBytes); }
  static Type List(Type elem) { return Type(TypeKind::kList, {}, {std::move(elem)}); }
  static Type Map(Type key, Type value) { return Type(TypeKind::kMap, {}, {std::move(key), std::move(value)}); }
  static Type Optional(Type elem) { return Type(TypeKind::kOptional, {}, {std::move(elem)}); }
  static Type TypeOf(Type t) { return Type(TypeKind::kType, {}, {std::move(t)}); }
  static Type TypeType() { return Type(TypeKind::kType); }
  static Type Opaque(std::string name, std::vector<Type> params = {}) {
    return Type(TypeKind::kOpaque, std::move(name), std::move(params));
  }
  static Type Object(std::string name) { return Type(TypeKind::kObject, std::move(name), {}); }
  static Type Param(std::string name) { return Type(TypeKind::kTypeParam, std::move(name), {}); }
  static Type Error() { return Type(TypeKind::kError); }

  // The two Kubernetes extension types.
  static Type Quantity() { return Opaque("kubernetes.Quantity"); }
  static Type Semver() { return Opaque("kubernetes.Semver"); }

  TypeKind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::vector<Type>& params() const { return params_; }
  const Type& elem() const { return params_[0]; }        // list, optional, type
  const Type& key() const { return params_[0]; }         // map
  const Type& value_type() const { return params_[1]; }  // map

  bool is_dyn_like() const { return kind_ == TypeKind::kDyn || kind_ == TypeKind::kAny || kind_ == TypeKind::kError; }

  // cel-go formatting: "int", "list(string)", "map(string, dyn)", "optional_type(int)", "type(int)",
  // "null_type", "kubernetes.Quantity", "A" for a type parameter.
  std::string ToString() const;

  friend bool operator==(const Type& a, const Type& b) {
    return a.kind_ == b.kind_ && a.name_ == b.name_ && a.params_ == b.params_;
  }
  friend bool operator!=(const Type& a, const Type& b) { return !(a == b); }

 private:
  explicit Type(TypeKind kind, std::string name = {}, std::vector<Type> params = {})
      : kind_(kind), name_(std::move(name)), params_(std::move(params)) {}

  TypeKind kind_;
  std::string name_;
  std::vector<Type> params_;
};

}  // namespace allot::cel
