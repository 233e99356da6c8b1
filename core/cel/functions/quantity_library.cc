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
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "core/cel/functions/libraries.h"
#include "base/status_macros.h"

namespace allot::cel {
namespace {

constexpr std::string_view kQuantityTypeName = "kubernetes.Quantity";

class QuantityValue final : public OpaqueValue {
 public:
  explicit QuantityValue(quantity::Quantity q) : q_(std::move(q)) {}
  std::string_view type_name() const override { return kQuantityTypeName; }
  bool Equals(const OpaqueValue& other) const override {
    return q_.Compare(static_cast<const QuantityValue&>(other).q_) == 0;
  }
  std::string DebugString() const override { return "quantity(\"" + q_.ToString() + "\")"; }
  const quantity::Quantity& q() const { return q_; }

 private:
  quantity::Quantity q_;
};

const quantity::Quantity& Q(const Value& v) {
  return static_cast<const QuantityValue&>(v.opaque_value()).q();
}

bool IsQuantityArg(const Value& v) { return v.AsOpaque(kQuantityTypeName) != nullptr; }

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

Value IsGreaterThan(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0]) || !IsQuantityArg(args[1])) return Value::NoSuchOverload();
  return Value::Bool(Q(args[0]).Compare(Q(args[1])) == 1);
}

Value IsLessThan(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0]) || !IsQuantityArg(args[1])) return Value::NoSuchOverload();
  return Value::Bool(Q(args[0]).Compare(Q(args[1])) == -1);
}

Value CompareTo(std::span<const Value> args, const CallContext&) {
  if (!IsQuantityArg(args[0]) || !IsQuantityArg(args[1])) return Value::NoSuchOverload();
  return Value::Int(Q(args[0]).Compare(Q(args[1])));
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

// ceil(0.1 × len(arg)) for the parsing functions (estimate and actual).
CallEstimate ParseEstimate(std::span<const SizeEstimate> sizes) {
  CallEstimate e;
  e.cost = {StringTraversalCost(sizes[0].min), StringTraversalCost(sizes[0].max)};
  return e;
}
uint64_t ParseRuntimeCost(std::span<const Value> args, const Value&) { return StringTraversalCost(ActualSize(args[0])); }

Overload Member(std::string function, std::string id, std::vector<Type> params, Type result, FunctionImpl impl) {
  Overload o;
  o.function = std::move(function);
  o.id = std::move(id);
  o.receiver_style = true;
  o.params = std::move(params);
  o.result = std::move(result);
  o.impl = impl;
  return o;
}

Overload Global(std::string function, std::string id, std::vector<Type> params, Type result, FunctionImpl impl) {
  Overload o = Member(std::move(function), std::move(id), std::move(params), std::move(result), impl);
  o.receiver_style = false;
  return o;
}

}  // namespace

Value MakeQuantityValue(quantity::Quantity q) {
  return Value::Opaque(std::make_shared<const QuantityValue>(std::move(q)));
}

Status RegisterQuantityLibrary(FunctionRegistry& r) {
  const Type qt = Type::Quantity();
  Overload parse = Global("quantity", "string_to_quantity", {Type::String()}, qt, &StringToQuantity);
  parse.estimate_cost = &ParseEstimate;
  parse.runtime_cost = &ParseRuntimeCost;
  ALLOT_RETURN_IF_ERROR(r.Add(std::move(parse)));
  Overload is = Global("isQuantity", "is_quantity_string", {Type::String()}, Type::Bool(), &IsQuantity);
  is.estimate_cost = &ParseEstimate;
  is.runtime_cost = &ParseRuntimeCost;
  ALLOT_RETURN_IF_ERROR(r.Add(std::move(is)));
  ALLOT_RETURN_IF_ERROR(r.Add(Global("sign", "quantity_get_sign", {qt}, Type::Int(), &Sign)));
  ALLOT_RETURN_IF_ERROR(
      r.Add(Member("isGreaterThan", "quantity_is_greater_than", {qt, qt}, Type::Bool(), &IsGreaterThan)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("isLessThan", "quantity_is_less_than", {qt, qt}, Type::Bool(), &IsLessThan)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("compareTo", "quantity_compare_to", {qt, qt}, Type::Int(), &CompareTo)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("add", "quantity_add", {qt, qt}, qt, &Add)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("add", "quantity_add_int", {qt, Type::Int()}, qt, &Add)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("sub", "quantity_sub", {qt, qt}, qt, &Sub)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("sub", "quantity_sub_int", {qt, Type::Int()}, qt, &Sub)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("asInteger", "quantity_get_int", {qt}, Type::Int(), &AsInteger)));
  ALLOT_RETURN_IF_ERROR(r.Add(Member("isInteger", "quantity_is_integer", {qt}, Type::Bool(), &IsInteger)));
  ALLOT_RETURN_IF_ERROR(
      r.Add(Member("asApproximateFloat", "quantity_get_float", {qt}, Type::Double(), &AsApproximateFloat)));
  return OkStatus();
}

}  // namespace allot::cel
