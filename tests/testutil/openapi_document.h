// OpenApiDocument: an OpenAPI 3.0 document as allot's contract test reads it (service/http/openapi.json;
// tests/integration/openapi_contract_test.cc): its structure checked, its operations listed, concrete request
// paths matched to path templates, and real answers checked against the documented status codes, media
// types and schemas (with JsonSchemaValidator, json_schema.h).
//
//   OpenApiDocument doc(nlohmann::json::parse(text));
//   EXPECT_THAT(doc.StructureProblems(), IsEmpty());
//   auto path = doc.MatchPath("/api/v1/claims/default/x");          // "/api/v1/claims/{namespace}/{name}"
//   EXPECT_THAT(doc.CheckResponse("GET", *path, 404, "application/json", body), IsEmpty());
//
// Thread safety: immutable after construction. Not copyable or movable (the validator refers to the document).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/testutil/json_schema.h"

namespace allot::testutil {

class OpenApiDocument {
 public:
  struct Operation {
    std::string method;  // upper case: "GET", "POST"
    std::string path;    // the template as documented: "/api/v1/claims/{namespace}/{name}"
  };

  explicit OpenApiDocument(nlohmann::json document);
  OpenApiDocument(const OpenApiDocument&) = delete;
  OpenApiDocument& operator=(const OpenApiDocument&) = delete;

  const nlohmann::json& document() const { return document_; }

  // Everything wrong with the document's structure, one message each; empty when well formed. Checked:
  // "openapi" is 3.0.x; info has title and version; paths is a non-empty object of "/..." templates; a path
  // item holds only operations (get, put, post, delete, patch, head, options, trace), parameters, summary and
  // description; each operation has a unique operationId and a non-empty responses object whose keys are
  // three-digit status codes or "default"; each response (after $ref) has a description and its media types
  // a schema; every {name} of a template is declared as a required path parameter of each of its operations,
  // and every path parameter appears in the template; every parameter has a name, an "in" and a schema; a
  // request body has content; every $ref anywhere resolves; every schema passes
  // JsonSchemaValidator::SchemaProblems.
  std::vector<std::string> StructureProblems() const;

  // Every operation, by path (in key order, as nlohmann::json keeps objects), then method.
  std::vector<Operation> Operations() const;

  // The documented path template that a concrete path matches ({name} matches one non-empty segment);
  // a template without parameters wins over one with. nullopt if none matches.
  std::optional<std::string> MatchPath(std::string_view path) const;

  // The operation object, nullptr if the document has no such operation. `method` in any case.
  const nlohmann::json* FindOperation(std::string_view method, std::string_view path_template) const;

  // The status codes documented for an operation ("200", "400", ...), in key order.
  std::vector<std::string> Statuses(std::string_view method, std::string_view path_template) const;

  // Problems of a real answer: the operation exists, `status` is documented for it (or "default" is), the
  // media type of `content_type` (without parameters) is one the response documents, and the body matches
  // its schema (JSON media types are parsed; text/plain is a JSON string). Empty when it conforms.
  std::vector<std::string> CheckResponse(std::string_view method, std::string_view path_template, int status,
                                         std::string_view content_type, std::string_view body) const;

  // Problems of a request body sent as good input: the operation documents a request body with that media
  // type and (for JSON) the body matches its schema.
  std::vector<std::string> CheckRequest(std::string_view method, std::string_view path_template,
                                        std::string_view content_type, std::string_view body) const;

 private:
  // The object itself, or what its $ref resolves to (nullptr if it does not resolve).
  const nlohmann::json* Deref(const nlohmann::json& object) const;
  std::vector<std::string> CheckBody(const nlohmann::json& content, const std::string& where,
                                     std::string_view content_type, std::string_view body) const;

  const nlohmann::json document_;
  const JsonSchemaValidator validator_;
};

// The media type of a Content-Type header value, without parameters, lower case:
// "Text/Plain; version=0.0.4" -> "text/plain".
std::string MediaType(std::string_view content_type);

}  // namespace allot::testutil
