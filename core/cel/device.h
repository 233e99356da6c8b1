// The DRA `device` as CEL sees it (cel.md 1.2-1.5), prepared once per device and then evaluated against
// many selectors.
//
// Prepare converts the ResourceSlice view (DeviceInput) into lookup tables: attributes and capacities
// grouped by domain (an unqualified name takes the driver's domain; the first '/' splits domain and id),
// attribute values as CEL values (versions parsed into kubernetes.Semver, lists as CEL lists), and
// capacities as kubernetes.Quantity. A version that fails to parse does not fail Prepare: it is recorded
// and every evaluation on this device then fails with "attribute <name>: parse semantic version: ...",
// as Kubernetes does.
//
// Thread safety: immutable after Prepare; share freely across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/cel/value.h"
#include "core/quantity/quantity.h"

namespace allot::cel {

struct Version {
  std::string text;
};

using AttributeValue = std::variant<int64_t, bool, std::string, Version, std::vector<int64_t>, std::vector<bool>,
                                    std::vector<std::string>, std::vector<Version>>;

// A device as written in a ResourceSlice (keys as written: "domain/id" or bare "id").
struct DeviceInput {
  std::string driver;
  std::vector<std::pair<std::string, AttributeValue>> attributes;
  std::vector<std::pair<std::string, quantity::Quantity>> capacity;  // capacity[*].value
  std::optional<bool> allow_multiple_allocations;
};

class Device {
 public:
  static std::shared_ptr<const Device> Prepare(DeviceInput input);
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // The `device` variable (a map view borrowing from this object).
  const Value& value() const { return value_; }
  // Non-empty when an attribute could not be converted; evaluations must fail with this text.
  const std::string& prepare_error() const { return prepare_error_; }
  const std::string& driver() const;

  struct Impl;

 private:
  Device() = default;
  std::unique_ptr<Impl> impl_;
  Value value_;
  std::string prepare_error_;
};

}  // namespace allot::cel
