#include "service/kubectl/answer_tables.h"

#include "service/kubectl/table.h"

namespace allot::svc::kubectl {
namespace {

using Json = nlohmann::json;

// A member as table text: strings as they are, numbers and bools as JSON, absent or null as "".
std::string Text(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// A count that KEP-5677 leaves unset for an incomplete pool.
std::string Count(const Json& pool, const char* key) {
  std::string t = Text(pool, key);
  return t.empty() ? "<unknown>" : t;
}

const Json& Array(const Json& object, const char* key) {
  static const Json kEmpty = Json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

bool AnyHas(const Json& rows, const char* key) {
  for (const Json& r : rows) {
    if (!Text(r, key).empty()) return true;
  }
  return false;
}

std::string DeviceText(const Json& result) {
  if (!result.is_object()) return result.dump();
  std::string pool = Text(result, "pool");
  std::string device = Text(result, "device");
  if (pool.empty() && device.empty()) return result.dump();
  return pool + "/" + device;
}

std::string ClaimsText(const Json& placement) {
  std::string out;
  for (const Json& allocation : Array(placement, "allocations")) {
    if (!out.empty()) out += "; ";
    out += Text(allocation, "claim");
    std::string devices;
    for (const Json& result : Array(allocation, "results")) {
      devices += devices.empty() ? "" : ", ";
      devices += DeviceText(result);
    }
    if (!devices.empty()) out += ": " + devices;
  }
  return out;
}

}  // namespace

std::string InventoryTables(const Json& answer) {
  std::string out;
  const Json& pools = Array(answer, "pools");
  if (pools.empty()) {
    out += "No resource pools found.\n";
  } else {
    const bool errors = AnyHas(pools, "validationError");
    std::vector<std::string> headers = {"DRIVER",    "POOL",      "NODE",       "DEVICES",
                                        "ALLOCATED", "AVAILABLE", "UNAVAILABLE"};
    if (errors) headers.emplace_back("ERROR");
    Table table(headers);
    for (const Json& p : pools) {
      table.AddRow({Text(p, "driver"), Text(p, "pool"), Text(p, "node"), Count(p, "totalDevices"),
                    Count(p, "allocatedDevices"), Count(p, "availableDevices"), Count(p, "unavailableDevices"),
                    errors ? Text(p, "validationError") : ""});
    }
    out += table.Render();
  }
  const Json& classes = Array(answer, "classes");
  if (!classes.empty()) {
    const bool errors = AnyHas(classes, "error");
    std::vector<std::string> headers = {"CLASS", "NODE", "DEVICES", "FREE"};
    if (errors) headers.emplace_back("ERROR");
    Table table(headers);
    for (const Json& c : classes) {
      table.AddRow({Text(c, "class"), Text(c, "node"), Text(c, "devices"), Text(c, "free"),
                    errors ? Text(c, "error") : ""});
    }
    out += "\n" + table.Render();
  }
  std::string in_flight = Text(answer, "inFlightReservations");
  if (!in_flight.empty() && in_flight != "0") out += "\nin-flight reservations: " + in_flight + "\n";
  return out;
}

std::string ExplainTable(const Json& answer) {
  Table table({"NODE", "FITS", "CLAIM", "REQUEST", "CODE", "MESSAGE"});
  for (const Json& n : Array(answer, "nodes")) {
    const std::string node = Text(n, "node");
    const std::string fits = Text(n, "fits");
    const Json& reasons = Array(n, "reasons");
    const std::string error = Text(n, "error");
    for (const Json& r : reasons) {
      table.AddRow({node, fits, Text(r, "claim"), Text(r, "request"), Text(r, "code"), Text(r, "message")});
    }
    if (!error.empty()) table.AddRow({node, fits, "-", "-", "Error", error});
    if (reasons.empty() && error.empty()) table.AddRow({node, fits, "-", "-", "-", "-"});
  }
  std::string out = table.rows() == 0 ? std::string("No nodes to explain.\n") : table.Render();
  std::string summary = Text(answer, "summary");
  if (!summary.empty()) out += "\n" + summary + "\n";
  return out;
}

std::string SimulateTable(const Json& answer, int replicas) {
  std::string out;
  const Json& placements = Array(answer, "placements");
  if (!placements.empty()) {
    Table table({"REPLICA", "NODE", "CLAIMS"});
    int replica = 0;
    for (const Json& p : placements) {
      table.AddRow({std::to_string(++replica), Text(p, "node"), ClaimsText(p)});
    }
    out += table.Render() + "\n";
  }
  std::string placed = Text(answer, "placed");
  out += "placed " + (placed.empty() ? std::to_string(placements.size()) : placed) + "/" + std::to_string(replicas) +
         "\n";
  if (answer.is_object() && answer.contains("firstFailure") && answer["firstFailure"].is_object()) {
    std::string summary = Text(answer["firstFailure"], "summary");
    int next = (placed.empty() ? static_cast<int>(placements.size()) : std::atoi(placed.c_str())) + 1;
    out += "replica " + std::to_string(next) + " does not fit: " + (summary.empty() ? "(no summary)" : summary) +
           "\n";
  }
  return out;
}

}  // namespace allot::svc::kubectl
