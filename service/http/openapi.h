// The OpenAPI 3.0.3 description of every route allot serves: service/http/openapi.json, checked in and
// compiled into the binary at build time (cmake/embed_text.cmake, from service/http/sources.cmake; the build
// fails if the file is not valid JSON). Served at GET /openapi.json (routes.cc) as application/json.
//
// The document is kept true by tests/integration/openapi_contract_test.cc: every route of the route table has
// an operation in it and vice versa, every $ref resolves, and each route's real answers on the demo cluster
// (good and bad input) match the documented status codes and response schemas. A new route therefore needs
// its path, parameters, request body and responses here (docs/tooling.md, "OpenAPI").
//
// Thread safety: immutable static data.
#pragma once

#include <string_view>

namespace allot::svc {

// The bytes of service/http/openapi.json as built into this binary.
std::string_view OpenApiJson();

}  // namespace allot::svc
