// Static cost estimation of a checked expression, reproducing cel-go's checker/cost.go model with the
// environment's size estimator (Kubernetes' DRA sizes) and the overloads' estimate hooks.
//
// Thread safety: EstimateCost is a pure function of the tree and the environment.
#pragma once

#include "core/cel/ast.h"
#include "core/cel/env.h"
#include "core/cel/function_registry.h"

namespace allot::cel {

CostEstimate EstimateCost(const Expr& root, const Environment& env);

}  // namespace allot::cel
