// The Kubernetes regex library (find/findAll) through the CEL engine (cel.md 2.12).
#include "tests/core/cel/library_test_util.h"

namespace allot::cel {
namespace {

using libtest::CompileError;
using libtest::CostOf;
using libtest::Eval;
using libtest::EvalError;
using libtest::EvalString;

std::vector<std::string> Strings(const Value& v) {
  std::vector<std::string> out;
  EXPECT_TRUE(v.is_list()) << v.DebugString();
  if (!v.is_list()) return out;
  for (size_t i = 0; i < v.list_value().size(); ++i) out.emplace_back(v.list_value().Get(i).string_value());
  return out;
}

using V = std::vector<std::string>;

TEST(RegexLibraryTest, FindIsLeftmostFirstIncludingEmptyMatches) {
  EXPECT_EQ(EvalString("'abc 123'.find('[0-9]*')"), "");  // the trap: empty match at 0
  EXPECT_EQ(EvalString("'abc 123'.find('[0-9]+')"), "123");
  EXPECT_EQ(EvalString("'123 abc 456'.find('xyz')"), "");
  EXPECT_EQ(EvalString("'gpu-a100-80gb'.find('a[0-9]+')"), "a100");
  EXPECT_EQ(EvalString("'aaa'.find('a*?')"), "");
}

TEST(RegexLibraryTest, FindAllSkipsEmptyMatchesAdjacentToPreviousMatch) {
  EXPECT_EQ(Strings(Eval("'123 abc 456'.findAll('[0-9]*')")), (V{"123", "", "", "", "", "456"}));
  EXPECT_EQ(Strings(Eval("'abc 123'.findAll('[0-9]*')")), (V{"", "", "", "", "123"}));
  EXPECT_EQ(Strings(Eval("'aaa'.findAll('a*?')")), (V{"", "", "", ""}));
  EXPECT_EQ(Strings(Eval("'abcabc'.findAll('b', 1)")), (V{"b"}));
  EXPECT_EQ(Strings(Eval("'abcabc'.findAll('b', 0)")), V{});
  EXPECT_EQ(Strings(Eval("'abcabc'.findAll('b', -1)")), (V{"b", "b"}));
  EXPECT_EQ(Strings(Eval("'Tesla-T4'.findAll('(?i)tesla')")), (V{"Tesla"}));
  EXPECT_EQ(Strings(Eval("'héllo wörld'.findAll('[^a-z ]')")), (V{"é", "ö"}));
  EXPECT_EQ(Strings(Eval("'ab'.findAll('^')")), (V{""}));
}

TEST(RegexLibraryTest, InvalidPatterns) {
  EXPECT_NE(CompileError("'abc'.find('(')").find("missing closing )"), std::string::npos);
  EXPECT_EQ(EvalError("'abc'.find('(' + '')").rfind("Illegal regex: ", 0), 0u);
}

TEST(RegexLibraryTest, Costs) {
  libtest::Costs c = CostOf("'abc 123 def 123'.findAll('123', 1)");
  EXPECT_EQ(c.min, 2u);
  EXPECT_EQ(c.max, 2u);
  EXPECT_EQ(c.actual, 2u);
}

}  // namespace
}  // namespace allot::cel
