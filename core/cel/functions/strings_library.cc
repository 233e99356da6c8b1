// ext.Strings version 2 as Kubernetes enables it (cel-go ext/strings.go): charAt, indexOf,
// lastIndexOf, lowerAscii, upperAscii, replace, split, substring, trim, join, strings.quote.
// (`format`, also part of v2, is not implemented yet: see docs/cel-conformance.md.)
//
// Indices are code points (Go's []rune, invalid UTF-8 bytes count as one U+FFFD each). Error texts
// are cel-go's: "index out of range: <i>", "invalid substring range. start: <s>, end: <e>".
// Costs follow apiserver cost.go: lowerAscii/upperAscii/substring/trim ceil(0.1 × size),
// replace/split ceil(0.2 × size), join ceil(0.2 × size(result)), string indexOf/lastIndexOf
// trunc(0.1 × bytes), the others 1.
//
// Thread safety: stateless functions.
#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/cel/functions/libraries.h"

namespace allot::cel {
namespace {

constexpr char32_t kRuneError = 0xFFFD;

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = n != 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (!ok) {
      out.push_back(kRuneError);
      i += 1;
    } else {
      out.push_back(cp);
      i += n;
    }
  }
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view runes) {
  std::string out;
  out.reserve(runes.size());
  for (char32_t cp : runes) AppendUtf8(out, cp);
  return out;
}

// Width of the UTF-8 sequence at s[pos] (1 for an invalid byte), as Go's utf8.DecodeRuneInString.
size_t RuneWidth(std::string_view s, size_t pos) {
  std::u32string one = DecodeUtf8(s.substr(pos, std::min<size_t>(4, s.size() - pos)));
  if (one.empty()) return 1;
  if (one[0] == kRuneError) return s.substr(pos, 3) == "\xEF\xBF\xBD" ? 3 : 1;
  std::string enc;
  AppendUtf8(enc, one[0]);
  return enc.size();
}

Value OutOfRange(int64_t i) { return Value::Error("index out of range: " + std::to_string(i)); }

Value CharAt(std::span<const Value> args, const CallContext&) {
  std::u32string runes = DecodeUtf8(args[0].string_value());
  int64_t i = args[1].int_value();
  if (i < 0 || i > static_cast<int64_t>(runes.size())) return OutOfRange(i);
  if (i == static_cast<int64_t>(runes.size())) return Value::String(std::string());
  return Value::String(EncodeUtf8(runes.substr(static_cast<size_t>(i), 1)));
}

Value IndexOf(std::span<const Value> args, const CallContext&) {
  int64_t offset = args.size() > 2 ? args[2].int_value() : 0;
  std::u32string sub = DecodeUtf8(args[1].string_value());
  if (sub.empty()) return Value::Int(offset);
  std::u32string runes = DecodeUtf8(args[0].string_value());
  if (offset < 0) return OutOfRange(offset);
  const int64_t n = static_cast<int64_t>(runes.size()), m = static_cast<int64_t>(sub.size());
  if (offset >= n) return Value::Int(-1);
  for (int64_t i = offset; i < n - (m - 1); ++i) {
    if (runes.compare(static_cast<size_t>(i), static_cast<size_t>(m), sub) == 0) return Value::Int(i);
  }
  return Value::Int(-1);
}

Value LastIndexOf(std::span<const Value> args, const CallContext&) {
  std::string_view str = args[0].string_value(), substr = args[1].string_value();
  std::u32string runes = DecodeUtf8(str);
  int64_t offset;
  if (args.size() > 2) {
    offset = args[2].int_value();
  } else {
    if (substr.empty()) return Value::Int(static_cast<int64_t>(runes.size()));
    if (str.size() < substr.size()) return Value::Int(-1);
    offset = static_cast<int64_t>(runes.size()) - 1;
  }
  if (substr.empty()) return Value::Int(offset);
  std::u32string sub = DecodeUtf8(substr);
  if (offset < 0) return OutOfRange(offset);
  const int64_t n = static_cast<int64_t>(runes.size()), m = static_cast<int64_t>(sub.size());
  if (offset >= n) return Value::Int(-1);
  if (offset > n - m) offset = n - m;
  for (int64_t i = offset; i >= 0; --i) {
    if (runes.compare(static_cast<size_t>(i), static_cast<size_t>(m), sub) == 0) return Value::Int(i);
  }
  return Value::Int(-1);
}

Value LowerAscii(std::span<const Value> args, const CallContext&) {
  std::string s(args[0].string_value());
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Value::String(std::move(s));
}

Value UpperAscii(std::span<const Value> args, const CallContext&) {
  std::string s(args[0].string_value());
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return Value::String(std::move(s));
}

// Go's strings.Replace(s, old, new, n); n < 0 replaces all.
Value Replace(std::span<const Value> args, const CallContext&) {
  std::string_view s = args[0].string_value(), old = args[1].string_value(), rep = args[2].string_value();
  int64_t n = args.size() > 3 ? args[3].int_value() : -1;
  if (n == 0 || old == rep) return Value::String(std::string(s));
  std::string out;
  int64_t done = 0;
  size_t start = 0;
  if (old.empty()) {
    // Matches at the beginning and after each UTF-8 sequence (an invalid byte is one sequence).
    size_t byte = 0;
    while (true) {
      if (n < 0 || done < n) {
        out += rep;
        ++done;
      }
      if (byte >= s.size()) break;
      size_t w = RuneWidth(s, byte);
      out.append(s.substr(byte, w));
      byte += w;
    }
    return Value::String(std::move(out));
  }
  while (n < 0 || done < n) {
    size_t i = s.find(old, start);
    if (i == std::string_view::npos) break;
    out.append(s.substr(start, i - start));
    out.append(rep);
    start = i + old.size();
    ++done;
  }
  out.append(s.substr(start));
  return Value::String(std::move(out));
}

// Go's strings.SplitN(s, sep, n); n < 0 means all, n == 0 gives [].
Value Split(std::span<const Value> args, const CallContext&) {
  std::string_view s = args[0].string_value(), sep = args[1].string_value();
  int64_t n = args.size() > 2 ? args[2].int_value() : -1;
  std::vector<Value> out;
  if (n == 0) return Value::ListOf(std::move(out));
  if (sep.empty()) {
    std::u32string runes = DecodeUtf8(s);
    size_t count = runes.size();
    if (n > 0 && static_cast<size_t>(n) < count) count = static_cast<size_t>(n);
    for (size_t i = 0; i < count; ++i) {
      if (i + 1 == count && count < runes.size()) {
        out.push_back(Value::String(EncodeUtf8(std::u32string_view(runes).substr(i))));
      } else {
        out.push_back(Value::String(EncodeUtf8(std::u32string_view(runes).substr(i, 1))));
      }
    }
    return Value::ListOf(std::move(out));
  }
  size_t start = 0;
  while (n < 0 || static_cast<int64_t>(out.size()) < n - 1) {
    size_t i = s.find(sep, start);
    if (i == std::string_view::npos) break;
    out.push_back(Value::String(std::string(s.substr(start, i - start))));
    start = i + sep.size();
  }
  out.push_back(Value::String(std::string(s.substr(start))));
  return Value::ListOf(std::move(out));
}

Value Substring(std::span<const Value> args, const CallContext&) {
  std::u32string runes = DecodeUtf8(args[0].string_value());
  const int64_t l = static_cast<int64_t>(runes.size());
  int64_t start = args[1].int_value();
  if (args.size() == 2) {
    if (start < 0 || start > l) return OutOfRange(start);
    return Value::String(EncodeUtf8(std::u32string_view(runes).substr(static_cast<size_t>(start))));
  }
  int64_t end = args[2].int_value();
  if (start > end) {
    return Value::Error("invalid substring range. start: " + std::to_string(start) + ", end: " + std::to_string(end));
  }
  if (start < 0 || start > l) return OutOfRange(start);
  if (end < 0 || end > l) return OutOfRange(end);
  return Value::String(
      EncodeUtf8(std::u32string_view(runes).substr(static_cast<size_t>(start), static_cast<size_t>(end - start))));
}

// Go's unicode.IsSpace.
bool IsSpace(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

Value Trim(std::span<const Value> args, const CallContext&) {
  std::string_view s = args[0].string_value();
  std::u32string runes = DecodeUtf8(s);
  size_t b = 0, e = runes.size();
  while (b < e && IsSpace(runes[b])) ++b;
  while (e > b && IsSpace(runes[e - 1])) --e;
  if (b == 0 && e == runes.size()) return Value::String(std::string(s));
  return Value::String(EncodeUtf8(std::u32string_view(runes).substr(b, e - b)));
}

Value Join(std::span<const Value> args, const CallContext&) {
  const ListValue& list = args[0].list_value();
  std::string_view sep = args.size() > 1 ? args[1].string_value() : std::string_view();
  std::string out;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i != 0) out.append(sep);
    Value v = list.Get(i);
    if (!v.is_string()) return Value::Error("join: invalid input: " + v.DebugString());
    out.append(v.string_value());
  }
  return Value::String(std::move(out));
}

Value Quote(std::span<const Value> args, const CallContext&) {
  std::string out = "\"";
  for (char32_t c : DecodeUtf8(args[0].string_value())) {
    switch (c) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default: AppendUtf8(out, c); break;
    }
  }
  out += "\"";
  return Value::String(std::move(out));
}

// ---- costs ----

CallEstimate TraverseReceiverEstimate(std::span<const SizeEstimate> sizes) {
  CallEstimate e;
  e.cost = {StringTraversalCost(sizes[0].min), StringTraversalCost(sizes[0].max)};
  e.result_size = sizes[0];
  return e;
}
uint64_t TraverseReceiverCost(std::span<const Value> args, const Value&) {
  return StringTraversalCost(ActualSize(args[0]));
}

CallEstimate DoubleTraverseEstimate(std::span<const SizeEstimate> sizes) {
  CallEstimate e;
  e.cost = {CeilScaled(sizes[0].min, 2, 10), CeilScaled(sizes[0].max, 2, 10)};
  return e;
}
uint64_t DoubleTraverseCost(std::span<const Value> args, const Value&) { return CeilScaled(ActualSize(args[0]), 2, 10); }

uint64_t JoinCost(std::span<const Value>, const Value& result) { return CeilScaled(ActualSize(result), 2, 10); }

// apiserver traversalCost for a string receiver: trunc(0.1 × bytes).
uint64_t StringIndexCost(std::span<const Value> args, const Value&) { return args[0].string_value().size() / 10; }
CallEstimate StringIndexEstimate(std::span<const SizeEstimate> sizes) {
  CallEstimate e;
  e.cost = {StringTraversalCost(sizes[0].min), StringTraversalCost(sizes[0].max)};
  return e;
}

}  // namespace

Status RegisterStringsLibrary(FunctionRegistry& r) {
  const Type s = Type::String(), i = Type::Int();
  const OverloadHooks index_cost = {.estimate_cost = &StringIndexEstimate, .runtime_cost = &StringIndexCost};
  const OverloadHooks receiver_cost = {.estimate_cost = &TraverseReceiverEstimate,
                                       .runtime_cost = &TraverseReceiverCost};
  const OverloadHooks double_cost = {.estimate_cost = &DoubleTraverseEstimate, .runtime_cost = &DoubleTraverseCost};
  const OverloadHooks join_cost = {.runtime_cost = &JoinCost};
  OverloadAdder add(r);
  add.Member("charAt", "string_char_at_int", {s, i}, s, &CharAt);
  add.Member("indexOf", "string_index_of_string", {s, s}, i, &IndexOf, index_cost);
  add.Member("indexOf", "string_index_of_string_int", {s, s, i}, i, &IndexOf, index_cost);
  add.Member("lastIndexOf", "string_last_index_of_string", {s, s}, i, &LastIndexOf, index_cost);
  add.Member("lastIndexOf", "string_last_index_of_string_int", {s, s, i}, i, &LastIndexOf, index_cost);
  add.Member("lowerAscii", "string_lower_ascii", {s}, s, &LowerAscii, receiver_cost);
  add.Member("upperAscii", "string_upper_ascii", {s}, s, &UpperAscii, receiver_cost);
  add.Member("replace", "string_replace_string_string", {s, s, s}, s, &Replace, double_cost);
  add.Member("replace", "string_replace_string_string_int", {s, s, s, i}, s, &Replace, double_cost);
  add.Member("split", "string_split_string", {s, s}, Type::List(s), &Split, double_cost);
  add.Member("split", "string_split_string_int", {s, s, i}, Type::List(s), &Split, double_cost);
  add.Member("substring", "string_substring_int", {s, i}, s, &Substring, receiver_cost);
  add.Member("substring", "string_substring_int_int", {s, i, i}, s, &Substring, receiver_cost);
  add.Member("trim", "string_trim", {s}, s, &Trim, receiver_cost);
  add.Member("join", "list_join", {Type::List(s)}, s, &Join, join_cost);
  add.Member("join", "list_join_string", {Type::List(s), s}, s, &Join, join_cost);
  add.Global("strings.quote", "strings_quote", {s}, s, &Quote);
  return add.status();
}

}  // namespace allot::cel
