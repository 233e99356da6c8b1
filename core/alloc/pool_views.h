// The two summaries Kubernetes 1.37's ResourcePoolStatusRequest controller adds per complete pool
// (KEP-5677, resource.k8s.io/v1alpha3 PoolStatus.partitionSummary and .shareableSummary), computed with the
// controller's own definitions (pkg/controller/resourcepoolstatusrequest/views.go at v1.37.2; quoted and
// compared in docs/tooling.md):
//
//   PoolViews v = alloc::ComputePoolViews(latest_slices, allocated, "gpu.example.com/profile", features);
//
// partitionSummary. Devices that consume shared counters are partitions. Each gets a grouping attribute:
// its slice's spec.partitionTypeAttribute, or, only when no slice of the pool declares one, the caller's
// default (the request's defaultPartitionTypeAttribute). Its type is that attribute's string value, looked
// up by the full name or, within the driver's own domain, by the bare name (the full name wins). Per
// (attribute, type): `total` devices, and `allocatable` = how many of the group's devices that are not in
// use could be allocated one after another from the counters left by the in-use devices (each group
// measured alone from that baseline, first fit in device order). Sorted by (attribute, type).
// shareableSummary. Over the pool's devices with allowMultipleAllocations (only with DRAConsumableCapacity
// on, as allot's allocator sees them): fully / partially available device counts (in use = held by any
// non-admin allocation), and per capacity name the sum over those devices, the consumed amount of all their
// shares, and max(0, total - consumed). Unset when the pool has no such device.
// validationError, as the controller words it: "PartitionTypeMissing: ..." (a grouping attribute but no
// shared counters, or a partition without a string value for it), "PartitionCostMismatch: ..." (devices of
// one type consume different counters), "PartitionSummaryOverCap: ..." / "ShareableSummaryOverCap: ..."
// (more than 32 entries). Any error drops the partition summary; the shareable summary is kept unless it
// is the one that failed.
//
// Note that the dynamic MIG layout (every placement of a profile consumes different memory-slice counters)
// is a PartitionCostMismatch by these rules; allot's per-class partitions (inventory.h) answer for it.
//
// Thread safety: pure function; the result owns its data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/alloc/allocator.h"
#include "core/index/allocated_state.h"
#include "core/index/snapshot.h"
#include "core/quantity/quantity.h"

namespace allot::alloc {

struct PartitionTypeStatus {
  std::string attribute;  // fully qualified grouping attribute
  std::string type;       // its value
  int64_t total = 0;
  int64_t allocatable = 0;
};

struct ShareableCapacityStatus {
  std::string name;
  quantity::Quantity total;
  quantity::Quantity consumed;
  quantity::Quantity available;  // max(0, total - consumed)
};

struct ShareableSummary {
  int64_t fully_available_devices = 0;
  int64_t partially_available_devices = 0;
  std::vector<ShareableCapacityStatus> capacity;  // by name
};

struct PoolViews {
  std::vector<PartitionTypeStatus> partition_summary;
  std::optional<ShareableSummary> shareable_summary;
  std::string validation_error;  // empty when none
};

// `latest`: the slices of one complete pool at its highest generation. `default_attribute`: the request's
// defaultPartitionTypeAttribute, empty for none.
PoolViews ComputePoolViews(const std::vector<const index::SliceEntry*>& latest,
                           const index::AllocatedState& allocated, const std::string& default_attribute,
                           const Features& features);

// Whether `name` is a fully qualified attribute name, "<domain>/<name>" (one slash, both sides non-empty),
// as KEP-5677's defaultPartitionTypeAttribute must be.
bool IsQualifiedAttributeName(std::string_view name);

// The grouping attribute of a device of `slice` in a pool where `pool_declares` says whether any slice of
// the pool declares one: the slice's own, else `default_attribute` unless the pool declares; empty for none.
const std::string& PartitionAttributeOf(const model::Slice& slice, bool pool_declares,
                                        const std::string& default_attribute);

// The string value of `attribute` on `device` of `driver` (full name, or bare within the driver's domain);
// nullopt when absent or not a string.
std::optional<std::string> PartitionTypeOf(const std::string& driver, const model::Device& device,
                                           const std::string& attribute);

}  // namespace allot::alloc
