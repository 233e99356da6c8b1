#include "core/cel/lexer.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace allot::cel {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexVal(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

Token MakeError(size_t start, std::string msg) {
  Token t;
  t.kind = TokenKind::kError;
  t.offset = static_cast<int32_t>(start);
  t.string_value = std::move(msg);
  return t;
}

}  // namespace

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void Lexer::SkipSpaceAndComments() {
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '/') {
      while (pos_ < src_.size() && src_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
}

Token Lexer::Next() {
  SkipSpaceAndComments();
  Token t;
  t.offset = static_cast<int32_t>(pos_);
  if (pos_ >= src_.size()) {
    t.kind = TokenKind::kEof;
    return t;
  }
  size_t start = pos_;
  char c = src_[pos_];
  auto peek = [&](size_t k) -> char { return pos_ + k < src_.size() ? src_[pos_ + k] : '\0'; };
  auto single = [&](TokenKind k, size_t len) {
    t.kind = k;
    t.text = src_.substr(start, len);
    pos_ += len;
    return t;
  };

  // String and bytes literals with prefixes.
  {
    bool raw = false, bytes = false;
    size_t p = pos_;
    for (int i = 0; i < 2 && p < src_.size(); ++i) {
      char q = src_[p];
      if ((q == 'r' || q == 'R') && !raw) {
        raw = true;
        ++p;
      } else if ((q == 'b' || q == 'B') && !bytes) {
        bytes = true;
        ++p;
      } else {
        break;
      }
    }
    if (p < src_.size() && (src_[p] == '"' || src_[p] == '\'') && (raw || bytes || p == pos_)) {
      pos_ = p;
      return LexString(start, raw, bytes);
    }
  }

  if (IsIdentStart(c)) {
    while (pos_ < src_.size() && (IsIdentStart(src_[pos_]) || IsDigit(src_[pos_]))) ++pos_;
    t.text = src_.substr(start, pos_ - start);
    if (t.text == "true") t.kind = TokenKind::kTrue;
    else if (t.text == "false") t.kind = TokenKind::kFalse;
    else if (t.text == "null") t.kind = TokenKind::kNull;
    else if (t.text == "in") t.kind = TokenKind::kIn;
    else t.kind = TokenKind::kIdent;
    return t;
  }
  if (IsDigit(c) || (c == '.' && IsDigit(peek(1)))) return LexNumber(start);

  switch (c) {
    case '(': return single(TokenKind::kLParen, 1);
    case ')': return single(TokenKind::kRParen, 1);
    case '[': return single(TokenKind::kLBracket, 1);
    case ']': return single(TokenKind::kRBracket, 1);
    case '{': return single(TokenKind::kLBrace, 1);
    case '}': return single(TokenKind::kRBrace, 1);
    case '.': return single(TokenKind::kDot, 1);
    case ',': return single(TokenKind::kComma, 1);
    case ':': return single(TokenKind::kColon, 1);
    case '?': return single(TokenKind::kQuestion, 1);
    case '+': return single(TokenKind::kPlus, 1);
    case '-': return single(TokenKind::kMinus, 1);
    case '*': return single(TokenKind::kStar, 1);
    case '/': return single(TokenKind::kSlash, 1);
    case '%': return single(TokenKind::kPercent, 1);
    case '=':
      if (peek(1) == '=') return single(TokenKind::kEq, 2);
      break;
    case '!':
      if (peek(1) == '=') return single(TokenKind::kNe, 2);
      return single(TokenKind::kNot, 1);
    case '<':
      if (peek(1) == '=') return single(TokenKind::kLe, 2);
      return single(TokenKind::kLt, 1);
    case '>':
      if (peek(1) == '=') return single(TokenKind::kGe, 2);
      return single(TokenKind::kGt, 1);
    case '&':
      if (peek(1) == '&') return single(TokenKind::kAnd, 2);
      break;
    case '|':
      if (peek(1) == '|') return single(TokenKind::kOr, 2);
      break;
    default:
      break;
  }
  ++pos_;
  // Consume a whole UTF-8 sequence so the message shows the character.
  while (pos_ < src_.size() && (static_cast<unsigned char>(src_[pos_]) & 0xC0) == 0x80) ++pos_;
  return MakeError(start, "token recognition error at: '" + std::string(src_.substr(start, pos_ - start)) + "'");
}

Token Lexer::LexNumber(size_t start) {
  Token t;
  t.offset = static_cast<int32_t>(start);
  auto at = [&](size_t i) -> char { return i < src_.size() ? src_[i] : '\0'; };
  if (at(pos_) == '0' && (at(pos_ + 1) == 'x' || at(pos_ + 1) == 'X') && IsHex(at(pos_ + 2))) {
    pos_ += 2;
    size_t digits = pos_;
    while (IsHex(at(pos_))) ++pos_;
    uint64_t v = 0;
    bool overflow = false;
    for (size_t i = digits; i < pos_; ++i) {
      if (v > (UINT64_MAX >> 4)) overflow = true;
      v = (v << 4) | static_cast<uint64_t>(HexVal(src_[i]));
    }
    t.uint_value = v;
    t.int_overflow = overflow;
    if (at(pos_) == 'u' || at(pos_) == 'U') {
      ++pos_;
      t.kind = TokenKind::kUint;
    } else {
      t.kind = TokenKind::kInt;
    }
    t.text = src_.substr(start, pos_ - start);
    return t;
  }
  bool is_double = false;
  while (IsDigit(at(pos_))) ++pos_;
  if (at(pos_) == '.' && IsDigit(at(pos_ + 1))) {
    is_double = true;
    ++pos_;
    while (IsDigit(at(pos_))) ++pos_;
  }
  if (at(pos_) == 'e' || at(pos_) == 'E') {
    size_t p = pos_ + 1;
    if (at(p) == '+' || at(p) == '-') ++p;
    if (IsDigit(at(p))) {
      is_double = true;
      pos_ = p;
      while (IsDigit(at(pos_))) ++pos_;
    }
  }
  t.text = src_.substr(start, pos_ - start);
  if (is_double) {
    std::string s(t.text);
    t.kind = TokenKind::kDouble;
    t.double_value = std::strtod(s.c_str(), nullptr);
    return t;
  }
  uint64_t v = 0;
  bool overflow = false;
  for (char ch : t.text) {
    uint64_t d = static_cast<uint64_t>(ch - '0');
    if (v > (UINT64_MAX - d) / 10) overflow = true;
    v = v * 10 + d;
  }
  t.uint_value = v;
  t.int_overflow = overflow;
  if (at(pos_) == 'u' || at(pos_) == 'U') {
    ++pos_;
    t.kind = TokenKind::kUint;
    t.text = src_.substr(start, pos_ - start);
  } else {
    t.kind = TokenKind::kInt;
  }
  return t;
}

Token Lexer::LexString(size_t start, bool raw, bool bytes) {
  char quote = src_[pos_];
  bool triple = pos_ + 2 < src_.size() && src_[pos_ + 1] == quote && src_[pos_ + 2] == quote;
  pos_ += triple ? 3 : 1;
  std::string out;
  auto fail = [&](const std::string& msg) {
    return MakeError(start, msg);
  };
  while (true) {
    if (pos_ >= src_.size()) return fail("token recognition error at: '" + std::string(src_.substr(start)) + "'");
    char c = src_[pos_];
    if (triple) {
      if (c == quote && pos_ + 2 < src_.size() && src_[pos_ + 1] == quote && src_[pos_ + 2] == quote) {
        pos_ += 3;
        break;
      }
    } else {
      if (c == quote) {
        ++pos_;
        break;
      }
      if (c == '\n' || c == '\r') return fail("token recognition error at: '" + std::string(src_.substr(start, pos_ - start + 1)) + "'");
    }
    if (c != '\\' || raw) {
      out.push_back(c);
      ++pos_;
      continue;
    }
    // Escape sequence.
    if (pos_ + 1 >= src_.size()) return fail("Syntax error: invalid escape sequence");
    char e = src_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case '\\': out.push_back('\\'); break;
      case '?': out.push_back('?'); break;
      case '"': out.push_back('"'); break;
      case '\'': out.push_back('\''); break;
      case '`': out.push_back('`'); break;
      case 'a': out.push_back('\a'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'v': out.push_back('\v'); break;
      case 'x':
      case 'X':
      case 'u':
      case 'U': {
        int n = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
        uint32_t cp = 0;
        for (int i = 0; i < n; ++i) {
          if (pos_ >= src_.size() || !IsHex(src_[pos_])) return fail("Syntax error: invalid escape sequence");
          cp = cp * 16 + static_cast<uint32_t>(HexVal(src_[pos_++]));
        }
        if (bytes && n == 2) {
          out.push_back(static_cast<char>(cp));
        } else {
          if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return fail("Syntax error: invalid unicode code point");
          AppendUtf8(cp, &out);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '3') {
          uint32_t v = static_cast<uint32_t>(e - '0');
          for (int i = 0; i < 2; ++i) {
            if (pos_ >= src_.size() || src_[pos_] < '0' || src_[pos_] > '7') return fail("Syntax error: invalid escape sequence");
            v = v * 8 + static_cast<uint32_t>(src_[pos_++] - '0');
          }
          if (bytes) out.push_back(static_cast<char>(v));
          else AppendUtf8(v, &out);
          break;
        }
        return fail("Syntax error: invalid escape sequence");
    }
  }
  Token t;
  t.kind = bytes ? TokenKind::kBytes : TokenKind::kString;
  t.offset = static_cast<int32_t>(start);
  t.text = src_.substr(start, pos_ - start);
  t.string_value = std::move(out);
  return t;
}

}  // namespace allot::cel
