// The engine's standard library: operators, size, conversions, string functions, matches, optionals,
// `in`, and the DRA `includes` function. Implementations follow cel-go's runtime semantics (cel.md 2.3-2.9).
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "core/cel/env.h"

namespace allot::cel {
namespace {

using Args = std::span<const Value>;

Type A() { return Type::Param("A"); }
Type B() { return Type::Param("B"); }

// ---- Arithmetic ---------------------------------------------------------------------------------

Value AddInt(Args a, const CallContext&) {
  int64_t r;
  if (__builtin_add_overflow(a[0].int_value(), a[1].int_value(), &r)) return Value::Error("integer overflow");
  return Value::Int(r);
}
Value SubInt(Args a, const CallContext&) {
  int64_t r;
  if (__builtin_sub_overflow(a[0].int_value(), a[1].int_value(), &r)) return Value::Error("integer overflow");
  return Value::Int(r);
}
Value MulInt(Args a, const CallContext&) {
  int64_t r;
  if (__builtin_mul_overflow(a[0].int_value(), a[1].int_value(), &r)) return Value::Error("integer overflow");
  return Value::Int(r);
}
Value DivInt(Args a, const CallContext&) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Value::Error("division by zero");
  if (x == INT64_MIN && y == -1) return Value::Error("integer overflow");
  return Value::Int(x / y);
}
Value ModInt(Args a, const CallContext&) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Value::Error("modulus by zero");
  if (x == INT64_MIN && y == -1) return Value::Error("integer overflow");
  return Value::Int(x % y);
}
Value NegInt(Args a, const CallContext&) {
  if (a[0].int_value() == INT64_MIN) return Value::Error("integer overflow");
  return Value::Int(-a[0].int_value());
}
Value AddUint(Args a, const CallContext&) {
  uint64_t r;
  if (__builtin_add_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Value::Error("unsigned integer overflow");
  return Value::Uint(r);
}
Value SubUint(Args a, const CallContext&) {
  uint64_t r;
  if (__builtin_sub_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Value::Error("unsigned integer overflow");
  return Value::Uint(r);
}
Value MulUint(Args a, const CallContext&) {
  uint64_t r;
  if (__builtin_mul_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Value::Error("unsigned integer overflow");
  return Value::Uint(r);
}
Value DivUint(Args a, const CallContext&) {
  if (a[1].uint_value() == 0) return Value::Error("division by zero");
  return Value::Uint(a[0].uint_value() / a[1].uint_value());
}
Value ModUint(Args a, const CallContext&) {
  if (a[1].uint_value() == 0) return Value::Error("modulus by zero");
  return Value::Uint(a[0].uint_value() % a[1].uint_value());
}
Value AddDouble(Args a, const CallContext&) { return Value::Double(a[0].double_value() + a[1].double_value()); }
Value SubDouble(Args a, const CallContext&) { return Value::Double(a[0].double_value() - a[1].double_value()); }
Value MulDouble(Args a, const CallContext&) { return Value::Double(a[0].double_value() * a[1].double_value()); }
Value DivDouble(Args a, const CallContext&) { return Value::Double(a[0].double_value() / a[1].double_value()); }
Value NegDouble(Args a, const CallContext&) { return Value::Double(-a[0].double_value()); }
Value AddString(Args a, const CallContext&) {
  std::string s(a[0].string_value());
  s += a[1].string_value();
  return Value::String(std::move(s));
}
Value AddBytes(Args a, const CallContext&) {
  std::string s(a[0].bytes_value());
  s += a[1].bytes_value();
  return Value::Bytes(std::move(s));
}
Value AddList(Args a, const CallContext&) {
  const ListValue& x = a[0].list_value();
  const ListValue& y = a[1].list_value();
  if (y.size() == 0) return a[0];
  if (x.size() == 0) return a[1];
  std::vector<Value> out;
  out.reserve(x.size() + y.size());
  for (size_t i = 0; i < x.size(); ++i) out.push_back(x.Get(i));
  for (size_t i = 0; i < y.size(); ++i) out.push_back(y.Get(i));
  return Value::ListOf(std::move(out));
}
Value Not(Args a, const CallContext&) { return Value::Bool(!a[0].bool_value()); }

// ---- Equality and ordering ----------------------------------------------------------------------

Value Eq(Args a, const CallContext&) { return Equal(a[0], a[1]); }
Value Ne(Args a, const CallContext&) {
  Value r = Equal(a[0], a[1]);
  return r.is_error() ? r : Value::Bool(!r.bool_value());
}
template <int kOp>
Value Rel(Args a, const CallContext&) {
  int c = 0;
  bool unordered = false;
  if (!Compare(a[0], a[1], &c, &unordered)) return Value::NoSuchOverload();
  if (unordered) return Value::Bool(false);
  switch (kOp) {
    case 0: return Value::Bool(c < 0);
    case 1: return Value::Bool(c <= 0);
    case 2: return Value::Bool(c > 0);
    default: return Value::Bool(c >= 0);
  }
}

// ---- Size, in, strings --------------------------------------------------------------------------

Value Size(Args a, const CallContext&) { return Value::Int(static_cast<int64_t>(ActualSize(a[0]))); }

Value InList(Args a, const CallContext&) {
  const ListValue& l = a[1].list_value();
  for (size_t i = 0; i < l.size(); ++i) {
    Value r = Equal(a[0], l.Get(i));
    if (r.is_bool() && r.bool_value()) return Value::Bool(true);
  }
  return Value::Bool(false);
}
Value InMap(Args a, const CallContext&) {
  Value out;
  const Value& k = a[0];
  if (k.is_double()) {
    double d = k.double_value();
    if (d != std::trunc(d)) return Value::Bool(false);
  }
  return Value::Bool(a[1].map_value().Find(k, &out));
}

Value Contains(Args a, const CallContext&) {
  return Value::Bool(a[0].string_value().find(a[1].string_value()) != std::string_view::npos);
}
Value StartsWith(Args a, const CallContext&) { return Value::Bool(a[0].string_value().starts_with(a[1].string_value())); }
Value EndsWith(Args a, const CallContext&) { return Value::Bool(a[0].string_value().ends_with(a[1].string_value())); }

StatusOr<std::shared_ptr<const void>> PrepareMatches(std::span<const Value* const> consts) {
  if (consts.size() < 2 || consts[1] == nullptr || !consts[1]->is_string()) return std::shared_ptr<const void>();
  auto re = std::make_shared<const RE2>(std::string(consts[1]->string_value()), RE2::Quiet);
  if (!re->ok()) return InvalidArgumentError("invalid matches argument: " + re->error());
  return std::shared_ptr<const void>(re);
}
Value Matches(Args a, const CallContext& ctx) {
  if (ctx.prepared != nullptr) {
    const auto* re = static_cast<const RE2*>(ctx.prepared);
    return Value::Bool(RE2::PartialMatch(a[0].string_value(), *re));
  }
  RE2 re(std::string(a[1].string_value()), RE2::Quiet);
  if (!re.ok()) return Value::Error("error parsing regexp: " + re.error());
  return Value::Bool(RE2::PartialMatch(a[0].string_value(), re));
}

// ---- Conversions --------------------------------------------------------------------------------

Value Identity(Args a, const CallContext&) { return a[0]; }
Value IntFromUint(Args a, const CallContext&) {
  if (a[0].uint_value() > static_cast<uint64_t>(INT64_MAX)) return Value::Error("integer overflow");
  return Value::Int(static_cast<int64_t>(a[0].uint_value()));
}
Value IntFromDouble(Args a, const CallContext&) {
  double d = a[0].double_value();
  if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0)) return Value::Error("integer overflow");
  return Value::Int(static_cast<int64_t>(d));
}
Value IntFromString(Args a, const CallContext&) {
  std::string s(a[0].string_value());
  if (s.empty()) return Value::Error("cannot convert string to int");
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || std::isspace(static_cast<unsigned char>(s[0]))) {
    return Value::Error("strconv.ParseInt: parsing \"" + s + "\": invalid syntax");
  }
  return Value::Int(v);
}
Value UintFromInt(Args a, const CallContext&) {
  if (a[0].int_value() < 0) return Value::Error("unsigned integer overflow");
  return Value::Uint(static_cast<uint64_t>(a[0].int_value()));
}
Value UintFromDouble(Args a, const CallContext&) {
  double d = a[0].double_value();
  if (!(d > -1.0 && d < 18446744073709551616.0)) return Value::Error("unsigned integer overflow");
  return Value::Uint(static_cast<uint64_t>(d));
}
Value UintFromString(Args a, const CallContext&) {
  std::string s(a[0].string_value());
  if (s.empty() || s[0] == '-' || s[0] == '+' || std::isspace(static_cast<unsigned char>(s[0]))) {
    return Value::Error("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) {
    return Value::Error("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
  }
  return Value::Uint(v);
}
Value DoubleFromInt(Args a, const CallContext&) { return Value::Double(static_cast<double>(a[0].int_value())); }
Value DoubleFromUint(Args a, const CallContext&) { return Value::Double(static_cast<double>(a[0].uint_value())); }
Value DoubleFromString(Args a, const CallContext&) {
  std::string s(a[0].string_value());
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return Value::Error("cannot convert string to double");
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return Value::Error("strconv.ParseFloat: parsing \"" + s + "\": invalid syntax");
  // Go's ParseFloat accepts Inf/Infinity/NaN (any case), as does strtod; it rejects hex floats with no 'p'.
  return Value::Double(d);
}
std::string FormatGoDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  // Shortest representation that round-trips, like strconv.FormatFloat(d, 'g', -1, 64) with cel-go tweaks.
  char buf[64];
  for (int prec = 1; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof(buf), "%.*g", prec, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string s = buf;
  // Go uses e+21 style exponents with at least two digits, matching printf.
  return s;
}
Value StringFromInt(Args a, const CallContext&) { return Value::String(std::to_string(a[0].int_value())); }
Value StringFromUint(Args a, const CallContext&) { return Value::String(std::to_string(a[0].uint_value())); }
Value StringFromDouble(Args a, const CallContext&) { return Value::String(FormatGoDouble(a[0].double_value())); }
Value StringFromBool(Args a, const CallContext&) { return Value::StringView(a[0].bool_value() ? "true" : "false"); }
bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}
Value StringFromBytes(Args a, const CallContext&) {
  if (!ValidUtf8(a[0].bytes_value())) return Value::Error("invalid UTF-8 in bytes, cannot convert to string");
  return Value::String(std::string(a[0].bytes_value()));
}
Value BytesFromString(Args a, const CallContext&) { return Value::Bytes(std::string(a[0].string_value())); }
Value BoolFromString(Args a, const CallContext&) {
  std::string_view s = a[0].string_value();
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return Value::Bool(true);
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False") return Value::Bool(false);
  return Value::Error("strconv.ParseBool: parsing \"" + std::string(s) + "\": invalid syntax");
}
Value TypeOfValue(Args a, const CallContext&) { return Value::TypeName(a[0].TypeNameOf()); }

// ---- Optionals ----------------------------------------------------------------------------------

Value OptOf(Args a, const CallContext&) { return Value::OptionalOf(a[0]); }
Value OptNone(Args, const CallContext&) { return Value::OptionalNone(); }
bool IsZeroValue(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull: return true;
    case ValueKind::kBool: return !v.bool_value();
    case ValueKind::kInt: return v.int_value() == 0;
    case ValueKind::kUint: return v.uint_value() == 0;
    case ValueKind::kDouble: return v.double_value() == 0;
    case ValueKind::kString: return v.string_value().empty();
    case ValueKind::kBytes: return v.bytes_value().empty();
    case ValueKind::kList: return v.list_value().size() == 0;
    case ValueKind::kMap: return v.map_value().size() == 0;
    default: return false;
  }
}
Value OptOfNonZero(Args a, const CallContext&) {
  return IsZeroValue(a[0]) ? Value::OptionalNone() : Value::OptionalOf(a[0]);
}
Value OptHasValue(Args a, const CallContext&) { return Value::Bool(a[0].optional_has_value()); }
Value OptValue(Args a, const CallContext&) {
  if (!a[0].optional_has_value()) return Value::Error("optional.none() dereference");
  return a[0].optional_value();
}

Value MapInsert(Args a, const CallContext&) {
  const MapValue& m = a[0].map_value();
  std::vector<std::pair<Value, Value>> entries;
  auto add_from = [&](const MapValue& src) {
    for (size_t i = 0; i < src.size(); ++i) entries.emplace_back(src.KeyAt(i), src.ValueAt(i));
  };
  add_from(m);
  if (a.size() == 3) {
    Value dummy;
    if (m.Find(a[1], &dummy)) return Value::Error("insert failed: key " + a[1].DebugString() + " already exists");
    entries.emplace_back(a[1], a[2]);
  } else {
    const MapValue& add = a[1].map_value();
    for (size_t i = 0; i < add.size(); ++i) {
      Value dummy;
      if (m.Find(add.KeyAt(i), &dummy)) {
        return Value::Error("insert failed: key " + add.KeyAt(i).DebugString() + " already exists");
      }
    }
    add_from(add);
  }
  return Value::MapOf(std::move(entries));
}

// ---- includes (DRA) -----------------------------------------------------------------------------

Value Includes(Args a, const CallContext&) {
  if (!a[0].is_list()) {
    Value r = Equal(a[0], a[1]);
    return r.is_error() ? Value::Bool(false) : r;
  }
  const ListValue& l = a[0].list_value();
  constexpr size_t kMax = 48;
  for (size_t i = 0; i < l.size() && i < kMax; ++i) {
    Value r = Equal(l.Get(i), a[1]);
    if (r.is_bool() && r.bool_value()) return Value::Bool(true);
  }
  if (l.size() > kMax) return Value::Error("'includes' function cannot be applied to lists longer than 48 values");
  return Value::Bool(false);
}

// ---- Cost hooks ---------------------------------------------------------------------------------

CallEstimate EstimateCompareSizes(std::span<const SizeEstimate> s) {
  uint64_t smallest = std::min(s[0].max, s[1].max);
  CallEstimate e;
  e.cost = {smallest > 0 ? uint64_t{1} : 0, StringTraversalCost(smallest)};
  e.cost.min = StringTraversalCost(e.cost.min);
  return e;
}
uint64_t RuntimeCompareSizes(std::span<const Value> a, const Value&) {
  if (!a[0].is_string() || !a[1].is_string()) return StringTraversalCost(std::min(ActualSize(a[0]), ActualSize(a[1])));
  // min over code point counts; the longer string (in bytes) has at least len/4 code points, so it
  // often need not be counted.
  const bool first_shorter = a[0].string_value().size() <= a[1].string_value().size();
  const Value& s = first_shorter ? a[0] : a[1];
  const Value& l = first_shorter ? a[1] : a[0];
  const uint64_t cs = ActualSize(s);
  if (l.string_value().size() / 4 >= cs) return StringTraversalCost(cs);
  return StringTraversalCost(std::min(cs, ActualSize(l)));
}
CallEstimate EstimateAddText(std::span<const SizeEstimate> s) {
  SizeEstimate r{s[0].min + s[1].min, (s[0].max == UINT64_MAX || s[1].max == UINT64_MAX) ? UINT64_MAX : s[0].max + s[1].max};
  CallEstimate e;
  e.cost = {StringTraversalCost(r.min), StringTraversalCost(r.max)};
  e.result_size = r;
  return e;
}
uint64_t RuntimeAddText(std::span<const Value> a, const Value&) {
  return StringTraversalCost(ActualSize(a[0]) + ActualSize(a[1]));
}
CallEstimate EstimateAddList(std::span<const SizeEstimate> s) {
  CallEstimate e;
  e.result_size = SizeEstimate{s[0].min + s[1].min,
                               (s[0].max == UINT64_MAX || s[1].max == UINT64_MAX) ? UINT64_MAX : s[0].max + s[1].max};
  return e;
}
CallEstimate EstimateArgTraversal(std::span<const SizeEstimate> s) {  // startsWith/endsWith: the argument
  CallEstimate e;
  e.cost = {StringTraversalCost(s[1].min), StringTraversalCost(s[1].max)};
  return e;
}
uint64_t RuntimeArgTraversal(std::span<const Value> a, const Value&) { return StringTraversalCost(ActualSize(a[1])); }
uint64_t Mul(uint64_t a, uint64_t b) {
  if (b != 0 && a > UINT64_MAX / b) return UINT64_MAX;
  return a * b;
}
CallEstimate EstimateContains(std::span<const SizeEstimate> s) {
  CallEstimate e;
  e.cost = {Mul(StringTraversalCost(s[0].min), StringTraversalCost(s[1].min)),
            Mul(StringTraversalCost(s[0].max), StringTraversalCost(s[1].max))};
  return e;
}
uint64_t RuntimeContains(std::span<const Value> a, const Value&) {
  return Mul(StringTraversalCost(ActualSize(a[0])), StringTraversalCost(ActualSize(a[1])));
}
uint64_t AddSat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
CallEstimate EstimateMatches(std::span<const SizeEstimate> s) {
  CallEstimate e;
  e.cost = {Mul(StringTraversalCost(AddSat(s[0].min, 1)), CeilScaled(s[1].min, 1, 4)),
            Mul(StringTraversalCost(AddSat(s[0].max, 1)), CeilScaled(s[1].max, 1, 4))};
  return e;
}
uint64_t RuntimeMatches(std::span<const Value> a, const Value&) {
  return Mul(StringTraversalCost(ActualSize(a[0]) + 1), CeilScaled(ActualSize(a[1]), 1, 4));
}
CallEstimate EstimateInList(std::span<const SizeEstimate> s) {
  CallEstimate e;
  e.cost = {s[1].min, s[1].max};
  return e;
}
uint64_t RuntimeInList(std::span<const Value> a, const Value&) { return ActualSize(a[1]); }
CallEstimate EstimateConvertText(std::span<const SizeEstimate> s) {
  CallEstimate e;
  e.cost = {StringTraversalCost(s[0].min), StringTraversalCost(s[0].max)};
  e.result_size = s[0];
  return e;
}
uint64_t RuntimeConvertText(std::span<const Value> a, const Value&) { return StringTraversalCost(ActualSize(a[0])); }
CallEstimate EstimateIncludes(std::span<const SizeEstimate>) {
  CallEstimate e;
  e.cost = {1, 48};
  return e;
}
uint64_t RuntimeIncludes(std::span<const Value> a, const Value&) {
  return a[0].is_list() ? std::max<uint64_t>(1, std::min<uint64_t>(a[0].list_value().size(), 48)) : 1;
}

// The hook sets shared by several overloads below.
constexpr OverloadHooks kAddTextCost = {.estimate_cost = EstimateAddText, .runtime_cost = RuntimeAddText};
constexpr OverloadHooks kAddListCost = {.estimate_cost = EstimateAddList};
constexpr OverloadHooks kCompareSizesCost = {.estimate_cost = EstimateCompareSizes,
                                             .runtime_cost = RuntimeCompareSizes};
constexpr OverloadHooks kInListCost = {.estimate_cost = EstimateInList, .runtime_cost = RuntimeInList};
constexpr OverloadHooks kContainsCost = {.estimate_cost = EstimateContains, .runtime_cost = RuntimeContains};
constexpr OverloadHooks kArgTraversalCost = {.estimate_cost = EstimateArgTraversal,
                                             .runtime_cost = RuntimeArgTraversal};
constexpr OverloadHooks kMatchesHooks = {
    .estimate_cost = EstimateMatches, .runtime_cost = RuntimeMatches, .prepare = PrepareMatches};
constexpr OverloadHooks kConvertTextCost = {.estimate_cost = EstimateConvertText, .runtime_cost = RuntimeConvertText};
constexpr OverloadHooks kIncludesCost = {.estimate_cost = EstimateIncludes, .runtime_cost = RuntimeIncludes};

}  // namespace

Status RegisterStandardLibrary(FunctionRegistry& registry) {
  OverloadAdder add(registry);
  const Type I = Type::Int(), U = Type::Uint(), D = Type::Double(), S = Type::String(), By = Type::Bytes(),
             Bo = Type::Bool();
  // Arithmetic.
  add.Global("_+_", "add_int64", {I, I}, I, AddInt);
  add.Global("_+_", "add_uint64", {U, U}, U, AddUint);
  add.Global("_+_", "add_double", {D, D}, D, AddDouble);
  add.Global("_+_", "add_string", {S, S}, S, AddString, kAddTextCost);
  add.Global("_+_", "add_bytes", {By, By}, By, AddBytes, kAddTextCost);
  add.Global("_+_", "add_list", {Type::List(A()), Type::List(A())}, Type::List(A()), AddList, kAddListCost);
  add.Global("_-_", "subtract_int64", {I, I}, I, SubInt);
  add.Global("_-_", "subtract_uint64", {U, U}, U, SubUint);
  add.Global("_-_", "subtract_double", {D, D}, D, SubDouble);
  add.Global("_*_", "multiply_int64", {I, I}, I, MulInt);
  add.Global("_*_", "multiply_uint64", {U, U}, U, MulUint);
  add.Global("_*_", "multiply_double", {D, D}, D, MulDouble);
  add.Global("_/_", "divide_int64", {I, I}, I, DivInt);
  add.Global("_/_", "divide_uint64", {U, U}, U, DivUint);
  add.Global("_/_", "divide_double", {D, D}, D, DivDouble);
  add.Global("_%_", "modulo_int64", {I, I}, I, ModInt);
  add.Global("_%_", "modulo_uint64", {U, U}, U, ModUint);
  add.Global("-_", "negate_int64", {I}, I, NegInt);
  add.Global("-_", "negate_double", {D}, D, NegDouble);
  add.Global("!_", "logical_not", {Bo}, Bo, Not);
  // Equality.
  add.Global("_==_", "equals", {A(), A()}, Bo, Eq, kCompareSizesCost);
  add.Global("_!=_", "not_equals", {A(), A()}, Bo, Ne, kCompareSizesCost);
  // Ordering: same-type and cross-type numeric.
  struct RelOp {
    const char* fn;
    const char* name;
    FunctionImpl impl;
  };
  const RelOp ops[] = {{"_<_", "less", Rel<0>}, {"_<=_", "less_equals", Rel<1>}, {"_>_", "greater", Rel<2>},
                       {"_>=_", "greater_equals", Rel<3>}};
  for (const RelOp& op : ops) {
    const std::pair<Type, const char*> kinds[] = {{Bo, "bool"}, {I, "int64"}, {U, "uint64"}, {D, "double"},
                                                  {S, "string"}, {By, "bytes"}};
    for (const auto& a : kinds) {
      for (const auto& b : kinds) {
        bool numeric_a = a.first == I || a.first == U || a.first == D;
        bool numeric_b = b.first == I || b.first == U || b.first == D;
        if (!(a.first == b.first || (numeric_a && numeric_b))) continue;
        std::string id = std::string(op.name) + "_" + a.second + (a.first == b.first ? "" : std::string("_") + b.second);
        const bool text = a.first == S || a.first == By;
        add.Global(op.fn, std::move(id), {a.first, b.first}, Bo, op.impl, text ? kCompareSizesCost : OverloadHooks{});
      }
    }
  }
  // size.
  add.Global("size", "size_string", {S}, I, Size);
  add.Global("size", "size_bytes", {By}, I, Size);
  add.Global("size", "size_list", {Type::List(A())}, I, Size);
  add.Global("size", "size_map", {Type::Map(A(), B())}, I, Size);
  add.Member("size", "string_size", {S}, I, Size);
  add.Member("size", "bytes_size", {By}, I, Size);
  add.Member("size", "list_size", {Type::List(A())}, I, Size);
  add.Member("size", "map_size", {Type::Map(A(), B())}, I, Size);
  // in.
  add.Global("@in", "in_list", {A(), Type::List(A())}, Bo, InList, kInListCost);
  add.Global("@in", "in_map", {A(), Type::Map(A(), B())}, Bo, InMap);
  // Strings.
  add.Member("contains", "contains_string", {S, S}, Bo, Contains, kContainsCost);
  add.Member("startsWith", "starts_with_string", {S, S}, Bo, StartsWith, kArgTraversalCost);
  add.Member("endsWith", "ends_with_string", {S, S}, Bo, EndsWith, kArgTraversalCost);
  add.Member("matches", "matches_string", {S, S}, Bo, Matches, kMatchesHooks);
  add.Global("matches", "matches", {S, S}, Bo, Matches, kMatchesHooks);
  // Conversions.
  add.Global("int", "int64_to_int64", {I}, I, Identity);
  add.Global("int", "uint64_to_int64", {U}, I, IntFromUint);
  add.Global("int", "double_to_int64", {D}, I, IntFromDouble);
  add.Global("int", "string_to_int64", {S}, I, IntFromString);
  add.Global("uint", "uint64_to_uint64", {U}, U, Identity);
  add.Global("uint", "int64_to_uint64", {I}, U, UintFromInt);
  add.Global("uint", "double_to_uint64", {D}, U, UintFromDouble);
  add.Global("uint", "string_to_uint64", {S}, U, UintFromString);
  add.Global("double", "double_to_double", {D}, D, Identity);
  add.Global("double", "int64_to_double", {I}, D, DoubleFromInt);
  add.Global("double", "uint64_to_double", {U}, D, DoubleFromUint);
  add.Global("double", "string_to_double", {S}, D, DoubleFromString);
  add.Global("string", "string_to_string", {S}, S, Identity);
  add.Global("string", "int64_to_string", {I}, S, StringFromInt);
  add.Global("string", "uint64_to_string", {U}, S, StringFromUint);
  add.Global("string", "double_to_string", {D}, S, StringFromDouble);
  add.Global("string", "bool_to_string", {Bo}, S, StringFromBool);
  add.Global("string", "bytes_to_string", {By}, S, StringFromBytes, kConvertTextCost);
  add.Global("bytes", "bytes_to_bytes", {By}, By, Identity);
  add.Global("bytes", "string_to_bytes", {S}, By, BytesFromString, kConvertTextCost);
  add.Global("bool", "bool_to_bool", {Bo}, Bo, Identity);
  add.Global("bool", "string_to_bool", {S}, Bo, BoolFromString);
  add.Global("dyn", "to_dyn", {A()}, Type::Dyn(), Identity);
  add.Global("type", "type", {A()}, Type::TypeOf(A()), TypeOfValue);
  // Optionals.
  add.Global("optional.of", "optional_of", {A()}, Type::Optional(A()), OptOf);
  add.Global("optional.ofNonZeroValue", "optional_ofNonZeroValue", {A()}, Type::Optional(A()), OptOfNonZero);
  add.Global("optional.none", "optional_none", {}, Type::Optional(A()), OptNone);
  add.Member("hasValue", "optional_hasValue", {Type::Optional(A())}, Bo, OptHasValue);
  add.Member("value", "optional_value", {Type::Optional(A())}, A(), OptValue);
  // Internal: transformMap / transformMapEntry steps.
  add.Global("cel.@mapInsert", "cel_@mapInsert_map_key_value", {Type::Map(A(), B()), A(), B()}, Type::Map(A(), B()),
             MapInsert);
  add.Global("cel.@mapInsert", "cel_@mapInsert_map_map", {Type::Map(A(), B()), Type::Map(A(), B())},
             Type::Map(A(), B()), MapInsert);
  return add.status();
}

Status RegisterIncludesFunction(FunctionRegistry& registry) {
  OverloadAdder add(registry);
  add.Member("includes", "dra_includes", {Type::Dyn(), Type::Dyn()}, Type::Bool(), Includes, kIncludesCost);
  return add.status();
}

}  // namespace allot::cel
