// The Kubernetes semver library through the CEL engine (cel.md 2.11).
#include "tests/core/cel/library_test_util.h"

namespace allot::cel {
namespace {

using libtest::CostOf;
using libtest::EvalBool;
using libtest::EvalError;
using libtest::EvalInt;

TEST(SemverLibraryTest, StrictAndNormalized) {
  EXPECT_TRUE(EvalBool("isSemver('1.2.3-beta.1+build.1')"));
  EXPECT_FALSE(EvalBool("isSemver('v1.0.0')"));
  EXPECT_FALSE(EvalBool("isSemver('1.1')"));
  EXPECT_TRUE(EvalBool("isSemver('v1.0.0', true)"));
  EXPECT_TRUE(EvalBool("isSemver('01.01.01', true)"));
  EXPECT_FALSE(EvalBool("isSemver('01.01.01', false)"));
  EXPECT_FALSE(EvalBool("isSemver(' 1.0.0', true)"));
  EXPECT_TRUE(EvalBool("semver('v1', true) == semver('1.0.0')"));
  EXPECT_EQ(EvalError("semver('v1.0')"), "No Major.Minor.Patch elements found");
  EXPECT_EQ(EvalError("semver('1.0.0-01')"), "Numeric PreRelease version must not contain leading zeroes \"01\"");
  EXPECT_EQ(EvalError("semver('1.2+build', true)"), "short version cannot contain PreRelease/Build meta data");
}

TEST(SemverLibraryTest, ComponentsAndPrecedence) {
  EXPECT_EQ(EvalInt("semver('1.2.3').major()"), 1);
  EXPECT_EQ(EvalInt("semver('1.2.3').minor()"), 2);
  EXPECT_EQ(EvalInt("semver('1.2.3').patch()"), 3);
  EXPECT_EQ(EvalInt("semver('18446744073709551615.0.0').major()"), -1);
  EXPECT_EQ(EvalInt("semver('1.0.0-alpha').compareTo(semver('1.0.0-alpha.1'))"), -1);
  EXPECT_EQ(EvalInt("semver('1.0.0-beta.11').compareTo(semver('1.0.0-beta.2'))"), 1);
  EXPECT_TRUE(EvalBool("semver('1.0.0').isLessThan(semver('1.1.0'))"));
  EXPECT_FALSE(EvalBool("semver('1.0.0').isGreaterThan(semver('1.0.0'))"));
  EXPECT_TRUE(EvalBool("semver('1.0.0+a') == semver('1.0.0+b')"));
}

TEST(SemverLibraryTest, Costs) {
  libtest::Costs c = CostOf("semver('1234.56789012345.67890123456789')");
  EXPECT_EQ(c.max, 4u);
  EXPECT_EQ(c.actual, 4u);
  c = CostOf("semver('1.0.0').compareTo(semver('1.2.3'))");
  EXPECT_EQ(c.max, 3u);
  EXPECT_EQ(c.actual, 3u);
}

}  // namespace
}  // namespace allot::cel
