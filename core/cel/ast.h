// The CEL abstract syntax tree, as produced by the parser (macros already expanded into
// comprehensions, operators as calls with cel-go's operator names: `_+_`, `_&&_`, `_[_]`, `_?._`, ...).
//
// After checking, the checker annotates each node (type, resolved overloads, variable binding); the
// tree is then immutable and shared by all evaluations of the compiled program.
//
// Thread safety: immutable after compilation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/cel/function_registry.h"
#include "core/cel/types.h"
#include "core/cel/value.h"

namespace allot::cel {

enum class ExprKind : uint8_t { kConst, kIdent, kSelect, kCall, kList, kMap, kComprehension };

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct MapEntry {
  ExprPtr key;
  ExprPtr value;
  bool optional = false;  // {?k: v}
};

struct Comprehension {
  std::string iter_var;
  std::string iter_var2;  // non-empty for two-variable comprehensions
  std::string accu_var;
  ExprPtr range;
  ExprPtr init;
  ExprPtr cond;
  ExprPtr step;
  ExprPtr result;
  bool is_bind = false;  // cel.bind: the accumulator is the bound variable, initialised lazily
  // Checker annotations: frame slots of the variables.
  int iter_slot = -1;
  int iter2_slot = -1;
  int accu_slot = -1;
};

// How an identifier was resolved by the checker.
enum class IdentBinding : uint8_t { kUnresolved, kVariable, kLocal, kTypeName };

struct Expr {
  int64_t id = 0;
  int32_t offset = 0;  // byte offset in the source, for error positions
  ExprKind kind = ExprKind::kConst;

  Value constant;            // kConst
  std::string name;          // kIdent: name; kSelect: field; kCall: function name
  ExprPtr operand;           // kSelect: operand; kCall: receiver (nullptr for global calls)
  bool test_only = false;    // kSelect: has() macro
  std::vector<ExprPtr> args;                // kCall: arguments; kList: elements
  std::vector<bool> optional_elements;      // kList: [?x] flags (empty if none)
  std::vector<MapEntry> entries;            // kMap
  std::unique_ptr<Comprehension> comp;      // kComprehension

  // ---- Checker annotations ----
  Type type;                                 // the checked type
  IdentBinding binding = IdentBinding::kUnresolved;
  int slot = -1;                             // kIdent local: frame slot; kVariable: variable index
  std::vector<const Overload*> overloads;    // kCall: candidate overloads (library functions)
  int builtin = -1;                          // kCall: engine-implemented operator/function (see interpreter)
  std::vector<std::shared_ptr<const void>> prepared;  // per candidate overload, from Overload::prepare
  bool global_qualified = false;             // kCall: a dotted global name like strings.quote (no receiver)
  uint64_t folded_cost = 0;                  // kConst made by constant folding: the runtime cost it replaced
};

// Creates nodes with fresh ids.
class ExprFactory {
 public:
  ExprPtr New(ExprKind kind, int32_t offset) {
    auto e = std::make_unique<Expr>();
    e->id = ++next_id_;
    e->kind = kind;
    e->offset = offset;
    return e;
  }
  int64_t next_id() const { return next_id_; }

 private:
  int64_t next_id_ = 0;
};

}  // namespace allot::cel
