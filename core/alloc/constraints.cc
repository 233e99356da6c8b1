#include "core/alloc/constraints.h"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <utility>
#include <variant>

namespace allot::alloc {
namespace {

bool Applies(const std::vector<std::string>& names, const std::string& request, const std::string& subrequest) {
  if (names.empty()) return true;
  for (const auto& n : names) {
    if (n == request) return true;
    if (!subrequest.empty() && n.size() == request.size() + 1 + subrequest.size() && n.compare(0, request.size(), request) == 0 &&
        n[request.size()] == '/' && n.compare(request.size() + 1, std::string::npos, subrequest) == 0) {
      return true;
    }
  }
  return false;
}

// A constraint's attribute name, split once: Device::FindAttribute without the per-call split
// and in one pass (an exact key match wins over the bare id, which counts only when the
// domain is the device's driver).
struct AttributeName {
  explicit AttributeName(std::string name) : full(std::move(name)), slash(full.find('/')) {}

  const model::Attribute* Find(const model::Device& device, const std::string& driver) const {
    const bool try_id = slash != std::string::npos && driver.size() == slash && full.compare(0, slash, driver) == 0;
    const std::string_view id = try_id ? std::string_view(full).substr(slash + 1) : std::string_view();
    const model::Attribute* by_id = nullptr;
    for (const auto& a : device.attributes) {
      if (a.key == full) return &a;
      if (try_id && by_id == nullptr && a.key == id) by_id = &a;
    }
    return by_id;
  }

  std::string full;
  size_t slash;
};

bool IsList(const cel::AttributeValue& v) { return v.index() >= 4; }

// Scalar equality: same alternative, same value (versions compare as strings).
bool ScalarEqual(const cel::AttributeValue& a, const cel::AttributeValue& b) {
  if (a.index() != b.index()) return false;
  switch (a.index()) {
    case 0:
      return std::get<0>(a) == std::get<0>(b);
    case 1:
      return std::get<1>(a) == std::get<1>(b);
    case 2:
      return std::get<2>(a) == std::get<2>(b);
    case 3:
      return std::get<3>(a).text == std::get<3>(b).text;
    default:
      return false;
  }
}

// Set form for list mode: element kind (0 int, 1 bool, 2 string, 3 version) + canonical strings.
struct ValueSet {
  int kind = -1;
  std::vector<std::string> elems;  // sorted, unique
};

ValueSet ToSet(const cel::AttributeValue& v) {
  ValueSet s;
  auto add = [&](std::string e) { s.elems.push_back(std::move(e)); };
  switch (v.index()) {
    case 0: s.kind = 0; add(std::to_string(std::get<0>(v))); break;
    case 1: s.kind = 1; add(std::get<1>(v) ? "true" : "false"); break;
    case 2: s.kind = 2; add(std::get<2>(v)); break;
    case 3: s.kind = 3; add(std::get<3>(v).text); break;
    case 4: s.kind = 0; for (int64_t x : std::get<4>(v)) add(std::to_string(x)); break;
    case 5: s.kind = 1; for (bool x : std::get<5>(v)) add(x ? "true" : "false"); break;
    case 6: s.kind = 2; for (const auto& x : std::get<6>(v)) add(x); break;
    case 7: s.kind = 3; for (const auto& x : std::get<7>(v)) add(x.text); break;
    default: break;
  }
  std::sort(s.elems.begin(), s.elems.end());
  s.elems.erase(std::unique(s.elems.begin(), s.elems.end()), s.elems.end());
  return s;
}

ValueSet Intersect(const ValueSet& a, const ValueSet& b) {
  ValueSet out;
  out.kind = a.kind;
  std::set_intersection(a.elems.begin(), a.elems.end(), b.elems.begin(), b.elems.end(),
                        std::back_inserter(out.elems));
  return out;
}

// What matchAttribute and distinctAttribute share: the requests they apply to, the attribute
// they look up, the mode, and the first steps of Add() and Remove(). Add() skips requests the
// constraint does not apply to (true), refuses devices without the attribute (false) and, in
// scalar mode, list values (false); it then hands the value to `Derived`:
//
//   bool AddSet(const std::string& request, ValueSet set);                    // list mode
//   bool AddScalar(const std::string& request, const cel::AttributeValue& v);  // scalar mode
//   void RemoveApplied(const std::string& request);                           // Remove() that applies
//
// The hooks are called statically (CRTP): Add() and Remove() cost the one virtual call of the
// Constraint interface and nothing more.
template <typename Derived>
class AttributeConstraint : public Constraint {
 public:
  AttributeConstraint(std::vector<std::string> requests, std::string attribute, bool list_mode)
      : requests_(std::move(requests)), attribute_(std::move(attribute)), list_mode_(list_mode) {}

  bool Add(const std::string& request, const std::string& subrequest, const model::Device& device,
           const std::string& driver) final {
    if (!Applies(requests_, request, subrequest)) return true;
    const model::Attribute* attr = attribute_.Find(device, driver);
    if (attr == nullptr || !attr->value) return false;
    if (list_mode_) return derived().AddSet(request, ToSet(*attr->value));
    if (IsList(*attr->value)) return false;
    return derived().AddScalar(request, *attr->value);
  }

  void Remove(const std::string& request, const std::string& subrequest) final {
    if (!Applies(requests_, request, subrequest)) return;
    derived().RemoveApplied(request);
  }

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }

  std::vector<std::string> requests_;
  AttributeName attribute_;
  bool list_mode_;
};

class MatchAttribute final : public AttributeConstraint<MatchAttribute> {
 public:
  using AttributeConstraint::AttributeConstraint;

 private:
  friend class AttributeConstraint<MatchAttribute>;

  // List mode keeps one intersection per accepted device (1.37: a stack), so Remove() restores the
  // intersection from before the last Add() and backtracking can widen it again.
  bool AddSet(const std::string& /*request*/, ValueSet set) {
    if (num_devices_ == 0) {
      intersections_.clear();
      intersections_.push_back(std::move(set));
      num_devices_ = 1;
      return true;
    }
    const ValueSet& current = intersections_.back();
    if (set.kind != current.kind) return false;
    ValueSet narrowed = Intersect(current, set);
    if (narrowed.elems.empty()) return false;
    intersections_.push_back(std::move(narrowed));
    ++num_devices_;
    return true;
  }

  bool AddScalar(const std::string& /*request*/, const cel::AttributeValue& value) {
    if (num_devices_ == 0) {
      value_ = &value;
      num_devices_ = 1;
      return true;
    }
    if (!ScalarEqual(*value_, value)) return false;
    ++num_devices_;
    return true;
  }

  void RemoveApplied(const std::string& /*request*/) {
    --num_devices_;
    if (!intersections_.empty()) intersections_.pop_back();
  }

  int num_devices_ = 0;
  // The first device's value (devices live in the snapshot, which outlives the search).
  const cel::AttributeValue* value_ = nullptr;
  std::vector<ValueSet> intersections_;  // list mode: back() is the current intersection
};

// 1.37 remembers the value of every accepted device (a stack; Remove() drops the most recent), so a
// request with count > 1 cannot repeat a value its earlier devices have (1.36 kept one value per request).
class DistinctAttribute final : public AttributeConstraint<DistinctAttribute> {
 public:
  using AttributeConstraint::AttributeConstraint;

 private:
  friend class AttributeConstraint<DistinctAttribute>;

  bool AddSet(const std::string& /*request*/, ValueSet set) {
    for (const ValueSet& stored : sets_) {
      if (stored.kind == set.kind && !Intersect(stored, set).elems.empty()) return false;
    }
    sets_.push_back(std::move(set));
    return true;
  }

  bool AddScalar(const std::string& /*request*/, const cel::AttributeValue& value) {
    for (const cel::AttributeValue* stored : values_) {
      if (ScalarEqual(*stored, value)) return false;
    }
    values_.push_back(&value);
    return true;
  }

  // Only one of the two stacks is used (the mode is fixed per constraint).
  void RemoveApplied(const std::string& /*request*/) {
    if (!values_.empty()) values_.pop_back();
    if (!sets_.empty()) sets_.pop_back();
  }

  // Values point into devices of the snapshot, which outlives the search.
  std::vector<const cel::AttributeValue*> values_;
  std::vector<ValueSet> sets_;
};

}  // namespace

std::unique_ptr<Constraint> MakeMatchAttribute(std::vector<std::string> requests, std::string attribute,
                                               bool list_mode) {
  return std::make_unique<MatchAttribute>(std::move(requests), std::move(attribute), list_mode);
}

std::unique_ptr<Constraint> MakeDistinctAttribute(std::vector<std::string> requests, std::string attribute,
                                                  bool list_mode) {
  return std::make_unique<DistinctAttribute>(std::move(requests), std::move(attribute), list_mode);
}

}  // namespace allot::alloc
