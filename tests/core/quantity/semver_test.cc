// Table tests for allot::quantity::Semver (blang/semver v4 strict parse, normalize mode,
// precedence), values from tests/testdata/cel-vectors/k8s-library.json and semver.org.
#include "core/quantity/semver.h"

#include <gtest/gtest.h>

#include <string>

namespace allot::quantity {
namespace {

Semver V(const std::string& s) {
  StatusOr<Semver> v = Semver::Parse(s);
  EXPECT_TRUE(v.ok()) << s << ": " << v.status();
  return v.ok() ? *v : Semver();
}

TEST(SemverTest, StrictAccepts) {
  const char* ok[] = {"1.2.3", "1.2.3-beta.1+build.1", "1.0.0-alpha", "1.0.0-0.3.7", "1.0.0-x.7.z.92",
                      "1.0.0+20130313144700", "1.0.0-beta+exp.sha.5114f85", "0.0.0",
                      "1234.56789012345.67890123456789", "1.0.0-alpha-a.b-c", "1.0.0+0.01"};
  for (const char* s : ok) {
    StatusOr<Semver> v = Semver::Parse(s);
    EXPECT_TRUE(v.ok()) << s << ": " << v.status();
    if (v.ok()) {
      EXPECT_EQ(v->ToString(), s);
    }
  }
}

TEST(SemverTest, StrictRejectsWithBlangMessages) {
  struct Case {
    const char* in;
    const char* substr;
  };
  const Case cases[] = {
      {"", "Version string empty"},
      {"v1.0", "No Major.Minor.Patch elements found"},
      {"1.1", "No Major.Minor.Patch elements found"},
      {"v1.0.0", "Invalid character(s) found in major number \"v1\""},
      {" 1.0.0", "Invalid character(s) found in major number"},
      {"1. 0.0", "Invalid character(s) found in minor number"},
      {"1.0.0 ", "Invalid character(s) found in patch number"},
      {"01.01.01", "Major number must not contain leading zeroes \"01\""},
      {"1.02.3", "Minor number must not contain leading zeroes"},
      {"1.2.03", "Patch number must not contain leading zeroes"},
      {"1.0.0-01", "Numeric PreRelease version must not contain leading zeroes \"01\""},
      {"1.0.0-", "Prerelease is empty"},
      {"1.0.0-alpha..1", "Prerelease is empty"},
      {"1.0.0+", "Build meta data is empty"},
      {"1.0.0-alpha_beta", "Invalid character(s) found in prerelease"},
      {"1.2.3.4", "Invalid character(s) found in patch number"},
      {"1.2.x", "Invalid character(s) found in patch number"},
      {".1.2", "strconv.ParseUint: parsing \"\": invalid syntax"},
      {"18446744073709551616.0.0", "value out of range"},
  };
  for (const Case& c : cases) {
    StatusOr<Semver> v = Semver::Parse(c.in);
    ASSERT_FALSE(v.ok()) << c.in;
    EXPECT_NE(std::string(v.status().message()).find(c.substr), std::string::npos) << c.in << ": " << v.status();
  }
}

TEST(SemverTest, NormalizedParse) {
  EXPECT_EQ(Semver::ParseNormalized("v1")->ToString(), "1.0.0");
  EXPECT_EQ(Semver::ParseNormalized("v01.01")->ToString(), "1.1.0");
  EXPECT_EQ(Semver::ParseNormalized("00.00.00")->ToString(), "0.0.0");
  EXPECT_EQ(Semver::ParseNormalized("1.02.003")->ToString(), "1.2.3");
  EXPECT_EQ(Semver::ParseNormalized("01.01.01")->ToString(), "1.1.1");
  EXPECT_EQ(Semver::ParseNormalized("v1.0.0")->ToString(), "1.0.0");
  EXPECT_EQ(Semver::ParseNormalized("1.0.0-alpha")->ToString(), "1.0.0-alpha");
  EXPECT_FALSE(Semver::ParseNormalized("vv1.0.0").ok());
  EXPECT_FALSE(Semver::ParseNormalized("V1.0.0").ok());
  EXPECT_FALSE(Semver::ParseNormalized(" 1.0.0").ok());
  EXPECT_FALSE(Semver::ParseNormalized("1.0.0-00").ok());
  StatusOr<Semver> short_pre = Semver::ParseNormalized("1.2+build");
  ASSERT_FALSE(short_pre.ok());
  EXPECT_EQ(short_pre.status().message(), "short version cannot contain PreRelease/Build meta data");
}

TEST(SemverTest, Precedence) {
  const char* ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                           "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"};
  for (size_t i = 0; i + 1 < std::size(ordered); ++i) {
    EXPECT_EQ(V(ordered[i]).Compare(V(ordered[i + 1])), -1) << ordered[i];
    EXPECT_EQ(V(ordered[i + 1]).Compare(V(ordered[i])), 1) << ordered[i];
  }
  EXPECT_EQ(V("1.0.0+a").Compare(V("1.0.0+b")), 0);
  EXPECT_EQ(V("1.0.0+a"), V("1.0.0+b"));
  EXPECT_EQ(V("1.0.0-1").Compare(V("1.0.0-a")), -1);
  EXPECT_EQ(V("1.0.0-A").Compare(V("1.0.0-a")), -1);
}

TEST(SemverTest, Accessors) {
  Semver v = V("1.2.3");
  EXPECT_EQ(v.major(), 1u);
  EXPECT_EQ(v.minor(), 2u);
  EXPECT_EQ(v.patch(), 3u);
  EXPECT_EQ(V("18446744073709551615.0.0").major(), 18446744073709551615ull);
  EXPECT_EQ(static_cast<int64_t>(V("18446744073709551615.0.0").major()), -1);
}

}  // namespace
}  // namespace allot::quantity
