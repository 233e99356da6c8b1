// ext.Strings v2 through the CEL engine (cel.md 2.7).
#include "tests/core/cel/library_test_util.h"

namespace allot::cel {
namespace {

using libtest::Eval;
using libtest::EvalError;
using libtest::EvalInt;
using libtest::EvalString;

TEST(StringsLibraryTest, CodePointIndexing) {
  EXPECT_EQ(EvalString("'tacocat'.charAt(3)"), "o");
  EXPECT_EQ(EvalString("'tacocat'.charAt(7)"), "");
  EXPECT_EQ(EvalError("'tacocat'.charAt(30)"), "index out of range: 30");
  EXPECT_EQ(EvalString("'ÿello'.charAt(0)"), "ÿ");
  EXPECT_EQ(EvalInt("'hello mellow'.indexOf('ello', 2)"), 7);
  EXPECT_EQ(EvalInt("'hello mellow'.indexOf('')"), 0);
  EXPECT_EQ(EvalInt("'hello mellow'.indexOf('', 3)"), 3);
  EXPECT_EQ(EvalInt("'hello mellow'.indexOf('ello', 20)"), -1);
  EXPECT_EQ(EvalError("'hello mellow'.indexOf('ello', -1)"), "index out of range: -1");
  EXPECT_EQ(EvalInt("'hello mellow'.lastIndexOf('ello')"), 7);
  EXPECT_EQ(EvalInt("'hello mellow'.lastIndexOf('ello', 6)"), 1);
  EXPECT_EQ(EvalInt("'hello mellow'.lastIndexOf('')"), 12);
  EXPECT_EQ(EvalInt("'ありがとう'.indexOf('が')"), 2);
  EXPECT_EQ(EvalString("'tacocat'.substring(4)"), "cat");
  EXPECT_EQ(EvalString("'tacocat'.substring(0, 4)"), "taco");
  EXPECT_EQ(EvalError("'tacocat'.substring(4, 3)"), "invalid substring range. start: 4, end: 3");
  EXPECT_EQ(EvalError("'tacocat'.substring(40)"), "index out of range: 40");
}

TEST(StringsLibraryTest, CaseTrimReplaceSplitJoinQuote) {
  EXPECT_EQ(EvalString("'TacoCÆt Xii'.lowerAscii()"), "tacocÆt xii");
  EXPECT_EQ(EvalString("'tacoCαt'.upperAscii()"), "TACOCαT");
  EXPECT_EQ(EvalString("' \\t trim\\n '.trim()"), "trim");
  EXPECT_EQ(EvalString("'12 days 12 hours'.replace('{0}', '2')"), "12 days 12 hours");
  EXPECT_EQ(EvalString("'12 days 12 hours'.replace('12', '2')"), "2 days 2 hours");
  EXPECT_EQ(EvalString("'12 days 12 hours'.replace('12', '2', 1)"), "2 days 12 hours");
  EXPECT_EQ(EvalString("'ab'.replace('', '-')"), "-a-b-");
  EXPECT_EQ(EvalInt("size('hello world'.split(' '))"), 2);
  EXPECT_EQ(EvalInt("size('hello world'.split(' ', 0))"), 0);
  EXPECT_EQ(EvalString("'a,b,c'.split(',', 2)[1]"), "b,c");
  EXPECT_EQ(EvalString("'abc'.split('')[2]"), "c");
  EXPECT_EQ(EvalString("['a', 'b', 'c'].join()"), "abc");
  EXPECT_EQ(EvalString("['a', 'b', 'c'].join(', ')"), "a, b, c");
  EXPECT_EQ(EvalString("strings.quote('first\\nsecond \"x\"')"), "\"first\\nsecond \\\"x\\\"\"");
  Value v = Eval("'x'.split('y')");
  ASSERT_TRUE(v.is_list());
  EXPECT_EQ(v.list_value().size(), 1u);
}

}  // namespace
}  // namespace allot::cel
