// Device JSON -> cel::DeviceInput; see cel_device_json.h.
#include "service/cli/cel_device_json.h"

#include <string>
#include <utility>
#include <vector>

namespace allot::cli {
namespace {

using nlohmann::json;

StatusOr<cel::AttributeValue> ParseAttribute(const std::string& name, const json& v) {
  if (!v.is_object() || v.size() != 1) {
    return InvalidArgumentError("attribute " + name + ": must be an object with exactly one value field");
  }
  const std::string& kind = v.begin().key();
  const json& x = v.begin().value();
  auto bad = [&]() { return InvalidArgumentError("attribute " + name + ": bad " + kind + " value " + x.dump()); };
  if (kind == "int") {
    if (!x.is_number_integer()) return bad();
    return cel::AttributeValue(x.get<int64_t>());
  }
  if (kind == "bool") {
    if (!x.is_boolean()) return bad();
    return cel::AttributeValue(x.get<bool>());
  }
  if (kind == "string") {
    if (!x.is_string()) return bad();
    return cel::AttributeValue(x.get<std::string>());
  }
  if (kind == "version") {
    if (!x.is_string()) return bad();
    return cel::AttributeValue(cel::Version{x.get<std::string>()});
  }
  if (!x.is_array() || x.empty()) return bad();
  if (kind == "ints") {
    std::vector<int64_t> out;
    for (const json& e : x) {
      if (!e.is_number_integer()) return bad();
      out.push_back(e.get<int64_t>());
    }
    return cel::AttributeValue(std::move(out));
  }
  if (kind == "bools") {
    std::vector<bool> out;
    for (const json& e : x) {
      if (!e.is_boolean()) return bad();
      out.push_back(e.get<bool>());
    }
    return cel::AttributeValue(std::move(out));
  }
  if (kind == "strings" || kind == "versions") {
    std::vector<std::string> strings;
    for (const json& e : x) {
      if (!e.is_string()) return bad();
      strings.push_back(e.get<std::string>());
    }
    if (kind == "strings") return cel::AttributeValue(std::move(strings));
    std::vector<cel::Version> versions;
    for (std::string& s : strings) versions.push_back(cel::Version{std::move(s)});
    return cel::AttributeValue(std::move(versions));
  }
  return InvalidArgumentError("attribute " + name + ": unknown value field \"" + kind + "\"");
}

}  // namespace

StatusOr<cel::DeviceInput> ParseDeviceJson(const json& device) {
  if (!device.is_object()) return InvalidArgumentError("device: must be a JSON object");
  cel::DeviceInput in;
  if (auto it = device.find("driver"); it != device.end()) {
    if (!it->is_string()) return InvalidArgumentError("device.driver: must be a string");
    in.driver = it->get<std::string>();
  }
  if (auto it = device.find("attributes"); it != device.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgumentError("device.attributes: must be an object");
    for (auto a = it->begin(); a != it->end(); ++a) {
      StatusOr<cel::AttributeValue> v = ParseAttribute(a.key(), a.value());
      if (!v.ok()) return v.status();
      in.attributes.emplace_back(a.key(), *std::move(v));
    }
  }
  if (auto it = device.find("capacity"); it != device.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgumentError("device.capacity: must be an object");
    for (auto c = it->begin(); c != it->end(); ++c) {
      const json& cap = c.value();
      auto value = cap.is_object() ? cap.find("value") : cap.end();
      if (!cap.is_object() || value == cap.end() || !value->is_string()) {
        return InvalidArgumentError("capacity " + c.key() + ": must be {\"value\": \"<quantity>\"}");
      }
      StatusOr<quantity::Quantity> q = quantity::Quantity::Parse(value->get<std::string>());
      if (!q.ok()) return InvalidArgumentError("capacity " + c.key() + ": " + std::string(q.status().message()));
      in.capacity.emplace_back(c.key(), *std::move(q));
    }
  }
  if (auto it = device.find("allowMultipleAllocations"); it != device.end() && !it->is_null()) {
    if (!it->is_boolean()) return InvalidArgumentError("device.allowMultipleAllocations: must be a bool");
    in.allow_multiple_allocations = it->get<bool>();
  }
  return in;
}

}  // namespace allot::cli
