// The Kubernetes lists library v0 (apiserver pkg/cel/library/lists.go) and cel-go ext.Sets.
//
//   <list(T)>.isSorted() bool        T in {int, uint, double, bool, string, bytes}
//   <list(T)>.sum() T                T in {int, uint, double}; [] sums to 0 of T; overflow is an error
//   <list(T)>.min() T / .max() T     "min called on empty list" / "max called on empty list"
//   <list(A)>.indexOf(A) int / .lastIndexOf(A) int   CEL equality, -1 when absent
//   sets.contains(list(T), list(T)), sets.equivalent(...), sets.intersects(...)
//   ext.Lists v3: <list>.slice(i, j), .flatten(), .flatten(depth), .reverse(), .distinct(), .sort(),
//   lists.range(n), and <list>.@sortByAssociatedKeys(keys) (the function the sortBy macro expands to)
//
// Costs: the lists functions cost the traversal of the receiver (apiserver traversalCost: 1 per
// scalar element, trunc(0.1 × bytes) per string); the estimate is the list size (element sizes of
// string lists are not visible to the hook, so they are not added). Sets cost 1 + |a|·|b|
// (equivalent: 1 + 2·|a|·|b|), as cel-go.
//
// Thread safety: stateless functions.
#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/cel/functions/libraries.h"

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

// ---- ext.Lists v3 (cel-go ext/lists.go) ----

Value Slice(std::span<const Value> args, const CallContext&) {
  const ListValue& l = args[0].list_value();
  const int64_t start = args[1].int_value(), end = args[2].int_value();
  const std::string call = "cannot slice(" + std::to_string(start) + ", " + std::to_string(end) + "), ";
  if (start < 0 || end < 0) return Value::Error(call + "negative indexes not supported");
  if (start > end) return Value::Error(call + "start index must be less than or equal to end index");
  if (static_cast<int64_t>(l.size()) < end) {
    return Value::Error(call + "list is length " + std::to_string(l.size()));
  }
  std::vector<Value> out;
  for (int64_t i = start; i < end; ++i) out.push_back(l.Get(static_cast<size_t>(i)));
  return Value::ListOf(std::move(out));
}

void FlattenInto(const ListValue& l, int64_t depth, std::vector<Value>& out) {
  for (size_t i = 0; i < l.size(); ++i) {
    Value v = l.Get(i);
    if (!v.is_list() || depth == 0) {
      out.push_back(std::move(v));
    } else {
      FlattenInto(v.list_value(), depth - 1, out);
    }
  }
}

Value Flatten(std::span<const Value> args, const CallContext&) {
  int64_t depth = 1;
  if (args.size() > 1) {
    depth = args[1].int_value();
    if (depth < 0) return Value::Error("level must be non-negative");
  }
  std::vector<Value> out;
  FlattenInto(args[0].list_value(), depth, out);
  return Value::ListOf(std::move(out));
}

Value Reverse(std::span<const Value> args, const CallContext&) {
  const ListValue& l = args[0].list_value();
  std::vector<Value> out;
  for (size_t i = l.size(); i > 0; --i) out.push_back(l.Get(i - 1));
  return Value::ListOf(std::move(out));
}

Value Distinct(std::span<const Value> args, const CallContext&) {
  const ListValue& l = args[0].list_value();
  std::vector<Value> out;
  for (size_t i = 0; i < l.size(); ++i) {
    Value v = l.Get(i);
    bool seen = false;
    for (const Value& u : out) {
      if (IsTrue(Equal(v, u))) {
        seen = true;
        break;
      }
    }
    if (!seen) out.push_back(std::move(v));
  }
  return Value::ListOf(std::move(out));
}

Value Range(std::span<const Value> args, const CallContext&) {
  std::vector<Value> out;
  for (int64_t i = 0; i < args[0].int_value(); ++i) out.push_back(Value::Int(i));
  return Value::ListOf(std::move(out));
}

// Sorts `list` by the order of `keys` (same length, comparable elements of one kind), stably.
Value SortByKeys(const ListValue& list, const ListValue& keys) {
  if (list.size() != keys.size()) {
    return Value::Error(
        "@sortByAssociatedKeys() expected a list of the same size as the associated keys list, but got " +
        std::to_string(list.size()) + " and " + std::to_string(keys.size()) + " elements respectively");
  }
  std::vector<Value> key_values;
  for (size_t i = 0; i < keys.size(); ++i) key_values.push_back(keys.Get(i));
  if (key_values.empty()) return Value::ListOf({});
  const ValueKind kind = key_values[0].kind();
  switch (kind) {
    case ValueKind::kInt: case ValueKind::kUint: case ValueKind::kDouble: case ValueKind::kBool:
    case ValueKind::kString: case ValueKind::kBytes:
      break;
    default:
      return Value::Error("list elements must be comparable");
  }
  for (const Value& k : key_values) {
    if (k.kind() != kind) return Value::Error("list elements must have the same type");
  }
  std::vector<size_t> order(key_values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    int c = 0;
    bool unordered = false;
    return Compare(key_values[a], key_values[b], &c, &unordered) && !unordered && c < 0;
  });
  std::vector<Value> out;
  for (size_t i : order) out.push_back(list.Get(i));
  return Value::ListOf(std::move(out));
}

Value Sort(std::span<const Value> args, const CallContext&) {
  return SortByKeys(args[0].list_value(), args[0].list_value());
}
Value SortByAssociatedKeys(std::span<const Value> args, const CallContext&) {
  return SortByKeys(args[0].list_value(), args[1].list_value());
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

// cel-go trackAllocatingListCall: ceil(size × factor) + 1 (call) + 10 (list creation). A negative factor
// (flatten(-1), which then fails with its own error) charges nothing for the elements: converting a
// negative double to uint64 is undefined behaviour (found by clang's UBSan).
uint64_t AllocatingListCost(double factor, uint64_t size) {
  const double elements = std::ceil(static_cast<double>(size) * factor);
  return (elements > 0 ? static_cast<uint64_t>(elements) : 0) + 11;
}
uint64_t OutputSizeCost(std::span<const Value>, const Value& result) { return AllocatingListCost(1, ActualSize(result)); }
uint64_t FlattenCost(std::span<const Value> a, const Value&) {
  double depth = a.size() > 1 ? static_cast<double>(a[1].int_value()) : 1.0;
  return AllocatingListCost(depth, ActualSize(a[0]));
}
uint64_t SelfCompareCost(const Value& list) {
  uint64_t n = ActualSize(list);
  double factor = 2.0;
  if (n > 0) {
    Value first = list.list_value().Get(0);
    if (first.is_string() || first.is_bytes()) factor += 0.1;
  }
  return AllocatingListCost(factor, n * n);
}
uint64_t SortCost(std::span<const Value> a, const Value&) { return SelfCompareCost(a[0]); }
uint64_t SortByCost(std::span<const Value> a, const Value&) { return SelfCompareCost(a[1]); }
CallEstimate AllocatingEstimate(SizeEstimate size, double factor) {
  CallEstimate e;
  auto cost = [&](uint64_t n) -> uint64_t {
    if (n == UINT64_MAX) return UINT64_MAX;
    return static_cast<uint64_t>(std::ceil(static_cast<double>(n) * factor)) + 11;
  };
  e.cost = {cost(size.min), cost(size.max)};
  e.result_size = size;
  return e;
}
CallEstimate SameSizeEstimate(std::span<const SizeEstimate> s) { return AllocatingEstimate(s[0], 1); }
CallEstimate SquareEstimate(std::span<const SizeEstimate> s) {
  auto sq = [](uint64_t n) { return (n != 0 && n > UINT64_MAX / n) ? UINT64_MAX : n * n; };
  CallEstimate e = AllocatingEstimate({sq(s[0].min), sq(s[0].max)}, 2);
  e.result_size = s[0];
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

}  // namespace

Status RegisterListsLibrary(FunctionRegistry& r) {
  struct Named {
    const char* name;
    Type type;
  };
  const Named comparable[] = {{"int", Type::Int()},     {"uint", Type::Uint()},     {"double", Type::Double()},
                              {"bool", Type::Bool()},   {"string", Type::String()}, {"bytes", Type::Bytes()}};
  const OverloadHooks traversal = {.estimate_cost = &ListEstimate, .runtime_cost = &ListRuntimeCost};
  OverloadAdder add(r);
  for (const Named& t : comparable) {
    const std::string n = t.name;
    const Type list = Type::List(t.type);
    add.Member("isSorted", "list_" + n + "_is_sorted_bool", {list}, Type::Bool(), &IsSorted, traversal);
    add.Member("max", "list_" + n + "_max_" + n, {list}, t.type, &Max, traversal);
    add.Member("min", "list_" + n + "_min_" + n, {list}, t.type, &Min, traversal);
  }
  add.Member("sum", "list_int_sum_int", {Type::List(Type::Int())}, Type::Int(), &SumInt, traversal);
  add.Member("sum", "list_uint_sum_uint", {Type::List(Type::Uint())}, Type::Uint(), &SumUint, traversal);
  add.Member("sum", "list_double_sum_double", {Type::List(Type::Double())}, Type::Double(), &SumDouble, traversal);
  const Type a = Type::Param("A");
  add.Member("indexOf", "list_a_index_of_int", {Type::List(a), a}, Type::Int(), &IndexOf, traversal);
  add.Member("lastIndexOf", "list_a_last_index_of_int", {Type::List(a), a}, Type::Int(), &LastIndexOf, traversal);
  const Type lt = Type::List(Type::Param("T"));
  const OverloadHooks sets_cost = {.estimate_cost = &SetsEstimate1, .runtime_cost = &SetsCost1};
  const OverloadHooks sets_equivalent_cost = {.estimate_cost = &SetsEstimate2, .runtime_cost = &SetsCost2};
  add.Global("sets.contains", "list_sets_contains_list", {lt, lt}, Type::Bool(), &SetsContains, sets_cost);
  add.Global("sets.equivalent", "list_sets_equivalent_list", {lt, lt}, Type::Bool(), &SetsEquivalent,
             sets_equivalent_cost);
  add.Global("sets.intersects", "list_sets_intersects_list", {lt, lt}, Type::Bool(), &SetsIntersects, sets_cost);
  // ext.Lists v3.
  const Type list_t = Type::List(Type::Param("T"));
  const OverloadHooks same_size = {.estimate_cost = &SameSizeEstimate, .runtime_cost = &OutputSizeCost};
  const OverloadHooks flatten_cost = {.estimate_cost = &SameSizeEstimate, .runtime_cost = &FlattenCost};
  const OverloadHooks sort_cost = {.estimate_cost = &SquareEstimate, .runtime_cost = &SortCost};
  add.Member("slice", "list_slice", {list_t, Type::Int(), Type::Int()}, list_t, &Slice, same_size);
  add.Member("flatten", "list_flatten", {Type::List(list_t)}, list_t, &Flatten, flatten_cost);
  add.Member("flatten", "list_flatten_int", {Type::List(Type::Dyn()), Type::Int()}, Type::List(Type::Dyn()),
             &Flatten, flatten_cost);
  add.Member("reverse", "list_reverse", {list_t}, list_t, &Reverse, same_size);
  add.Member("distinct", "list_distinct", {list_t}, list_t, &Distinct, sort_cost);
  add.Global("lists.range", "lists_range", {Type::Int()}, Type::List(Type::Int()), &Range,
             {.runtime_cost = &OutputSizeCost});
  for (const Named& t : comparable) {
    const std::string n = t.name;
    add.Member("sort", "list_" + n + "_sort", {Type::List(t.type)}, Type::List(t.type), &Sort, sort_cost);
    add.Member("@sortByAssociatedKeys", "list_" + n + "_sortByAssociatedKeys", {list_t, Type::List(t.type)}, list_t,
               &SortByAssociatedKeys, {.estimate_cost = &SquareEstimate, .runtime_cost = &SortByCost});
  }
  return add.status();
}

}  // namespace allot::cel
