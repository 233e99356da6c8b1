#include "api/k8s/quantity_syntax.h"

#include <cstddef>

namespace allot::api {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes an optional sign and a decimal number with optional fraction starting at `pos`.
// Returns false if no digit was found. `allow_fraction` is false for exponents.
bool ConsumeNumber(std::string_view s, std::size_t& pos, bool allow_fraction) {
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) ++pos;
  std::size_t digits = 0;
  while (pos < s.size() && IsDigit(s[pos])) {
    ++pos;
    ++digits;
  }
  if (allow_fraction && pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && IsDigit(s[pos])) {
      ++pos;
      ++digits;
    }
  }
  return digits > 0;
}

bool IsValidSuffix(std::string_view suffix) {
  if (suffix.empty()) return true;
  if (suffix.size() == 1) {
    switch (suffix[0]) {
      case 'm':
      case 'k':
      case 'M':
      case 'G':
      case 'T':
      case 'P':
      case 'E':
        return true;
      default:
        break;
    }
  }
  if (suffix.size() == 2 && suffix[1] == 'i') {
    switch (suffix[0]) {
      case 'K':
      case 'M':
      case 'G':
      case 'T':
      case 'P':
      case 'E':
        return true;
      default:
        return false;
    }
  }
  if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    std::size_t pos = 1;
    return ConsumeNumber(suffix, pos, /*allow_fraction=*/false) && pos == suffix.size();
  }
  return false;
}

}  // namespace

bool IsValidQuantitySyntax(std::string_view text) {
  std::size_t pos = 0;
  if (!ConsumeNumber(text, pos, /*allow_fraction=*/true)) return false;
  return IsValidSuffix(text.substr(pos));
}

}  // namespace allot::api
