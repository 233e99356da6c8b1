#include "core/cel/fold.h"

#include <vector>

#include "core/cel/checker.h"
#include "core/cel/interpreter.h"
#include "core/cel/program.h"

namespace allot::cel {
namespace {

bool AllConst(const Expr& e) {
  if (e.operand && e.operand->kind != ExprKind::kConst) return false;
  for (const auto& a : e.args) {
    if (a->kind != ExprKind::kConst) return false;
  }
  return true;
}

void MakeConst(Expr& e, Value v, uint64_t cost) {
  e.kind = ExprKind::kConst;
  e.constant = DetachValue(v);
  e.folded_cost = cost;
  e.operand.reset();
  e.args.clear();
  e.overloads.clear();
  e.prepared.clear();
}

void Fold(Expr& e) {
  if (e.operand) Fold(*e.operand);
  for (auto& a : e.args) Fold(*a);
  for (auto& en : e.entries) {
    Fold(*en.key);
    Fold(*en.value);
  }
  if (e.comp) {
    Fold(*e.comp->range);
    Fold(*e.comp->init);
    Fold(*e.comp->cond);
    Fold(*e.comp->step);
    Fold(*e.comp->result);
  }
  if (e.kind == ExprKind::kList && e.optional_elements.empty() && !e.args.empty() && AllConst(e)) {
    // Evaluate through the interpreter so the list gets the same shape and cost as at run time.
    EvalState st;
    Value v = Evaluate(e, st);
    if (!v.is_error()) MakeConst(e, v, st.cost);
    return;
  }
  if (e.kind != ExprKind::kCall || e.builtin != kBuiltinNone || e.overloads.empty() || !AllConst(e)) return;
  EvalState st;
  Value v = Evaluate(e, st);
  if (v.is_error()) return;
  MakeConst(e, v, st.cost);
}

}  // namespace

void FoldConstants(Expr& root) { Fold(root); }

}  // namespace allot::cel
