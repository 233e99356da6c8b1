#include "core/cel/checker.h"

#include <map>
#include <string>
#include <utility>

namespace allot::cel {
namespace {

using Subst = std::map<std::string, Type>;

Type Resolve(const Type& t, const Subst& s) {
  if (t.kind() == TypeKind::kTypeParam) {
    auto it = s.find(t.name());
    return it == s.end() ? Type::Dyn() : Resolve(it->second, s);
  }
  switch (t.kind()) {
    case TypeKind::kList: return Type::List(Resolve(t.elem(), s));
    case TypeKind::kMap: return Type::Map(Resolve(t.key(), s), Resolve(t.value_type(), s));
    case TypeKind::kOptional: return Type::Optional(Resolve(t.elem(), s));
    case TypeKind::kType: return t.params().empty() ? t : Type::TypeOf(Resolve(t.elem(), s));
    default: return t;
  }
}

bool Assignable(const Type& param, const Type& arg, Subst& s) {
  if (param.kind() == TypeKind::kTypeParam) {
    auto it = s.find(param.name());
    if (it == s.end()) {
      s[param.name()] = arg;
      return true;
    }
    Type bound = it->second;
    if (bound.is_dyn_like() || arg.is_dyn_like()) return true;
    if (Assignable(bound, arg, s)) return true;
    Subst tmp = s;
    if (Assignable(arg, bound, tmp)) {
      s[param.name()] = arg;
      return true;
    }
    return false;
  }
  if (arg.is_dyn_like() || param.is_dyn_like()) return true;
  if (arg.kind() == TypeKind::kTypeParam) return true;
  switch (param.kind()) {
    case TypeKind::kList:
      return arg.kind() == TypeKind::kList && Assignable(param.elem(), arg.elem(), s);
    case TypeKind::kMap:
      return arg.kind() == TypeKind::kMap && Assignable(param.key(), arg.key(), s) &&
             Assignable(param.value_type(), arg.value_type(), s);
    case TypeKind::kOptional:
      return arg.kind() == TypeKind::kOptional && Assignable(param.elem(), arg.elem(), s);
    case TypeKind::kType:
      return arg.kind() == TypeKind::kType;
    case TypeKind::kOpaque:
    case TypeKind::kObject:
      return arg.kind() == param.kind() && arg.name() == param.name();
    default:
      return arg.kind() == param.kind();
  }
}

// Type names usable as values.
bool TypeDenotation(const std::string& name, Type* out) {
  static const std::map<std::string, Type>* kTypes = new std::map<std::string, Type>{
      {"int", Type::Int()},        {"uint", Type::Uint()},     {"double", Type::Double()},
      {"bool", Type::Bool()},      {"string", Type::String()}, {"bytes", Type::Bytes()},
      {"list", Type::List(Type::Dyn())}, {"map", Type::Map(Type::Dyn(), Type::Dyn())},
      {"null_type", Type::Null()}, {"type", Type::TypeType()},
      {"optional_type", Type::Optional(Type::Dyn())}};
  auto it = kTypes->find(name);
  if (it == kTypes->end()) return false;
  *out = Type::TypeOf(it->second);
  return true;
}

struct Local {
  std::string name;
  Type type;
  int slot;
};

class Checker {
 public:
  Checker(const Environment& env, bool lenient) : env_(env), lenient_(lenient) {}

  CheckResult Run(Expr& root) {
    CheckExpr(root);
    CheckResult r;
    r.issues = std::move(issues_);
    r.frame_size = max_slots_;
    return r;
  }

 private:
  void Report(const Expr& e, std::string msg) {
    if (!lenient_) issues_.push_back({e.offset, std::move(msg)});
  }

  const Local* FindLocal(const std::string& name) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }

  int PushLocal(const std::string& name, Type t) {
    int slot = static_cast<int>(locals_.size());
    locals_.push_back({name, std::move(t), slot});
    if (static_cast<int>(locals_.size()) > max_slots_) max_slots_ = static_cast<int>(locals_.size());
    return slot;
  }

  // Returns the dotted name of an ident/select chain, or "" if it is not one.
  static std::string QualifiedName(const Expr& e) {
    if (e.kind == ExprKind::kIdent) return e.name;
    if (e.kind == ExprKind::kSelect && !e.test_only && e.operand) {
      std::string q = QualifiedName(*e.operand);
      return q.empty() ? q : q + "." + e.name;
    }
    return "";
  }
  bool RootIsDeclared(const Expr& e) const {
    const Expr* r = &e;
    while (r->kind == ExprKind::kSelect) r = r->operand.get();
    return FindLocal(r->name) != nullptr || env_.FindVariable(r->name) >= 0;
  }

  static std::string ArgList(const std::vector<Type>& types) {
    std::string s = "(";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i) s += ", ";
      s += types[i].ToString();
    }
    return s + ")";
  }

  void CheckExpr(Expr& e) {
    switch (e.kind) {
      case ExprKind::kConst: e.type = ConstType(e.constant); break;
      case ExprKind::kIdent: CheckIdent(e); break;
      case ExprKind::kSelect: CheckSelect(e); break;
      case ExprKind::kCall: CheckCall(e); break;
      case ExprKind::kList: CheckList(e); break;
      case ExprKind::kMap: CheckMap(e); break;
      case ExprKind::kComprehension: CheckComprehension(e); break;
    }
    if (lenient_ && e.binding != IdentBinding::kTypeName) e.type = Type::Dyn();
  }

  static Type ConstType(const Value& v) {
    switch (v.kind()) {
      case ValueKind::kBool: return Type::Bool();
      case ValueKind::kInt: return Type::Int();
      case ValueKind::kUint: return Type::Uint();
      case ValueKind::kDouble: return Type::Double();
      case ValueKind::kString: return Type::String();
      case ValueKind::kBytes: return Type::Bytes();
      default: return Type::Null();
    }
  }

  void CheckIdent(Expr& e) {
    if (const Local* l = FindLocal(e.name)) {
      e.binding = IdentBinding::kLocal;
      e.slot = l->slot;
      e.type = l->type;
      return;
    }
    int v = env_.FindVariable(e.name);
    if (v >= 0) {
      e.binding = IdentBinding::kVariable;
      e.slot = v;
      e.type = env_.variables()[static_cast<size_t>(v)].type;
      return;
    }
    Type t;
    if (TypeDenotation(e.name, &t)) {
      e.binding = IdentBinding::kTypeName;
      e.type = t;
      return;
    }
    Report(e, "undeclared reference to '" + e.name + "' (in container '')");
    e.type = Type::Error();
  }

  // Type of selecting `field` from `t`; reports errors at `e`.
  Type FieldType(const Expr& e, const Type& t, const std::string& field) {
    switch (t.kind()) {
      case TypeKind::kDyn:
      case TypeKind::kAny:
      case TypeKind::kError:
      case TypeKind::kTypeParam:
        return Type::Dyn();
      case TypeKind::kMap:
        return t.value_type();
      case TypeKind::kObject: {
        const ObjectTypeDecl* decl = env_.FindObjectType(t.name());
        if (decl != nullptr) {
          for (const auto& f : decl->fields) {
            if (f.first == field) return f.second;
          }
        }
        Report(e, "undefined field '" + field + "'");
        return Type::Error();
      }
      default:
        Report(e, "type '" + t.ToString() + "' does not support field selection");
        return Type::Error();
    }
  }

  void CheckSelect(Expr& e) {
    // A qualified type name or variable could be spelled with dots; none exist beyond the declared ones.
    CheckExpr(*e.operand);
    const Type& ot = e.operand->type;
    if (ot.kind() == TypeKind::kOptional) {
      Type ft = FieldType(e, ot.elem(), e.name);
      e.type = e.test_only ? Type::Bool() : Type::Optional(ft);
      return;
    }
    Type ft = FieldType(e, ot, e.name);
    e.type = e.test_only ? Type::Bool() : ft;
  }

  // Expressions whose static type still has a free type parameter in cel-go (optional.none(), [], {}):
  // they unify with any element type, so the homogeneity check skips them.
  static bool HasFreeType(const Expr& x) {
    if (x.kind == ExprKind::kList) return x.args.empty();
    if (x.kind == ExprKind::kMap) return x.entries.empty();
    return x.kind == ExprKind::kCall && x.name == "optional.none" && !x.operand;
  }

  void CheckList(Expr& e) {
    Type elem;
    bool first = true;
    bool reported = false;
    for (size_t i = 0; i < e.args.size(); ++i) {
      CheckExpr(*e.args[i]);
      Type t = e.args[i]->type;
      bool opt = !e.optional_elements.empty() && e.optional_elements[i];
      if (opt) {
        if (t.kind() == TypeKind::kOptional) {
          t = t.elem();
        } else if (!t.is_dyn_like()) {
          Report(*e.args[i], "expected type 'optional_type(" + t.ToString() + ")' but found '" + t.ToString() + "'");
          continue;
        }
      }
      if (HasFreeType(*e.args[i])) continue;
      if (first) {
        elem = t;
        first = false;
      } else if (!reported && t != elem && t.kind() != TypeKind::kError && elem.kind() != TypeKind::kError) {
        // Like cel-go's validator: one issue per literal, at the first mismatching element.
        Report(*e.args[i], "expected type '" + elem.ToString() + "' but found '" + t.ToString() + "'");
        reported = true;
      }
    }
    e.type = Type::List(first ? Type::Dyn() : elem);
  }

  void CheckMap(Expr& e) {
    Type kt, vt;
    bool first = true;
    bool reported = false;
    for (auto& entry : e.entries) {
      CheckExpr(*entry.key);
      CheckExpr(*entry.value);
      Type k = entry.key->type;
      Type v = entry.value->type;
      if (entry.optional && v.kind() == TypeKind::kOptional) v = v.elem();
      if (HasFreeType(*entry.value)) v = first ? Type::Dyn() : vt;
      if (!k.is_dyn_like() && k.kind() != TypeKind::kInt && k.kind() != TypeKind::kUint &&
          k.kind() != TypeKind::kBool && k.kind() != TypeKind::kString) {
        Report(*entry.key, "unsupported map key type: " + k.ToString());
      }
      if (first) {
        kt = k;
        vt = v;
        first = false;
        continue;
      }
      if (reported) continue;
      if (k != kt && k.kind() != TypeKind::kError && kt.kind() != TypeKind::kError) {
        Report(*entry.key, "expected type '" + kt.ToString() + "' but found '" + k.ToString() + "'");
        reported = true;
      } else if (v != vt && v.kind() != TypeKind::kError && vt.kind() != TypeKind::kError) {
        Report(*entry.value, "expected type '" + vt.ToString() + "' but found '" + v.ToString() + "'");
        reported = true;
      }
    }
    e.type = first ? Type::Map(Type::Dyn(), Type::Dyn()) : Type::Map(kt, vt);
  }

  void CheckComprehension(Expr& e) {
    Comprehension& c = *e.comp;
    CheckExpr(*c.range);
    const Type& rt = c.range->type;
    Type t1 = Type::Dyn(), t2 = Type::Dyn();
    const bool two = !c.iter_var2.empty();
    switch (rt.kind()) {
      case TypeKind::kList:
        t1 = two ? Type::Int() : rt.elem();
        t2 = rt.elem();
        break;
      case TypeKind::kMap:
        t1 = rt.key();
        t2 = rt.value_type();
        break;
      case TypeKind::kDyn:
      case TypeKind::kError:
      case TypeKind::kTypeParam:
        break;
      case TypeKind::kAny:
        Report(*c.range, "expression of type 'any' cannot be range of a comprehension");
        break;
      default:
        Report(*c.range, "expression of type '" + rt.ToString() +
                             "' cannot be range of a comprehension (must be list, map, or dynamic)");
        break;
    }
    CheckExpr(*c.init);
    size_t mark = locals_.size();
    c.accu_slot = PushLocal(c.accu_var, c.init->type);
    c.iter_slot = PushLocal(c.iter_var, t1);
    if (two) c.iter2_slot = PushLocal(c.iter_var2, t2);
    CheckExpr(*c.cond);
    CheckExpr(*c.step);
    // An empty list/map accumulator takes the step's type.
    if ((c.init->kind == ExprKind::kList && c.init->args.empty()) ||
        (c.init->kind == ExprKind::kMap && c.init->entries.empty())) {
      locals_[static_cast<size_t>(c.accu_slot)].type = c.step->type;
    }
    // The result sees the accumulator but not the iteration variables.
    Type accu_type = locals_[static_cast<size_t>(c.accu_slot)].type;
    locals_.resize(mark);
    c.accu_slot = PushLocal(c.accu_var, accu_type);
    CheckExpr(*c.result);
    locals_.resize(mark);
    e.type = c.result->type;
  }

  // ---- Calls -----------------------------------------------------------------------------------

  void CheckCall(Expr& e) {
    const std::string& fn = e.name;
    // Qualified global function: strings.quote(x), optional.of(x), sets.contains(a, b).
    if (e.operand) {
      std::string q = QualifiedName(*e.operand);
      if (!q.empty() && !RootIsDeclared(*e.operand) && env_.registry().HasFunction(q + "." + fn)) {
        e.name = q + "." + fn;
        e.operand.reset();
        e.global_qualified = true;
      }
    }
    if (e.operand) CheckExpr(*e.operand);
    for (auto& a : e.args) CheckExpr(*a);

    if (!e.operand) {
      if (fn == "_&&_" || fn == "_||_") {
        for (auto& a : e.args) {
          if (a->type.kind() != TypeKind::kBool && !a->type.is_dyn_like()) {
            Report(e, "found no matching overload for '" + fn + "' applied to '" + ArgTypes(e) + "'");
            break;
          }
        }
        e.builtin = fn == "_&&_" ? kBuiltinAnd : kBuiltinOr;
        e.type = Type::Bool();
        return;
      }
      if (fn == "@not_strictly_false") {
        e.builtin = kBuiltinNotStrictlyFalse;
        e.type = Type::Bool();
        return;
      }
      if (fn == "_?_:_") {
        e.builtin = kBuiltinTernary;
        const Type& c = e.args[0]->type;
        if (c.kind() != TypeKind::kBool && !c.is_dyn_like()) {
          Report(e, "found no matching overload for '_?_:_' applied to '" + ArgTypes(e) + "'");
        }
        Subst s;
        Type a = Type::Param("A");
        if (!Assignable(a, e.args[1]->type, s) || !Assignable(a, e.args[2]->type, s)) {
          Report(e, "found no matching overload for '_?_:_' applied to '" + ArgTypes(e) + "'");
          e.type = Type::Error();
          return;
        }
        e.type = e.args[1]->type.is_dyn_like() ? e.args[2]->type : Resolve(a, s);
        if (e.args[1]->type != e.args[2]->type && (e.args[1]->type.is_dyn_like() || e.args[2]->type.is_dyn_like())) {
          e.type = Type::Dyn();
        }
        return;
      }
      if (fn == "_[_]" || fn == "_[?_]") {
        CheckIndex(e, fn == "_[?_]");
        return;
      }
      if (fn == "_?._") {
        e.builtin = kBuiltinOptSelect;
        const Type& ot = e.args[0]->type;
        const std::string field(e.args[1]->constant.string_value());
        Type base = ot.kind() == TypeKind::kOptional ? ot.elem() : ot;
        Type ft = FieldType(e, base, field);
        e.type = ft.kind() == TypeKind::kError ? ft : Type::Optional(ft);
        return;
      }
    } else if ((fn == "or" || fn == "orValue") && e.args.size() == 1 &&
               e.operand->type.kind() == TypeKind::kOptional) {
      const Type& elem = e.operand->type.elem();
      const Type& at = e.args[0]->type;
      Subst s;
      bool ok = fn == "or" ? Assignable(Type::Optional(Type::Param("A")), e.operand->type, s) &&
                                 Assignable(Type::Optional(Type::Param("A")), at, s)
                           : Assignable(Type::Param("A"), elem, s) && Assignable(Type::Param("A"), at, s);
      if (!ok) {
        Report(e, "found no matching overload for '" + fn + "' applied to '" + e.operand->type.ToString() + "." +
                      ArgList({at}) + "'");
        e.type = Type::Error();
        return;
      }
      e.builtin = fn == "or" ? kBuiltinOptOr : kBuiltinOptOrValue;
      e.type = fn == "or" ? Type::Optional(Resolve(Type::Param("A"), s)) : Resolve(Type::Param("A"), s);
      return;
    }
    ResolveOverloads(e);
  }

  std::string ArgTypes(const Expr& e) const {
    std::vector<Type> ts;
    for (const auto& a : e.args) ts.push_back(a->type);
    return ArgList(ts);
  }

  void CheckIndex(Expr& e, bool optional) {
    e.builtin = optional ? kBuiltinOptIndex : kBuiltinIndex;
    Type ct = e.args[0]->type;
    const Type& it = e.args[1]->type;
    bool wrap = false;
    if (ct.kind() == TypeKind::kOptional) {
      ct = ct.elem();
      wrap = true;
    }
    Type result;
    bool ok = true;
    switch (ct.kind()) {
      case TypeKind::kList:
        ok = it.kind() == TypeKind::kInt || it.is_dyn_like();
        result = ct.elem();
        break;
      case TypeKind::kMap: {
        Subst s;
        ok = Assignable(ct.key(), it, s);
        result = ct.value_type();
        break;
      }
      case TypeKind::kDyn:
      case TypeKind::kAny:
      case TypeKind::kError:
      case TypeKind::kTypeParam:
        result = Type::Dyn();
        break;
      default:
        ok = false;
        break;
    }
    if (!ok) {
      Report(e, "found no matching overload for '" + e.name + "' applied to '" + ArgTypes(e) + "'");
      e.type = Type::Error();
      return;
    }
    e.type = (optional || wrap) ? Type::Optional(result) : result;
  }

  void ResolveOverloads(Expr& e) {
    const bool member = e.operand != nullptr;
    const auto& candidates = env_.registry().Find(e.name, member);
    std::vector<Type> arg_types;
    if (member) arg_types.push_back(e.operand->type);
    for (const auto& a : e.args) arg_types.push_back(a->type);
    if (candidates.empty()) {
      if (env_.registry().HasFunction(e.name)) {
        ReportNoOverload(e, arg_types, member);
      } else {
        Report(e, "undeclared reference to '" + e.name + "' (in container '')");
      }
      e.type = Type::Error();
      return;
    }
    bool have_result = false;
    Type result;
    for (const Overload* o : candidates) {
      if (o->params.size() != arg_types.size()) continue;
      Subst s;
      bool ok = true;
      for (size_t i = 0; i < arg_types.size() && ok; ++i) ok = Assignable(o->params[i], arg_types[i], s);
      if (!ok) continue;
      e.overloads.push_back(o);
      Type r = Resolve(o->result, s);
      if (!have_result) {
        result = r;
        have_result = true;
      } else if (result != r) {
        result = Type::Dyn();
      }
    }
    if (e.overloads.empty()) {
      ReportNoOverload(e, arg_types, member);
      e.type = Type::Error();
      return;
    }
    e.type = result;
    // Compile-time preparation with literal arguments.
    e.prepared.resize(e.overloads.size());
    for (size_t i = 0; i < e.overloads.size(); ++i) {
      const Overload* o = e.overloads[i];
      if (o->prepare == nullptr) continue;
      std::vector<const Value*> consts;
      if (member) consts.push_back(e.operand->kind == ExprKind::kConst ? &e.operand->constant : nullptr);
      for (const auto& a : e.args) consts.push_back(a->kind == ExprKind::kConst ? &a->constant : nullptr);
      StatusOr<std::shared_ptr<const void>> p = o->prepare(consts);
      if (!p.ok()) {
        Report(e, std::string(p.status().message()));
      } else {
        e.prepared[i] = *p;
      }
    }
  }

  void ReportNoOverload(const Expr& e, const std::vector<Type>& arg_types, bool member) {
    if (member) {
      std::vector<Type> rest(arg_types.begin() + 1, arg_types.end());
      Report(e, "found no matching overload for '" + e.name + "' applied to '" + arg_types[0].ToString() + "." +
                    ArgList(rest) + "'");
    } else {
      Report(e, "found no matching overload for '" + e.name + "' applied to '" + ArgList(arg_types) + "'");
    }
  }

  const Environment& env_;
  const bool lenient_;
  std::vector<Issue> issues_;
  std::vector<Local> locals_;
  int max_slots_ = 0;
};

}  // namespace

CheckResult Check(Expr& root, const Environment& env, bool lenient) { return Checker(env, lenient).Run(root); }

}  // namespace allot::cel
