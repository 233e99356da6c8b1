#include "core/cel/program.h"

#include <array>
#include <utility>
#include <vector>

#include "core/cel/checker.h"
#include "core/cel/cost.h"
#include "core/cel/fold.h"
#include "core/cel/interpreter.h"
#include "core/cel/parser.h"

namespace allot::cel {

StatusOr<std::shared_ptr<const Program>> Program::Compile(std::string_view expression,
                                                          std::shared_ptr<const Environment> env,
                                                          bool disable_check) {
  if (env == nullptr) return InvalidArgumentError("no CEL environment");
  ParseResult parsed = ParseExpression(expression);
  if (!parsed.issues.empty()) return InvalidArgumentError(FormatIssues(expression, parsed.issues));
  CheckResult checked = Check(*parsed.root, *env, disable_check);
  if (!checked.issues.empty()) return InvalidArgumentError(FormatIssues(expression, checked.issues));
  auto program = std::shared_ptr<Program>(new Program());
  program->expression_ = std::string(expression);
  program->cost_ = EstimateCost(*parsed.root, *env);
  FoldConstants(*parsed.root);
  program->root_ = std::move(parsed.root);
  program->frame_size_ = checked.frame_size;
  program->env_ = std::move(env);
  return std::shared_ptr<const Program>(std::move(program));
}

Value Program::Evaluate(std::span<const Value> variables, uint64_t cost_limit, uint64_t* actual_cost) const {
  EvalState st;
  st.variables = variables;
  st.cost_limit = cost_limit;
  auto run = [&](Value* slots, const Expr** lazy) {
    st.slots = slots;
    st.lazy = lazy;
    Value r = cel::Evaluate(*root_, st);
    if (actual_cost != nullptr) *actual_cost = st.cost;
    if (st.cost_exceeded) return Value::Error(kCostLimitError);
    return r;
  };
  if (frame_size_ == 0) return run(nullptr, nullptr);
  if (frame_size_ <= 16) {
    std::array<Value, 16> small;
    std::array<const Expr*, 16> lazy{};
    return run(small.data(), lazy.data());
  }
  std::vector<Value> big(static_cast<size_t>(frame_size_));
  std::vector<const Expr*> lazy(static_cast<size_t>(frame_size_), nullptr);
  return run(big.data(), lazy.data());
}

Value DetachValue(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: return Value::String(std::string(v.string_value()));
    case ValueKind::kBytes: return Value::Bytes(std::string(v.bytes_value()));
    case ValueKind::kType: return Value::TypeName(v.type_value());
    case ValueKind::kList: {
      std::vector<Value> out;
      const ListValue& l = v.list_value();
      for (size_t i = 0; i < l.size(); ++i) out.push_back(DetachValue(l.Get(i)));
      return Value::ListOf(std::move(out));
    }
    case ValueKind::kMap: {
      std::vector<std::pair<Value, Value>> out;
      const MapValue& m = v.map_value();
      for (size_t i = 0; i < m.size(); ++i) out.emplace_back(DetachValue(m.KeyAt(i)), DetachValue(m.ValueAt(i)));
      return Value::MapOf(std::move(out));
    }
    case ValueKind::kOptional:
      return v.optional_has_value() ? Value::OptionalOf(DetachValue(v.optional_value())) : v;
    default: return v;
  }
}

StatusOr<Value> EvaluateForTest(std::string_view expression, bool disable_check) {
  auto env = Environment::Base();
  if (env == nullptr) return InternalError("base environment failed to build");
  auto program = Program::Compile(expression, env, disable_check);
  if (!program.ok()) return program.status();
  return DetachValue((*program)->Evaluate({}));
}

}  // namespace allot::cel
