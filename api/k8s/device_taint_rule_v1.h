// resource.k8s.io/v1 DeviceTaintRule (GA in Kubernetes 1.37, gate DRADeviceTaintRules; v1beta2/v1alpha3
// before): one taint applied to every device the selector picks, as if the driver had put it in the
// ResourceSlice. Wire rules as in resource_v1.h. `status` (eviction progress, written by
// kube-controller-manager) is not decoded: allot never reads it.
//
// Selector semantics (k8s.io/dynamic-resource-allocation v0.37.2 resourceslice/tracker): no
// `deviceSelector` selects nothing; each set field must equal the slice's driver, the slice's pool name,
// the device's name; an empty selector selects every device. The fields `deviceClassName` and `selectors`
// of v1alpha3 are tombstoned in v1 and ignored here.
//
// Thread safety: plain value types.
#pragma once

#include <optional>
#include <string>

#include "api/internal/json_fwd.h"
#include "api/k8s/meta.h"
#include "api/k8s/resource_v1.h"

namespace allot::api {

struct DeviceTaintSelector {
  std::optional<std::string> driver;
  std::optional<std::string> pool;
  std::optional<std::string> device;
  bool operator==(const DeviceTaintSelector&) const = default;
};

struct DeviceTaintRuleSpec {
  std::optional<DeviceTaintSelector> device_selector;  // absent: no device
  DeviceTaint taint;                                   // required
  bool operator==(const DeviceTaintRuleSpec&) const = default;
};

struct DeviceTaintRule {
  std::string api_version;
  std::string kind;
  ObjectMeta metadata;
  DeviceTaintRuleSpec spec;  // always encoded
  bool operator==(const DeviceTaintRule&) const = default;
};
using DeviceTaintRuleList = List<DeviceTaintRule>;

ALLOT_API_DECLARE_JSON(DeviceTaintSelector);
ALLOT_API_DECLARE_JSON(DeviceTaintRuleSpec);
ALLOT_API_DECLARE_JSON(DeviceTaintRule);
ALLOT_API_DECLARE_JSON(DeviceTaintRuleList);

}  // namespace allot::api
