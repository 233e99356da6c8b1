// A compiled CEL program: parse → check → cost estimate, kept as an immutable annotated tree that any
// number of threads evaluate concurrently.
//
// Thread safety: immutable after Compile; Evaluate is const and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/cel/ast.h"
#include "core/cel/env.h"
#include "core/cel/value.h"
#include "base/status.h"

namespace allot::cel {

class Program {
 public:
  // Compile errors: kInvalidArgument whose message is every issue in cel-go format
  // ("ERROR: <input>:1:5: undeclared reference to 'x' (in container '')\n | x\n | ....^").
  // `disable_check` evaluates without type checking (cel-spec's disableCheck vectors only).
  static StatusOr<std::shared_ptr<const Program>> Compile(std::string_view expression,
                                                          std::shared_ptr<const Environment> env,
                                                          bool disable_check = false);

  // Evaluates with the environment's variables bound to `variables` (by declaration index). The result
  // may borrow from this Program and from the variables; it is valid while both are alive. Cost-limit
  // exhaustion yields the error value "operation cancelled: actual cost limit exceeded".
  Value Evaluate(std::span<const Value> variables, uint64_t cost_limit = UINT64_MAX,
                 uint64_t* actual_cost = nullptr) const;

  const Type& result_type() const { return root_->type; }
  CostEstimate estimated_cost() const { return cost_; }
  const std::string& expression() const { return expression_; }
  const Environment& env() const { return *env_; }

 private:
  Program() = default;
  std::string expression_;
  std::shared_ptr<const Environment> env_;
  ExprPtr root_;
  int frame_size_ = 0;
  CostEstimate cost_;
};

// Deep-copies borrowed strings/bytes (recursively in lists, maps and optionals) so the value outlives
// its Program. Opaque views are kept as they are.
Value DetachValue(const Value& v);

// Compiles `expression` in the base environment and evaluates it (tests and the conformance CLI).
// Returns the compile error Status, or the (detached) result value, which may be an error value.
// Opaque results (quantity, semver) may view constants owned by the temporary Program and dangle:
// compare such results while a Program you own is alive.
StatusOr<Value> EvaluateForTest(std::string_view expression, bool disable_check = false);

}  // namespace allot::cel
