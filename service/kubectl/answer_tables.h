// The plugin's default (table) output for each of allot's tooling answers (docs/tooling.md):
//
//   inventory   DRIVER POOL NODE DEVICES ALLOCATED AVAILABLE UNAVAILABLE [ERROR]   one row per pool
//               CLASS NODE DEVICES FREE [ERROR]                                     one row per class and node
//               then "in-flight reservations: N" when N > 0
//   explain     NODE FITS CLAIM REQUEST CODE MESSAGE   one row per reason (a fitting node: one row with "-"),
//               a node's error as code "Error"; then the summary line
//   simulate    REPLICA NODE CLAIMS   one row per placed replica, CLAIMS = "ns/claim: pool/device, …; …";
//               then "placed K/N" and, when a replica did not fit, the first failure's summary
//
// The functions read the answers leniently (a missing member prints as "<none>" or is skipped), so a newer
// allot that adds members still prints. ERROR columns appear only when a row has one.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace allot::svc::kubectl {

std::string InventoryTables(const nlohmann::json& answer);
std::string ExplainTable(const nlohmann::json& answer);
// `replicas` is the number asked for (the answer says how many were placed).
std::string SimulateTable(const nlohmann::json& answer, int replicas);

}  // namespace allot::svc::kubectl
