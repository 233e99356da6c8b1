// Table tests for allot::quantity::Quantity against apimachinery's observable behaviour
// (values from ../shared/docs/cel.md §2.10 and tests/testdata/cel-vectors/k8s-library.json).
#include "core/quantity/quantity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace allot::quantity {
namespace {

Quantity Q(const std::string& s) {
  StatusOr<Quantity> q = Quantity::Parse(s);
  EXPECT_TRUE(q.ok()) << s << ": " << q.status();
  return q.ok() ? *q : Quantity();
}

struct StringCase {
  const char* in;
  const char* out;
};

TEST(QuantityTest, CanonicalString) {
  const StringCase cases[] = {
      {"0", "0"},          {"1.5G", "1500M"},     {"1.5Gi", "1536Mi"},   {"1.5", "1500m"},
      {"1024Mi", "1Gi"},   {"1000M", "1G"},       {"10000k", "10M"},     {"0.1m", "100u"},
      {"1e19", "10e18"},   {"2.5e-3", "2500e-6"}, {"-1.5Gi", "-1536Mi"}, {".001Ki", "1024m"},
      {"1000m", "1"},      {"0.1", "100m"},       {"+1", "+1"},          {"01", "01"},
      {"1.", "1."},        {"1.250", "1.250"},    {"12Mi", "12Mi"},      {"1Gi", "1Gi"},
      {"8Gi", "8Gi"},      {"1e3", "1e3"},        {"1000", "1k"},        {"80Gi", "80Gi"},
      {"0.1n", "1n"},      {"3.001n", "4n"},      {"1e-10", "1e-9"},       {"Mi", "0"},
      {".", "0"},          {"e3", "0"},           {"-0", "0"},           {"9Ei", "9223372036854775807"},
      {"1000E", "1e21"},   {"1536Ki", "1536Ki"},  {"1.5Ki", "1536"},     {"100Ti", "100Ti"},
      {"123456789012345678901234567890", "123456789012345678901234567890"},
      {"9999999999999999999999999999999999999G", "9999999999999999999999999999999999999G"},
      {"1000000Gi", "1000000Gi"}, {"50.703k", "50.703k"}, {"50.7030k", "50703"}, {"1Pi", "1Pi"},  {"1Ei", "1Ei"},
  };
  for (const StringCase& c : cases) {
    EXPECT_EQ(Q(c.in).ToString(), c.out) << c.in;
  }
}

TEST(QuantityTest, ParseErrors) {
  struct ErrCase {
    const char* in;
    const char* substr;
  };
  const ErrCase cases[] = {
      {"", "quantities must match the regular expression"},
      {"10Mo", "quantities must match the regular expression"},
      {"1,3G", "quantities must match the regular expression"},
      {"1 ", "quantities must match the regular expression"},
      {" 1", "quantities must match the regular expression"},
      {"Three", "quantities must match the regular expression"},
      {"1.1.1", "quantities must match the regular expression"},
      {"0x10", "quantities must match the regular expression"},
      {"10Mm", "unable to parse quantity's suffix"},
      {"200K", "unable to parse quantity's suffix"},
      {"1i", "unable to parse quantity's suffix"},
      {"1ki", "unable to parse quantity's suffix"},
      {"1e", "unable to parse quantity's suffix"},
      {"--1", "unable to parse quantity's suffix"},
      {"e-10", "unable to parse numeric part of quantity"},
  };
  for (const ErrCase& c : cases) {
    StatusOr<Quantity> q = Quantity::Parse(c.in);
    ASSERT_FALSE(q.ok()) << c.in;
    EXPECT_EQ(q.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(q.status().message()).find(c.substr), std::string::npos)
        << c.in << ": " << q.status();
  }
}

TEST(QuantityTest, IsIntegerIsRepresentationDependent) {
  const char* integers[] = {"50", "1Ti", "1e3", "1.5e3", "50.703k", "1.", "01", "Mi", "10Ti", "99999Gi",
                            "999999999999999999", "50k"};
  for (const char* s : integers) EXPECT_TRUE(Q(s).AsInt64().has_value()) << s;
  const char* not_integers[] = {"1000m", "1.000", "1.0", "1.5Ki", "1.5Gi", "1Pi", "1Ei", "9223372036854775807",
                                "1e19", "100Ti", "1000000Gi", "1000000000000000000", "1500m",
                                "9999999999999999999999999999999999999G"};
  for (const char* s : not_integers) EXPECT_FALSE(Q(s).AsInt64().has_value()) << s;
  EXPECT_EQ(*Q("1Ti").AsInt64(), 1099511627776);
  EXPECT_EQ(*Q("1.5e3").AsInt64(), 1500);
  EXPECT_EQ(*Q("40Gi").AsInt64(), 42949672960);
}

TEST(QuantityTest, CompareIsExactAcrossFormats) {
  EXPECT_GT(Q("1Gi"), Q("1G"));
  EXPECT_LT(Q("50M"), Q("50Mi"));
  EXPECT_GT(Q("40Gi"), Q("40G"));
  EXPECT_EQ(Q("200M"), Q("0.2G"));
  EXPECT_EQ(Q("1e3"), Q("1k"));
  EXPECT_EQ(Q("1Gi"), Q("1024Mi"));
  EXPECT_EQ(Q("1"), Q("1000m"));
  EXPECT_EQ(Q("1.5Gi"), Q("1536Mi"));
  EXPECT_EQ(Q("2"), Q("2.0"));
  EXPECT_NE(Q("0.1m"), Q("1m"));
  EXPECT_GT(Q("80G"), Q("40Gi"));
  EXPECT_GT(Q("5n"), Q("1n"));
  EXPECT_EQ(Q("9Ei"), Q("8Ei"));
  EXPECT_EQ(Q("9Ei").Compare(Q("9223372036854775807")), 0);
  EXPECT_EQ(Q("9223372036854775808").Compare(Q("9Ei")), 1);
  EXPECT_EQ(Q("1e1000").Compare(Q("1")), 1);
  EXPECT_EQ(Q("-1e1000").Compare(Q("1")), -1);
  EXPECT_EQ(Q("1e40").Compare(Q("10e39")), 0);
  EXPECT_EQ(Q("-1").Compare(Q("1n")), -1);
  EXPECT_EQ(Q("0").Compare(Q("Mi")), 0);
}

TEST(QuantityTest, AddSubExact) {
  EXPECT_EQ(*Q("1Gi").Add(Q("1G")).AsInt64(), 2073741824);
  EXPECT_EQ(*Q("1Gi").Sub(Q("1G")).AsInt64(), 73741824);
  EXPECT_EQ(*Q("40Gi").Add(Q("40G")).AsInt64(), 82949672960);
  EXPECT_EQ(*Q("50k").Sub(Q("100k")).AsInt64(), -50000);
  EXPECT_EQ(*Q("0").Sub(Q("1Gi")).AsInt64(), -1073741824);
  EXPECT_EQ(Q("50k").Add(Q("20")), Q("50.02k"));
  EXPECT_EQ(Q("50k").Sub(Q("20")), Q("49.98k"));
  EXPECT_EQ(Q("50k").Sub(Quantity::FromInt64(20)), Q("49980"));
  // Representation effects kept from upstream.
  EXPECT_FALSE(Q("1").Add(Q("1000m")).AsInt64().has_value());
  EXPECT_FALSE(Q("2").Add(Q("2.0")).AsInt64().has_value());
  EXPECT_FALSE(Q("9223372036854775807").Add(Quantity::FromInt64(1)).AsInt64().has_value());
  EXPECT_EQ(Q("9223372036854775807").Add(Quantity::FromInt64(1)).ToString(), "9223372036854775808");
  // Overflow of the int64 path moves to the decimal path, exactly.
  Quantity big = Quantity::FromInt64(std::numeric_limits<int64_t>::max()).Add(Quantity::FromInt64(1));
  EXPECT_EQ(big.ToString(), "9223372036854775808");
  EXPECT_EQ(Quantity::FromInt64(1).Sub(Quantity::FromInt64(std::numeric_limits<int64_t>::min())).ToString(),
            "9223372036854775809");
  // Receivers are not mutated; the format of a zero receiver follows the operand.
  Quantity zero;
  EXPECT_EQ(zero.Add(Q("1Ki")).format(), Format::kBinarySI);
  EXPECT_EQ(zero.Add(Q("1Ki")).ToString(), "1Ki");
  EXPECT_TRUE(zero.IsZero());
  EXPECT_EQ(Q("1Gi").Sub(Q("512Mi")).ToString(), "512Mi");
  EXPECT_EQ(Q("1.5Gi").Add(Q("1n")).ToString(), "1610612736000000001n");
}

TEST(QuantityTest, ValueRoundsUpAndSaturates) {
  EXPECT_EQ(Q("1.5").Value(), 2);
  EXPECT_EQ(Q("-1.5").Value(), -2);
  EXPECT_EQ(Q("1n").Value(), 1);
  EXPECT_EQ(Q("1Gi").Value(), 1073741824);
  EXPECT_EQ(Q("1Pi").Value(), 1125899906842624);
  EXPECT_EQ(Q("1e30").Value(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Q("-1e30").Value(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Q("123456789012345678901234567890").Value(), std::numeric_limits<int64_t>::max());
}

TEST(QuantityTest, ApproximateFloatMatchesGo) {
  EXPECT_EQ(Q("50.703k").AsApproximateFloat64(), 50703.0);
  EXPECT_EQ(Q("1.5").AsApproximateFloat64(), 1.5);
  EXPECT_EQ(Q("0.1m").AsApproximateFloat64(), 0.0001);
  EXPECT_EQ(Q("40Gi").AsApproximateFloat64(), 42949672960.0);
  EXPECT_EQ(Q("-1.5Gi").AsApproximateFloat64(), -1610612736.0);
  EXPECT_EQ(Q("1e-3").AsApproximateFloat64(), 0.001);
  EXPECT_EQ(Q("1000000Gi").AsApproximateFloat64(), 1073741824000000.1);
  EXPECT_TRUE(std::isinf(Q("1e400").AsApproximateFloat64()));
}

TEST(QuantityTest, SignAndZero) {
  EXPECT_EQ(Q("-1.5Gi").Sign(), -1);
  EXPECT_EQ(Q("0").Sign(), 0);
  EXPECT_EQ(Q("Mi").Sign(), 0);
  EXPECT_EQ(Q("1n").Sign(), 1);
  EXPECT_TRUE(Q("-0").IsZero());
  EXPECT_EQ(Q("1Ki").format(), Format::kBinarySI);
  EXPECT_EQ(Q("1k").format(), Format::kDecimalSI);
  EXPECT_EQ(Q("1e3").format(), Format::kDecimalExponent);
  EXPECT_EQ(Q(".5Ki").format(), Format::kBinarySI);  // 512 is >= 1
  EXPECT_EQ(Q(".0001Ki").format(), Format::kDecimalSI);  // below 1: printed as decimal
}

TEST(QuantityTest, ExponentLimitIsDocumentedDivergence) {
  EXPECT_TRUE(Quantity::Parse("1e1000").ok());
  EXPECT_FALSE(Quantity::Parse("1e1001").ok());
  EXPECT_TRUE(Quantity::Parse("1e-1000").ok());
  EXPECT_EQ(Q("1e-1000").ToString(), "1e-9");
  EXPECT_EQ(Q("1e-1000"), Q("1n"));
}

TEST(QuantityTest, FromScaledInt64) {
  EXPECT_EQ(Quantity::FromScaledInt64(1500, -3).ToString(), "1500m");
  EXPECT_EQ(Quantity::FromScaledInt64(15, 2).ToString(), "1500");
  EXPECT_EQ(Quantity::FromInt64(2048, Format::kBinarySI).ToString(), "2Ki");
  EXPECT_EQ(Quantity::FromInt64(1000).ToString(), "1k");
}

// Built (not parsed) BinarySI quantities: the int64 fast path of ToString and the general path
// must agree with apimachinery's CanonicalizeBytes.
TEST(QuantityTest, BuiltBinarySIToString) {
  auto bin = [](int64_t v, int32_t scale = 0) { return Quantity::FromScaledInt64(v, scale, Format::kBinarySI).ToString(); };
  EXPECT_EQ(bin(1023), "1023");                       // |v| < 1024: DecimalSI
  EXPECT_EQ(bin(-1023), "-1023");
  EXPECT_EQ(bin(1024), "1Ki");
  EXPECT_EQ(bin(-1024), "-1Ki");
  EXPECT_EQ(bin(1000), "1k");                         // below 1024: DecimalSI suffixes
  EXPECT_EQ(bin(1500), "1500");                       // not a multiple of 1024
  EXPECT_EQ(bin(3 * 1024 * 1024 + 1024), "3073Ki");
  EXPECT_EQ(bin(int64_t{40} << 30), "40Gi");
  EXPECT_EQ(bin(int64_t{7} << 60), "7Ei");
  EXPECT_EQ(bin(int64_t{1} << 62, 0), "4Ei");
  EXPECT_EQ(bin(15, 2), "1500");                      // positive scale, fits int64
  EXPECT_EQ(bin(1, 19), "9765625000000000Ki");        // 1e19 overflows int64: general path
  EXPECT_EQ(bin(10240, -1), "1Ki");                   // negative scale, exact
  EXPECT_EQ(bin(10241, -1), "1024100m");              // not an integer: DecimalSI
  EXPECT_EQ(bin(5, -1), "500m");
  // Go: int64Amount's removeInt64Factors leaves the most negative int64 alone.
  EXPECT_EQ(bin(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
  EXPECT_EQ(Q("1.5Gi").ToString(), "1536Mi");
  EXPECT_EQ(Q("1Gi").Sub(Q("512Mi")).ToString(), "512Mi");
  EXPECT_EQ(Q("2Gi").Add(Q("1Ki")).ToString(), "2097153Ki");
}

}  // namespace
}  // namespace allot::quantity
