// Type checker unit tests: cel-go wording, every issue reported, positions, DRA-specific rules.
#include <gtest/gtest.h>

#include "core/cel/program.h"
#include "core/cel/selector.h"

namespace allot::cel {
namespace {

std::string CompileError(std::string_view expr) {
  auto v = EvaluateForTest(expr);
  return v.ok() ? "" : std::string(v.status().message());
}

TEST(CheckerTest, UndeclaredReference) {
  EXPECT_NE(CompileError("x + 1").find("ERROR: <input>:1:1: undeclared reference to 'x' (in container '')"),
            std::string::npos);
}

TEST(CheckerTest, ReportsAllIssues) {
  std::string err = CompileError("x + y");
  EXPECT_NE(err.find("undeclared reference to 'x'"), std::string::npos) << err;
  EXPECT_NE(err.find("<input>:1:5: undeclared reference to 'y'"), std::string::npos) << err;
}

TEST(CheckerTest, NoMatchingOverload) {
  EXPECT_NE(CompileError("1 + 'a'").find("found no matching overload for '_+_' applied to '(int, string)'"),
            std::string::npos);
  EXPECT_NE(CompileError("1 == 1u").find("found no matching overload for '_==_'"), std::string::npos);
  EXPECT_EQ(CompileError("dyn(1) == 1u"), "");
  EXPECT_EQ(CompileError("1 < 1.5 && 2u > 1"), "");  // cross-type numeric comparisons
  EXPECT_NE(CompileError("5.0 % 2.0").find("found no matching overload for '_%_'"), std::string::npos);
}

TEST(CheckerTest, HomogeneousAggregateLiterals) {
  EXPECT_NE(CompileError("[1, 'a']").find("<input>:1:5: expected type 'int' but found 'string'"), std::string::npos);
  EXPECT_NE(CompileError("[1, dyn(2)]").find("expected type 'int' but found 'dyn'"), std::string::npos);
  EXPECT_NE(CompileError("{'k': 1, 'j': null}").find("expected type 'int' but found 'null_type'"), std::string::npos);
  EXPECT_EQ(CompileError("[[1], [2, 3]]"), "");
}

TEST(CheckerTest, ComprehensionRange) {
  EXPECT_NE(CompileError("1.all(x, x)").find("cannot be range of a comprehension"), std::string::npos);
}

TEST(CheckerTest, DraSelectorRules) {
  EnvOptions stored;
  auto s = CompileSelector("device.foo", stored);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("undefined field 'foo'"), std::string::npos);

  s = CompileSelector("device.attributes[true].someBoolean", stored);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("ERROR: <input>:1:18: found no matching overload for '_[_]' applied to "
                                      "'(map(string, map(string, dyn)), bool)'"),
            std::string::npos)
      << s.status().message();

  s = CompileSelector("1", stored);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("must evaluate to bool or the unknown type, not int"), std::string::npos);

  s = CompileSelector("device.capacity['d'].mem > quantity('1Gi')", stored);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("found no matching overload for '_>_'"), std::string::npos);

  // Attribute values are dyn in the stored environment and any in old NewExpressions.
  EXPECT_TRUE(CompileSelector("device.attributes['d'].x", stored).ok());
  EnvOptions old_new{.stored_expressions = false, .consumable_capacity = false, .list_type_attributes = false};
  s = CompileSelector("device.attributes['d'].x.exists(y, y)", old_new);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("expression of type 'any' cannot be range of a comprehension"),
            std::string::npos);
  s = CompileSelector("device.allowMultipleAllocations", old_new);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("undefined field 'allowMultipleAllocations'"), std::string::npos);
}

TEST(CheckerTest, ExpressionLengthLimitInBytes) {
  std::string ok_expr = "true" + std::string(10 * 1024 - 4, ' ');
  EXPECT_TRUE(CompileSelector(ok_expr, EnvOptions{}).ok());
  EXPECT_FALSE(CompileSelector(ok_expr + " ", EnvOptions{}).ok());
}

TEST(CheckerTest, InvalidConstantRegex) {
  EXPECT_NE(CompileError("'a'.matches('(')").find("invalid matches argument"), std::string::npos);
}

}  // namespace
}  // namespace allot::cel
