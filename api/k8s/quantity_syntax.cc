#include "api/k8s/quantity_syntax.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

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

// The decimalSI and binarySI suffixes of the grammar in quantity_syntax.h ("" is decimalSI).
constexpr std::array<std::string_view, 14> kSiSuffixes = {"",   "m",  "k",  "M",  "G",  "T",  "P",
                                                         "E",  "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

bool IsValidSuffix(std::string_view suffix) {
  if (std::find(kSiSuffixes.begin(), kSiSuffixes.end(), suffix) != kSiSuffixes.end()) return true;
  // decimalExponent
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
