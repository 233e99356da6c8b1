// The Kubernetes quantity library through the CEL engine (cel.md 2.10).
#include "tests/core/cel/library_test_util.h"

namespace allot::cel {
namespace {

using libtest::CompileError;
using libtest::CostOf;
using libtest::EvalBool;
using libtest::EvalError;
using libtest::EvalInt;
using libtest::Eval;

TEST(QuantityLibraryTest, ParseAndIsQuantity) {
  EXPECT_TRUE(EvalBool("quantity('12Mi') == quantity('12582912')"));
  EXPECT_TRUE(EvalBool("isQuantity('20')"));
  EXPECT_FALSE(EvalBool("isQuantity('10Mm')"));
  EXPECT_TRUE(EvalBool("isQuantity('Mi')"));  // the parser quirk: a valid zero
  EXPECT_FALSE(EvalBool("isQuantity(' 1')"));
  EXPECT_NE(EvalError("quantity('10Mo')").find("quantities must match the regular expression"), std::string::npos);
  EXPECT_NE(EvalError("quantity('200K')").find("unable to parse quantity's suffix"), std::string::npos);
  EXPECT_NE(CompileError("isQuantity([1, 2, 3])").find("found no matching overload for 'isQuantity'"),
            std::string::npos);
}

TEST(QuantityLibraryTest, ComparisonAndEquality) {
  EXPECT_TRUE(EvalBool("quantity('200M') == quantity('0.2G')"));
  EXPECT_FALSE(EvalBool("quantity('1Gi') == quantity('1G')"));
  EXPECT_TRUE(EvalBool("quantity('50Mi').isGreaterThan(quantity('50M'))"));
  EXPECT_FALSE(EvalBool("quantity('100M').isLessThan(quantity('50M'))"));
  EXPECT_EQ(EvalInt("quantity('50M').compareTo(quantity('50Mi'))"), -1);
  EXPECT_EQ(EvalInt("quantity('1Gi').compareTo(quantity('1024Mi'))"), 0);
  EXPECT_TRUE(EvalBool("quantity('9Ei') == quantity('8Ei')"));
  // No relational operators on Quantity.
  EXPECT_NE(CompileError("quantity('1') > quantity('0')").find("found no matching overload"), std::string::npos);
}

TEST(QuantityLibraryTest, ArithmeticAndIntegers) {
  EXPECT_TRUE(EvalBool("quantity('50k').add(quantity('20')) == quantity('50.02k')"));
  EXPECT_TRUE(EvalBool("quantity('50k').sub(20) == quantity('49980')"));
  EXPECT_EQ(EvalInt("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger()"), 20);
  EXPECT_EQ(EvalInt("quantity('1Ti').asInteger()"), 1099511627776);
  EXPECT_FALSE(EvalBool("quantity('1000m').isInteger()"));
  EXPECT_FALSE(EvalBool("quantity('1').add(quantity('1000m')).isInteger()"));
  EXPECT_TRUE(EvalBool("quantity('1.5e3').isInteger()"));
  EXPECT_EQ(EvalError("quantity('1Pi').asInteger()"), "cannot convert value to integer");
  EXPECT_NE(CompileError("quantity('50k').add('20k')").find("found no matching overload for 'add'"),
            std::string::npos);
  // The receiver is not modified by add.
  EXPECT_TRUE(EvalBool("cel.bind(q, quantity('1Pi'), q.add(quantity('1')) != q && q == quantity('1Pi'))"));
}

TEST(QuantityLibraryTest, SignAndFloat) {
  EXPECT_EQ(EvalInt("sign(quantity('-1.5Gi'))"), -1);
  EXPECT_EQ(EvalInt("sign(quantity('Mi'))"), 0);
  EXPECT_NE(CompileError("quantity('1').sign()").find("found no matching overload for 'sign'"), std::string::npos);
  Value f = Eval("quantity('50.703k').asApproximateFloat()");
  ASSERT_TRUE(f.is_double());
  EXPECT_EQ(f.double_value(), 50703.0);
  EXPECT_EQ(Eval("quantity('1000000Gi').asApproximateFloat()").double_value(), 1073741824000000.1);
}

TEST(QuantityLibraryTest, Costs) {
  libtest::Costs c = CostOf("quantity('12Mi')");
  EXPECT_EQ(c.min, 1u);
  EXPECT_EQ(c.max, 1u);
  EXPECT_EQ(c.actual, 1u);
  c = CostOf("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger() > 0");
  EXPECT_EQ(c.max, 7u);
  EXPECT_EQ(c.actual, 7u);
  c = CostOf("quantity('123456789012345678901234567890')");  // ceil(0.1 × 30)
  EXPECT_EQ(c.actual, 3u);
}

}  // namespace
}  // namespace allot::cel
