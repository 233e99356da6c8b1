// JSON → YAML for `kubectl allot ... -o yaml`: block style, members in the JSON object's order, strings
// quoted whenever a YAML 1.2 reader would otherwise read them as something else ("true", "1", "null", "",
// leading or trailing spaces, ": ", …), so the YAML parses back to exactly the same JSON (tested).
//
// Thread safety: a pure function.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace allot::svc::kubectl {

std::string JsonToYaml(const nlohmann::json& value);

}  // namespace allot::svc::kubectl
