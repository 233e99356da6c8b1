// CEL type checker: annotates a parsed AST in place (types, identifier bindings, frame slots, candidate
// overloads, compile-time prepared state) and reports every issue with its position, in cel-go wording
// ("undeclared reference to 'x' (in container '')", "found no matching overload for '_+_' applied to
// '(int, string)'", "undefined field 'foo'", "expected type 'int' but found 'string'").
//
// Thread safety: Check mutates only the given tree; the environment is read-only.
#pragma once

#include <vector>

#include "core/cel/ast.h"
#include "core/cel/env.h"
#include "core/cel/parser.h"

namespace allot::cel {

// Engine-implemented call forms (Expr::builtin).
enum Builtin : int {
  kBuiltinNone = -1,
  kBuiltinAnd = 0,
  kBuiltinOr,
  kBuiltinTernary,
  kBuiltinNotStrictlyFalse,
  kBuiltinIndex,
  kBuiltinOptIndex,
  kBuiltinOptSelect,
  kBuiltinOptOr,
  kBuiltinOptOrValue,
};

struct CheckResult {
  std::vector<Issue> issues;
  int frame_size = 0;  // number of local slots an evaluation needs
};

// With `lenient` (cel-spec's disableCheck), types are not enforced: every expression is treated as dyn,
// no issue is reported, and unresolved identifiers become runtime errors.
CheckResult Check(Expr& root, const Environment& env, bool lenient = false);

}  // namespace allot::cel
