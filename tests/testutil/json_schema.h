// JsonSchemaValidator: checks JSON values against the subset of JSON Schema (in its OpenAPI 3.0.3 dialect)
// that allot's OpenAPI document, service/http/openapi.json, is written in, so that the contract test
// (tests/integration/openapi_contract_test.cc) can check real answers without a third-party validator.
//
// Keywords checked: type (one name; "integer" is a number without a fraction), nullable, enum, properties,
// required, additionalProperties (false, true or a schema; absent = any member allowed), items, $ref (local
// "#/..." JSON pointers into the root document; as in OpenAPI 3.0, members next to $ref are not used),
// oneOf (exactly one must match), allOf, minimum, maximum, minLength, maxLength (in code points), minItems,
// pattern (ECMAScript, found anywhere in the string, as JSON Schema does). Annotations (description, title,
// example, format, default, deprecated) are not checked. SchemaProblems reports every other keyword, so the
// document cannot use one that this validator would silently skip.
//
//   JsonSchemaValidator v(document);
//   std::vector<std::string> problems = v.Validate(document["components"]["schemas"]["Inventory"], answer);
//   // empty: matches; else e.g. "$.pools[0].generation: expected integer, got string"
//
// Thread safety: immutable after construction (const methods only); reads `root`, which must outlive it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace allot::testutil {

class JsonSchemaValidator {
 public:
  // `root` is the document $refs point into.
  explicit JsonSchemaValidator(const nlohmann::json& root) : root_(root) {}

  // Every problem of `value` against `schema`, each "<path>: <problem>" where the path starts at "$"
  // ("$.nodes[0].reasons[1].code"). Empty when it matches. An unresolvable $ref is a problem too.
  std::vector<std::string> Validate(const nlohmann::json& schema, const nlohmann::json& value) const;

  // The value a local reference ("#/components/schemas/Error") points at; nullptr if it does not resolve.
  const nlohmann::json* Resolve(std::string_view ref) const;

  // Problems of a schema itself, recursively (not following $ref, which only has to resolve): a keyword
  // outside the supported subset, a keyword with a value of the wrong kind, an unresolvable $ref, a $ref with
  // other members next to it, an unknown type name, a pattern that does not compile, a required member that
  // a closed object (additionalProperties: false) does not declare. `where` prefixes each message.
  std::vector<std::string> SchemaProblems(const nlohmann::json& schema, const std::string& where) const;

 private:
  void Check(const nlohmann::json& schema, const nlohmann::json& value, const std::string& path, int depth,
             std::vector<std::string>& out) const;
  void CheckSchema(const nlohmann::json& schema, const std::string& where, std::vector<std::string>& out) const;

  const nlohmann::json& root_;
};

}  // namespace allot::testutil
