#include "core/cel/cost.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/cel/checker.h"
#include "core/cel/parser.h"

namespace allot::cel {
namespace {

uint64_t AddSat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
uint64_t MulSat(uint64_t a, uint64_t b) { return (b != 0 && a > UINT64_MAX / b) ? UINT64_MAX : a * b; }
CostEstimate Add(CostEstimate a, CostEstimate b) { return {AddSat(a.min, b.min), AddSat(a.max, b.max)}; }
CostEstimate Union(CostEstimate a, CostEstimate b) {
  return {std::min(a.min, b.min), std::max(a.max, b.max)};
}
SizeEstimate Union(SizeEstimate a, SizeEstimate b) { return {std::min(a.min, b.min), std::max(a.max, b.max)}; }
const SizeEstimate kUnknown{0, UINT64_MAX};

struct EntrySize {
  bool is_list;
  SizeEstimate key;
  SizeEstimate val;
};

struct LocalVar {
  std::vector<std::string> path;
  std::optional<SizeEstimate> size;
  std::optional<EntrySize> entry;
};

uint64_t CodePoints(std::string_view s) {
  uint64_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

class Coster {
 public:
  explicit Coster(const Environment& env) : env_(env) {}

  CostEstimate Cost(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kConst: return {0, 0};
      case ExprKind::kIdent: {
        if (const LocalVar* v = Peek(e.name)) {
          paths_[e.id] = v->path;
        } else {
          paths_[e.id] = {e.name};
        }
        return {1, 1};
      }
      case ExprKind::kSelect: {
        if (e.test_only) return Cost(*e.operand);  // presence tests cost 0 in Kubernetes
        CostEstimate sum = Cost(*e.operand);
        TypeKind k = e.operand->type.kind();
        if (k == TypeKind::kMap || k == TypeKind::kObject || k == TypeKind::kTypeParam) sum = Add(sum, {1, 1});
        auto p = PathOf(*e.operand);
        p.push_back(e.name);
        paths_[e.id] = p;
        return sum;
      }
      case ExprKind::kCall: return CostCall(e);
      case ExprKind::kList: {
        CostEstimate sum{10, 10};
        SizeEstimate item{e.args.empty() ? 0 : UINT64_MAX, 0};
        for (const auto& a : e.args) {
          sum = Add(sum, Cost(*a));
          item = Union(item, SizeOrUnknown(*a));
        }
        entries_[e.id] = EntrySize{true, {1, 1}, item};
        return sum;
      }
      case ExprKind::kMap: {
        CostEstimate sum{30, 30};
        SizeEstimate ks{e.entries.empty() ? 0 : UINT64_MAX, 0}, vs = ks;
        for (const auto& en : e.entries) {
          sum = Add(sum, Cost(*en.key));
          sum = Add(sum, Cost(*en.value));
          ks = Union(ks, SizeOrUnknown(*en.key));
          vs = Union(vs, SizeOrUnknown(*en.value));
        }
        entries_[e.id] = EntrySize{false, ks, vs};
        return sum;
      }
      case ExprKind::kComprehension: return CostComprehension(e);
    }
    return {0, 0};
  }

 private:
  const LocalVar* Peek(const std::string& name) const {
    auto it = locals_.find(name);
    if (it == locals_.end() || it->second.empty()) return nullptr;
    return &it->second.back();
  }
  void Push(const std::string& name, LocalVar v) { locals_[name].push_back(std::move(v)); }
  void Pop(const std::string& name) { locals_[name].pop_back(); }

  std::vector<std::string> PathOf(const Expr& e) const {
    if (e.kind == ExprKind::kIdent) {
      if (const LocalVar* v = Peek(e.name)) return v->path;
    }
    auto it = paths_.find(e.id);
    return it == paths_.end() ? std::vector<std::string>{} : it->second;
  }

  std::optional<EntrySize> EntryOf(const Expr& e) const {
    auto it = entries_.find(e.id);
    if (it != entries_.end()) return it->second;
    if (e.kind == ExprKind::kIdent) {
      if (const LocalVar* v = Peek(e.name)) return v->entry;
    }
    return std::nullopt;
  }

  std::optional<SizeEstimate> Size(const Expr& e) {
    auto it = sizes_.find(e.id);
    if (it != sizes_.end()) return it->second;
    if (e.kind == ExprKind::kConst) {
      if (e.constant.is_string()) {
        uint64_t n = CodePoints(e.constant.string_value());
        return SizeEstimate{n, n};
      }
      if (e.constant.is_bytes()) return SizeEstimate{e.constant.bytes_value().size(), e.constant.bytes_value().size()};
    }
    if (e.kind == ExprKind::kList) return SizeEstimate{e.args.size(), e.args.size()};
    if (e.kind == ExprKind::kMap) return SizeEstimate{e.entries.size(), e.entries.size()};
    std::vector<std::string> path = PathOf(e);
    if (!path.empty() && path[0] != kAccumulatorName && env_.size_estimator() != nullptr) {
      if (auto s = env_.size_estimator()(path)) {
        sizes_[e.id] = *s;
        return s;
      }
    }
    // Scalars have size 1 (cel-go's isScalar); the Kubernetes estimator also prices `==` on its opaque
    // types (Quantity, Semver) at 1, which the same rule yields.
    const Type* t = &e.type;
    while (t->kind() == TypeKind::kOptional) t = &t->elem();
    switch (t->kind()) {
      case TypeKind::kBool:
      case TypeKind::kInt:
      case TypeKind::kUint:
      case TypeKind::kDouble:
      case TypeKind::kOpaque:
        return SizeEstimate{1, 1};
      default:
        break;
    }
    if (e.kind == ExprKind::kIdent) {
      if (const LocalVar* v = Peek(e.name); v != nullptr && v->size) return v->size;
    }
    return std::nullopt;
  }
  SizeEstimate SizeOrUnknown(const Expr& e) {
    auto s = Size(e);
    return s ? *s : kUnknown;
  }

  CostEstimate CostCall(const Expr& e) {
    if (e.name == "dyn" && !e.operand && e.args.size() == 1) {
      CostEstimate c = Add({1, 1}, Cost(*e.args[0]));
      if (auto s = Size(*e.args[0])) sizes_[e.id] = *s;
      if (auto en = EntryOf(*e.args[0])) entries_[e.id] = *en;
      return c;
    }
    std::vector<CostEstimate> arg_costs;
    for (const auto& a : e.args) arg_costs.push_back(Cost(*a));
    CostEstimate sum{0, 0};
    if (e.operand) sum = Add(sum, Cost(*e.operand));
    CostEstimate args_sum{0, 0};
    for (const auto& c : arg_costs) args_sum = Add(args_sum, c);

    switch (e.builtin) {
      case kBuiltinAnd:
      case kBuiltinOr:
        return {arg_costs[0].min, AddSat(arg_costs[0].max, arg_costs[1].max)};
      case kBuiltinTernary: {
        SizeEstimate s = Union(SizeOrUnknown(*e.args[1]), SizeOrUnknown(*e.args[2]));
        sizes_[e.id] = s;
        auto a = EntryOf(*e.args[1]);
        auto b = EntryOf(*e.args[2]);
        if (a && b) entries_[e.id] = EntrySize{a->is_list, Union(a->key, b->key), Union(a->val, b->val)};
        return Add(arg_costs[0], Union(arg_costs[1], arg_costs[2]));
      }
      case kBuiltinIndex:
      case kBuiltinOptIndex: {
        const Expr& c = *e.args[0];
        bool is_list = c.type.kind() == TypeKind::kList;
        auto p = PathOf(c);
        p.push_back(is_list ? "@items" : "@values");
        paths_[e.id] = p;
        if (auto en = EntryOf(c)) sizes_[e.id] = en->val;
        return Add(Add(sum, args_sum), {1, 1});
      }
      case kBuiltinOptSelect:
      case kBuiltinNotStrictlyFalse:
      case kBuiltinOptOr:
      case kBuiltinOptOrValue:
        return Add(Add(sum, args_sum), {1, 1});
      default:
        break;
    }
    if (e.overloads.empty()) return {0, 0};
    std::vector<SizeEstimate> sizes;
    if (e.operand) sizes.push_back(SizeOrUnknown(*e.operand));
    for (const auto& a : e.args) sizes.push_back(SizeOrUnknown(*a));
    CostEstimate fn{UINT64_MAX, 0};
    std::optional<SizeEstimate> result;
    for (const Overload* o : e.overloads) {
      CallEstimate ce;
      if (o->estimate_cost != nullptr) ce = o->estimate_cost(sizes);
      fn = Union(fn, ce.cost);
      if (ce.result_size) result = result ? Union(*result, *ce.result_size) : *ce.result_size;
      if (o->id == "add_list") {
        auto a = EntryOf(*e.args[0]);
        auto b = EntryOf(*e.args[1]);
        if (a && b) entries_[e.id] = EntrySize{true, Union(a->key, b->key), Union(a->val, b->val)};
      }
    }
    if (result) sizes_[e.id] = *result;
    return Add(Add(sum, args_sum), fn);
  }

  CostEstimate CostComprehension(const Expr& e) {
    const Comprehension& c = *e.comp;
    const bool is_bind = c.range->kind == ExprKind::kList && c.range->args.empty() &&
                         c.cond->kind == ExprKind::kConst && c.cond->constant.is_bool() &&
                         !c.cond->constant.bool_value() && c.accu_var != kAccumulatorName;
    CostEstimate sum = Add(Cost(*c.range), Cost(*c.init));
    Push(c.accu_var, LocalVar{PathOf(*c.init), Size(*c.init), EntryOf(*c.init)});
    if (is_bind) {
      sum = Add(sum, Cost(*c.result));
      Pop(c.accu_var);
      if (auto s = Size(*c.result)) sizes_[e.id] = *s;
      return sum;
    }
    auto entry = EntryOf(*c.range);
    bool range_is_list = entry ? entry->is_list : c.range->type.kind() == TypeKind::kList;
    auto range_path = PathOf(*c.range);
    auto with = [&](const char* sub) {
      auto p = range_path;
      p.push_back(sub);
      return p;
    };
    if (!c.iter_var2.empty()) {
      Push(c.iter_var, LocalVar{with(range_is_list ? "@indices" : "@keys"),
                                entry ? std::optional<SizeEstimate>(entry->key) : std::nullopt, std::nullopt});
      Push(c.iter_var2, LocalVar{with(range_is_list ? "@items" : "@values"),
                                 entry ? std::optional<SizeEstimate>(entry->val) : std::nullopt, std::nullopt});
    } else {
      std::optional<SizeEstimate> s;
      if (entry) s = range_is_list ? entry->val : entry->key;
      Push(c.iter_var, LocalVar{with(range_is_list ? "@items" : "@keys"), s, std::nullopt});
    }
    CostEstimate loop = Cost(*c.cond);
    CostEstimate step = Cost(*c.step);
    Pop(c.iter_var);
    if (!c.iter_var2.empty()) Pop(c.iter_var2);
    sum = Add(sum, Cost(*c.result));
    Pop(c.accu_var);
    SizeEstimate n = SizeOrUnknown(*c.range);
    CostEstimate per = Add(step, loop);
    sum = Add(sum, {MulSat(n.min, per.min), MulSat(n.max, per.max)});
    if (c.init->kind == ExprKind::kList || c.init->kind == ExprKind::kMap) {
      sizes_[e.id] = n;
      if (auto se = EntryOf(*c.step)) entries_[e.id] = *se;
    } else if (auto s = Size(*c.init)) {
      sizes_[e.id] = *s;
    }
    return sum;
  }

  const Environment& env_;
  std::map<int64_t, std::vector<std::string>> paths_;
  std::map<int64_t, SizeEstimate> sizes_;
  std::map<int64_t, EntrySize> entries_;
  std::map<std::string, std::vector<LocalVar>> locals_;
};

}  // namespace

CostEstimate EstimateCost(const Expr& root, const Environment& env) { return Coster(env).Cost(root); }

}  // namespace allot::cel
