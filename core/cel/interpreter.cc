#include "core/cel/interpreter.h"

#include <array>
#include <cmath>
#include <string>

#include "core/cel/checker.h"

namespace allot::cel {
namespace {

bool MatchesKind(const Type& t, const Value& v) {
  switch (t.kind()) {
    case TypeKind::kDyn:
    case TypeKind::kAny:
    case TypeKind::kTypeParam:
    case TypeKind::kError: return true;
    case TypeKind::kNull: return v.is_null();
    case TypeKind::kBool: return v.is_bool();
    case TypeKind::kInt: return v.is_int();
    case TypeKind::kUint: return v.is_uint();
    case TypeKind::kDouble: return v.is_double();
    case TypeKind::kString: return v.is_string();
    case TypeKind::kBytes: return v.is_bytes();
    case TypeKind::kList: return v.is_list();
    case TypeKind::kMap:
    case TypeKind::kObject: return v.is_map();
    case TypeKind::kOptional: return v.is_optional();
    case TypeKind::kType: return v.is_type();
    case TypeKind::kOpaque: return v.AsOpaque(t.name()) != nullptr;
  }
  return false;
}

inline void AddCost(EvalState& st, uint64_t c) {
  st.cost = (st.cost > UINT64_MAX - c) ? UINT64_MAX : st.cost + c;
  if (st.cost > st.cost_limit) st.cost_exceeded = true;
}

Value CostError() { return Value::Error(kCostLimitError); }

// Looks up `key` in a map value; honours the map's default for missing keys unless `presence_only`.
// Returns false when the key is absent (and there is no default).
bool MapLookup(const MapValue& m, const Value& key, Value* out, bool use_default) {
  if (key.is_double()) {
    double d = key.double_value();
    if (d != std::trunc(d)) return false;
  }
  if (m.Find(key, out)) return true;
  return use_default && m.Default(out);
}

Value IndexValue(const Value& container, const Value& index, bool optional) {
  if (container.is_error()) return container;
  if (index.is_error()) return index;
  if (container.is_optional()) {
    if (!container.optional_has_value()) return Value::OptionalNone();
    return IndexValue(container.optional_value(), index, true);
  }
  if (container.is_list()) {
    const ListValue& l = container.list_value();
    int64_t i;
    if (index.is_int()) {
      i = index.int_value();
    } else if (index.is_uint()) {
      i = index.uint_value() > static_cast<uint64_t>(INT64_MAX) ? -1 : static_cast<int64_t>(index.uint_value());
    } else if (index.is_double()) {
      double d = index.double_value();
      if (d != std::trunc(d) || std::isinf(d)) return Value::Error("unsupported index value");
      i = static_cast<int64_t>(d);
    } else {
      return Value::NoSuchOverload();
    }
    if (i < 0 || static_cast<uint64_t>(i) >= l.size()) {
      if (optional) return Value::OptionalNone();
      return Value::Error("index out of range: " + std::to_string(i));
    }
    return optional ? Value::OptionalOf(l.Get(static_cast<size_t>(i))) : l.Get(static_cast<size_t>(i));
  }
  if (container.is_map()) {
    if (!index.is_string() && !index.is_int() && !index.is_uint() && !index.is_bool() && !index.is_double()) {
      return optional ? Value::OptionalNone() : Value::NoSuchKey(index);
    }
    Value out;
    if (MapLookup(container.map_value(), index, &out, !optional)) return optional ? Value::OptionalOf(out) : out;
    return optional ? Value::OptionalNone() : Value::NoSuchKey(index);
  }
  return Value::NoSuchOverload();
}

Value SelectValue(const Value& operand, std::string_view field, bool test_only, bool optional) {
  if (operand.is_error()) return operand;
  if (operand.is_optional()) {
    if (!operand.optional_has_value()) return test_only ? Value::Bool(false) : Value::OptionalNone();
    return SelectValue(operand.optional_value(), field, test_only, true);
  }
  if (operand.is_map()) {
    Value key = Value::StringView(field);
    Value out;
    if (test_only) return Value::Bool(operand.map_value().Find(key, &out));
    if (MapLookup(operand.map_value(), key, &out, !optional)) return optional ? Value::OptionalOf(out) : out;
    return optional ? Value::OptionalNone() : Value::Error("no such key: " + std::string(field));
  }
  return Value::NoSuchOverload();
}

Value EvalCall(const Expr& e, EvalState& st);

Value EvalComprehension(const Expr& e, EvalState& st) {
  const Comprehension& c = *e.comp;
  if (c.is_bind && st.lazy != nullptr) {
    // cel.bind is lazy, as in cel-go: the initialiser runs on first use of the variable, if ever.
    AddCost(st, 10);  // the empty range literal of the expansion
    st.lazy[c.accu_slot] = c.init.get();
    Value r = Evaluate(*c.result, st);
    st.lazy[c.accu_slot] = nullptr;
    if (st.cost_exceeded) return CostError();
    return r;
  }
  Value range = Evaluate(*c.range, st);
  if (st.cost_exceeded) return CostError();
  if (range.is_error()) return range;
  Value* accu = &st.slots[c.accu_slot];
  *accu = Evaluate(*c.init, st);
  if (st.cost_exceeded) return CostError();
  const bool two = c.iter2_slot >= 0;
  auto run_step = [&]() -> bool {  // returns false to stop
    Value cond = Evaluate(*c.cond, st);
    if (st.cost_exceeded) return false;
    if (cond.is_bool() && !cond.bool_value()) return false;
    *accu = Evaluate(*c.step, st);
    return !st.cost_exceeded;
  };
  if (range.is_list()) {
    const ListValue& l = range.list_value();
    for (size_t i = 0; i < l.size(); ++i) {
      if (two) {
        st.slots[c.iter_slot] = Value::Int(static_cast<int64_t>(i));
        st.slots[c.iter2_slot] = l.Get(i);
      } else {
        st.slots[c.iter_slot] = l.Get(i);
      }
      if (!run_step()) break;
    }
  } else if (range.is_map()) {
    const MapValue& m = range.map_value();
    for (size_t i = 0; i < m.size(); ++i) {
      st.slots[c.iter_slot] = m.KeyAt(i);
      if (two) st.slots[c.iter2_slot] = m.ValueAt(i);
      if (!run_step()) break;
    }
  } else {
    return Value::Error("got '" + range.GoTypeName() + "', expected iterable type");
  }
  if (st.cost_exceeded) return CostError();
  Value r = Evaluate(*c.result, st);
  if (st.cost_exceeded) return CostError();
  return r;
}

Value EvalLogic(const Expr& e, EvalState& st, bool is_and) {
  Value l = Evaluate(*e.args[0], st);
  if (st.cost_exceeded) return CostError();
  if (l.is_bool() && l.bool_value() != is_and) return l;
  Value r = Evaluate(*e.args[1], st);
  if (st.cost_exceeded) return CostError();
  if (r.is_bool() && r.bool_value() != is_and) return r;
  if (!l.is_bool()) return l.is_error() ? l : Value::NoSuchOverload();
  if (!r.is_bool()) return r.is_error() ? r : Value::NoSuchOverload();
  return l;
}

Value EvalCall(const Expr& e, EvalState& st) {
  switch (e.builtin) {
    case kBuiltinAnd: return EvalLogic(e, st, true);
    case kBuiltinOr: return EvalLogic(e, st, false);
    case kBuiltinTernary: {
      Value c = Evaluate(*e.args[0], st);
      if (st.cost_exceeded) return CostError();
      if (c.is_error()) return c;
      if (!c.is_bool()) return Value::NoSuchOverload();
      return Evaluate(*e.args[c.bool_value() ? 1 : 2], st);
    }
    case kBuiltinNotStrictlyFalse: {
      AddCost(st, 1);
      Value v = Evaluate(*e.args[0], st);
      if (st.cost_exceeded) return CostError();
      return v.is_bool() ? v : Value::Bool(true);
    }
    case kBuiltinIndex:
    case kBuiltinOptIndex: {
      Value c = Evaluate(*e.args[0], st);
      Value i = Evaluate(*e.args[1], st);
      AddCost(st, 1);
      if (st.cost_exceeded) return CostError();
      return IndexValue(c, i, e.builtin == kBuiltinOptIndex);
    }
    case kBuiltinOptSelect: {
      Value o = Evaluate(*e.args[0], st);
      AddCost(st, 1);
      if (st.cost_exceeded) return CostError();
      return SelectValue(o, e.args[1]->constant.string_value(), false, true);
    }
    case kBuiltinOptOr:
    case kBuiltinOptOrValue: {
      Value o = Evaluate(*e.operand, st);
      AddCost(st, 1);
      if (st.cost_exceeded) return CostError();
      if (o.is_error()) return o;
      if (!o.is_optional()) return Value::NoSuchOverload();
      if (o.optional_has_value()) return e.builtin == kBuiltinOptOr ? o : o.optional_value();
      Value alt = Evaluate(*e.args[0], st);
      if (st.cost_exceeded) return CostError();
      if (e.builtin == kBuiltinOptOr && !alt.is_optional() && !alt.is_error()) return Value::NoSuchOverload();
      return alt;
    }
    default: break;
  }
  // Strict call through the registry.
  const size_t n = e.args.size() + (e.operand ? 1 : 0);
  std::array<Value, 4> small;
  std::vector<Value> big;
  Value* args = small.data();
  if (n > small.size()) {
    big.resize(n);
    args = big.data();
  }
  size_t k = 0;
  if (e.operand) args[k++] = Evaluate(*e.operand, st);
  for (const auto& a : e.args) args[k++] = Evaluate(*a, st);
  if (st.cost_exceeded) return CostError();
  for (size_t i = 0; i < n; ++i) {
    if (args[i].is_error()) {
      AddCost(st, 1);
      return args[i];
    }
  }
  std::span<const Value> span(args, n);
  for (size_t oi = 0; oi < e.overloads.size(); ++oi) {
    const Overload* o = e.overloads[oi];
    bool ok = true;
    for (size_t i = 0; i < n && ok; ++i) ok = MatchesKind(o->params[i], args[i]);
    if (!ok) continue;
    CallContext ctx;
    ctx.prepared = e.prepared.empty() ? nullptr : e.prepared[oi].get();
    Value r = o->impl(span, ctx);
    AddCost(st, o->runtime_cost ? o->runtime_cost(span, r) : 1);
    if (st.cost_exceeded) return CostError();
    return r;
  }
  AddCost(st, 1);
  return Value::NoSuchOverload();
}

}  // namespace

Value Evaluate(const Expr& e, EvalState& st) {
  switch (e.kind) {
    case ExprKind::kConst: {
      const Value& c = e.constant;
      if (e.folded_cost != 0) AddCost(st, e.folded_cost);
      switch (c.kind()) {
        case ValueKind::kString: return Value::StringView(c.string_value());
        case ValueKind::kBytes: return Value::BytesView(c.bytes_value());
        case ValueKind::kList: return Value::ListView(&c.list_value());
        case ValueKind::kMap: return Value::MapView(&c.map_value());
        case ValueKind::kOpaque: return Value::OpaqueView(&c.opaque_value());
        default: return c;
      }
    }
    case ExprKind::kIdent:
      AddCost(st, 1);
      switch (e.binding) {
        case IdentBinding::kLocal:
          if (st.lazy != nullptr && st.lazy[e.slot] != nullptr) {
            const Expr* init = st.lazy[e.slot];
            st.lazy[e.slot] = nullptr;
            st.slots[e.slot] = Evaluate(*init, st);
          }
          return st.slots[e.slot];
        case IdentBinding::kVariable: return st.variables[static_cast<size_t>(e.slot)];
        case IdentBinding::kTypeName: {
          // The denoted type's name, e.g. `int` -> type value "int" (static strings only).
          switch (e.type.elem().kind()) {
            case TypeKind::kList: return Value::TypeName("list");
            case TypeKind::kMap: return Value::TypeName("map");
            case TypeKind::kOptional: return Value::TypeName("optional_type");
            case TypeKind::kDyn: return Value::TypeName("dyn");
            case TypeKind::kInt: return Value::TypeName("int");
            case TypeKind::kUint: return Value::TypeName("uint");
            case TypeKind::kDouble: return Value::TypeName("double");
            case TypeKind::kBool: return Value::TypeName("bool");
            case TypeKind::kString: return Value::TypeName("string");
            case TypeKind::kBytes: return Value::TypeName("bytes");
            case TypeKind::kNull: return Value::TypeName("null_type");
            default: return Value::TypeName("type");
          }
        }
        default: return Value::Error("undeclared reference to '" + e.name + "'");
      }
    case ExprKind::kSelect: {
      Value o = Evaluate(*e.operand, st);
      if (!e.test_only) AddCost(st, 1);
      if (st.cost_exceeded) return CostError();
      return SelectValue(o, e.name, e.test_only, false);
    }
    case ExprKind::kCall: return EvalCall(e, st);
    case ExprKind::kList: {
      AddCost(st, 10);
      std::vector<Value> elems;
      elems.reserve(e.args.size());
      for (size_t i = 0; i < e.args.size(); ++i) {
        Value v = Evaluate(*e.args[i], st);
        if (st.cost_exceeded) return CostError();
        if (v.is_error()) return v;
        if (!e.optional_elements.empty() && e.optional_elements[i]) {
          if (!v.is_optional()) return Value::NoSuchOverload();
          if (!v.optional_has_value()) continue;
          v = v.optional_value();
        }
        elems.push_back(std::move(v));
      }
      if (elems.empty()) {
        static const VectorList kEmpty({});
        return Value::ListView(&kEmpty);
      }
      return Value::ListOf(std::move(elems));
    }
    case ExprKind::kMap: {
      AddCost(st, 30);
      std::vector<std::pair<Value, Value>> entries;
      entries.reserve(e.entries.size());
      for (const auto& en : e.entries) {
        Value k = Evaluate(*en.key, st);
        Value v = Evaluate(*en.value, st);
        if (st.cost_exceeded) return CostError();
        if (k.is_error()) return k;
        if (v.is_error()) return v;
        if (!k.is_string() && !k.is_int() && !k.is_uint() && !k.is_bool()) {
          return Value::Error("unsupported key type");
        }
        if (en.optional) {
          if (!v.is_optional()) return Value::NoSuchOverload();
          if (!v.optional_has_value()) continue;
          v = v.optional_value();
        }
        entries.emplace_back(std::move(k), std::move(v));
      }
      return Value::MapOf(std::move(entries));
    }
    case ExprKind::kComprehension: return EvalComprehension(e, st);
  }
  return Value::Error("unknown expression kind");
}

}  // namespace allot::cel
