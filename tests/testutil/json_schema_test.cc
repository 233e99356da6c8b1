// The contract test's JSON Schema validator must be able to fail: each keyword rejects what it should.
#include "tests/testutil/json_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace allot::testutil {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const json kRoot = json::parse(R"({
  "components": {"schemas": {
    "Error": {"type": "object", "required": ["error"], "additionalProperties": false,
              "properties": {"error": {"type": "string"}}},
    "Code": {"type": "string", "enum": ["NoDevices", "DevicesInUse"]},
    "Reason": {"type": "object", "required": ["code"], "additionalProperties": false,
               "properties": {"code": {"$ref": "#/components/schemas/Code"},
                              "count": {"type": "integer", "minimum": 0, "maximum": 10}}},
    "Answer": {"type": "object", "required": ["reasons"],
               "properties": {"reasons": {"type": "array", "items": {"$ref": "#/components/schemas/Reason"}},
                              "next": {"type": "string", "nullable": true},
                              "summary": {"type": "string", "pattern": "^[0-9]+/[0-9]+ nodes", "minLength": 3,
                                          "maxLength": 40}}},
    "Map": {"type": "object", "additionalProperties": {"type": "string"}},
    "ObjectOrList": {"oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}, "minItems": 1}]},
    "Both": {"allOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}]},
    "Loop": {"$ref": "#/components/schemas/Loop"},
    "a/b~c": {"type": "boolean"}
  }}})");

json Schema(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

class JsonSchemaValidatorTest : public ::testing::Test {
 protected:
  std::vector<std::string> Validate(const std::string& schema, const std::string& value) {
    return validator_.Validate(Schema(schema), json::parse(value));
  }
  JsonSchemaValidator validator_{kRoot};
};

TEST_F(JsonSchemaValidatorTest, AcceptsMatchingValues) {
  EXPECT_THAT(Validate("Error", R"({"error": "pod: missing"})"), IsEmpty());
  EXPECT_THAT(Validate("Answer", R"({"reasons": [{"code": "NoDevices", "count": 3}], "next": null,
                                     "summary": "1/5 nodes fit", "extra": 1})"),
              IsEmpty());
  EXPECT_THAT(Validate("Map", R"({"a": "x", "b": "y"})"), IsEmpty());
  EXPECT_THAT(Validate("ObjectOrList", R"({"kind": "Pod"})"), IsEmpty());
  EXPECT_THAT(Validate("ObjectOrList", R"([{"kind": "Pod"}])"), IsEmpty());
  EXPECT_THAT(Validate("Both", R"({"a": 1, "b": 2})"), IsEmpty());
  EXPECT_THAT(Validate("Reason", R"({"code": "NoDevices", "count": 2.0})"), IsEmpty()) << "2.0 is an integer";
  EXPECT_THAT(Validate("a~1b~0c", "true"), IsEmpty()) << "JSON pointer escapes";
}

TEST_F(JsonSchemaValidatorTest, RejectsWrongTypes) {
  EXPECT_THAT(Validate("Error", R"("oops")"), ElementsAre("$: expected object, got string"));
  EXPECT_THAT(Validate("Error", R"({"error": 42})"), ElementsAre("$.error: expected string, got integer"));
  EXPECT_THAT(Validate("Reason", R"({"code": "NoDevices", "count": 1.5})"),
              ElementsAre("$.count: expected integer, got number"));
  EXPECT_THAT(Validate("Answer", R"({"reasons": {}})"), ElementsAre("$.reasons: expected array, got object"));
  EXPECT_THAT(Validate("Error", "null"), ElementsAre("$: expected object, got null")) << "not nullable";
  EXPECT_THAT(Validate("Answer", R"({"reasons": [], "next": 3})"), ElementsAre("$.next: expected string, got integer"));
}

TEST_F(JsonSchemaValidatorTest, RejectsMissingRequiredAndUnexpectedMembers) {
  EXPECT_THAT(Validate("Error", "{}"), ElementsAre("$.error: missing required member"));
  EXPECT_THAT(Validate("Error", R"({"error": "x", "Error": "y"})"),
              ElementsAre("$.Error: unexpected member (additionalProperties is false)"));
  EXPECT_THAT(Validate("Map", R"({"a": 1})"), ElementsAre("$.a: expected string, got integer"));
}

TEST_F(JsonSchemaValidatorTest, RejectsValuesOutsideEnumsBoundsAndPatterns) {
  EXPECT_THAT(Validate("Answer", R"({"reasons": [{"code": "NoDevices"}, {"code": "Busy"}]})"),
              ElementsAre(R"($.reasons[1].code: "Busy" is not one of ["NoDevices","DevicesInUse"])"));
  EXPECT_THAT(Validate("Reason", R"({"code": "NoDevices", "count": -1})"),
              ElementsAre("$.count: -1 is less than the minimum 0"));
  EXPECT_THAT(Validate("Reason", R"({"code": "NoDevices", "count": 11})"),
              ElementsAre("$.count: 11 is more than the maximum 10"));
  EXPECT_THAT(Validate("Answer", R"({"reasons": [], "summary": "all nodes fit"})"),
              ElementsAre(HasSubstr("does not match the pattern")));
  EXPECT_THAT(Validate("Answer", R"({"reasons": [], "summary": "1/"})"), SizeIs(2)) << "too short, no match";
  EXPECT_THAT(Validate("Answer", R"({"reasons": [], "summary": "1/5 nodes fit; 1 NoDevices, 2 DevicesInUse, 3 x"})"),
              ElementsAre("$.summary: longer than maxLength 40"));
}

TEST_F(JsonSchemaValidatorTest, OneOfNeedsExactlyOneAndAllOfEvery) {
  EXPECT_THAT(Validate("ObjectOrList", "[]"), ElementsAre(HasSubstr("matches 0 of the 2 oneOf schemas")));
  EXPECT_THAT(Validate("ObjectOrList", "3"), ElementsAre(HasSubstr("matches 0 of the 2 oneOf schemas")));
  JsonSchemaValidator validator(kRoot);
  json overlapping = json::parse(R"({"oneOf": [{"type": "object"}, {"type": "object", "required": ["a"]}]})");
  EXPECT_THAT(validator.Validate(overlapping, json::parse(R"({"a": 1})")),
              ElementsAre(HasSubstr("matches 2 of the 2 oneOf schemas")));
  EXPECT_THAT(Validate("Both", R"({"a": 1})"), ElementsAre("$.b: missing required member"));
}

TEST_F(JsonSchemaValidatorTest, UnresolvableAndLoopingRefsAreProblems) {
  EXPECT_THAT(Validate("Nope", "{}"), ElementsAre(R"($: unresolvable $ref "#/components/schemas/Nope")"));
  EXPECT_THAT(Validate("Loop", "{}"), ElementsAre(HasSubstr("$ref chain deeper than")));
  EXPECT_EQ(validator_.Resolve("#/components/schemas/Code"), &kRoot["components"]["schemas"]["Code"]);
  EXPECT_EQ(validator_.Resolve("#/components/schemas/Code/enum/1"), &kRoot["components"]["schemas"]["Code"]["enum"][1]);
  EXPECT_EQ(validator_.Resolve("#/components/schemas/Code/enum/2"), nullptr);
  EXPECT_EQ(validator_.Resolve("other.json#/x"), nullptr);
}

TEST_F(JsonSchemaValidatorTest, SchemaProblemsFlagKeywordsItCannotCheck) {
  for (const auto& [name, schema] : kRoot["components"]["schemas"].items()) {
    EXPECT_THAT(validator_.SchemaProblems(schema, name), IsEmpty()) << name;
  }
  auto problems = [&](const std::string& text) { return validator_.SchemaProblems(json::parse(text), "s"); };
  EXPECT_THAT(problems(R"({"type": "object", "patternProperties": {}})"),
              ElementsAre(R"(s: keyword "patternProperties" is not supported by the test's JSON Schema validator)"));
  EXPECT_THAT(problems(R"({"type": ["string", "null"]})"), ElementsAre(HasSubstr("s.type:")));
  EXPECT_THAT(problems(R"({"type": "int"})"), ElementsAre(HasSubstr("s.type:")));
  EXPECT_THAT(problems(R"({"$ref": "#/components/schemas/Nope"})"), ElementsAre(HasSubstr("unresolvable $ref")));
  EXPECT_THAT(problems(R"({"$ref": "#/components/schemas/Code", "nullable": true})"),
              ElementsAre(HasSubstr("next to $ref is ignored")));
  EXPECT_THAT(problems(R"({"type": "string", "pattern": "(["})"), ElementsAre(HasSubstr("does not compile")));
  EXPECT_THAT(problems(R"({"type": "object", "additionalProperties": false, "required": ["a"], "properties": {}})"),
              ElementsAre(HasSubstr("\"a\" is not in properties of a closed object")));
  EXPECT_THAT(problems(R"({"type": "array", "items": {"type": "array", "items": {"minimum": "0"}}})"),
              ElementsAre("s.items.items.minimum: must be a number"));
  EXPECT_THAT(problems(R"({"oneOf": []})"), ElementsAre("s.oneOf: must be a non-empty array of schemas"));
}

}  // namespace
}  // namespace allot::testutil
