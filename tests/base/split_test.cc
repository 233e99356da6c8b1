#include <gtest/gtest.h>

#include "base/split.h"

namespace allot {
namespace {

TEST(SplitViewTest, PiecesBetweenSeparators) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(SplitView("a,b", ','), (V{"a", "b"}));
  EXPECT_EQ(SplitView("a,,b", ','), (V{"a", "", "b"}));
  EXPECT_EQ(SplitView("", ','), V{});
  EXPECT_EQ(SplitView("a,", ','), (V{"a"}));
  EXPECT_EQ(SplitView(",a", ','), (V{"", "a"}));
  EXPECT_EQ(SplitView("line 1\nline 2\n", '\n'), (V{"line 1", "line 2"}));
}

}  // namespace
}  // namespace allot
