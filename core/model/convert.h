// The only place that knows both the wire types (allot::api) and the allocator's model
// (allot::model). Conversions are total for decoded wire objects except for quantities that
// allot::quantity cannot represent and similar value errors, which come back as
// InvalidArgument naming the object.
//
// Thread safety: pure functions.
#pragma once

#include <memory>

#include "api/k8s/core_v1.h"
#include "api/k8s/resource_v1.h"
#include "base/status.h"
#include "core/model/device_class.h"
#include "core/model/node_selector.h"
#include "core/model/slice.h"
#include "core/quantity/quantity.h"

namespace allot::model {

StatusOr<Quantity> ToQuantity(const api::Quantity& q);
api::Quantity ToApi(const Quantity& q);

NodeSelector ToModel(const api::NodeSelector& s);
api::NodeSelector ToApi(const NodeSelector& s);

Node ToModel(const api::Node& node);

// Converts one slice, preparing every device for CEL evaluation.
StatusOr<std::shared_ptr<const Slice>> ToModel(const api::ResourceSlice& slice);

std::shared_ptr<const DeviceClass> ToModel(const api::DeviceClass& device_class);

// The wire form of a device attribute, as it was in the ResourceSlice (an attribute without a value gives
// an empty one).
api::DeviceAttribute ToApi(const Attribute& attribute);

}  // namespace allot::model
