// The Kubernetes regex library (apiserver pkg/cel/library/regex.go): `<string>.find(re)`,
// `<string>.findAll(re)` and `<string>.findAll(re, n)`, with Go regexp semantics on RE2.
//
// find is Go's FindString (leftmost-first; "" when there is no match, which also happens for an
// empty match at position 0: 'abc 123'.find('[0-9]*') == ""). findAll is Go's FindAllString:
// non-overlapping matches left to right, an empty match adjacent to the previous match is
// skipped, n < 0 means all, n == 0 gives []. A literal pattern is compiled once when the program
// is built (`prepare`; an invalid literal is a compile error, as cel-go's regex optimisation);
// a computed pattern is compiled per call and an invalid one is the runtime error
// "Illegal regex: ...". Cost: ceil(0.1 × (len(s) + 1)) × ceil(0.25 × len(re)).
//
// Thread safety: compiled RE2 objects are immutable and shared; functions are stateless.
#include <re2/re2.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/cel/functions/libraries.h"
#include "base/status_macros.h"

namespace allot::cel {
namespace {

// Go's regexp/syntax error code texts for the RE2 codes.
std::string GoRegexpError(const RE2& re) {
  std::string code;
  switch (re.error_code()) {
    case RE2::ErrorBadEscape: code = "invalid escape sequence"; break;
    case RE2::ErrorBadCharClass: code = "invalid character class"; break;
    case RE2::ErrorBadCharRange: code = "invalid character class range"; break;
    case RE2::ErrorMissingBracket: code = "missing closing ]"; break;
    case RE2::ErrorMissingParen: code = "missing closing )"; break;
    case RE2::ErrorUnexpectedParen: code = "unexpected )"; break;
    case RE2::ErrorTrailingBackslash: code = "trailing backslash at end of expression"; break;
    case RE2::ErrorRepeatArgument: code = "missing argument to repetition operator"; break;
    case RE2::ErrorRepeatSize: code = "invalid repeat count"; break;
    case RE2::ErrorRepeatOp: code = "invalid nested repetition operator"; break;
    case RE2::ErrorBadPerlOp: code = "invalid or unsupported Perl syntax"; break;
    case RE2::ErrorBadUTF8: code = "invalid UTF-8"; break;
    case RE2::ErrorBadNamedCapture: code = "invalid named capture"; break;
    case RE2::ErrorPatternTooLarge: code = "expression too large"; break;
    default: code = re.error(); break;
  }
  return "error parsing regexp: " + code + ": `" + re.error_arg() + "`";
}

StatusOr<std::shared_ptr<const RE2>> Compile(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return InvalidArgumentError(GoRegexpError(*re));
  return re;
}

// Width of the UTF-8 sequence at s[pos] (1 for an invalid byte), as Go's input step.
size_t RuneWidth(std::string_view s, size_t pos) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (pos + n > s.size()) return 1;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[pos + i]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Go's Regexp.allMatches: up to n (n < 0: all) non-overlapping leftmost-first matches.
std::vector<std::string_view> FindAll(const RE2& re, std::string_view s, int64_t n) {
  std::vector<std::string_view> out;
  if (n < 0) n = static_cast<int64_t>(s.size()) + 1;
  re2::StringPiece text(s.data(), s.size());
  size_t pos = 0;
  int64_t prev_match_end = -1;
  while (static_cast<int64_t>(out.size()) < n && pos <= s.size()) {
    re2::StringPiece m;
    if (!re.Match(text, pos, s.size(), RE2::UNANCHORED, &m, 1)) break;
    const size_t start = static_cast<size_t>(m.data() - s.data());
    const size_t end = start + m.size();
    bool accept = true;
    if (end == pos) {  // an empty match
      if (static_cast<int64_t>(start) == prev_match_end) accept = false;
      pos += pos < s.size() ? RuneWidth(s, pos) : 1;
    } else {
      pos = end;
    }
    prev_match_end = static_cast<int64_t>(end);
    if (accept) out.push_back(s.substr(start, end - start));
  }
  return out;
}

StatusOr<std::shared_ptr<const void>> PreparePattern(std::span<const Value* const> constant_args) {
  if (constant_args.size() < 2 || constant_args[1] == nullptr || !constant_args[1]->is_string()) {
    return std::shared_ptr<const void>();
  }
  ALLOT_ASSIGN_OR_RETURN(std::shared_ptr<const RE2> re, Compile(constant_args[1]->string_value()));
  return std::shared_ptr<const void>(re);
}

// The compiled pattern: the prepared one, or compiled now (error Value on failure).
std::shared_ptr<const RE2> PatternFor(std::span<const Value> args, const CallContext& ctx, Value* error) {
  if (ctx.prepared != nullptr) {
    // Non-owning alias: the Program owns the prepared object for the whole evaluation.
    return std::shared_ptr<const RE2>(std::shared_ptr<const RE2>(), static_cast<const RE2*>(ctx.prepared));
  }
  StatusOr<std::shared_ptr<const RE2>> re = Compile(args[1].string_value());
  if (!re.ok()) {
    *error = Value::Error("Illegal regex: " + std::string(re.status().message()));
    return nullptr;
  }
  return *std::move(re);
}

Value Find(std::span<const Value> args, const CallContext& ctx) {
  if (!args[0].is_string() || !args[1].is_string()) return Value::NoSuchOverload();
  Value error;
  std::shared_ptr<const RE2> re = PatternFor(args, ctx, &error);
  if (re == nullptr) return error;
  std::string_view s = args[0].string_value();
  re2::StringPiece m;
  if (!re->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(), RE2::UNANCHORED, &m, 1)) {
    return Value::String(std::string());
  }
  return Value::String(std::string(m.data(), m.size()));
}

Value FindAllImpl(std::span<const Value> args, const CallContext& ctx) {
  if (!args[0].is_string() || !args[1].is_string()) return Value::NoSuchOverload();
  int64_t n = -1;
  if (args.size() > 2) {
    if (!args[2].is_int()) return Value::NoSuchOverload();
    n = args[2].int_value();
  }
  Value error;
  std::shared_ptr<const RE2> re = PatternFor(args, ctx, &error);
  if (re == nullptr) return error;
  std::vector<Value> out;
  if (n != 0) {
    for (std::string_view m : FindAll(*re, args[0].string_value(), n)) out.push_back(Value::String(std::string(m)));
  }
  return Value::ListOf(std::move(out));
}

CallEstimate FindEstimate(std::span<const SizeEstimate> sizes) {
  auto str_cost = [](uint64_t size) { return size == UINT64_MAX ? UINT64_MAX : StringTraversalCost(size + 1); };
  auto mul = [](uint64_t a, uint64_t b) {
    if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
    return a * b;
  };
  CallEstimate e;
  uint64_t re_min = CeilScaled(sizes[1].min, 1, 4), re_max = CeilScaled(sizes[1].max, 1, 4);
  e.cost = {mul(str_cost(sizes[0].min), re_min), mul(str_cost(sizes[0].max), re_max)};
  e.result_size = SizeEstimate{0, sizes[0].max};
  return e;
}

uint64_t FindRuntimeCost(std::span<const Value> args, const Value&) {
  uint64_t str_cost = StringTraversalCost(ActualSize(args[0]) + 1);
  uint64_t re_cost = CeilScaled(ActualSize(args[1]), 1, 4);
  return str_cost * re_cost;
}

}  // namespace

Status RegisterRegexLibrary(FunctionRegistry& r) {
  const Type s = Type::String();
  const OverloadHooks find_hooks = {
      .estimate_cost = &FindEstimate, .runtime_cost = &FindRuntimeCost, .prepare = &PreparePattern};
  OverloadAdder add(r);
  add.Member("find", "string_find_string", {s, s}, s, &Find, find_hooks);
  add.Member("findAll", "string_find_all_string", {s, s}, Type::List(s), &FindAllImpl, find_hooks);
  add.Member("findAll", "string_find_all_string_int", {s, s, Type::Int()}, Type::List(s), &FindAllImpl, find_hooks);
  return add.status();
}

}  // namespace allot::cel
