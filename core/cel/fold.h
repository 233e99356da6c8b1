// Constant folding (the planner step): calls of library/standard functions whose receiver and arguments
// are all literals, and list literals of literals, are evaluated once at compile time and replaced by a
// literal that remembers the runtime cost it stands for (so actual-cost accounting is unchanged). Runs
// after cost estimation, which must see the original tree. Calls that produce an error are left alone
// so the error still happens at evaluation time.
//
// Thread safety: mutates only the given tree.
#pragma once

#include "core/cel/ast.h"

namespace allot::cel {

void FoldConstants(Expr& root);

}  // namespace allot::cel
