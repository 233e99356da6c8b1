// The Kubernetes quantity library (apiserver pkg/cel/library/quantity.go) over allot::quantity.
//
// quantity(string), isQuantity(string), sign(Quantity) (global only), and the receiver-style
// isGreaterThan, isLessThan, compareTo, add, sub (Quantity or int), asInteger, isInteger,
// asApproximateFloat. Costs follow apiserver cost.go: quantity/isQuantity cost ceil(0.1 × len),
// every other call 1.
//
// Differences from upstream kept on purpose (docs/quantity.md): receivers are never mutated
// (upstream's compareTo/isGreaterThan/add may convert or alias the receiver's decimal in place).
//
// Thread safety: stateless functions over immutable values.
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/cel/functions/libraries.h"
#include "core/cel/functions/library_support.h"

namespace allot::cel {
namespace {

struct QuantityTag {
  static constexpr std::string_view kTypeName = "kubernetes.Quantity";
  static constexpr std::string_view kConstructor = "quantity";
};
using QuantityValue = ComparableOpaqueValue<quantity::Quantity, QuantityTag>;

const quantity::Quantity& Q(const Value& v) { return QuantityValue::Of(v); }

bool IsQuantityArg(const Value& v) { return QuantityValue::Is(v); }

Value StringToQuantity(std::span<const Value> args, const CallContext&) {
  if (!args[0].is_string()) return Value::NoSuchOverload();
  StatusOr<quantity::Quantity> q = quantity::Quantity::Parse(args[0].string_value());
  if (!q.ok()) return Value::Error(std::string(q.status().message()));
  return MakeQuantityValue(*std::move(q));
}

Value IsQuantity(std::span<const Value> args, const CallContext&) {
  if (!args[0].is_string()) return Value::NoSuchOverload();
  return Value::Bool(quantity::Quantity::Parse(args[0].string_value()).ok());
}

Value Sign(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0])) return Value::NoSuchOverload();
  return Value::Int(Q(args[0]).Sign());
}

// The int operand of add/sub becomes NewQuantity(i, DecimalExponent), as upstream.
StatusOr<quantity::Quantity> Operand(const Value& v) {
  if (IsQuantityArg(v)) return Q(v);
  if (v.is_int()) return quantity::Quantity::FromInt64(v.int_value(), quantity::Format::kDecimalExponent);
  return InvalidArgumentError("no such overload");
}

Value Add(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0])) return Value::NoSuchOverload();
  StatusOr<quantity::Quantity> y = Operand(args[1]);
  if (!y.ok()) return Value::NoSuchOverload();
  return MakeQuantityValue(Q(args[0]).Add(*y));
}

Value Sub(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0])) return Value::NoSuchOverload();
  StatusOr<quantity::Quantity> y = Operand(args[1]);
  if (!y.ok()) return Value::NoSuchOverload();
  return MakeQuantityValue(Q(args[0]).Sub(*y));
}

Value AsInteger(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0])) return Value::NoSuchOverload();
  std::optional<int64_t> v = Q(args[0]).AsInt64();
  if (!v) return Value::Error("cannot convert value to integer");
  return Value::Int(*v);
}

Value IsInteger(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0])) return Value::NoSuchOverload();
  return Value::Bool(Q(args[0]).AsInt64().has_value());
}

Value AsApproximateFloat(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0])) return Value::NoSuchOverload();
  return Value::Double(Q(args[0]).AsApproximateFloat64());
}

}  // namespace

Value MakeQuantityValue(quantity::Quantity q) { return QuantityValue::Make(std::move(q)); }

Status RegisterQuantityLibrary(FunctionRegistry& r) {
  const Type qt = Type::Quantity();
  OverloadAdder add(r);
  add.Global("quantity", "string_to_quantity", {Type::String()}, qt, &StringToQuantity, kStringParseCostHooks);
  add.Global("isQuantity", "is_quantity_string", {Type::String()}, Type::Bool(), &IsQuantity, kStringParseCostHooks);
  add.Global("sign", "quantity_get_sign", {qt}, Type::Int(), &Sign);
  add.Member("isGreaterThan", "quantity_is_greater_than", {qt, qt}, Type::Bool(), &QuantityValue::IsGreaterThan);
  add.Member("isLessThan", "quantity_is_less_than", {qt, qt}, Type::Bool(), &QuantityValue::IsLessThan);
  add.Member("compareTo", "quantity_compare_to", {qt, qt}, Type::Int(), &QuantityValue::CompareTo);
  add.Member("add", "quantity_add", {qt, qt}, qt, &Add);
  add.Member("add", "quantity_add_int", {qt, Type::Int()}, qt, &Add);
  add.Member("sub", "quantity_sub", {qt, qt}, qt, &Sub);
  add.Member("sub", "quantity_sub_int", {qt, Type::Int()}, qt, &Sub);
  add.Member("asInteger", "quantity_get_int", {qt}, Type::Int(), &AsInteger);
  add.Member("isInteger", "quantity_is_integer", {qt}, Type::Bool(), &IsInteger);
  add.Member("asApproximateFloat", "quantity_get_float", {qt}, Type::Double(), &AsApproximateFloat);
  return add.status();
}

}  // namespace allot::cel
