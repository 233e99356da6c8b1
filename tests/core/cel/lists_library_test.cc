// The Kubernetes lists library and ext.Sets through the CEL engine (cel.md 1.6, 2.8).
#include "tests/core/cel/library_test_util.h"

namespace allot::cel {
namespace {

using libtest::CostOf;
using libtest::Eval;
using libtest::EvalBool;
using libtest::EvalError;
using libtest::EvalInt;
using libtest::EvalString;

TEST(ListsLibraryTest, SortedSumMinMax) {
  EXPECT_TRUE(EvalBool("[1, 2, 3].isSorted()"));
  EXPECT_FALSE(EvalBool("[1, 3, 2].isSorted()"));
  EXPECT_TRUE(EvalBool("['a', 'b', 'b'].isSorted()"));
  EXPECT_TRUE(EvalBool("[].isSorted()"));
  EXPECT_EQ(EvalInt("[1, 2, 3].sum()"), 6);
  EXPECT_EQ(EvalInt("[].sum()"), 0);
  EXPECT_EQ(Eval("[1.5, 2.0].sum()").double_value(), 3.5);
  EXPECT_EQ(EvalError("[9223372036854775807, 1].sum()"), "integer overflow");
  EXPECT_EQ(EvalInt("[3, 1, 2].min()"), 1);
  EXPECT_EQ(EvalInt("[3, 1, 2].max()"), 3);
  EXPECT_EQ(EvalString("['b', 'a'].min()"), "a");
  EXPECT_EQ(EvalError("[].min()"), "min called on empty list");
  EXPECT_EQ(EvalError("[].max()"), "max called on empty list");
}

TEST(ListsLibraryTest, IndexOf) {
  EXPECT_EQ(EvalInt("[1, 2, 2, 3].indexOf(2)"), 1);
  EXPECT_EQ(EvalInt("[1, 2, 2, 3].lastIndexOf(2)"), 2);
  EXPECT_EQ(EvalInt("[1, 2, 3].indexOf(4)"), -1);
  EXPECT_EQ(EvalInt("['a', 'b'].lastIndexOf('a')"), 0);
}

TEST(ListsLibraryTest, Sets) {
  EXPECT_TRUE(EvalBool("sets.contains([1, 2, 3], [3, 1])"));
  EXPECT_FALSE(EvalBool("sets.contains([1, 2], [4])"));
  EXPECT_TRUE(EvalBool("sets.contains([1], [])"));
  EXPECT_TRUE(EvalBool("sets.equivalent([1, 2, 2], [2, 1])"));
  EXPECT_FALSE(EvalBool("sets.equivalent([1, 2], [1])"));
  EXPECT_TRUE(EvalBool("sets.intersects([1, 2], [2, 5])"));
  EXPECT_FALSE(EvalBool("sets.intersects([1, 2], [])"));
}

TEST(ListsLibraryTest, ExtListsV3) {
  EXPECT_TRUE(EvalBool("[1, 2, 3, 4].slice(1, 3) == [2, 3]"));
  EXPECT_EQ(EvalError("[1, 2].slice(1, 3)"), "cannot slice(1, 3), list is length 2");
  EXPECT_EQ(EvalError("[1, 2].slice(2, 1)"), "cannot slice(2, 1), start index must be less than or equal to end index");
  EXPECT_TRUE(EvalBool("[[1], [2, 3]].flatten() == [1, 2, 3]"));
  EXPECT_TRUE(EvalBool("[[[1]], [[2, 3]]].flatten(2) == [1, 2, 3]"));
  EXPECT_EQ(EvalError("dyn([1]).flatten(-1)"), "level must be non-negative");
  EXPECT_TRUE(EvalBool("[1, 2, 3].reverse() == [3, 2, 1]"));
  EXPECT_TRUE(EvalBool("[1, 2, 1, 3, 2].distinct() == [1, 2, 3]"));
  EXPECT_TRUE(EvalBool("[3, 1, 2].sort() == [1, 2, 3]"));
  EXPECT_TRUE(EvalBool("['b', 'c', 'a'].sort() == ['a', 'b', 'c']"));
  EXPECT_TRUE(EvalBool("lists.range(3) == [0, 1, 2]"));
  EXPECT_EQ(EvalError("[dyn(1), dyn('a')].sort()"), "list elements must have the same type");
}

TEST(ListsLibraryTest, Costs) {
  libtest::Costs c = CostOf("[1, 2, 3].sum()");
  EXPECT_EQ(c.actual >= 3u, true);
  EXPECT_EQ(c.max >= 3u, true);
}

}  // namespace
}  // namespace allot::cel
