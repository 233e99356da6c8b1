// Kubernetes resource.Quantity, exactly: parsing of every suffix form (binary SI "Ki".."Ei",
// decimal SI "n","u","m","","k","M","G","T","P","E", decimal exponent "e3"/"E3"), the
// canonical string form (Quantity.String()), exact comparison, add/sub, Value() rounding up,
// and the limits and quirks of apimachinery's implementation described in
// ../shared/docs/cel.md (Quantity section) and docs/quantity.md.
//
// Contract (API shape agreed between core/quantity, core/cel, core/model and core/alloc;
// the quantity work may add members but must not change these):
//
//   StatusOr<Quantity> Quantity::Parse(std::string_view text);
//       InvalidArgument with a message naming the text on bad syntax
//       (apimachinery's "quantities must match the regular expression ..." wording is fine).
//   Quantity Quantity::FromInt64(int64_t value, Format format = Format::kDecimalSI);
//   std::string ToString() const;          // canonical form, as Go's Quantity.String()
//   int Compare(const Quantity& other) const;   // -1, 0, +1; exact
//   Quantity Add(const Quantity& other) const;  Quantity Sub(const Quantity& other) const;
//   int64_t Value() const;                 // rounded up (away from zero) to an integer, saturating
//   int Sign() const;  bool IsZero() const;  Format format() const;
//   bool operator==/!=/</<=/>/>= via Compare.
//
// Representation mirrors apimachinery, because several CEL-visible results depend on it
// (isInteger, asInteger, asApproximateFloat, and which strings String() returns verbatim):
// either an int64 mantissa with a base-10 scale ("int64Amount"), or an arbitrary-precision
// decimal ("inf.Dec", held behind a shared immutable pointer). Values are exact either way.
//
// Thread safety: a value type; immutable after construction; safe to share across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace allot::quantity {

// The suffix family a quantity remembers for printing (apimachinery's Format).
enum class Format { kDecimalExponent, kBinarySI, kDecimalSI };

class Quantity {
 public:
  // Zero, DecimalSI.
  Quantity() = default;

  // Parses a quantity string exactly as apimachinery's ParseQuantity (see docs/quantity.md
  // for the quirks kept: "Mi", "." and "e3" are zero; finer than 1n rounds up; BinarySI
  // values above 2^63-1 are capped). Errors are kInvalidArgument whose message is the Go
  // error text ("quantities must match the regular expression '...'", "unable to parse
  // quantity's suffix", "unable to parse numeric part of quantity"), prefixed by nothing, so
  // callers can surface it verbatim as the CEL runtime error. One documented divergence: a
  // decimal exponent whose magnitude exceeds kMaxExponent is rejected ("quantity exponent out
  // of supported range") instead of building huge numbers.
  static StatusOr<Quantity> Parse(std::string_view text);

  // value × 10^0 (Go's NewQuantity).
  static Quantity FromInt64(int64_t value, Format format = Format::kDecimalSI);
  // value × 10^scale in the int64 representation (Go's NewScaledQuantity with a format).
  static Quantity FromScaledInt64(int64_t value, int32_t scale, Format format = Format::kDecimalSI);

  // Canonical form, as Go's Quantity.String(): "1.5Gi" -> "1536Mi", "1000m" -> "1".
  // Strings the parser judged canonical are returned as written ("+1", "01", "1.").
  std::string ToString() const;

  // Exact numeric comparison across all formats: -1, 0 or +1.
  int Compare(const Quantity& other) const;

  // Exact sum / difference. If this is zero the result takes other's format (as Go).
  // The result stays in the int64 representation only if both operands are int64 and no
  // overflow happens (so isInteger() can become false, as upstream).
  Quantity Add(const Quantity& other) const;
  Quantity Sub(const Quantity& other) const;

  // The value rounded up (away from zero) to an integer; saturates at the int64 limits
  // (Go's Value() silently overflows instead).
  int64_t Value() const;

  // Go's AsInt64(): the integer value if held as int64 mantissa with a non-negative scale
  // whose scaled value fits int64, else nullopt. This is CEL's isInteger()/asInteger().
  std::optional<int64_t> AsInt64() const;

  // Go's AsApproximateFloat64(): float64(mantissa) * 10^exponent, ±Inf when out of range.
  double AsApproximateFloat64() const;

  int Sign() const;
  bool IsZero() const { return Sign() == 0; }
  Format format() const { return format_; }

  friend bool operator==(const Quantity& a, const Quantity& b) { return a.Compare(b) == 0; }
  friend bool operator!=(const Quantity& a, const Quantity& b) { return a.Compare(b) != 0; }
  friend bool operator<(const Quantity& a, const Quantity& b) { return a.Compare(b) < 0; }
  friend bool operator<=(const Quantity& a, const Quantity& b) { return a.Compare(b) <= 0; }
  friend bool operator>(const Quantity& a, const Quantity& b) { return a.Compare(b) > 0; }
  friend bool operator>=(const Quantity& a, const Quantity& b) { return a.Compare(b) >= 0; }

  // Largest accepted |decimal exponent| in the text (e.g. "1e1000"); see Parse.
  static constexpr int32_t kMaxExponent = 1000;

  // Implementation detail (arbitrary-precision decimal); defined in quantity.cc.
  struct Dec;

 private:
  // True when the value is held as an arbitrary-precision decimal.
  bool is_dec() const { return dec_ != nullptr; }

  int64_t value_ = 0;  // int64 mantissa (when !is_dec())
  int32_t scale_ = 0;  // base-10 exponent of value_
  std::shared_ptr<const Dec> dec_;  // immutable; shared between copies
  std::string text_;   // verbatim parse text when Go caches it as canonical, else empty
  Format format_ = Format::kDecimalSI;
};

std::string_view FormatName(Format format);

}  // namespace allot::quantity
