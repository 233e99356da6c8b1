// A DeviceClass as the allocator uses it: the selector expressions (compiled lazily by the
// allocator, because in the reference a broken selector only fails when a device is
// evaluated) and the wire object, whose `config` entries are copied into results.
//
// Thread safety: immutable after construction; shared via shared_ptr<const DeviceClass>.
#pragma once

#include <string>

#include "api/k8s/resource_v1.h"

namespace allot::model {

struct DeviceClass {
  std::string name;
  api::DeviceClass source;
};

}  // namespace allot::model
