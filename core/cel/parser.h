// CEL parser: source text -> AST with macros expanded (cel.md 2.2).
//
// Recursive descent with CEL precedence. Macros (has, all, exists, exists_one, map, filter, cel.bind,
// optMap, optFlatMap and the two-variable comprehensions) are expanded at parse time into the same
// comprehension shapes as cel-go, so cost estimation matches. Errors are collected as issues with byte
// offsets; the parser stops at the first syntax error. Nesting is limited (kMaxRecursionDepth) so hostile
// input cannot exhaust the stack.
//
// Thread safety: ParseExpression is a pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/cel/ast.h"

namespace allot::cel {

struct Issue {
  int32_t offset = 0;  // byte offset in the source
  std::string message;
};

struct ParseResult {
  ExprPtr root;               // null when issues is non-empty
  std::vector<Issue> issues;
  ExprFactory factory;        // for nodes created later (ids continue)
};

inline constexpr int kMaxRecursionDepth = 250;
// Maximum depth of the expanded AST (left-associative operator and member chains nest one level per
// term); keeps the recursive checker, estimator and evaluator far from the thread stack limit.
inline constexpr int kMaxAstDepth = 500;
inline constexpr char kAccumulatorName[] = "@result";

ParseResult ParseExpression(std::string_view source);

// Deep copy of an expression with fresh ids (used by macro expansion).
ExprPtr CloneExpr(const Expr& e, ExprFactory& factory);

// Formats issues the way cel-go does:
// "ERROR: <input>:L:C: message\n | source line\n | ....^", issues separated by newlines.
std::string FormatIssues(std::string_view source, const std::vector<Issue>& issues);

}  // namespace allot::cel
