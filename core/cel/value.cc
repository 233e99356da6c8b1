#include "core/cel/value.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>

namespace allot::cel {
namespace {

struct OptionalPayload {
  bool has;
  Value value;
};

struct ErrorPayload {
  std::string message;
};

// Numeric equality across int/uint/double. Returns false if either is not numeric.
bool NumericEqual(const Value& a, const Value& b, bool* equal) {
  auto is_num = [](const Value& v) { return v.is_int() || v.is_uint() || v.is_double(); };
  if (!is_num(a) || !is_num(b)) return false;
  int cmp = 0;
  bool unordered = false;
  Compare(a, b, &cmp, &unordered);
  *equal = !unordered && cmp == 0;
  return true;
}

// Map whose entries are a vector (literals, transformMap results). Later duplicates overwrite.
class VectorMap final : public MapValue {
 public:
  explicit VectorMap(std::vector<std::pair<Value, Value>> entries) {
    entries_.reserve(entries.size());
    for (auto& e : entries) {
      bool replaced = false;
      for (auto& existing : entries_) {
        Value eq = Equal(existing.first, e.first);
        if (eq.is_bool() && eq.bool_value() && existing.first.kind() == e.first.kind()) {
          existing.second = std::move(e.second);
          replaced = true;
          break;
        }
      }
      if (!replaced) entries_.push_back(std::move(e));
    }
  }
  size_t size() const override { return entries_.size(); }
  bool Find(const Value& key, Value* out) const override {
    for (const auto& e : entries_) {
      bool eq = false;
      if (NumericEqual(e.first, key, &eq)) {
        if (eq) {
          *out = e.second;
          return true;
        }
        continue;
      }
      if (e.first.kind() != key.kind()) continue;
      Value r = Equal(e.first, key);
      if (r.is_bool() && r.bool_value()) {
        *out = e.second;
        return true;
      }
    }
    return false;
  }
  Value KeyAt(size_t i) const override { return entries_[i].first; }
  Value ValueAt(size_t i) const override { return entries_[i].second; }

 private:
  std::vector<std::pair<Value, Value>> entries_;
};

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.17g", d);
  return buf;
}

}  // namespace

Value Value::OwnedText(ValueKind kind, std::string s) {
  auto owned = std::make_shared<const std::string>(std::move(s));
  Value r(kind);
  r.s_.data = owned->data();
  r.s_.size = owned->size();
  r.owner_ = std::move(owned);
  return r;
}

Value Value::ListOf(std::vector<Value> elements) {
  return List(std::make_shared<const VectorList>(std::move(elements)));
}

Value Value::MapOf(std::vector<std::pair<Value, Value>> entries) {
  return Map(std::make_shared<const VectorMap>(std::move(entries)));
}

Value Value::OptionalNone() {
  static const OptionalPayload kNone{false, Value()};
  return Borrowed(ValueKind::kOptional, &kNone);
}

Value Value::OptionalOf(Value v) {
  return Owned(ValueKind::kOptional, std::make_shared<const OptionalPayload>(OptionalPayload{true, std::move(v)}));
}

Value Value::Error(std::string message) {
  return Owned(ValueKind::kError, std::make_shared<const ErrorPayload>(ErrorPayload{std::move(message)}));
}

Value Value::NoSuchOverload() { return Error("no such overload"); }

Value Value::NoSuchKey(const Value& key) {
  if (key.is_string()) return Error("no such key: " + std::string(key.string_value()));
  return Error("no such key: " + key.DebugString());
}

bool Value::optional_has_value() const { return static_cast<const OptionalPayload*>(p_)->has; }
const Value& Value::optional_value() const { return static_cast<const OptionalPayload*>(p_)->value; }
std::string_view Value::error_message() const { return static_cast<const ErrorPayload*>(p_)->message; }

std::string_view Value::TypeNameOf() const {
  switch (kind_) {
    case ValueKind::kNull: return "null_type";
    case ValueKind::kBool: return "bool";
    case ValueKind::kInt: return "int";
    case ValueKind::kUint: return "uint";
    case ValueKind::kDouble: return "double";
    case ValueKind::kString: return "string";
    case ValueKind::kBytes: return "bytes";
    case ValueKind::kList: return "list";
    case ValueKind::kMap: return "map";
    case ValueKind::kType: return "type";
    case ValueKind::kOptional: return "optional_type";
    case ValueKind::kOpaque: return opaque_value().type_name();
    case ValueKind::kError: return "*error*";
  }
  return "?";
}

std::string Value::GoTypeName() const {
  switch (kind_) {
    case ValueKind::kNull: return "types.Null";
    case ValueKind::kBool: return "types.Bool";
    case ValueKind::kInt: return "types.Int";
    case ValueKind::kUint: return "types.Uint";
    case ValueKind::kDouble: return "types.Double";
    case ValueKind::kString: return "types.String";
    case ValueKind::kBytes: return "types.Bytes";
    case ValueKind::kList: return "types.baseList";
    case ValueKind::kMap: return "types.baseMap";
    case ValueKind::kType: return "types.Type";
    case ValueKind::kOptional: return "types.Optional";
    case ValueKind::kOpaque: {
      std::string_view n = opaque_value().type_name();
      if (n == "kubernetes.Semver") return "cel.Semver";
      if (n == "kubernetes.Quantity") return "cel.Quantity";
      return std::string(n);
    }
    case ValueKind::kError: return "types.Err";
  }
  return "?";
}

std::string Value::DebugString() const {
  switch (kind_) {
    case ValueKind::kNull: return "null";
    case ValueKind::kBool: return b_ ? "true" : "false";
    case ValueKind::kInt: return std::to_string(i_);
    case ValueKind::kUint: return std::to_string(u_) + "u";
    case ValueKind::kDouble: return FormatDouble(d_);
    case ValueKind::kString: return "\"" + std::string(string_value()) + "\"";
    case ValueKind::kBytes: return "b\"" + std::string(bytes_value()) + "\"";
    case ValueKind::kType: return std::string(type_value());
    case ValueKind::kList: {
      std::string s = "[";
      const ListValue& l = list_value();
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) s += ", ";
        s += l.Get(i).DebugString();
      }
      return s + "]";
    }
    case ValueKind::kMap: {
      std::string s = "{";
      const MapValue& m = map_value();
      for (size_t i = 0; i < m.size(); ++i) {
        if (i) s += ", ";
        s += m.KeyAt(i).DebugString() + ": " + m.ValueAt(i).DebugString();
      }
      return s + "}";
    }
    case ValueKind::kOptional:
      return optional_has_value() ? "optional.of(" + optional_value().DebugString() + ")" : "optional.none()";
    case ValueKind::kOpaque: return opaque_value().DebugString();
    case ValueKind::kError: return "error: " + std::string(error_message());
  }
  return "?";
}

bool Compare(const Value& a, const Value& b, int* result, bool* unordered) {
  *unordered = false;
  auto three = [](auto x, auto y) { return x < y ? -1 : (x > y ? 1 : 0); };
  const ValueKind ka = a.kind(), kb = b.kind();
  if (ka == ValueKind::kDouble || kb == ValueKind::kDouble) {
    if ((ka != ValueKind::kDouble && ka != ValueKind::kInt && ka != ValueKind::kUint) ||
        (kb != ValueKind::kDouble && kb != ValueKind::kInt && kb != ValueKind::kUint)) {
      return false;
    }
    if (ka == ValueKind::kDouble && kb == ValueKind::kDouble) {
      double x = a.double_value(), y = b.double_value();
      if (std::isnan(x) || std::isnan(y)) {
        *unordered = true;
        return true;
      }
      *result = three(x, y);
      return true;
    }
    // Mixed double and integer, as cel-go: out-of-range doubles order outside the integer range, the
    // rest compare after converting the integer to double (lossy above 2^53, like cel-go).
    bool flip = ka != ValueKind::kDouble;
    double d = flip ? b.double_value() : a.double_value();
    const Value& iv = flip ? a : b;
    int r;
    if (std::isnan(d)) {
      *unordered = true;
      return true;
    }
    if (iv.is_int()) {
      if (d < -9223372036854775808.0) r = -1;
      else if (d > 9223372036854775807.0) r = 1;
      else r = three(d, static_cast<double>(iv.int_value()));
    } else {
      if (d < 0) r = -1;
      else if (d > 18446744073709551615.0) r = 1;
      else r = three(d, static_cast<double>(iv.uint_value()));
    }
    *result = flip ? -r : r;
    return true;
  }
  if (ka == ValueKind::kInt && kb == ValueKind::kInt) {
    *result = three(a.int_value(), b.int_value());
    return true;
  }
  if (ka == ValueKind::kUint && kb == ValueKind::kUint) {
    *result = three(a.uint_value(), b.uint_value());
    return true;
  }
  if (ka == ValueKind::kInt && kb == ValueKind::kUint) {
    *result = a.int_value() < 0 ? -1 : three(static_cast<uint64_t>(a.int_value()), b.uint_value());
    return true;
  }
  if (ka == ValueKind::kUint && kb == ValueKind::kInt) {
    *result = b.int_value() < 0 ? 1 : three(a.uint_value(), static_cast<uint64_t>(b.int_value()));
    return true;
  }
  if (ka != kb) return false;
  switch (ka) {
    case ValueKind::kString: *result = three(a.string_value().compare(b.string_value()), 0); return true;
    case ValueKind::kBytes: *result = three(a.bytes_value().compare(b.bytes_value()), 0); return true;
    case ValueKind::kBool: *result = three(a.bool_value(), b.bool_value()); return true;
    default: return false;
  }
}

namespace {

// Equality of two lists or maps from their element pairs, as cel-go: unequal as soon as one pair is unequal,
// otherwise the first error any pair gave, otherwise equal.
class ElementwiseEquality {
 public:
  // Records one pair's Equal result (a bool or an error); false when the pair is unequal.
  bool Add(Value pair_equal) {
    if (!pair_equal.is_error()) return pair_equal.bool_value();
    if (!have_error_) first_error_ = std::move(pair_equal);
    have_error_ = true;
    return true;
  }
  // The result once every pair was added without an unequal one.
  Value Result() const { return have_error_ ? first_error_ : Value::Bool(true); }

 private:
  Value first_error_;
  bool have_error_ = false;
};

}  // namespace

Value Equal(const Value& a, const Value& b) {
  if (a.is_error()) return a;
  if (b.is_error()) return b;
  bool eq = false;
  if (NumericEqual(a, b, &eq)) return Value::Bool(eq);
  if (a.is_opaque()) {
    if (b.is_null()) return Value::Bool(false);
    if (!b.is_opaque() || b.opaque_value().type_name() != a.opaque_value().type_name()) return Value::NoSuchOverload();
    return Value::Bool(a.opaque_value().Equals(b.opaque_value()));
  }
  if (a.kind() != b.kind()) return Value::Bool(false);
  switch (a.kind()) {
    case ValueKind::kNull: return Value::Bool(true);
    case ValueKind::kBool: return Value::Bool(a.bool_value() == b.bool_value());
    case ValueKind::kString: return Value::Bool(a.string_value() == b.string_value());
    case ValueKind::kBytes: return Value::Bool(a.bytes_value() == b.bytes_value());
    case ValueKind::kType: return Value::Bool(a.type_value() == b.type_value());
    case ValueKind::kList: {
      const ListValue& la = a.list_value();
      const ListValue& lb = b.list_value();
      if (la.size() != lb.size()) return Value::Bool(false);
      ElementwiseEquality elements;
      for (size_t i = 0; i < la.size(); ++i) {
        if (!elements.Add(Equal(la.Get(i), lb.Get(i)))) return Value::Bool(false);
      }
      return elements.Result();
    }
    case ValueKind::kMap: {
      const MapValue& ma = a.map_value();
      const MapValue& mb = b.map_value();
      if (ma.size() != mb.size()) return Value::Bool(false);
      ElementwiseEquality elements;
      for (size_t i = 0; i < ma.size(); ++i) {
        Value other;
        if (!mb.Find(ma.KeyAt(i), &other)) return Value::Bool(false);
        if (!elements.Add(Equal(ma.ValueAt(i), other))) return Value::Bool(false);
      }
      return elements.Result();
    }
    case ValueKind::kOptional: {
      if (a.optional_has_value() != b.optional_has_value()) return Value::Bool(false);
      if (!a.optional_has_value()) return Value::Bool(true);
      return Equal(a.optional_value(), b.optional_value());
    }
    default: return Value::Bool(false);
  }
}

}  // namespace allot::cel
