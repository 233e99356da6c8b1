// How functions (standard and library) are declared to the CEL checker, cost estimator and evaluator.
//
// A function is a name with overloads. Each overload says whether it is receiver-style (`x.f(y)`) or
// global (`f(x, y)`); the two never mix (a global overload never matches `x.f()`). `params` lists the
// argument types, the receiver first for receiver-style overloads. Type parameters (Type::Param("A"))
// unify across params and result, as in cel-go (`_==_` is `(A, A) -> bool`).
//
// At run time the evaluator calls `impl` with the evaluated arguments (receiver first), after checking
// that no argument is an error (errors propagate without calling `impl`) and that the argument kinds
// match the overload's params (dyn/type params match anything; list(T) matches any list, ...). When
// several overloads were possible at check time (dyn arguments), the first one whose params match the
// runtime kinds is called; if none matches the result is the error "no such overload".
//
// Cost: the estimated cost (checker) and the actual cost (evaluator) of a call are 1 unless the overload
// supplies hooks; the arguments' own costs are added by the engine. The hooks reproduce the Kubernetes
// cost model (apiserver pkg/cel/library/cost.go), e.g. `quantity(s)` costs ceil(0.1 * len(s)).
//
// Compile-time preparation: an overload may supply `prepare`, called once when the program is built
// with the arguments that are constant literals (nullptr for the others). Its result is handed to every
// call as CallContext::prepared (e.g. a compiled RE2 for a literal pattern). A non-OK Status from
// `prepare` is a compile error (text as returned).
//
// Thread safety: a FunctionRegistry is built once (single thread) and then read-only; `impl` and the hooks
// must be thread-safe (they are called concurrently from many evaluations) and must not throw.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/cel/types.h"
#include "core/cel/value.h"
#include "base/status.h"

namespace allot::cel {

// Estimated size of a value: string length in code points, bytes length, list/map entry count.
struct SizeEstimate {
  uint64_t min = 0;
  uint64_t max = UINT64_MAX;
};

struct CostEstimate {
  uint64_t min = 0;
  uint64_t max = 0;
};

// What the estimate hook returns: the cost of the call itself (without its arguments), and optionally
// the size of its result (for strings/lists; unknown → unbounded).
struct CallEstimate {
  CostEstimate cost{1, 1};
  std::optional<SizeEstimate> result_size;
};

// Argument information available to the estimate hook: size estimate per argument (receiver first).
using EstimateCostFn = CallEstimate (*)(std::span<const SizeEstimate> arg_sizes);

// Actual cost of one call given the evaluated arguments (receiver first) and the result.
using RuntimeCostFn = uint64_t (*)(std::span<const Value> args, const Value& result);

// Per-call context.
struct CallContext {
  const void* prepared = nullptr;  // the object returned by Overload::prepare, or nullptr
};

// The implementation. Must return a Value (an error Value for failures, e.g. Value::Error("...")).
using FunctionImpl = Value (*)(std::span<const Value> args, const CallContext& ctx);

// Compile-time preparation; `constant_args[i]` is non-null iff argument i is a literal.
using PrepareFn = StatusOr<std::shared_ptr<const void>> (*)(std::span<const Value* const> constant_args);

struct Overload {
  std::string function;          // CEL function name: "isGreaterThan", "quantity", "find", ...
  std::string id;                // unique overload id, e.g. "quantity_is_greater_than"
  bool receiver_style = false;   // x.f(...) when true, f(...) when false
  std::vector<Type> params;      // receiver first when receiver_style
  Type result;
  FunctionImpl impl = nullptr;
  EstimateCostFn estimate_cost = nullptr;  // nullptr: cost 1, result size unknown
  RuntimeCostFn runtime_cost = nullptr;    // nullptr: cost 1
  PrepareFn prepare = nullptr;             // nullptr: no preparation
};

// The set of functions known to an environment.
class FunctionRegistry {
 public:
  // Adds an overload. InvalidArgument if the id is already registered, impl is null, or a
  // receiver-style overload has no params.
  Status Add(Overload overload);

  // All overloads of `function` with the given call style, in registration order (empty if none).
  const std::vector<const Overload*>& Find(std::string_view function, bool receiver_style) const;

  // True if any overload (either style) has this name.
  bool HasFunction(std::string_view function) const;

  const Overload* FindById(std::string_view id) const;

 private:
  std::vector<std::unique_ptr<Overload>> overloads_;
  std::unordered_map<std::string, std::vector<const Overload*>> global_;
  std::unordered_map<std::string, std::vector<const Overload*>> member_;
  std::unordered_map<std::string, const Overload*> by_id_;
};

// The optional parts of an overload beyond its implementation (see Overload); each defaults to none.
// Written with designated initializers: {.estimate_cost = &E, .runtime_cost = &R}.
struct OverloadHooks {
  EstimateCostFn estimate_cost = nullptr;
  RuntimeCostFn runtime_cost = nullptr;
  PrepareFn prepare = nullptr;
};

// The one way the standard library and the libraries in functions/ declare overloads. Every call takes
// the same arguments in the same order:
//
//   (function, id, params (receiver first), result, impl, hooks)
//
// Example:
//   const Type qt = Type::Quantity();
//   OverloadAdder add(registry);
//   add.Global("quantity", "string_to_quantity", {Type::String()}, qt, &StringToQuantity,
//              {.estimate_cost = &ParseEstimate, .runtime_cost = &ParseRuntimeCost});
//   add.Member("isGreaterThan", "quantity_is_greater_than", {qt, qt}, Type::Bool(), &IsGreaterThan);
//   return add.status();
//
// Errors: the first FunctionRegistry::Add failure is kept and every later call is ignored, so the registry
// keeps exactly the overloads added before it; status() returns it (OK when every Add succeeded). Return
// status() from the Register* function.
// Thread safety: not thread-safe; use it on the one thread that fills the registry (see the top of this
// file). The registry must outlive the adder.
class OverloadAdder {
 public:
  explicit OverloadAdder(FunctionRegistry& registry) : registry_(registry) {}
  OverloadAdder(const OverloadAdder&) = delete;
  OverloadAdder& operator=(const OverloadAdder&) = delete;

  // A global overload: f(params...).
  void Global(std::string function, std::string id, std::vector<Type> params, Type result, FunctionImpl impl,
              OverloadHooks hooks = {});
  // A receiver-style overload: params[0].f(params[1...]).
  void Member(std::string function, std::string id, std::vector<Type> params, Type result, FunctionImpl impl,
              OverloadHooks hooks = {});

  const Status& status() const { return status_; }

 private:
  void Add(bool receiver_style, std::string function, std::string id, std::vector<Type> params, Type result,
           FunctionImpl impl, OverloadHooks hooks);

  FunctionRegistry& registry_;
  Status status_;
};

// Cost helpers for library hooks (cel-go conventions).
// ceil(factor * size) with factor = num/den, e.g. StringTraversalCost(n) = ceil(0.1 * n).
inline uint64_t CeilScaled(uint64_t size, uint64_t num, uint64_t den) {
  if (size == UINT64_MAX) return UINT64_MAX;
  return (size * num + den - 1) / den;
}
inline uint64_t StringTraversalCost(uint64_t size) { return CeilScaled(size, 1, 10); }

// Size of a runtime value as the cost model sees it: code points of a string, bytes of bytes, entries of a
// list or map, 1 otherwise.
uint64_t ActualSize(const Value& v);

}  // namespace allot::cel
