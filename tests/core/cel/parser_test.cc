// Lexer/parser unit tests: syntax errors with cel-go style positions, literals, precedence, macros.
#include <gtest/gtest.h>

#include "core/cel/parser.h"
#include "core/cel/program.h"

namespace allot::cel {
namespace {

std::string ParseError(std::string_view src) {
  ParseResult r = ParseExpression(src);
  if (r.issues.empty()) return "";
  return FormatIssues(src, r.issues);
}

TEST(ParserTest, SyntaxErrorHasPositionAndCaret) {
  std::string err = ParseError("?!");
  EXPECT_NE(err.find("ERROR: <input>:1:1: Syntax error"), std::string::npos) << err;
  EXPECT_NE(err.find("\n | ?!\n | ^"), std::string::npos) << err;
}

TEST(ParserTest, ErrorColumnOnSecondLine) {
  std::string err = ParseError("1 +\n  )");
  EXPECT_NE(err.find("<input>:2:3:"), std::string::npos) << err;
  EXPECT_NE(err.find(" | ..^"), std::string::npos) << err;
}

TEST(ParserTest, UnterminatedString) {
  EXPECT_NE(ParseError("'abc").find("Syntax error"), std::string::npos);
}

TEST(ParserTest, InvalidEscape) { EXPECT_NE(ParseError(R"('\q')").find("Syntax error"), std::string::npos); }

TEST(ParserTest, IntLiteralBounds) {
  EXPECT_EQ(ParseError("-9223372036854775808"), "");
  EXPECT_NE(ParseError("9223372036854775808"), "");
  EXPECT_EQ(ParseError("18446744073709551615u"), "");
  EXPECT_NE(ParseError("18446744073709551616u"), "");
}

TEST(ParserTest, ReservedIdentifier) {
  EXPECT_NE(ParseError("package").find("reserved identifier: package"), std::string::npos);
  // Reserved words are fine as field names.
  EXPECT_EQ(ParseError("a.package"), "");
}

TEST(ParserTest, HasRequiresFieldSelection) {
  EXPECT_NE(ParseError("has(a)").find("invalid argument to has() macro"), std::string::npos);
  EXPECT_EQ(ParseError("has(a.b)"), "");
}

TEST(ParserTest, MacroVariableMustBeSimpleName) {
  EXPECT_NE(ParseError("[1].all(x.y, true)").find("argument must be a simple name"), std::string::npos);
}

TEST(ParserTest, DeepNestingIsBoundedNotACrash) {
  std::string deep(5000, '(');
  deep += "1";
  deep += std::string(5000, ')');
  EXPECT_NE(ParseError(deep).find("recursion limit"), std::string::npos);
}

TEST(ParserTest, TrailingCommasInLiterals) {
  EXPECT_EQ(ParseError("[1, 2,]"), "");
  EXPECT_EQ(ParseError("{'a': 1,}"), "");
}

TEST(ParserTest, StringLiteralForms) {
  auto v = EvaluateForTest(R"("""a
b""" + r'\n' + '\x41\u00e9\101')");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->string_value(), "a\nb\\nA\xC3\xA9" "A");
  auto b = EvaluateForTest(R"(b'\377' == b'\xff')");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->bool_value());
  auto s = EvaluateForTest(R"(size("\377"))");  // a code point in strings
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->int_value(), 1);
}

TEST(ParserTest, Precedence) {
  auto v = EvaluateForTest("1 + 2 * 3 == 7 && !false || false ? 10 - 2 - 3 : 0");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->int_value(), 5);
  auto neg = EvaluateForTest("--5 == 5 && !!true");
  ASSERT_TRUE(neg.ok()) << neg.status();
  EXPECT_TRUE(neg->bool_value());
}

TEST(ParserTest, CommentsAndWhitespace) {
  auto v = EvaluateForTest("1 // one\n + 2");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->int_value(), 3);
}

}  // namespace
}  // namespace allot::cel

namespace allot::cel {
namespace {

TEST(ParserTest, LongLogicalChainsAreBalanced) {
  std::string expr = "false";
  for (int i = 0; i < 2000; ++i) expr += " || false";
  expr += " || true";
  auto v = EvaluateForTest(expr);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->bool_value());
}

TEST(ParserTest, LongArithmeticChains) {
  std::string expr = "0";
  for (int i = 0; i < 400; ++i) expr += "+1";
  auto v = EvaluateForTest(expr);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->int_value(), 400);
  // A chain nesting deeper than kMaxAstDepth is rejected instead of risking the stack.
  while (expr.size() < 10 * 1024 - 4) expr += "+1";
  v = EvaluateForTest(expr);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("expression recursion limit exceeded"), std::string::npos);
}

}  // namespace
}  // namespace allot::cel
