// The Kubernetes semver library (apiserver pkg/cel/library/semverlib.go, version 1) over
// allot::quantity::Semver.
//
// semver(string), semver(string, bool normalize), isSemver(string), isSemver(string, bool), and the
// receiver-style major, minor, patch (uint64 cast to int64 without a range check, as upstream),
// isGreaterThan, isLessThan, compareTo. Costs: semver/isSemver ceil(0.1 × len), others 1.
//
// Thread safety: stateless functions over immutable values.
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/cel/functions/libraries.h"
#include "core/cel/functions/library_support.h"
#include "core/quantity/semver.h"

namespace allot::cel {
namespace {

struct SemverTag {
  static constexpr std::string_view kTypeName = "kubernetes.Semver";
  static constexpr std::string_view kConstructor = "semver";
};
using SemverValue = ComparableOpaqueValue<quantity::Semver, SemverTag>;

bool IsSemverArg(const Value& v) { return SemverValue::Is(v); }
const quantity::Semver& V(const Value& v) { return SemverValue::Of(v); }

StatusOr<quantity::Semver> ParseArgs(std::span<const Value> args) {
  bool normalize = args.size() > 1 && args[1].is_bool() && args[1].bool_value();
  return normalize ? quantity::Semver::ParseNormalized(args[0].string_value())
                   : quantity::Semver::Parse(args[0].string_value());
}

Value StringToSemver(std::span<const Value> args, const CallContext&) {
  if (!args[0].is_string() || (args.size() > 1 && !args[1].is_bool())) return Value::NoSuchOverload();
  StatusOr<quantity::Semver> v = ParseArgs(args);
  if (!v.ok()) return Value::Error(std::string(v.status().message()));
  return SemverValue::Make(*std::move(v));
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

}  // namespace

StatusOr<Value> ParseSemverValue(std::string_view text) {
  StatusOr<quantity::Semver> v = quantity::Semver::Parse(text);
  if (!v.ok()) return v.status();
  return SemverValue::Make(*std::move(v));
}

Status RegisterSemverLibrary(FunctionRegistry& r) {
  const Type st = Type::Semver(), str = Type::String(), b = Type::Bool();
  OverloadAdder add(r);
  add.Global("semver", "string_to_semver", {str}, st, &StringToSemver, kStringParseCostHooks);
  add.Global("semver", "string_bool_to_semver", {str, b}, st, &StringToSemver, kStringParseCostHooks);
  add.Global("isSemver", "is_semver_string", {str}, b, &IsSemver, kStringParseCostHooks);
  add.Global("isSemver", "is_semver_string_bool", {str, b}, b, &IsSemver, kStringParseCostHooks);
  add.Member("major", "semver_major", {st}, Type::Int(), &Major);
  add.Member("minor", "semver_minor", {st}, Type::Int(), &Minor);
  add.Member("patch", "semver_patch", {st}, Type::Int(), &Patch);
  add.Member("isGreaterThan", "semver_is_greater_than", {st, st}, b, &SemverValue::IsGreaterThan);
  add.Member("isLessThan", "semver_is_less_than", {st, st}, b, &SemverValue::IsLessThan);
  add.Member("compareTo", "semver_compare_to", {st, st}, Type::Int(), &SemverValue::CompareTo);
  return add.status();
}

}  // namespace allot::cel
