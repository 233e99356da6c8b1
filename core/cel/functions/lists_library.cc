// The Kubernetes lists library v0 (apiserver pkg/cel/library/lists.go) and cel-go ext.Sets.
//
//   <list(T)>.isSorted() bool        T in {int, uint, double, bool, string, bytes}
//   <list(T)>.sum() T                T in {int, uint, double}; [] sums to 0 of T; overflow is an error
//   <list(T)>.min() T / .max() T     "min called on empty list" / "max called on empty list"
//   <list(A)>.indexOf(A) int / .lastIndexOf(A) int   CEL equality, -1 when absent
//   sets.contains(list(T), list(T)), sets.equivalent(...), sets.intersects(...)
//
// Costs: the lists functions cost the traversal of the receiver (apiserver traversalCost: 1 per
// scalar element, trunc(0.1 × bytes) per string); the estimate is the list size (element sizes of
// string lists are not visible to the hook, so they are not added). Sets cost 1 + |a|·|b|
// (equivalent: 1 + 2·|a|·|b|), as cel-go.
//
// Thread safety: stateless functions.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/cel/functions/libraries.h"
#include "core/common/status_macros.h"

namespace allot::cel {
namespace {

bool IsTrue(const Value& v) { return v.is_bool() && v.bool_value(); }

Value IsSorted(std::span<const Value> args, const CallContext&) {
  const ListValue& l = args[0].list_value();
  for (size_t i = 1; i < l.size(); ++i) {
    int c = 0;
    bool unordered = false;
    Value prev = l.Get(i - 1), next = l.Get(i);
    // Pairs that cannot be ordered (mixed kinds under dyn, NaN) do not decide, as upstream.
    if (Compare(prev, next, &c, &unordered) && !unordered && c > 0) return Value::Bool(false);
  }
  return Value::Bool(true);
}

Value Sum(std::span<const Value> args, const CallContext&, ValueKind kind) {
  const ListValue& l = args[0].list_value();
  int64_t si = 0;
  uint64_t su = 0;
  double sd = 0;
  for (size_t i = 0; i < l.size(); ++i) {
    Value v = l.Get(i);
    if (v.kind() != kind) return Value::NoSuchOverload();
    switch (kind) {
      case ValueKind::kInt:
        if (__builtin_add_overflow(si, v.int_value(), &si)) return Value::Error("integer overflow");
        break;
      case ValueKind::kUint:
        if (__builtin_add_overflow(su, v.uint_value(), &su)) return Value::Error("unsigned integer overflow");
        break;
      default:
        sd += v.double_value();
        break;
    }
  }
  if (kind == ValueKind::kInt) return Value::Int(si);
  if (kind == ValueKind::kUint) return Value::Uint(su);
  return Value::Double(sd);
}
Value SumInt(std::span<const Value> a, const CallContext& c) { return Sum(a, c, ValueKind::kInt); }
Value SumUint(std::span<const Value> a, const CallContext& c) { return Sum(a, c, ValueKind::kUint); }
Value SumDouble(std::span<const Value> a, const CallContext& c) { return Sum(a, c, ValueKind::kDouble); }

// prefer = +1 for min (replace when result > next), -1 for max.
Value Extreme(std::span<const Value> args, int prefer, const char* name) {
  const ListValue& l = args[0].list_value();
  if (l.size() == 0) return Value::Error(std::string(name) + " called on empty list");
  Value result = l.Get(0);
  for (size_t i = 1; i < l.size(); ++i) {
    Value next = l.Get(i);
    int c = 0;
    bool unordered = false;
    if (Compare(result, next, &c, &unordered) && !unordered && c == prefer) result = next;
  }
  return result;
}
Value Min(std::span<const Value> a, const CallContext&) { return Extreme(a, 1, "min"); }
Value Max(std::span<const Value> a, const CallContext&) { return Extreme(a, -1, "max"); }

Value IndexOf(std::span<const Value> args, const CallContext&) {
  const ListValue& l = args[0].list_value();
  for (size_t i = 0; i < l.size(); ++i) {
    if (IsTrue(Equal(l.Get(i), args[1]))) return Value::Int(static_cast<int64_t>(i));
  }
  return Value::Int(-1);
}

Value LastIndexOf(std::span<const Value> args, const CallContext&) {
  const ListValue& l = args[0].list_value();
  for (size_t i = l.size(); i > 0; --i) {
    if (IsTrue(Equal(l.Get(i - 1), args[1]))) return Value::Int(static_cast<int64_t>(i - 1));
  }
  return Value::Int(-1);
}

// cel-go list Contains: true iff some element e satisfies `elem == e` (errors count as false).
bool ListContains(const ListValue& l, const Value& elem) {
  for (size_t i = 0; i < l.size(); ++i) {
    if (IsTrue(Equal(elem, l.Get(i)))) return true;
  }
  return false;
}

bool ContainsAll(const ListValue& list, const ListValue& sub) {
  for (size_t i = 0; i < sub.size(); ++i) {
    if (!ListContains(list, sub.Get(i))) return false;
  }
  return true;
}

Value SetsContains(std::span<const Value> args, const CallContext&) {
  return Value::Bool(ContainsAll(args[0].list_value(), args[1].list_value()));
}
Value SetsEquivalent(std::span<const Value> args, const CallContext&) {
  return Value::Bool(ContainsAll(args[0].list_value(), args[1].list_value()) &&
                     ContainsAll(args[1].list_value(), args[0].list_value()));
}
Value SetsIntersects(std::span<const Value> args, const CallContext&) {
  const ListValue& a = args[0].list_value();
  for (size_t i = 0; i < a.size(); ++i) {
    if (ListContains(args[1].list_value(), a.Get(i))) return Value::Bool(true);
  }
  return Value::Bool(false);
}

// ---- costs ----

uint64_t TraversalCost(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: return v.string_value().size() / 10;
    case ValueKind::kBytes: return v.bytes_value().size() / 10;
    case ValueKind::kList: {
      uint64_t c = 0;
      for (size_t i = 0; i < v.list_value().size(); ++i) c += TraversalCost(v.list_value().Get(i));
      return c;
    }
    case ValueKind::kMap: {
      uint64_t c = 0;
      const MapValue& m = v.map_value();
      for (size_t i = 0; i < m.size(); ++i) c += TraversalCost(m.KeyAt(i)) + TraversalCost(m.ValueAt(i));
      return c;
    }
    default: return 1;
  }
}
uint64_t ListRuntimeCost(std::span<const Value> args, const Value&) { return TraversalCost(args[0]); }
CallEstimate ListEstimate(std::span<const SizeEstimate> sizes) {
  CallEstimate e;
  e.cost = {sizes[0].min, sizes[0].max};
  return e;
}

uint64_t MulSat(uint64_t a, uint64_t b) { return (a != 0 && b > UINT64_MAX / a) ? UINT64_MAX : a * b; }
uint64_t AddSat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
CallEstimate SetsEstimate1(std::span<const SizeEstimate> s) {
  CallEstimate e;
  e.cost = {AddSat(1, MulSat(s[0].min, s[1].min)), AddSat(1, MulSat(s[0].max, s[1].max))};
  return e;
}
CallEstimate SetsEstimate2(std::span<const SizeEstimate> s) {
  CallEstimate e;
  e.cost = {AddSat(1, MulSat(2, MulSat(s[0].min, s[1].min))), AddSat(1, MulSat(2, MulSat(s[0].max, s[1].max)))};
  return e;
}
uint64_t SetsCost1(std::span<const Value> a, const Value&) { return 1 + ActualSize(a[0]) * ActualSize(a[1]); }
uint64_t SetsCost2(std::span<const Value> a, const Value&) { return 1 + 2 * ActualSize(a[0]) * ActualSize(a[1]); }

Overload Make(std::string function, std::string id, bool receiver, std::vector<Type> params, Type result,
              FunctionImpl impl, EstimateCostFn estimate, RuntimeCostFn runtime) {
  Overload o;
  o.function = std::move(function);
  o.id = std::move(id);
  o.receiver_style = receiver;
  o.params = std::move(params);
  o.result = std::move(result);
  o.impl = impl;
  o.estimate_cost = estimate;
  o.runtime_cost = runtime;
  return o;
}

}  // namespace

Status RegisterListsLibrary(FunctionRegistry& r) {
  struct Named {
    const char* name;
    Type type;
  };
  const Named comparable[] = {{"int", Type::Int()},     {"uint", Type::Uint()},     {"double", Type::Double()},
                              {"bool", Type::Bool()},   {"string", Type::String()}, {"bytes", Type::Bytes()}};
  for (const Named& t : comparable) {
    const std::string n = t.name;
    ALLOT_RETURN_IF_ERROR(r.Add(Make("isSorted", "list_" + n + "_is_sorted_bool", true, {Type::List(t.type)},
                                     Type::Bool(), &IsSorted, &ListEstimate, &ListRuntimeCost)));
    ALLOT_RETURN_IF_ERROR(r.Add(Make("max", "list_" + n + "_max_" + n, true, {Type::List(t.type)}, t.type, &Max,
                                     &ListEstimate, &ListRuntimeCost)));
    ALLOT_RETURN_IF_ERROR(r.Add(Make("min", "list_" + n + "_min_" + n, true, {Type::List(t.type)}, t.type, &Min,
                                     &ListEstimate, &ListRuntimeCost)));
  }
  ALLOT_RETURN_IF_ERROR(r.Add(Make("sum", "list_int_sum_int", true, {Type::List(Type::Int())}, Type::Int(), &SumInt,
                                   &ListEstimate, &ListRuntimeCost)));
  ALLOT_RETURN_IF_ERROR(r.Add(Make("sum", "list_uint_sum_uint", true, {Type::List(Type::Uint())}, Type::Uint(),
                                   &SumUint, &ListEstimate, &ListRuntimeCost)));
  ALLOT_RETURN_IF_ERROR(r.Add(Make("sum", "list_double_sum_double", true, {Type::List(Type::Double())},
                                   Type::Double(), &SumDouble, &ListEstimate, &ListRuntimeCost)));
  const Type a = Type::Param("A");
  ALLOT_RETURN_IF_ERROR(r.Add(Make("indexOf", "list_a_index_of_int", true, {Type::List(a), a}, Type::Int(),
                                   &IndexOf, &ListEstimate, &ListRuntimeCost)));
  ALLOT_RETURN_IF_ERROR(r.Add(Make("lastIndexOf", "list_a_last_index_of_int", true, {Type::List(a), a}, Type::Int(),
                                   &LastIndexOf, &ListEstimate, &ListRuntimeCost)));
  const Type lt = Type::List(Type::Param("T"));
  ALLOT_RETURN_IF_ERROR(r.Add(Make("sets.contains", "list_sets_contains_list", false, {lt, lt}, Type::Bool(),
                                   &SetsContains, &SetsEstimate1, &SetsCost1)));
  ALLOT_RETURN_IF_ERROR(r.Add(Make("sets.equivalent", "list_sets_equivalent_list", false, {lt, lt}, Type::Bool(),
                                   &SetsEquivalent, &SetsEstimate2, &SetsCost2)));
  ALLOT_RETURN_IF_ERROR(r.Add(Make("sets.intersects", "list_sets_intersects_list", false, {lt, lt}, Type::Bool(),
                                   &SetsIntersects, &SetsEstimate1, &SetsCost1)));
  return OkStatus();
}

}  // namespace allot::cel
