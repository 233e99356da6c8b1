// The allocator's view of a ResourceSlice (resource.k8s.io/v1), built by convert.cc.
//
// Driver and pool names are interned by the index (driver_id, pool_id); the strings are kept
// for results and error messages.
//
// Thread safety: immutable after construction; shared by snapshots via shared_ptr<const Slice>.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/device.h"
#include "core/model/node_selector.h"

namespace allot::model {

struct Slice {
  std::string name;  // metadata.name
  std::string driver;
  std::string pool;
  int64_t generation = 0;
  int64_t resource_slice_count = 0;
  NodeSelection node_selection;          // slice-level nodeName / nodeSelector / allNodes
  bool per_device_node_selection = false;
  bool has_per_device_node_selection_field = false;  // field present (any value)
  std::vector<Device> devices;
  std::vector<CounterSet> shared_counters;
  std::string partition_type_attribute;  // spec.partitionTypeAttribute; empty when unset

  bool has_node_name() const { return node_selection.node_name && !node_selection.node_name->empty(); }
};

}  // namespace allot::model
