// The Kubernetes semver library (apiserver pkg/cel/library/semverlib.go, version 1) over
// allot::quantity::Semver.
//
// semver(string), semver(string, bool normalize), isSemver(string), isSemver(string, bool), and the
// receiver-style major, minor, patch (uint64 cast to int64 without a range check, as upstream),
// isGreaterThan, isLessThan, compareTo. Costs: semver/isSemver ceil(0.1 × len), others 1.
//
// Thread safety: stateless functions over immutable values.
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "core/cel/functions/libraries.h"
#include "core/quantity/semver.h"

namespace allot::cel {
namespace {

constexpr std::string_view kSemverTypeName = "kubernetes.Semver";

class SemverValue final : public OpaqueValue {
 public:
  explicit SemverValue(quantity::Semver v) : v_(std::move(v)) {}
  std::string_view type_name() const override { return kSemverTypeName; }
  bool Equals(const OpaqueValue& other) const override {
    return v_.Compare(static_cast<const SemverValue&>(other).v_) == 0;
  }
  std::string DebugString() const override { return "semver(\"" + v_.ToString() + "\")"; }
  const quantity::Semver& v() const { return v_; }

 private:
  quantity::Semver v_;
};

bool IsSemverArg(const Value& v) { return v.AsOpaque(kSemverTypeName) != nullptr; }
const quantity::Semver& V(const Value& v) { return static_cast<const SemverValue&>(v.opaque_value()).v(); }

Value MakeSemver(quantity::Semver v) { return Value::Opaque(std::make_shared<const SemverValue>(std::move(v))); }

StatusOr<quantity::Semver> ParseArgs(std::span<const Value> args) {
  bool normalize = args.size() > 1 && args[1].is_bool() && args[1].bool_value();
  return normalize ? quantity::Semver::ParseNormalized(args[0].string_value())
                   : quantity::Semver::Parse(args[0].string_value());
}

Value StringToSemver(std::span<const Value> args, const CallContext&) {
  if (!args[0].is_string() || (args.size() > 1 && !args[1].is_bool())) return Value::NoSuchOverload();
  StatusOr<quantity::Semver> v = ParseArgs(args);
  if (!v.ok()) return Value::Error(std::string(v.status().message()));
  return MakeSemver(*std::move(v));
}

Value IsSemver(std::span<const Value> args, const CallContext&) {
  if (!args[0].is_string() || (args.size() > 1 && !args[1].is_bool())) return Value::NoSuchOverload();
  return Value::Bool(ParseArgs(args).ok());
}

Value Major(std::span<const Value> args, const CallContext&) {
  if (!IsSemverArg(args[0])) return Value::NoSuchOverload();
  return Value::Int(static_cast<int64_t>(V(args[0]).major()));
}
Value Minor(std::span<const Value> args, const CallContext&) {
  if (!IsSemverArg(args[0])) return Value::NoSuchOverload();
  return Value::Int(static_cast<int64_t>(V(args[0]).minor()));
}
Value Patch(std::span<const Value> args, const CallContext&) {
  if (!IsSemverArg(args[0])) return Value::NoSuchOverload();
  return Value::Int(static_cast<int64_t>(V(args[0]).patch()));
}

Value IsGreaterThan(std::span<const Value> args, const CallContext&) {
  if (!IsSemverArg(args[0]) || !IsSemverArg(args[1])) return Value::NoSuchOverload();
  return Value::Bool(V(args[0]).Compare(V(args[1])) == 1);
}
Value IsLessThan(std::span<const Value> args, const CallContext&) {
  if (!IsSemverArg(args[0]) || !IsSemverArg(args[1])) return Value::NoSuchOverload();
  return Value::Bool(V(args[0]).Compare(V(args[1])) == -1);
}
Value CompareTo(std::span<const Value> args, const CallContext&) {
  if (!IsSemverArg(args[0]) || !IsSemverArg(args[1])) return Value::NoSuchOverload();
  return Value::Int(V(args[0]).Compare(V(args[1])));
}

CallEstimate ParseEstimate(std::span<const SizeEstimate> sizes) {
  CallEstimate e;
  e.cost = {StringTraversalCost(sizes[0].min), StringTraversalCost(sizes[0].max)};
  return e;
}
uint64_t ParseRuntimeCost(std::span<const Value> args, const Value&) { return StringTraversalCost(ActualSize(args[0])); }

}  // namespace

StatusOr<Value> ParseSemverValue(std::string_view text) {
  StatusOr<quantity::Semver> v = quantity::Semver::Parse(text);
  if (!v.ok()) return v.status();
  return MakeSemver(*std::move(v));
}

Status RegisterSemverLibrary(FunctionRegistry& r) {
  const Type st = Type::Semver(), str = Type::String(), b = Type::Bool();
  const OverloadHooks parse_cost = {.estimate_cost = &ParseEstimate, .runtime_cost = &ParseRuntimeCost};
  OverloadAdder add(r);
  add.Global("semver", "string_to_semver", {str}, st, &StringToSemver, parse_cost);
  add.Global("semver", "string_bool_to_semver", {str, b}, st, &StringToSemver, parse_cost);
  add.Global("isSemver", "is_semver_string", {str}, b, &IsSemver, parse_cost);
  add.Global("isSemver", "is_semver_string_bool", {str, b}, b, &IsSemver, parse_cost);
  add.Member("major", "semver_major", {st}, Type::Int(), &Major);
  add.Member("minor", "semver_minor", {st}, Type::Int(), &Minor);
  add.Member("patch", "semver_patch", {st}, Type::Int(), &Patch);
  add.Member("isGreaterThan", "semver_is_greater_than", {st, st}, b, &IsGreaterThan);
  add.Member("isLessThan", "semver_is_less_than", {st, st}, b, &IsLessThan);
  add.Member("compareTo", "semver_compare_to", {st, st}, Type::Int(), &CompareTo);
  return add.status();
}

}  // namespace allot::cel
