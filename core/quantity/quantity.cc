// Quantity: a C++ rendering of apimachinery's resource.Quantity (quantity.go, amount.go,
// math.go, suffix.go) with inf.Dec replaced by boost cpp_int + a base-10 scale.
#include "core/quantity/quantity.h"

#include <boost/multiprecision/cpp_int.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

namespace allot::quantity {

using BigInt = boost::multiprecision::cpp_int;

// inf.Dec: value = unscaled × 10^-scale (note the upside-down scale, as inf.Dec).
struct Quantity::Dec {
  BigInt unscaled;
  int32_t scale = 0;
};

namespace {

using Dec = Quantity::Dec;

__extension__ typedef __int128 Int128;

constexpr int64_t kMostNegative = std::numeric_limits<int64_t>::min();
constexpr int32_t kNano = -9;

const char kErrFormatWrong[] =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const char kErrNumeric[] = "unable to parse numeric part of quantity";
const char kErrSuffix[] = "unable to parse quantity's suffix";

BigInt Pow10Big(int64_t n) {
  return boost::multiprecision::pow(BigInt(10), static_cast<unsigned>(n));
}

// ---- int64 helpers (math.go semantics: exact result or "not ok") ----

bool MulInt64(int64_t a, int64_t b, int64_t* out) { return !__builtin_mul_overflow(a, b, out); }
bool AddInt64(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

// base × 10^scale (scale >= 0), false on overflow.
bool PositiveScaleInt64(int64_t base, int32_t scale, int64_t* out) {
  int64_t v = base;
  for (int32_t i = 0; i < scale; ++i) {
    if (v == 0) break;
    if (!MulInt64(v, 10, &v)) return false;
  }
  *out = v;
  return true;
}

// base / 10^scale rounded away from zero (scale >= 0); returns whether it was exact.
int64_t NegativeScaleInt64(int64_t base, int32_t scale, bool* exact) {
  if (scale == 0) {
    *exact = true;
    return base;
  }
  int64_t value = base;
  bool fraction = false;
  for (int32_t i = 0; i < scale; ++i) {
    if (!fraction && value % 10 != 0) fraction = true;
    value /= 10;
    if (value == 0) {
      *exact = !fraction;
      if (fraction) return base > 0 ? 1 : -1;
      return 0;
    }
  }
  if (fraction) value += base > 0 ? 1 : -1;
  *exact = !fraction;
  return value;
}

// removeInt64Factors: strips factors of `base` from |value| (the most negative int64 is
// left alone, as in Go where its negation overflows back to itself).
int64_t RemoveInt64Factors(int64_t value, int64_t base, int32_t* times) {
  *times = 0;
  if (value == kMostNegative) return value;
  const bool negative = value < 0;
  int64_t result = negative ? -value : value;
  while (result >= base && result % base == 0) {
    ++*times;
    result /= base;
  }
  return negative ? -result : result;
}

// ---- Dec helpers ----

std::shared_ptr<const Dec> MakeDec(BigInt unscaled, int32_t scale) {
  auto d = std::make_shared<Dec>();
  d->unscaled = std::move(unscaled);
  d->scale = scale;
  return d;
}

Dec Int64AsDec(int64_t value, int32_t scale) {
  Dec d;
  d.unscaled = value;
  d.scale = -scale;
  return d;
}

int SignOf(const BigInt& v) { return v.sign(); }

// Number of decimal digits of |v| (v != 0).
int64_t DigitCount(const BigInt& v) {
  BigInt a = abs(v);
  return static_cast<int64_t>(a.str().size());
}

// Exact comparison of two decimals without materialising huge powers of ten.
int CompareDec(const Dec& a, const Dec& b) {
  int sa = SignOf(a.unscaled), sb = SignOf(b.unscaled);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  // Same non-zero sign: compare magnitudes by position of the leading digit first.
  int64_t pa = DigitCount(a.unscaled) - a.scale;  // 10^(pa-1) <= |a| < 10^pa
  int64_t pb = DigitCount(b.unscaled) - b.scale;
  int mag;
  if (pa != pb) {
    mag = pa < pb ? -1 : 1;
  } else {
    BigInt x = abs(a.unscaled), y = abs(b.unscaled);
    if (a.scale < b.scale) x *= Pow10Big(static_cast<int64_t>(b.scale) - a.scale);
    if (b.scale < a.scale) y *= Pow10Big(static_cast<int64_t>(a.scale) - b.scale);
    mag = x < y ? -1 : (x > y ? 1 : 0);
  }
  return sa > 0 ? mag : -mag;
}

// inf.Dec Add/Sub: the result scale is the larger of the two.
Dec AddDec(const Dec& a, const Dec& b, bool subtract) {
  Dec r;
  r.scale = std::max(a.scale, b.scale);
  BigInt x = a.unscaled, y = b.unscaled;
  if (a.scale < r.scale) x *= Pow10Big(static_cast<int64_t>(r.scale) - a.scale);
  if (b.scale < r.scale) y *= Pow10Big(static_cast<int64_t>(r.scale) - b.scale);
  if (subtract) {
    r.unscaled = x - y;
  } else {
    r.unscaled = x + y;
  }
  return r;
}

// inf.Dec Round(x, s, RoundUp): rescale to exactly `scale`, rounding away from zero.
Dec RoundUpDec(const Dec& d, int32_t scale) {
  Dec r;
  r.scale = scale;
  if (d.scale <= scale) {
    r.unscaled = d.unscaled * Pow10Big(static_cast<int64_t>(scale) - d.scale);
    return r;
  }
  BigInt div = Pow10Big(static_cast<int64_t>(d.scale) - scale);
  BigInt mag = abs(d.unscaled);
  BigInt q = mag / div;
  if (q * div != mag) q += 1;
  r.unscaled = d.unscaled.sign() < 0 ? BigInt(-q) : q;
  return r;
}

int64_t SaturateToInt64(const BigInt& v) {
  static const BigInt kMax(std::numeric_limits<int64_t>::max());
  static const BigInt kMin(std::numeric_limits<int64_t>::min());
  if (v > kMax) return std::numeric_limits<int64_t>::max();
  if (v < kMin) return std::numeric_limits<int64_t>::min();
  return v.convert_to<int64_t>();
}

// big.Float(x).Float64(): nearest-even rounding of an arbitrary integer.
double BigToDouble(const BigInt& v) {
  if (v.is_zero()) return 0.0;
  BigInt mag = abs(v);
  unsigned bits = boost::multiprecision::msb(mag) + 1;
  double d;
  if (bits <= 64) {
    d = static_cast<double>(mag.convert_to<uint64_t>());
  } else {
    unsigned shift = bits - 64;
    BigInt top = mag >> shift;
    uint64_t m = top.convert_to<uint64_t>();
    if ((top << shift) != mag) m |= 1;  // sticky bit keeps round-to-nearest-even correct
    d = std::ldexp(static_cast<double>(m), static_cast<int>(shift));
  }
  return v.sign() < 0 ? -d : d;
}

// Go's math.Pow10, table for table, so products round exactly like upstream.
double GoPow10(int n) {
  static const double kTab[] = {1e00, 1e01, 1e02, 1e03, 1e04, 1e05, 1e06, 1e07, 1e08, 1e09, 1e10,
                                1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                                1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static const double kPos32[] = {1e00, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288};
  static const double kNeg32[] = {1e-00, 1e-32, 1e-64,  1e-96,  1e-128, 1e-160,
                                  1e-192, 1e-224, 1e-256, 1e-288, 1e-320};
  if (0 <= n && n <= 308) return kPos32[n / 32] * kTab[n % 32];
  if (-323 <= n && n <= 0) return kNeg32[-n / 32] / kTab[-n % 32];
  if (n > 0) return std::numeric_limits<double>::infinity();
  return 0.0;
}

// ---- suffixes (suffix.go) ----

struct Suffix {
  int32_t base = 0;
  int32_t exponent = 0;
  Format format = Format::kDecimalExponent;
};

bool ParseGoInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  size_t i = 0;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i >= s.size()) return false;
  uint64_t v = 0;
  const uint64_t limit = neg ? static_cast<uint64_t>(INT64_MAX) + 1 : static_cast<uint64_t>(INT64_MAX);
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (limit - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = neg ? static_cast<int64_t>(-v) : static_cast<int64_t>(v);
  return true;
}

bool InterpretSuffix(std::string_view s, Suffix* out) {
  struct Entry {
    std::string_view text;
    int32_t base, exponent;
    Format format;
  };
  static const Entry kTable[] = {
      {"", 10, 0, Format::kDecimalSI},    {"n", 10, -9, Format::kDecimalSI}, {"u", 10, -6, Format::kDecimalSI},
      {"m", 10, -3, Format::kDecimalSI},  {"k", 10, 3, Format::kDecimalSI},  {"M", 10, 6, Format::kDecimalSI},
      {"G", 10, 9, Format::kDecimalSI},   {"T", 10, 12, Format::kDecimalSI}, {"P", 10, 15, Format::kDecimalSI},
      {"E", 10, 18, Format::kDecimalSI},  {"Ki", 2, 10, Format::kBinarySI},  {"Mi", 2, 20, Format::kBinarySI},
      {"Gi", 2, 30, Format::kBinarySI},   {"Ti", 2, 40, Format::kBinarySI},  {"Pi", 2, 50, Format::kBinarySI},
      {"Ei", 2, 60, Format::kBinarySI},
  };
  for (const Entry& e : kTable) {
    if (e.text == s) {
      *out = {e.base, e.exponent, e.format};
      return true;
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    int64_t parsed;
    if (!ParseGoInt64(s.substr(1), &parsed)) return false;
    // Go: int32(parsed), a silent truncation.
    *out = {10, static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(parsed))), Format::kDecimalExponent};
    return true;
  }
  return false;
}

// constructBytes: the suffix text for base^exponent in `format`, or nullopt.
std::optional<std::string> ConstructSuffix(int32_t base, int32_t exponent, Format format) {
  switch (format) {
    case Format::kDecimalSI:
      if (base == 2 && exponent == 0) return std::string();
      if (base != 10) return std::nullopt;
      switch (exponent) {
        case -9: return std::string("n");
        case -6: return std::string("u");
        case -3: return std::string("m");
        case 0: return std::string();
        case 3: return std::string("k");
        case 6: return std::string("M");
        case 9: return std::string("G");
        case 12: return std::string("T");
        case 15: return std::string("P");
        case 18: return std::string("E");
        default: return std::nullopt;
      }
    case Format::kBinarySI:
      if (base != 2) return std::nullopt;
      switch (exponent) {
        case 0: return std::string();
        case 10: return std::string("Ki");
        case 20: return std::string("Mi");
        case 30: return std::string("Gi");
        case 40: return std::string("Ti");
        case 50: return std::string("Pi");
        case 60: return std::string("Ei");
        default: return std::nullopt;
      }
    case Format::kDecimalExponent:
      if (base != 10) return std::nullopt;
      if (exponent == 0) return std::string();
      return "e" + std::to_string(exponent);
  }
  return std::nullopt;
}

// ---- canonical bytes (amount.go) ----

std::pair<std::string, int32_t> DecCanonicalBytes(const Dec& d) {
  BigInt amount = d.unscaled;
  int64_t exponent = -static_cast<int64_t>(d.scale);
  if (!amount.is_zero()) {
    while (true) {
      BigInt q, r;
      boost::multiprecision::divide_qr(amount, BigInt(10), q, r);
      if (!r.is_zero()) break;
      amount = std::move(q);
      ++exponent;
    }
  }
  while (exponent % 3 != 0) {
    amount *= 10;
    --exponent;
  }
  return {amount.str(), static_cast<int32_t>(exponent)};
}

std::pair<std::string, int32_t> Int64CanonicalBytes(int64_t value, int32_t scale) {
  int32_t times;
  int64_t amount = RemoveInt64Factors(value, 10, &times);
  int64_t exponent = static_cast<int64_t>(scale) + times;
  int64_t r = exponent % 3;
  if (r == 1 || r == -2) {
    if (!MulInt64(amount, 10, &amount)) return DecCanonicalBytes(Int64AsDec(value, scale));
    exponent -= 1;
  } else if (r == 2 || r == -1) {
    if (!MulInt64(amount, 100, &amount)) return DecCanonicalBytes(Int64AsDec(value, scale));
    exponent -= 2;
  }
  return {std::to_string(amount), static_cast<int32_t>(exponent)};
}

// Base-1024 canonical form of an integer-valued amount (after rounding up to scale 0).
std::pair<std::string, int32_t> Base1024Bytes(const BigInt& integer) {
  BigInt amount = integer;
  int32_t times = 0;
  static const BigInt k1024(1024);
  while (!amount.is_zero()) {
    BigInt q, r;
    boost::multiprecision::divide_qr(amount, k1024, q, r);
    if (!r.is_zero()) break;
    amount = std::move(q);
    ++times;
  }
  return {amount.str(), times};
}

}  // namespace

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kDecimalExponent: return "DecimalExponent";
    case Format::kBinarySI: return "BinarySI";
    case Format::kDecimalSI: return "DecimalSI";
  }
  return "DecimalSI";
}

Quantity Quantity::FromInt64(int64_t value, Format format) { return FromScaledInt64(value, 0, format); }

Quantity Quantity::FromScaledInt64(int64_t value, int32_t scale, Format format) {
  Quantity q;
  q.value_ = value;
  q.scale_ = scale;
  q.format_ = format;
  return q;
}

StatusOr<Quantity> Quantity::Parse(std::string_view str) {
  if (str.empty()) return InvalidArgumentError(kErrFormatWrong);
  if (str == "0") {
    Quantity q;
    q.text_ = "0";
    return q;
  }

  // ---- parseQuantityString: a fast scanner ----
  bool positive = true;
  size_t pos = 0;
  const size_t end = str.size();
  std::string_view value, num, denom, suf;
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  bool done = false;

  if (str[0] == '-') {
    positive = false;
    ++pos;
  } else if (str[0] == '+') {
    ++pos;
  }
  {
    size_t i = pos;
    while (i < end && str[i] == '0') ++i;
    if (i >= end) {
      num = "0";
      value = "0";
      done = true;
    }
    pos = i;
  }
  if (!done) {
    size_t i = pos;
    while (i < end && is_digit(str[i])) ++i;
    if (i >= end) {
      num = str.substr(pos, end - pos);
      value = str;
      done = true;
    } else {
      num = str.substr(pos, i - pos);
      pos = i;
    }
  }
  if (!done) {
    if (num.empty()) num = "0";
    if (pos < end && str[pos] == '.') {
      ++pos;
      size_t i = pos;
      while (i < end && is_digit(str[i])) ++i;
      if (i >= end) {
        denom = str.substr(pos, end - pos);
        value = str;
        done = true;
      } else {
        denom = str.substr(pos, i - pos);
        pos = i;
      }
    }
  }
  if (!done) {
    value = str.substr(0, pos);
    const size_t suffix_start = pos;
    size_t i = pos;
    while (i < end && std::string_view("eEinumkKMGTP").find(str[i]) != std::string_view::npos) ++i;
    if (i >= end) {
      suf = str.substr(suffix_start);
    } else {
      pos = i;
      if (str[pos] == '-' || str[pos] == '+') ++pos;
      i = pos;
      while (i < end && is_digit(str[i])) ++i;
      if (i < end) return InvalidArgumentError(kErrFormatWrong);
      suf = str.substr(suffix_start);
    }
  }
  if (num.empty()) num = "0";

  // ---- ParseQuantity ----
  Suffix sx;
  if (!InterpretSuffix(suf, &sx)) return InvalidArgumentError(kErrSuffix);
  if (sx.exponent > kMaxExponent || sx.exponent < -kMaxExponent) {
    return InvalidArgumentError("quantity exponent out of supported range: " + std::string(str));
  }
  Format format = sx.format;
  const int32_t exponent = sx.exponent;

  int32_t precision = 0;
  int32_t scale = 0;
  int64_t mantissa = 1;
  if (format == Format::kBinarySI) {
    if (exponent >= 0 && denom.empty()) {
      mantissa = int64_t{1} << exponent;
      precision = 15 - static_cast<int32_t>(num.size()) -
                  static_cast<int32_t>(static_cast<float>(exponent) * 3 / 10) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = 18 - static_cast<int32_t>(num.size() + denom.size());
  }

  if (precision >= 0) {
    scale -= static_cast<int32_t>(denom.size());
    if (scale >= kNano) {
      std::string shifted = std::string(num) + std::string(denom);
      int64_t parsed = 0;
      for (char c : shifted) parsed = parsed * 10 + (c - '0');  // <= 18 digits, cannot overflow
      int64_t result;
      if (MulInt64(parsed, mantissa, &result)) {
        if (!positive) result = -result;
        Quantity q = FromScaledInt64(result, scale, format);
        bool canonical;
        if (format == Format::kBinarySI) {
          canonical = exponent % 10 == 0 && (parsed & 0x07) != 0;
        } else {
          canonical = scale % 3 == 0 && !(shifted.size() >= 3 && shifted.compare(shifted.size() - 3, 3, "000") == 0) &&
                      shifted[0] != '0';
        }
        if (canonical) q.text_ = std::string(str);
        return q;
      }
    }
  }

  // ---- the arbitrary-precision path (inf.Dec) ----
  // inf.Dec.SetString(value): optional sign, digits with at most one '.'; needs a digit.
  bool has_digit = false;
  for (char c : value) has_digit = has_digit || is_digit(c);
  if (!has_digit) return InvalidArgumentError(kErrNumeric);
  Dec amount;
  bool negative = false;
  {
    std::string digits;
    size_t k = 0;
    if (!value.empty() && (value[0] == '+' || value[0] == '-')) {
      negative = value[0] == '-';
      k = 1;
    }
    int32_t frac = 0;
    bool seen_dot = false;
    for (; k < value.size(); ++k) {
      if (value[k] == '.') {
        seen_dot = true;
        continue;
      }
      digits.push_back(value[k]);
      if (seen_dot) ++frac;
    }
    BigInt u(0);
    for (char c : digits) u = u * 10 + (c - '0');
    amount.unscaled = std::move(u);  // magnitude; the sign is applied at the end
    amount.scale = frac;
  }
  if (sx.base == 10) {
    amount.scale -= exponent;
  } else {
    amount.unscaled <<= static_cast<unsigned>(exponent);
  }
  const int sign = amount.unscaled.is_zero() ? 0 : (negative ? -1 : 1);
  if (!amount.unscaled.is_zero()) amount = RoundUpDec(amount, -kNano);
  static const BigInt kMaxAllowed(std::numeric_limits<int64_t>::max());
  if (format == Format::kBinarySI && CompareDec(amount, Dec{kMaxAllowed, 0}) > 0) {
    amount = Dec{kMaxAllowed, 0};
  }
  if (format == Format::kBinarySI && CompareDec(amount, Dec{BigInt(1), 0}) < 0 && amount.unscaled.sign() > 0) {
    format = Format::kDecimalSI;
  }
  if (sign < 0) amount.unscaled = -amount.unscaled;

  Quantity q;
  q.dec_ = MakeDec(std::move(amount.unscaled), amount.scale);
  q.format_ = format;
  return q;
}

int Quantity::Sign() const {
  if (is_dec()) return dec_->unscaled.sign();
  return value_ == 0 ? 0 : (value_ > 0 ? 1 : -1);
}

int Quantity::Compare(const Quantity& other) const {
  if (!is_dec() && !other.is_dec()) {
    if (scale_ == other.scale_) return value_ < other.value_ ? -1 : (value_ > other.value_ ? 1 : 0);
    int64_t diff = static_cast<int64_t>(scale_) - other.scale_;
    if (diff > -19 && diff < 19) {
      Int128 a = value_, b = other.value_;
      for (int64_t i = 0; i < diff; ++i) a *= 10;
      for (int64_t i = 0; i < -diff; ++i) b *= 10;
      return a < b ? -1 : (a > b ? 1 : 0);
    }
  }
  Dec a = is_dec() ? *dec_ : Int64AsDec(value_, scale_);
  Dec b = other.is_dec() ? *other.dec_ : Int64AsDec(other.value_, other.scale_);
  return CompareDec(a, b);
}

Quantity Quantity::Add(const Quantity& y) const {
  Quantity q = *this;
  q.text_.clear();
  if (!q.is_dec() && !y.is_dec()) {
    if (q.value_ == 0) q.format_ = y.format_;
    // int64Amount.Add: the result takes the smaller scale; false on overflow.
    int64_t c;
    if (y.value_ == 0) return q;
    if (q.value_ == 0) {
      q.value_ = y.value_;
      q.scale_ = y.scale_;
      return q;
    }
    if (q.scale_ == y.scale_) {
      if (AddInt64(q.value_, y.value_, &c)) {
        q.value_ = c;
        return q;
      }
    } else if (q.scale_ > y.scale_) {
      if (PositiveScaleInt64(q.value_, q.scale_ - y.scale_, &c) && AddInt64(c, y.value_, &c)) {
        q.value_ = c;
        q.scale_ = y.scale_;
        return q;
      }
    } else {
      if (PositiveScaleInt64(y.value_, y.scale_ - q.scale_, &c) && AddInt64(q.value_, c, &c)) {
        q.value_ = c;
        return q;
      }
    }
  } else if (q.IsZero()) {
    q.format_ = y.format_;
  }
  Dec a = q.is_dec() ? *q.dec_ : Int64AsDec(q.value_, q.scale_);
  Dec b = y.is_dec() ? *y.dec_ : Int64AsDec(y.value_, y.scale_);
  Dec r = AddDec(a, b, /*subtract=*/false);
  q.dec_ = MakeDec(std::move(r.unscaled), r.scale);
  q.value_ = 0;
  q.scale_ = 0;
  return q;
}

Quantity Quantity::Sub(const Quantity& y) const {
  Quantity q = *this;
  q.text_.clear();
  if (q.IsZero()) q.format_ = y.format_;
  if (!q.is_dec() && !y.is_dec() && y.value_ != kMostNegative) {
    Quantity neg = y;
    neg.value_ = -y.value_;
    neg.format_ = q.format_;  // keep q's (possibly updated) format through Add
    Quantity r = q.Add(neg);
    if (!r.is_dec()) {
      r.format_ = q.format_;
      return r;
    }
  }
  Dec a = q.is_dec() ? *q.dec_ : Int64AsDec(q.value_, q.scale_);
  Dec b = y.is_dec() ? *y.dec_ : Int64AsDec(y.value_, y.scale_);
  Dec r = AddDec(a, b, /*subtract=*/true);
  q.dec_ = MakeDec(std::move(r.unscaled), r.scale);
  q.value_ = 0;
  q.scale_ = 0;
  return q;
}

int64_t Quantity::Value() const {
  if (!is_dec()) {
    if (scale_ < 0) {
      bool exact;
      return NegativeScaleInt64(value_, -scale_, &exact);
    }
    int64_t out;
    if (PositiveScaleInt64(value_, scale_, &out)) return out;
    return value_ > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  }
  Dec r = RoundUpDec(*dec_, 0);
  return SaturateToInt64(r.unscaled);
}

std::optional<int64_t> Quantity::AsInt64() const {
  if (is_dec()) return std::nullopt;
  if (scale_ == 0) return value_;
  if (scale_ < 0) return std::nullopt;
  int64_t out;
  if (PositiveScaleInt64(value_, scale_, &out)) return out;
  return std::nullopt;
}

double Quantity::AsApproximateFloat64() const {
  double base;
  int64_t exponent;
  if (is_dec()) {
    base = BigToDouble(dec_->unscaled);
    exponent = -static_cast<int64_t>(dec_->scale);
  } else {
    base = static_cast<double>(value_);
    exponent = scale_;
  }
  if (exponent == 0) return base;
  return base * GoPow10(static_cast<int>(exponent));
}

std::string Quantity::ToString() const {
  if (!text_.empty()) return text_;
  if (IsZero()) return "0";

  Format format = format_;
  if (format == Format::kBinarySI && !is_dec()) {
    // Fast path for the int64 representation whose integer value (AsScale(0)) fits int64: the
    // same decisions as the general code below, with Go's int64 arithmetic (int64Amount's
    // AsCanonicalBase1024Bytes: removeInt64Factors, which leaves the most negative int64 alone).
    int64_t v = 0;
    bool exact = true;
    bool fits = true;
    if (scale_ >= 0) {
      fits = PositiveScaleInt64(value_, scale_, &v);
    } else {
      v = NegativeScaleInt64(value_, -scale_, &exact);
    }
    if (fits) {
      // Not exact: DecimalSI whether or not the value lies in (-1024, 1024). Exact: v is the
      // value, so CmpInt64(±1024) is a plain integer comparison.
      if (exact && (v <= -1024 || v >= 1024)) {
        int32_t times;
        const int64_t amount = RemoveInt64Factors(v, 1024, &times);
        static constexpr std::string_view kSuffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        char buf[24];
        auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), amount);
        static_cast<void>(ec);  // 24 bytes always hold an int64
        std::string out;
        const std::string_view suffix = kSuffix[times];  // times <= 6 for an int64
        out.reserve(static_cast<size_t>(end - buf) + suffix.size());
        out.append(buf, end);
        out.append(suffix);
        return out;
      }
      format = Format::kDecimalSI;
    }
  }
  BigInt rounded_integer;
  if (format == Format::kBinarySI) {
    if (Compare(FromInt64(-1024)) > 0 && Compare(FromInt64(1024)) < 0) {
      format = Format::kDecimalSI;
    } else {
      // AsScale(0): round up to an integer; exact?
      bool exact;
      if (!is_dec()) {
        if (scale_ >= 0) {
          exact = true;
          int64_t v;
          if (PositiveScaleInt64(value_, scale_, &v)) {
            rounded_integer = v;
          } else {
            rounded_integer = BigInt(value_) * Pow10Big(scale_);
          }
        } else {
          int64_t v = NegativeScaleInt64(value_, -scale_, &exact);
          rounded_integer = v;
        }
      } else {
        Dec r = RoundUpDec(*dec_, 0);
        exact = CompareDec(r, *dec_) == 0;
        rounded_integer = r.unscaled;
      }
      if (!exact) format = Format::kDecimalSI;
    }
  }

  if (format == Format::kBinarySI) {
    auto [number, exponent] = Base1024Bytes(rounded_integer);
    std::optional<std::string> suffix = ConstructSuffix(2, exponent * 10, Format::kBinarySI);
    return number + suffix.value_or(std::string());
  }
  if (!is_dec() && format != Format::kDecimalExponent) {
    // Fast path (int64 mantissa, DecimalSI): Int64CanonicalBytes and the SI suffix without
    // temporary strings; an exponent without an SI suffix or an overflow takes the general path.
    int32_t times;
    int64_t amount = RemoveInt64Factors(value_, 10, &times);
    int64_t exponent = static_cast<int64_t>(scale_) + times;
    const int64_t r = exponent % 3;
    bool ok = true;
    if (r == 1 || r == -2) {
      ok = MulInt64(amount, 10, &amount);
      exponent -= 1;
    } else if (r == 2 || r == -1) {
      ok = MulInt64(amount, 100, &amount);
      exponent -= 2;
    }
    static constexpr std::string_view kSI[] = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    if (ok && exponent >= -9 && exponent <= 18) {
      const std::string_view suffix = kSI[(exponent + 9) / 3];
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), amount);
      static_cast<void>(ec);  // 24 bytes always hold an int64
      std::string out;
      out.reserve(static_cast<size_t>(end - buf) + suffix.size());
      out.append(buf, end);
      out.append(suffix);
      return out;
    }
  }
  auto [number, exponent] = is_dec() ? DecCanonicalBytes(*dec_) : Int64CanonicalBytes(value_, scale_);
  std::optional<std::string> suffix = ConstructSuffix(10, exponent, format);
  if (!suffix) suffix = ConstructSuffix(10, exponent, Format::kDecimalExponent);
  return number + suffix.value_or(std::string());
}

}  // namespace allot::quantity
