// Building blocks shared by the library files in core/cel/functions/ (not part of the engine seam,
// which is libraries.h).
//
//  * ComparableOpaqueValue<T, Tag>: the OpaqueValue for a library type that wraps a totally ordered
//    value (kubernetes.Quantity over quantity::Quantity, kubernetes.Semver over quantity::Semver), with
//    the type's isGreaterThan, isLessThan and compareTo.
//  * kStringParseCostHooks: the cost hooks of the functions that parse their first argument, a string
//    (quantity(s), isQuantity(s), semver(s[, b]), isSemver(s[, b])).
//
// Thread safety: ComparableOpaqueValue is immutable; the hooks are stateless.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/cel/function_registry.h"
#include "core/cel/value.h"

namespace allot::cel {

// An opaque CEL value wrapping a T with `int Compare(const T&) const` (-1, 0, +1) and
// `std::string ToString() const`. `Tag` names the CEL type:
//
//   struct QuantityTag {
//     static constexpr std::string_view kTypeName = "kubernetes.Quantity";  // the checker type's name
//     static constexpr std::string_view kConstructor = "quantity";          // for DebugString()
//   };
//   using QuantityValue = ComparableOpaqueValue<quantity::Quantity, QuantityTag>;
//
// `==` (Equals) is Compare() == 0; DebugString() is `<kConstructor>("<ToString()>")`, e.g.
// `quantity("1Gi")`. kTypeName must have static storage (it is returned as type_name()).
template <typename T, typename Tag>
class ComparableOpaqueValue final : public OpaqueValue {
 public:
  explicit ComparableOpaqueValue(T value) : value_(std::move(value)) {}

  // An owning Value holding `value`.
  static Value Make(T value) { return Value::Opaque(std::make_shared<const ComparableOpaqueValue>(std::move(value))); }
  // True iff `v` is an opaque value of this CEL type.
  static bool Is(const Value& v) { return v.AsOpaque(Tag::kTypeName) != nullptr; }
  // The wrapped value of `v`; call only when Is(v).
  static const T& Of(const Value& v) { return static_cast<const ComparableOpaqueValue&>(v.opaque_value()).value_; }

  // The receiver-style isGreaterThan, isLessThan and compareTo of the type, as FunctionImpls: "no such
  // overload" unless both arguments are of this type; otherwise Compare() == 1, Compare() == -1, and
  // Compare() as an int.
  static Value IsGreaterThan(std::span<const Value> args, const CallContext& /*ctx*/) {
    if (!Is(args[0]) || !Is(args[1])) return Value::NoSuchOverload();
    return Value::Bool(Of(args[0]).Compare(Of(args[1])) == 1);
  }
  static Value IsLessThan(std::span<const Value> args, const CallContext& /*ctx*/) {
    if (!Is(args[0]) || !Is(args[1])) return Value::NoSuchOverload();
    return Value::Bool(Of(args[0]).Compare(Of(args[1])) == -1);
  }
  static Value CompareTo(std::span<const Value> args, const CallContext& /*ctx*/) {
    if (!Is(args[0]) || !Is(args[1])) return Value::NoSuchOverload();
    return Value::Int(Of(args[0]).Compare(Of(args[1])));
  }

  std::string_view type_name() const override { return Tag::kTypeName; }
  bool Equals(const OpaqueValue& other) const override {
    return value_.Compare(static_cast<const ComparableOpaqueValue&>(other).value_) == 0;
  }
  std::string DebugString() const override {
    return std::string(Tag::kConstructor) + "(\"" + value_.ToString() + "\")";
  }

 private:
  T value_;
};

// ceil(0.1 × len(s)) for a call whose first argument s is the string it parses, both as the checker's
// estimate and as the actual cost (apiserver pkg/cel/library/cost.go).
inline CallEstimate StringParseEstimate(std::span<const SizeEstimate> arg_sizes) {
  CallEstimate e;
  e.cost = {StringTraversalCost(arg_sizes[0].min), StringTraversalCost(arg_sizes[0].max)};
  return e;
}
inline uint64_t StringParseRuntimeCost(std::span<const Value> args, const Value& /*result*/) {
  return StringTraversalCost(ActualSize(args[0]));
}
inline constexpr OverloadHooks kStringParseCostHooks = {.estimate_cost = &StringParseEstimate,
                                                        .runtime_cost = &StringParseRuntimeCost};

}  // namespace allot::cel
