// Decoding the CLI's device JSON into cel::DeviceInput (used by `allot cel eval` and by
// `allot conformance cel` for the dra-compile vectors).
//
// Format (docs/cel-conformance.md): a resource.k8s.io/v1 Device's `attributes` and `capacity`
// plus the driver name:
//   {"driver": "gpu.example.com", "name": "gpu-0",                       // name is optional, ignored
//    "attributes": {"model": {"string": "A100"}, "gpu.example.com/index": {"int": 0},
//                   "driverVersion": {"version": "1.2.3"}, "ids": {"ints": [1, 2]}, ...},
//    "capacity": {"memory": {"value": "80Gi"}},
//    "allowMultipleAllocations": false}                                   // optional
// Attribute values take exactly one of int, bool, string, version, ints, bools, strings, versions.
//
// Thread safety: stateless functions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/cel/device.h"
#include "base/status.h"

namespace allot::cli {

// kInvalidArgument naming the offending field on a malformed device. Never throws.
StatusOr<cel::DeviceInput> ParseDeviceJson(const nlohmann::json& device);

}  // namespace allot::cli
