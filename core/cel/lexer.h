// CEL lexer: turns source text into tokens (cel-spec lexical structure, cel.md 2.1).
//
// Literal tokens carry their decoded value: integers (with the unsigned suffix), doubles, strings
// (escapes and raw/triple-quoted forms decoded; `\x`/octal are code points) and bytes (`\x`/octal are
// octets). Malformed input yields a kError token whose `error` says why.
//
// Thread safety: a Lexer is single-use and not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/cel/value.h"

namespace allot::cel {

enum class TokenKind : uint8_t {
  kEof,
  kError,
  kIdent,
  kInt,      // value: the magnitude as uint64 in `uint_value` (sign handled by the parser)
  kUint,
  kDouble,
  kString,
  kBytes,
  kTrue,
  kFalse,
  kNull,
  kIn,
  kLParen, kRParen, kLBracket, kRBracket, kLBrace, kRBrace,
  kDot, kComma, kColon, kQuestion,
  kPlus, kMinus, kStar, kSlash, kPercent,
  kEq, kNe, kLt, kLe, kGt, kGe,
  kAnd, kOr, kNot,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  int32_t offset = 0;         // byte offset of the first character
  std::string_view text;      // the raw source text of the token
  uint64_t uint_value = 0;    // kInt (magnitude), kUint
  double double_value = 0;    // kDouble
  std::string string_value;   // kString, kBytes (decoded), kError (message)
  bool int_overflow = false;  // kInt: magnitude does not fit in uint64
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}
  Token Next();

 private:
  Token LexNumber(size_t start);
  Token LexString(size_t start, bool raw, bool bytes);
  void SkipSpaceAndComments();

  std::string_view src_;
  size_t pos_ = 0;
};

// Appends the UTF-8 encoding of code point `cp` to `out`.
void AppendUtf8(uint32_t cp, std::string* out);

}  // namespace allot::cel
