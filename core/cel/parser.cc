#include "core/cel/parser.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <utility>

#include "core/cel/lexer.h"

namespace allot::cel {
namespace {

const std::set<std::string_view>& ReservedIdentifiers() {
  static const auto* kWords = new std::set<std::string_view>{
      "as",     "break",   "const",  "continue", "else", "for",  "function", "if",   "import",
      "let",    "loop",    "package", "namespace", "return", "var", "void",     "while"};
  return *kWords;
}

std::string TokenDisplay(const Token& t) {
  if (t.kind == TokenKind::kEof) return "<EOF>";
  return std::string(t.text);
}

class Parser {
 public:
  explicit Parser(std::string_view src, ParseResult* out) : lexer_(src), out_(out) { Advance(); }

  ExprPtr ParseAll() {
    ExprPtr e = ParseExpr();
    if (!failed_ && tok_.kind != TokenKind::kEof) {
      Error(tok_.offset, "Syntax error: extraneous input '" + TokenDisplay(tok_) + "' expecting <EOF>");
    }
    if (failed_) return nullptr;
    return e;
  }

 private:
  ExprFactory& F() { return out_->factory; }

  void Advance() {
    tok_ = lexer_.Next();
    if (tok_.kind == TokenKind::kError && !failed_) {
      Error(tok_.offset, tok_.string_value.rfind("Syntax error", 0) == 0 ? tok_.string_value
                                                                         : "Syntax error: " + tok_.string_value);
    }
  }

  void Error(int32_t offset, std::string msg) {
    if (failed_) return;
    failed_ = true;
    out_->issues.push_back({offset, std::move(msg)});
  }

  ExprPtr Fail(const std::string& expecting) {
    if (tok_.kind == TokenKind::kError) {
      Error(tok_.offset, "Syntax error: " + tok_.string_value);
    } else {
      Error(tok_.offset, "Syntax error: mismatched input '" + TokenDisplay(tok_) + "' expecting " + expecting);
    }
    return MakeConst(tok_.offset, Value::Null());
  }

  bool Expect(TokenKind k, const char* what) {
    if (tok_.kind != k) {
      Fail(std::string("'") + what + "'");
      return false;
    }
    Advance();
    return true;
  }

  ExprPtr MakeConst(int32_t off, Value v) {
    auto e = F().New(ExprKind::kConst, off);
    e->constant = std::move(v);
    return e;
  }
  ExprPtr MakeIdent(int32_t off, std::string name) {
    auto e = F().New(ExprKind::kIdent, off);
    e->name = std::move(name);
    return e;
  }
  ExprPtr MakeCall(int32_t off, std::string fn, std::vector<ExprPtr> args, ExprPtr target = nullptr) {
    auto e = F().New(ExprKind::kCall, off);
    e->name = std::move(fn);
    e->args = std::move(args);
    e->operand = std::move(target);
    return e;
  }
  ExprPtr Call2(int32_t off, const char* fn, ExprPtr a, ExprPtr b) {
    std::vector<ExprPtr> args;
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return MakeCall(off, fn, std::move(args));
  }

  struct DepthGuard {
    explicit DepthGuard(Parser* p) : p_(p) { ++p_->depth_; }
    ~DepthGuard() { --p_->depth_; }
    Parser* p_;
  };

  ExprPtr ParseExpr() {
    DepthGuard g(this);
    if (depth_ > kMaxRecursionDepth) {
      Error(tok_.offset, "expression recursion limit exceeded: " + std::to_string(kMaxRecursionDepth));
      return MakeConst(tok_.offset, Value::Null());
    }
    ExprPtr cond = ParseOr();
    if (failed_ || tok_.kind != TokenKind::kQuestion) return cond;
    int32_t off = tok_.offset;
    Advance();
    ExprPtr a = ParseOr();
    if (failed_) return a;
    if (!Expect(TokenKind::kColon, ":")) return a;
    ExprPtr b = ParseExpr();
    std::vector<ExprPtr> args;
    args.push_back(std::move(cond));
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return MakeCall(off, "_?_:_", std::move(args));
  }

  // `&&` and `||` chains become balanced trees, as in cel-go, so long chains do not nest deeply.
  ExprPtr Balanced(const char* fn, std::vector<ExprPtr>& terms, const std::vector<int32_t>& ops, size_t lo,
                   size_t hi) {
    size_t mid = (lo + hi + 1) / 2;
    ExprPtr left = mid == lo ? std::move(terms[mid]) : Balanced(fn, terms, ops, lo, mid - 1);
    ExprPtr right = mid == hi ? std::move(terms[mid + 1]) : Balanced(fn, terms, ops, mid + 1, hi);
    return Call2(ops[mid], fn, std::move(left), std::move(right));
  }

  ExprPtr ParseLogical(bool is_or) {
    std::vector<ExprPtr> terms;
    std::vector<int32_t> ops;
    terms.push_back(is_or ? ParseLogical(false) : ParseRelation());
    const TokenKind op = is_or ? TokenKind::kOr : TokenKind::kAnd;
    while (!failed_ && tok_.kind == op) {
      ops.push_back(tok_.offset);
      Advance();
      terms.push_back(is_or ? ParseLogical(false) : ParseRelation());
    }
    if (failed_ || ops.empty()) return std::move(terms[0]);
    return Balanced(is_or ? "_||_" : "_&&_", terms, ops, 0, ops.size() - 1);
  }

  ExprPtr ParseOr() { return ParseLogical(true); }

  // One level of left-associative binary operators: `operand (op operand)*`. `op_function` gives the CEL
  // function of the current token, or nullptr when the token is not an operator of this level.
  ExprPtr ParseLeftAssociative(ExprPtr (Parser::*parse_operand)(), const char* (*op_function)(TokenKind)) {
    ExprPtr l = (this->*parse_operand)();
    while (!failed_) {
      const char* fn = op_function(tok_.kind);
      if (fn == nullptr) break;
      int32_t off = tok_.offset;
      Advance();
      l = Call2(off, fn, std::move(l), (this->*parse_operand)());
    }
    return l;
  }

  static const char* RelationFunction(TokenKind kind) {
    switch (kind) {
      case TokenKind::kEq: return "_==_";
      case TokenKind::kNe: return "_!=_";
      case TokenKind::kLt: return "_<_";
      case TokenKind::kLe: return "_<=_";
      case TokenKind::kGt: return "_>_";
      case TokenKind::kGe: return "_>=_";
      case TokenKind::kIn: return "@in";
      default: return nullptr;
    }
  }
  static const char* AdditionFunction(TokenKind kind) {
    switch (kind) {
      case TokenKind::kPlus: return "_+_";
      case TokenKind::kMinus: return "_-_";
      default: return nullptr;
    }
  }
  static const char* MultiplicationFunction(TokenKind kind) {
    switch (kind) {
      case TokenKind::kStar: return "_*_";
      case TokenKind::kSlash: return "_/_";
      case TokenKind::kPercent: return "_%_";
      default: return nullptr;
    }
  }

  ExprPtr ParseRelation() { return ParseLeftAssociative(&Parser::ParseAddition, &RelationFunction); }
  ExprPtr ParseAddition() { return ParseLeftAssociative(&Parser::ParseMultiplication, &AdditionFunction); }
  ExprPtr ParseMultiplication() { return ParseLeftAssociative(&Parser::ParseUnary, &MultiplicationFunction); }

  ExprPtr ParseUnary() {
    DepthGuard g(this);
    if (depth_ > kMaxRecursionDepth) {
      Error(tok_.offset, "expression recursion limit exceeded: " + std::to_string(kMaxRecursionDepth));
      return MakeConst(tok_.offset, Value::Null());
    }
    if (tok_.kind == TokenKind::kNot) {
      int32_t off = tok_.offset;
      Advance();
      std::vector<ExprPtr> args;
      args.push_back(ParseUnary());
      return MakeCall(off, "!_", std::move(args));
    }
    if (tok_.kind == TokenKind::kMinus) {
      int32_t off = tok_.offset;
      Advance();
      // A minus directly before a numeric literal is part of the literal (cel-go grammar).
      if (tok_.kind == TokenKind::kInt || tok_.kind == TokenKind::kDouble) {
        ExprPtr lit = ParsePrimary(/*negate=*/true, off);
        return ParseMemberSuffix(std::move(lit));
      }
      std::vector<ExprPtr> args;
      args.push_back(ParseUnary());
      return MakeCall(off, "-_", std::move(args));
    }
    return ParseMemberSuffix(ParsePrimary(false, tok_.offset));
  }

  std::vector<ExprPtr> ParseArgs(TokenKind close, const char* close_text) {
    std::vector<ExprPtr> args;
    if (tok_.kind == close) {
      Advance();
      return args;
    }
    while (!failed_) {
      args.push_back(ParseExpr());
      if (failed_) break;
      if (tok_.kind == TokenKind::kComma) {
        Advance();
        continue;
      }
      Expect(close, close_text);
      break;
    }
    return args;
  }

  // Consumes the `?` that marks an optional element, entry, field or index; true if there was one.
  bool ConsumeOptionalMarker() {
    if (tok_.kind != TokenKind::kQuestion) return false;
    Advance();
    return true;
  }

  // The elements of a list or map literal after its opening token: `(element ',')* element? close`
  // (a trailing comma is allowed), each parsed by `parse_element()`. True once `close` is consumed;
  // false when parsing failed (a token other than ',' or `close` after an element is reported here,
  // as Fail(expecting)).
  template <typename ParseElement>
  bool ParseElements(TokenKind close, const char* expecting, ParseElement parse_element) {
    while (!failed_ && tok_.kind != close) {
      parse_element();
      if (failed_) return false;
      if (tok_.kind == TokenKind::kComma) {
        Advance();
        continue;
      }
      if (tok_.kind != close) {
        Fail(expecting);
        return false;
      }
    }
    if (failed_) return false;
    Advance();
    return true;
  }

  ExprPtr ParseMemberSuffix(ExprPtr e) {
    while (!failed_) {
      if (tok_.kind == TokenKind::kDot) {
        int32_t off = tok_.offset;
        Advance();
        const bool opt = ConsumeOptionalMarker();
        if (tok_.kind != TokenKind::kIdent) {
          Fail("IDENTIFIER");
          return e;
        }
        std::string field(tok_.text);
        Advance();
        if (!opt && tok_.kind == TokenKind::kLParen) {
          int32_t call_off = tok_.offset;
          Advance();
          std::vector<ExprPtr> args = ParseArgs(TokenKind::kRParen, ")");
          if (failed_) return e;
          e = ExpandMemberCall(call_off, std::move(field), std::move(e), std::move(args));
          continue;
        }
        if (opt) {
          e = Call2(off, "_?._", std::move(e), MakeConst(off, Value::String(field)));
        } else {
          auto s = F().New(ExprKind::kSelect, off);
          s->operand = std::move(e);
          s->name = std::move(field);
          e = std::move(s);
        }
      } else if (tok_.kind == TokenKind::kLBracket) {
        int32_t off = tok_.offset;
        Advance();
        const bool opt = ConsumeOptionalMarker();
        ExprPtr idx = ParseExpr();
        if (failed_) return e;
        if (!Expect(TokenKind::kRBracket, "]")) return e;
        e = Call2(off, opt ? "_[?_]" : "_[_]", std::move(e), std::move(idx));
      } else if (tok_.kind == TokenKind::kLBrace && IsQualifiedName(*e)) {
        Error(tok_.offset, "unsupported syntax: message construction");
        return e;
      } else {
        break;
      }
    }
    return e;
  }

  static bool IsQualifiedName(const Expr& e) {
    if (e.kind == ExprKind::kIdent) return true;
    return e.kind == ExprKind::kSelect && !e.test_only && IsQualifiedName(*e.operand);
  }

  ExprPtr ParsePrimary(bool negate, int32_t neg_off) {
    Token t = tok_;
    switch (t.kind) {
      case TokenKind::kInt: {
        Advance();
        if (negate) {
          if (t.int_overflow || t.uint_value > (uint64_t{1} << 63)) {
            Error(neg_off, "invalid int literal");
            return MakeConst(neg_off, Value::Null());
          }
          return MakeConst(neg_off, Value::Int(static_cast<int64_t>(0 - t.uint_value)));
        }
        if (t.int_overflow || t.uint_value > static_cast<uint64_t>(INT64_MAX)) {
          Error(t.offset, "invalid int literal");
          return MakeConst(t.offset, Value::Null());
        }
        return MakeConst(t.offset, Value::Int(static_cast<int64_t>(t.uint_value)));
      }
      case TokenKind::kUint:
        Advance();
        if (t.int_overflow) {
          Error(t.offset, "invalid uint literal");
          return MakeConst(t.offset, Value::Null());
        }
        return MakeConst(t.offset, Value::Uint(t.uint_value));
      case TokenKind::kDouble:
        Advance();
        return MakeConst(negate ? neg_off : t.offset, Value::Double(negate ? -t.double_value : t.double_value));
      case TokenKind::kString:
        Advance();
        return MakeConst(t.offset, Value::String(std::move(t.string_value)));
      case TokenKind::kBytes:
        Advance();
        return MakeConst(t.offset, Value::Bytes(std::move(t.string_value)));
      case TokenKind::kTrue:
        Advance();
        return MakeConst(t.offset, Value::Bool(true));
      case TokenKind::kFalse:
        Advance();
        return MakeConst(t.offset, Value::Bool(false));
      case TokenKind::kNull:
        Advance();
        return MakeConst(t.offset, Value::Null());
      case TokenKind::kLParen: {
        Advance();
        ExprPtr e = ParseExpr();
        if (failed_) return e;
        Expect(TokenKind::kRParen, ")");
        return e;
      }
      case TokenKind::kLBracket: {
        Advance();
        auto list = F().New(ExprKind::kList, t.offset);
        bool any_opt = false;
        std::vector<bool> opts;
        const bool closed = ParseElements(TokenKind::kRBracket, "{',', ']'}", [&] {
          const bool opt = ConsumeOptionalMarker();
          any_opt = any_opt || opt;
          list->args.push_back(ParseExpr());
          opts.push_back(opt);
        });
        if (!closed) return list;
        if (any_opt) list->optional_elements = std::move(opts);
        return list;
      }
      case TokenKind::kLBrace: {
        Advance();
        auto map = F().New(ExprKind::kMap, t.offset);
        ParseElements(TokenKind::kRBrace, "{',', '}'}", [&] {
          MapEntry entry;
          entry.optional = ConsumeOptionalMarker();
          entry.key = ParseExpr();
          if (failed_ || !Expect(TokenKind::kColon, ":")) return;
          entry.value = ParseExpr();
          map->entries.push_back(std::move(entry));
        });
        return map;
      }
      case TokenKind::kDot:
      case TokenKind::kIdent: {
        bool leading_dot = false;
        if (t.kind == TokenKind::kDot) {
          leading_dot = true;
          Advance();
          if (tok_.kind != TokenKind::kIdent) return Fail("IDENTIFIER");
          t = tok_;
        }
        std::string name(t.text);
        Advance();
        if (ReservedIdentifiers().count(name) != 0) {
          Error(t.offset, "reserved identifier: " + name);
          return MakeConst(t.offset, Value::Null());
        }
        if (tok_.kind == TokenKind::kLParen) {
          int32_t off = tok_.offset;
          Advance();
          std::vector<ExprPtr> args = ParseArgs(TokenKind::kRParen, ")");
          if (failed_) return MakeConst(off, Value::Null());
          return ExpandGlobalCall(off, std::move(name), std::move(args));
        }
        (void)leading_dot;
        return MakeIdent(t.offset, std::move(name));
      }
      default:
        return Fail("{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
    }
  }

  // ---- Macros ----------------------------------------------------------------------------------

  ExprPtr ExpandGlobalCall(int32_t off, std::string name, std::vector<ExprPtr> args) {
    if (name == "has" && args.size() == 1) {
      ExprPtr& arg = args[0];
      if (arg->kind != ExprKind::kSelect || arg->test_only) {
        Error(off, "invalid argument to has() macro");
        return MakeConst(off, Value::Null());
      }
      arg->test_only = true;
      return std::move(arg);
    }
    return MakeCall(off, std::move(name), std::move(args));
  }

  bool VarName(const ExprPtr& e, int32_t off, std::string* name) {
    if (e->kind != ExprKind::kIdent) {
      Error(off, "argument must be a simple name");
      return false;
    }
    *name = e->name;
    return true;
  }

  ExprPtr Accu(int32_t off) { return MakeIdent(off, kAccumulatorName); }

  ExprPtr Comp(int32_t off, std::string iter, std::string iter2, ExprPtr range, std::string accu, ExprPtr init,
               ExprPtr cond, ExprPtr step, ExprPtr result) {
    auto e = F().New(ExprKind::kComprehension, off);
    e->comp = std::make_unique<Comprehension>();
    e->comp->iter_var = std::move(iter);
    e->comp->iter_var2 = std::move(iter2);
    e->comp->range = std::move(range);
    e->comp->accu_var = std::move(accu);
    e->comp->init = std::move(init);
    e->comp->cond = std::move(cond);
    e->comp->step = std::move(step);
    e->comp->result = std::move(result);
    return e;
  }

  ExprPtr Unary(int32_t off, const char* fn, ExprPtr a) {
    std::vector<ExprPtr> args;
    args.push_back(std::move(a));
    return MakeCall(off, fn, std::move(args));
  }
  ExprPtr Ternary(int32_t off, ExprPtr c, ExprPtr a, ExprPtr b) {
    std::vector<ExprPtr> args;
    args.push_back(std::move(c));
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return MakeCall(off, "_?_:_", std::move(args));
  }
  ExprPtr ListOf1(int32_t off, ExprPtr a) {
    auto l = F().New(ExprKind::kList, off);
    l->args.push_back(std::move(a));
    return l;
  }

  // The step of map and transformList: `accu + [t]`, or `f ? accu + [t] : accu` for the filtering form.
  // `rest` is the macro's arguments after its iteration variables: (t) or (f, t).
  ExprPtr TransformStep(int32_t off, std::span<ExprPtr> rest) {
    if (rest.size() == 1) return Call2(off, "_+_", Accu(off), ListOf1(off, std::move(rest[0])));
    return Ternary(off, std::move(rest[0]), Call2(off, "_+_", Accu(off), ListOf1(off, std::move(rest[1]))),
                   Accu(off));
  }

  // A comprehension that builds a list (map, filter, transformList): accumulator `[]`, loop condition
  // `true`, result the accumulator.
  ExprPtr ListComprehension(int32_t off, std::string iter, std::string iter2, ExprPtr range, ExprPtr step) {
    return Comp(off, std::move(iter), std::move(iter2), std::move(range), kAccumulatorName,
                F().New(ExprKind::kList, off), MakeConst(off, Value::Bool(true)), std::move(step), Accu(off));
  }

  // all/exists/exists_one(/existsOne) with one or two iteration variables.
  ExprPtr Quantifier(int32_t off, const std::string& kind, ExprPtr target, std::string v1, std::string v2,
                     ExprPtr pred) {
    if (kind == "all") {
      return Comp(off, v1, v2, std::move(target), kAccumulatorName, MakeConst(off, Value::Bool(true)),
                  Unary(off, "@not_strictly_false", Accu(off)), Call2(off, "_&&_", Accu(off), std::move(pred)),
                  Accu(off));
    }
    if (kind == "exists") {
      return Comp(off, v1, v2, std::move(target), kAccumulatorName, MakeConst(off, Value::Bool(false)),
                  Unary(off, "@not_strictly_false", Unary(off, "!_", Accu(off))),
                  Call2(off, "_||_", Accu(off), std::move(pred)), Accu(off));
    }
    // exists_one
    return Comp(off, v1, v2, std::move(target), kAccumulatorName, MakeConst(off, Value::Int(0)),
                MakeConst(off, Value::Bool(true)),
                Ternary(off, std::move(pred), Call2(off, "_+_", Accu(off), MakeConst(off, Value::Int(1))), Accu(off)),
                Call2(off, "_==_", Accu(off), MakeConst(off, Value::Int(1))));
  }

  ExprPtr ExpandMemberCall(int32_t off, std::string name, ExprPtr target, std::vector<ExprPtr> args) {
    const size_t n = args.size();
    // cel.bind(v, init, body)
    if (name == "bind" && n == 3 && target->kind == ExprKind::kIdent && target->name == "cel") {
      std::string v;
      if (!VarName(args[0], args[0]->offset, &v)) return target;
      auto empty = F().New(ExprKind::kList, off);
      ExprPtr bind = Comp(off, "#unused", "", std::move(empty), v, std::move(args[1]),
                          MakeConst(off, Value::Bool(false)), MakeIdent(off, v), std::move(args[2]));
      bind->comp->is_bind = true;
      return bind;
    }
    if ((name == "all" || name == "exists" || name == "exists_one") && n == 2) {
      std::string v;
      if (!VarName(args[0], args[0]->offset, &v)) return target;
      return Quantifier(off, name, std::move(target), v, "", std::move(args[1]));
    }
    if ((name == "all" || name == "exists" || name == "existsOne" || name == "exists_one") && n == 3) {
      std::string v1, v2;
      if (!VarName(args[0], args[0]->offset, &v1) || !VarName(args[1], args[1]->offset, &v2)) return target;
      return Quantifier(off, name == "existsOne" ? "exists_one" : name, std::move(target), v1, v2,
                        std::move(args[2]));
    }
    if (name == "map" && (n == 2 || n == 3)) {
      std::string v;
      if (!VarName(args[0], args[0]->offset, &v)) return target;
      ExprPtr step = TransformStep(off, std::span<ExprPtr>(args).subspan(1));
      return ListComprehension(off, v, "", std::move(target), std::move(step));
    }
    if (name == "filter" && n == 2) {
      std::string v;
      if (!VarName(args[0], args[0]->offset, &v)) return target;
      ExprPtr step = Ternary(off, std::move(args[1]),
                             Call2(off, "_+_", Accu(off), ListOf1(off, MakeIdent(off, v))), Accu(off));
      return ListComprehension(off, v, "", std::move(target), std::move(step));
    }
    if (name == "transformList" && (n == 3 || n == 4)) {
      std::string v1, v2;
      if (!VarName(args[0], args[0]->offset, &v1) || !VarName(args[1], args[1]->offset, &v2)) return target;
      ExprPtr step = TransformStep(off, std::span<ExprPtr>(args).subspan(2));
      return ListComprehension(off, v1, v2, std::move(target), std::move(step));
    }
    if ((name == "transformMap" || name == "transformMapEntry") && (n == 3 || n == 4)) {
      std::string v1, v2;
      if (!VarName(args[0], args[0]->offset, &v1) || !VarName(args[1], args[1]->offset, &v2)) return target;
      auto insert = [&](ExprPtr value) {
        std::vector<ExprPtr> a;
        a.push_back(Accu(off));
        if (name == "transformMap") a.push_back(MakeIdent(off, v1));
        a.push_back(std::move(value));
        return MakeCall(off, "cel.@mapInsert", std::move(a));
      };
      ExprPtr step;
      if (n == 3) {
        step = insert(std::move(args[2]));
      } else {
        step = Ternary(off, std::move(args[2]), insert(std::move(args[3])), Accu(off));
      }
      return Comp(off, v1, v2, std::move(target), kAccumulatorName, F().New(ExprKind::kMap, off),
                  MakeConst(off, Value::Bool(true)), std::move(step), Accu(off));
    }
    if ((name == "optMap" || name == "optFlatMap") && n == 2) {
      std::string v;
      if (!VarName(args[0], args[0]->offset, &v)) return target;
      ExprPtr copy = CloneExpr(*target, F());
      ExprPtr has = MakeCall(off, "hasValue", {}, std::move(target));
      ExprPtr value = MakeCall(off, "value", {}, std::move(copy));
      auto empty = F().New(ExprKind::kList, off);
      ExprPtr bind = Comp(off, "#unused", "", std::move(empty), v, std::move(value), MakeConst(off, Value::Bool(false)),
                          MakeIdent(off, v), std::move(args[1]));
      bind->comp->is_bind = true;
      ExprPtr then = name == "optMap" ? MakeCall(off, "optional.of", [&] {
        std::vector<ExprPtr> a;
        a.push_back(std::move(bind));
        return a;
      }()) : std::move(bind);
      return Ternary(off, std::move(has), std::move(then), MakeCall(off, "optional.none", {}));
    }
    return MakeCall(off, std::move(name), std::move(args), std::move(target));
  }

  Lexer lexer_;
  ParseResult* out_;
  Token tok_;
  bool failed_ = false;
  int depth_ = 0;
};

}  // namespace

ExprPtr CloneExpr(const Expr& e, ExprFactory& factory) {
  auto c = factory.New(e.kind, e.offset);
  c->constant = e.constant;
  c->name = e.name;
  if (e.operand) c->operand = CloneExpr(*e.operand, factory);
  c->test_only = e.test_only;
  for (const auto& a : e.args) c->args.push_back(CloneExpr(*a, factory));
  c->optional_elements = e.optional_elements;
  for (const auto& en : e.entries) {
    c->entries.push_back({CloneExpr(*en.key, factory), CloneExpr(*en.value, factory), en.optional});
  }
  if (e.comp) {
    c->comp = std::make_unique<Comprehension>();
    c->comp->iter_var = e.comp->iter_var;
    c->comp->iter_var2 = e.comp->iter_var2;
    c->comp->accu_var = e.comp->accu_var;
    c->comp->is_bind = e.comp->is_bind;
    c->comp->range = CloneExpr(*e.comp->range, factory);
    c->comp->init = CloneExpr(*e.comp->init, factory);
    c->comp->cond = CloneExpr(*e.comp->cond, factory);
    c->comp->step = CloneExpr(*e.comp->step, factory);
    c->comp->result = CloneExpr(*e.comp->result, factory);
  }
  return c;
}

namespace {

// Depth of the tree, stopping early once `limit` is exceeded (small frames: safe at any depth the
// parser can produce from a 10 KiB expression).
int Depth(const Expr& e, int limit) {
  if (limit <= 0) return 1;
  int d = 0;
  auto visit = [&](const Expr* c) {
    if (c != nullptr && d <= limit) d = std::max(d, Depth(*c, limit - 1));
  };
  visit(e.operand.get());
  for (const auto& a : e.args) visit(a.get());
  for (const auto& en : e.entries) {
    visit(en.key.get());
    visit(en.value.get());
  }
  if (e.comp) {
    visit(e.comp->range.get());
    visit(e.comp->init.get());
    visit(e.comp->cond.get());
    visit(e.comp->step.get());
    visit(e.comp->result.get());
  }
  return d + 1;
}

}  // namespace

ParseResult ParseExpression(std::string_view source) {
  ParseResult result;
  Parser p(source, &result);
  ExprPtr root = p.ParseAll();
  if (result.issues.empty() && root != nullptr && Depth(*root, kMaxAstDepth) > kMaxAstDepth) {
    result.issues.push_back({0, "expression recursion limit exceeded: " + std::to_string(kMaxAstDepth)});
  }
  if (result.issues.empty()) result.root = std::move(root);
  return result;
}

std::string FormatIssues(std::string_view source, const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& issue : issues) {
    // Line and column (1-based, column counted in code points).
    size_t off = std::min<size_t>(static_cast<size_t>(std::max<int32_t>(issue.offset, 0)), source.size());
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < off; ++i) {
      if (source[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    int col = 0;
    for (size_t i = line_start; i < off; ++i) {
      if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) ++col;
    }
    size_t line_end = source.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = source.size();
    if (!out.empty()) out += "\n";
    out += "ERROR: <input>:" + std::to_string(line) + ":" + std::to_string(col + 1) + ": " + issue.message;
    out += "\n | " + std::string(source.substr(line_start, line_end - line_start));
    out += "\n | " + std::string(static_cast<size_t>(col), '.') + "^";
  }
  return out;
}

}  // namespace allot::cel
