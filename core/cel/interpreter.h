// Tree-walking evaluator over a checked AST. Implements CEL's runtime semantics: strict functions
// propagate the first error argument; `&&`, `||`, `all`, `exists` absorb errors commutatively; `?:` is
// lazy; map lookups honour DRA's default (unknown domain → empty map); comprehension iteration;
// optional chaining; actual cost tracking with a limit (error "operation cancelled: actual cost limit
// exceeded", not absorbable).
//
// Thread safety: Evaluate only reads the tree; all mutable state is in the caller's EvalState.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/cel/ast.h"
#include "core/cel/value.h"

namespace allot::cel {

struct EvalState {
  std::span<const Value> variables;  // indexed by Environment variable index
  Value* slots = nullptr;            // frame for locals (size >= CheckResult::frame_size)
  const Expr** lazy = nullptr;       // per slot: a cel.bind initialiser not yet evaluated (same size)
  uint64_t cost = 0;
  uint64_t cost_limit = UINT64_MAX;
  bool cost_exceeded = false;
};

inline constexpr char kCostLimitError[] = "operation cancelled: actual cost limit exceeded";

Value Evaluate(const Expr& e, EvalState& st);

}  // namespace allot::cel
