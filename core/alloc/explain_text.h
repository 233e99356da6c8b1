// Internal: the wording of explain's messages (explain_stages.cc). Nothing here decides a code; these
// functions only describe devices, values and counts.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/k8s/resource_v1.h"
#include "core/index/pools.h"
#include "core/model/device.h"

namespace allot::alloc::internal {

inline constexpr size_t kListed = 5;  // entries named in one list of a message

// "a (3), b (1), …": most frequent first, at most kListed entries.
std::string CountList(const std::map<std::string, size_t>& counts);

// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names);

// The value of attribute `key` ("domain/id") of `device` as text; "(none)" when absent.
std::string AttributeText(const model::Device& device, const std::string& key, const std::string& driver);

// The CEL expressions joined with " && ".
std::string SelectorList(const std::vector<api::DeviceSelector>& selectors);

// " (seen: driver = …; dom/attr = v (n), …)": the values that `devices` (indices into pools.candidates)
// have for what the expressions read (`device.attributes['dom'].id`, `device.capacity['dom'].id`,
// `device.driver`); "" when they read none of these.
std::string SeenValues(const std::vector<api::DeviceSelector>& selectors, const index::NodePools& pools,
                       const std::vector<uint32_t>& devices);

// The position of `request` ("req" or "req/sub") among the subrequests of `req` (0 for a plain request).
size_t SubIndex(const api::DeviceRequest& req, const std::string& request);

// "driver/pool/device".
std::string DeviceId(const index::Candidate& c);

// "key=value:Effect from ResourceSlice" or "key=value:Effect from DeviceTaintRule NAME" ("key:Effect" without a
// value): the taint and where an admin removes it (model::Taint::rule).
std::string TaintText(const model::Taint& taint);

}  // namespace allot::alloc::internal
