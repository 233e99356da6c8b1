// OpenApiDocument must be able to fail: structural mistakes, undocumented statuses and media types, and
// bodies that do not match are each reported.
#include "tests/testutil/openapi_document.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace allot::testutil {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

json Good() {
  return json::parse(R"({
    "openapi": "3.0.3", "info": {"title": "t", "version": "v1"},
    "paths": {
      "/healthz": {"get": {"operationId": "healthz", "responses": {
        "200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
      "/claims/{namespace}/{name}": {"get": {"operationId": "getClaim",
        "parameters": [{"name": "namespace", "in": "path", "required": true, "schema": {"type": "string"}},
                       {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "the claim", "content": {"application/json": {"schema": {"type": "object"}}}},
                      "404": {"$ref": "#/components/responses/NotFound"}}}},
      "/claims/default/special": {"get": {"operationId": "special", "responses": {"204": {"description": "none"}}}},
      "/explain": {"post": {"operationId": "explain",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
                      "400": {"$ref": "#/components/responses/NotFound"}}}}},
    "components": {
      "schemas": {"Error": {"type": "object", "required": ["error"], "additionalProperties": false,
                            "properties": {"error": {"type": "string"}}},
                  "Req": {"type": "object", "required": ["pod"], "properties": {"pod": {"type": "object"}}}},
      "responses": {"NotFound": {"description": "no such thing",
                                 "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}})");
}

TEST(OpenApiDocumentTest, AWellFormedDocumentHasNoProblems) {
  OpenApiDocument doc(Good());
  EXPECT_THAT(doc.StructureProblems(), IsEmpty());
  auto ops = doc.Operations();
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[0].path, "/claims/default/special") << "paths in key order";
  EXPECT_EQ(ops[2].method, "POST");
  EXPECT_EQ(ops[2].path, "/explain");
  EXPECT_THAT(doc.Statuses("get", "/claims/{namespace}/{name}"), ElementsAre("200", "404"));
}

TEST(OpenApiDocumentTest, StructureProblemsAreFound) {
  json d = Good();
  d["openapi"] = "3.1.0";
  d["paths"]["/healthz"]["get"].erase("responses");
  d["paths"]["/claims/{namespace}/{name}"]["get"]["parameters"].erase(1);
  d["paths"]["/claims/default/special"]["get"]["operationId"] = "healthz";
  d["paths"]["/explain"]["post"]["responses"]["400"] = {{"$ref", "#/components/responses/Gone"}};
  d["paths"]["/explain"]["post"]["responses"]["2xx"] = {{"description", "x"}};
  d["paths"]["/explain"]["post"]["requestBody"]["content"]["application/json"]["schema"] = {{"type", "map"}};
  d["paths"]["/metrics"] = json::object();
  d["components"]["schemas"]["Error"]["additionalProperties"] = "no";
  OpenApiDocument doc(std::move(d));
  auto problems = doc.StructureProblems();
  auto has = [&](const std::string& text) {
    for (const auto& p : problems) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("openapi: \"3.1.0\" is not 3.0.x"));
  EXPECT_TRUE(has("paths./healthz.get: needs at least one response"));
  EXPECT_TRUE(has("paths./claims/{namespace}/{name}.get: path parameter {name} is not declared"));
  EXPECT_TRUE(has("operationId healthz is used twice"));
  EXPECT_TRUE(has("#/paths//explain/post/responses/400: unresolvable $ref \"#/components/responses/Gone\""));
  EXPECT_TRUE(has("responses.2xx: not a status code or default"));
  EXPECT_TRUE(has("requestBody.content.application/json.schema.type"));
  EXPECT_TRUE(has("paths./metrics: has no operation"));
  EXPECT_TRUE(has("components.schemas.Error.additionalProperties: must be a boolean or a schema"));
  EXPECT_EQ(problems.size(), 9u) << ::testing::PrintToString(problems);
}

TEST(OpenApiDocumentTest, MatchPathPrefersLiteralSegments) {
  OpenApiDocument doc(Good());
  EXPECT_THAT(doc.MatchPath("/claims/team-a/gpu"), Optional(std::string("/claims/{namespace}/{name}")));
  EXPECT_THAT(doc.MatchPath("/claims/default/special"), Optional(std::string("/claims/default/special")));
  EXPECT_EQ(doc.MatchPath("/claims/default"), std::nullopt);
  EXPECT_EQ(doc.MatchPath("/claims//x"), std::nullopt);
  EXPECT_EQ(doc.MatchPath("/claims/a/b/c"), std::nullopt);
  EXPECT_THAT(doc.MatchPath("/healthz"), Optional(std::string("/healthz")));
}

TEST(OpenApiDocumentTest, CheckResponseAcceptsDocumentedAnswers) {
  OpenApiDocument doc(Good());
  EXPECT_THAT(doc.CheckResponse("GET", "/healthz", 200, "text/plain", "ok\n"), IsEmpty());
  EXPECT_THAT(doc.CheckResponse("get", "/claims/{namespace}/{name}", 404, "application/json; charset=utf-8",
                                R"({"error": "resourceclaim a/b not found"})"),
              IsEmpty());
  EXPECT_THAT(doc.CheckResponse("GET", "/claims/default/special", 204, "", ""), IsEmpty());
}

TEST(OpenApiDocumentTest, CheckResponseRejectsUndocumentedAnswers) {
  OpenApiDocument doc(Good());
  EXPECT_THAT(doc.CheckResponse("GET", "/healthz", 503, "text/plain", "no"),
              ElementsAre("GET /healthz: status 503 is not documented (documented: 200)"));
  EXPECT_THAT(doc.CheckResponse("GET", "/healthz", 200, "application/json", "\"ok\""),
              ElementsAre(HasSubstr("media type \"application/json\" is not documented (documented: text/plain)")));
  EXPECT_THAT(doc.CheckResponse("POST", "/healthz", 200, "text/plain", "ok"), ElementsAre("POST /healthz: not documented"));
  EXPECT_THAT(doc.CheckResponse("POST", "/explain", 400, "application/json", R"({"message": "x"})"),
              ElementsAre("POST /explain 400: $.error: missing required member",
                          "POST /explain 400: $.message: unexpected member (additionalProperties is false)"));
  EXPECT_THAT(doc.CheckResponse("POST", "/explain", 200, "application/json", "{not json"),
              ElementsAre(HasSubstr("the body is not JSON")));
  EXPECT_THAT(doc.CheckResponse("GET", "/claims/default/special", 204, "text/plain", "x"),
              ElementsAre(HasSubstr("documents no body")));
}

TEST(OpenApiDocumentTest, CheckRequestValidatesTheBodyWeSend) {
  OpenApiDocument doc(Good());
  EXPECT_THAT(doc.CheckRequest("POST", "/explain", "application/json", R"({"pod": {}})"), IsEmpty());
  EXPECT_THAT(doc.CheckRequest("POST", "/explain", "application/json", R"({"podRef": {}})"),
              ElementsAre("POST /explain request: $.pod: missing required member"));
  EXPECT_THAT(doc.CheckRequest("POST", "/explain", "application/yaml", "pod: {}"),
              ElementsAre(HasSubstr("media type \"application/yaml\" is not documented")));
  EXPECT_THAT(doc.CheckRequest("GET", "/healthz", "application/json", "{}"),
              ElementsAre("GET /healthz: documents no request body"));
}

TEST(OpenApiDocumentTest, MediaTypeDropsParametersAndCase) {
  EXPECT_EQ(MediaType("text/plain; version=0.0.4; charset=utf-8"), "text/plain");
  EXPECT_EQ(MediaType(" Application/JSON "), "application/json");
  EXPECT_EQ(MediaType(""), "");
}

}  // namespace
}  // namespace allot::testutil
