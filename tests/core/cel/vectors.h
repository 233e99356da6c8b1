// Loading and judging the CEL test vectors in tests/testdata/cel-vectors (format:
// tests/testdata/cel-vectors/README.md). Shared by the engine's and the libraries' tests and usable by
// the conformance CLI.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/cel/device.h"
#include "core/cel/selector.h"
#include "core/cel/value.h"
#include "base/status.h"

namespace allot::cel::testing {

// Reads tests/testdata/cel-vectors/<file> (relative to the repository root, the CTest working
// directory). Returns an empty vector and sets *error on failure.
std::vector<nlohmann::json> LoadCelVectors(const std::string& file, std::string* error);

// dra-compile.json "device" object → DeviceInput (attribute names kept as written).
StatusOr<DeviceInput> DeviceFromJson(const nlohmann::json& device);

// dra-compile.json env/features → EnvOptions.
EnvOptions EnvOptionsFromCase(const nlohmann::json& c);

// Compares a result value against cel-spec-style `expect` ({"value","type"[,"typed"]}).
// Returns true on match; otherwise *why explains.
bool ValueMatches(const Value& actual, const nlohmann::json& expect, std::string* why);

// A gtest-safe name: [A-Za-z0-9_] only.
std::string SanitizeTestName(const std::string& name);

}  // namespace allot::cel::testing
