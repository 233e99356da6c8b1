// Runtime values of the CEL evaluator.
//
// A Value is a compact tagged value (40 bytes): scalars (null, bool, int, uint, double) live inline;
// strings and bytes are a (pointer, size) view; lists, maps, optionals, errors and opaque extension
// values (kubernetes.Quantity, kubernetes.Semver) are a pointer to an immutable payload. Every
// non-inline payload is kept alive by `owner_`, a shared_ptr that is EMPTY for borrowed data (string
// literals owned by the compiled Program, attribute strings and maps owned by the prepared Device).
// Copying a borrowed Value therefore costs no allocation and no atomic operation; the common selector
// shapes (attribute lookups, comparisons with literals) evaluate without touching the heap.
//
// Borrowed values are valid only while their owner (Program, Device) is alive, i.e. for one
// evaluation. Values created during an evaluation (string concatenation, list literals, quantity(...))
// own their payload.
//
// Errors are values (kError) carrying the cel-go error text; the evaluator propagates them and
// absorbs them where CEL says so (&&, ||, all, exists).
//
// Thread safety: a Value is immutable; payloads are immutable; concurrent reads are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace allot::cel {

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kType,      // a type denotation such as `int` or `kubernetes.Quantity`; the name is the string view
  kOptional,
  kOpaque,    // extension values: kubernetes.Quantity, kubernetes.Semver
  kError,
};

class Value;

// An immutable CEL list. Implementations: a vector of Values, or views over prepared device data.
class ListValue {
 public:
  virtual ~ListValue() = default;
  virtual size_t size() const = 0;
  virtual Value Get(size_t index) const = 0;  // index < size()
};

// An immutable CEL map. Keys keep insertion order for iteration.
class MapValue {
 public:
  virtual ~MapValue() = default;
  virtual size_t size() const = 0;
  // Returns true and sets *out if `key` is present. Numeric keys match across int/uint/double by value.
  virtual bool Find(const Value& key, Value* out) const = 0;
  virtual Value KeyAt(size_t index) const = 0;    // index < size(); iteration order
  virtual Value ValueAt(size_t index) const = 0;  // index < size()
  // The value for a missing key when the map has a default (DRA's device.attributes and
  // device.capacity return an empty map for unknown domains); false when a missing key is an error.
  virtual bool Default(Value* out) const {
    (void)out;
    return false;
  }
};

// An extension value (kubernetes.Quantity, kubernetes.Semver, ...). `type_name()` must equal the name of
// the checker type (types.h, Type::Opaque) that the library declares, and must be a string with static
// storage duration.
class OpaqueValue {
 public:
  virtual ~OpaqueValue() = default;
  virtual std::string_view type_name() const = 0;
  // Called only when other.type_name() == type_name(). Quantity compares numerically, Semver by precedence.
  virtual bool Equals(const OpaqueValue& other) const = 0;
  // For diagnostics and test output only.
  virtual std::string DebugString() const = 0;
};

class Value {
 public:
  Value() : kind_(ValueKind::kNull) { i_ = 0; }  // null

  // ---- Construction ----------------------------------------------------------------------------
  static Value Null() { return Value(); }
  static Value Bool(bool v) {
    Value r(ValueKind::kBool);
    r.b_ = v;
    return r;
  }
  static Value Int(int64_t v) {
    Value r(ValueKind::kInt);
    r.i_ = v;
    return r;
  }
  static Value Uint(uint64_t v) {
    Value r(ValueKind::kUint);
    r.u_ = v;
    return r;
  }
  static Value Double(double v) {
    Value r(ValueKind::kDouble);
    r.d_ = v;
    return r;
  }
  // Owning string (one allocation). Use StringView for data that outlives the evaluation.
  static Value String(std::string s) { return OwnedText(ValueKind::kString, std::move(s)); }
  static Value Bytes(std::string b) { return OwnedText(ValueKind::kBytes, std::move(b)); }
  // Borrowed string/bytes: `s` must outlive every copy of the Value (Program literals, Device data).
  static Value StringView(std::string_view s) { return BorrowedText(ValueKind::kString, s); }
  static Value BytesView(std::string_view b) { return BorrowedText(ValueKind::kBytes, b); }
  // A type denotation; `name` must have static storage or be owned elsewhere for the Value's lifetime
  // (type names come from the checker's tables or from OpaqueValue::type_name()).
  static Value TypeName(std::string_view name) { return BorrowedText(ValueKind::kType, name); }

  static Value List(std::shared_ptr<const ListValue> list) { return Owned(ValueKind::kList, std::move(list)); }
  static Value ListOf(std::vector<Value> elements);  // vector-backed list
  static Value ListView(const ListValue* list) { return Borrowed(ValueKind::kList, list); }
  static Value Map(std::shared_ptr<const MapValue> map) { return Owned(ValueKind::kMap, std::move(map)); }
  // Vector-backed map; a later duplicate key overwrites the earlier entry (cel-go behaviour).
  static Value MapOf(std::vector<std::pair<Value, Value>> entries);
  static Value MapView(const MapValue* map) { return Borrowed(ValueKind::kMap, map); }
  static Value Opaque(std::shared_ptr<const OpaqueValue> v) { return Owned(ValueKind::kOpaque, std::move(v)); }
  static Value OpaqueView(const OpaqueValue* v) { return Borrowed(ValueKind::kOpaque, v); }

  static Value OptionalNone();
  static Value OptionalOf(Value v);

  // An error value carrying cel-go's message, e.g. "no such key: foo", "division by zero".
  static Value Error(std::string message);
  static Value NoSuchOverload();     // "no such overload"
  static Value NoSuchKey(const Value& key);  // "no such key: <key>"

  // ---- Inspection ------------------------------------------------------------------------------
  ValueKind kind() const { return kind_; }
  bool is_error() const { return kind_ == ValueKind::kError; }
  bool is_null() const { return kind_ == ValueKind::kNull; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_int() const { return kind_ == ValueKind::kInt; }
  bool is_uint() const { return kind_ == ValueKind::kUint; }
  bool is_double() const { return kind_ == ValueKind::kDouble; }
  bool is_string() const { return kind_ == ValueKind::kString; }
  bool is_bytes() const { return kind_ == ValueKind::kBytes; }
  bool is_list() const { return kind_ == ValueKind::kList; }
  bool is_map() const { return kind_ == ValueKind::kMap; }
  bool is_optional() const { return kind_ == ValueKind::kOptional; }
  bool is_opaque() const { return kind_ == ValueKind::kOpaque; }
  bool is_type() const { return kind_ == ValueKind::kType; }

  // Accessors: call only for the matching kind.
  bool bool_value() const { return b_; }
  int64_t int_value() const { return i_; }
  uint64_t uint_value() const { return u_; }
  double double_value() const { return d_; }
  std::string_view string_value() const { return std::string_view(s_.data, s_.size); }  // kString
  std::string_view bytes_value() const { return std::string_view(s_.data, s_.size); }   // kBytes
  std::string_view type_value() const { return std::string_view(s_.data, s_.size); }    // kType
  const ListValue& list_value() const { return *static_cast<const ListValue*>(p_); }
  const MapValue& map_value() const { return *static_cast<const MapValue*>(p_); }
  const OpaqueValue& opaque_value() const { return *static_cast<const OpaqueValue*>(p_); }
  // kOptional: whether a value is present, and the value (call only when present).
  bool optional_has_value() const;
  const Value& optional_value() const;
  // kError: the message.
  std::string_view error_message() const;

  // Opaque of a given type name, or nullptr.
  const OpaqueValue* AsOpaque(std::string_view type_name) const {
    return kind_ == ValueKind::kOpaque && opaque_value().type_name() == type_name ? &opaque_value() : nullptr;
  }

  // The CEL type name of the runtime value: "int", "list", "map", "kubernetes.Quantity", "optional_type", ...
  std::string_view TypeNameOf() const;
  // cel-go's Go type name used in some error texts: "types.Int", "types.String", "cel.Semver", ...
  std::string GoTypeName() const;
  // Human-readable rendering for tests and error messages (strings quoted).
  std::string DebugString() const;

 private:
  explicit Value(ValueKind k) : kind_(k) { i_ = 0; }
  static Value OwnedText(ValueKind kind, std::string s);
  static Value BorrowedText(ValueKind kind, std::string_view s) {
    Value r(kind);
    r.s_.data = s.data();
    r.s_.size = s.size();
    return r;
  }
  static Value Owned(ValueKind kind, std::shared_ptr<const void> p) {
    Value r(kind);
    r.p_ = p.get();
    r.owner_ = std::move(p);
    return r;
  }
  static Value Borrowed(ValueKind kind, const void* p) {
    Value r(kind);
    r.p_ = p;
    return r;
  }

  struct Text {
    const char* data;
    size_t size;
  };

  ValueKind kind_;
  union {
    bool b_;
    int64_t i_;
    uint64_t u_;
    double d_;
    Text s_;
    const void* p_;
  };
  std::shared_ptr<const void> owner_;  // empty for inline and borrowed data
};

// A vector-backed list (list literals, function results).
class VectorList final : public ListValue {
 public:
  explicit VectorList(std::vector<Value> elements) : elements_(std::move(elements)) {}
  size_t size() const override { return elements_.size(); }
  Value Get(size_t index) const override { return elements_[index]; }
  const std::vector<Value>& elements() const { return elements_; }

 private:
  std::vector<Value> elements_;
};

// Equality and ordering used by operators, `in`, and libraries (lists `indexOf`, `includes`).
// CEL heterogeneous equality: numbers by value across int/uint/double; different types unequal;
// lists/maps structurally. Returns an error Value ("no such overload") when the LEFT operand is an opaque
// value and the right one is not of the same opaque type (cel-go dispatches on the left operand), and
// propagates errors found inside lists/maps. Otherwise returns Bool.
Value Equal(const Value& a, const Value& b);
// Three-way comparison for `< <= > >=`: int/uint/double (mixed), string, bytes, bool. Returns false
// when the kinds cannot be ordered. `*result` is -1, 0 or +1; NaN makes every comparison false, which
// callers detect through `*unordered`.
bool Compare(const Value& a, const Value& b, int* result, bool* unordered);

}  // namespace allot::cel
