#include "core/cel/device.h"

#include <map>
#include <string_view>

#include "core/cel/functions/libraries.h"

namespace allot::cel {
namespace {

// A string-keyed map with insertion order; values are owned Values.
class StringKeyMap final : public MapValue {
 public:
  size_t size() const override { return entries_.size(); }
  bool Find(const Value& key, Value* out) const override {
    if (!key.is_string()) return false;
    for (const auto& e : entries_) {
      if (e.first == key.string_value()) {
        *out = e.second.is_map() ? Value::MapView(&e.second.map_value()) : Borrow(e.second);
        return true;
      }
    }
    return false;
  }
  Value KeyAt(size_t i) const override { return Value::StringView(entries_[i].first); }
  Value ValueAt(size_t i) const override { return Borrow(entries_[i].second); }
  bool Default(Value* out) const override {
    if (default_ == nullptr) return false;
    *out = Value::MapView(default_);
    return true;
  }

  // Inserts or overwrites (a later duplicate wins, like Go's map assignment in iteration order).
  void Set(std::string key, Value v) {
    for (auto& e : entries_) {
      if (e.first == key) {
        e.second = std::move(v);
        return;
      }
    }
    entries_.emplace_back(std::move(key), std::move(v));
  }
  StringKeyMap* Child(const std::string& key) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].first == key) return children_[key].get();
    }
    auto child = std::make_unique<StringKeyMap>();
    StringKeyMap* raw = child.get();
    children_[key] = std::move(child);
    entries_.emplace_back(key, Value::MapView(raw));
    return raw;
  }
  void set_default(const MapValue* d) { default_ = d; }

 private:
  // Values stored here are owned (possibly with shared payloads); hand out borrowed copies where the
  // payload is a plain pointer so that evaluation does no reference counting.
  static Value Borrow(const Value& v) {
    switch (v.kind()) {
      case ValueKind::kString: return Value::StringView(v.string_value());
      case ValueKind::kList: return Value::ListView(&v.list_value());
      case ValueKind::kMap: return Value::MapView(&v.map_value());
      case ValueKind::kOpaque: return Value::OpaqueView(&v.opaque_value());
      default: return v;
    }
  }

  std::vector<std::pair<std::string, Value>> entries_;
  std::map<std::string, std::unique_ptr<StringKeyMap>> children_;
  const MapValue* default_ = nullptr;
};

#if !ALLOT_CEL_HAVE_QUANTITY
// Fallback until the quantity library is linked: a kubernetes.Quantity value with numeric equality.
class FallbackQuantity final : public OpaqueValue {
 public:
  explicit FallbackQuantity(quantity::Quantity q) : q_(std::move(q)) {}
  std::string_view type_name() const override { return "kubernetes.Quantity"; }
  bool Equals(const OpaqueValue& other) const override {
    return q_.Compare(static_cast<const FallbackQuantity&>(other).q_) == 0;
  }
  std::string DebugString() const override { return q_.ToString(); }

 private:
  quantity::Quantity q_;
};
Value QuantityValue(quantity::Quantity q) { return Value::Opaque(std::make_shared<const FallbackQuantity>(std::move(q))); }
#else
Value QuantityValue(quantity::Quantity q) { return MakeQuantityValue(std::move(q)); }
#endif

StatusOr<Value> SemverValue(const std::string& text) {
#if ALLOT_CEL_HAVE_SEMVER
  return ParseSemverValue(text);
#else
  (void)text;
  return UnimplementedError("semver library not linked");
#endif
}

std::pair<std::string, std::string> SplitName(const std::string& driver, const std::string& name) {
  size_t slash = name.find('/');
  if (slash == std::string::npos) return {driver, name};
  return {name.substr(0, slash), name.substr(slash + 1)};
}

}  // namespace

struct Device::Impl {
  std::string driver;
  StringKeyMap empty;
  StringKeyMap attributes;
  StringKeyMap capacity;
  StringKeyMap root;
};

Device::~Device() = default;

const std::string& Device::driver() const { return impl_->driver; }

std::shared_ptr<const Device> Device::Prepare(DeviceInput input) {
  auto d = std::shared_ptr<Device>(new Device());
  d->impl_ = std::make_unique<Impl>();
  Impl& impl = *d->impl_;
  impl.driver = std::move(input.driver);
  impl.attributes.set_default(&impl.empty);
  impl.capacity.set_default(&impl.empty);

  auto version_value = [&](const std::string& name, const Version& v) -> Value {
    StatusOr<Value> sv = SemverValue(v.text);
    if (!sv.ok()) {
      if (d->prepare_error_.empty()) {
        d->prepare_error_ = "attribute " + name + ": parse semantic version: " + std::string(sv.status().message());
      }
      return Value::Null();
    }
    return *sv;
  };

  for (auto& [name, attr] : input.attributes) {
    auto [domain, id] = SplitName(impl.driver, name);
    Value v;
    if (const auto* i = std::get_if<int64_t>(&attr)) {
      v = Value::Int(*i);
    } else if (const auto* b = std::get_if<bool>(&attr)) {
      v = Value::Bool(*b);
    } else if (const auto* s = std::get_if<std::string>(&attr)) {
      v = Value::String(*s);
    } else if (const auto* ver = std::get_if<Version>(&attr)) {
      v = version_value(name, *ver);
    } else if (const auto* is = std::get_if<std::vector<int64_t>>(&attr)) {
      std::vector<Value> l;
      for (int64_t x : *is) l.push_back(Value::Int(x));
      v = Value::ListOf(std::move(l));
    } else if (const auto* bs = std::get_if<std::vector<bool>>(&attr)) {
      std::vector<Value> l;
      for (bool x : *bs) l.push_back(Value::Bool(x));
      v = Value::ListOf(std::move(l));
    } else if (const auto* ss = std::get_if<std::vector<std::string>>(&attr)) {
      std::vector<Value> l;
      for (const auto& x : *ss) l.push_back(Value::String(x));
      v = Value::ListOf(std::move(l));
    } else if (const auto* vs = std::get_if<std::vector<Version>>(&attr)) {
      std::vector<Value> l;
      for (const auto& x : *vs) l.push_back(version_value(name, x));
      v = Value::ListOf(std::move(l));
    }
    impl.attributes.Child(domain)->Set(id, std::move(v));
  }
  for (auto& [name, q] : input.capacity) {
    auto [domain, id] = SplitName(impl.driver, name);
    impl.capacity.Child(domain)->Set(id, QuantityValue(std::move(q)));
  }
  impl.root.Set("driver", Value::StringView(impl.driver));
  impl.root.Set("attributes", Value::MapView(&impl.attributes));
  impl.root.Set("capacity", Value::MapView(&impl.capacity));
  impl.root.Set("allowMultipleAllocations", Value::Bool(input.allow_multiple_allocations.value_or(false)));
  d->value_ = Value::MapView(&impl.root);
  return d;
}

}  // namespace allot::cel
