#include "core/alloc/class_devices.h"

#include <utility>

#include "base/status_macros.h"
#include "core/alloc/search.h"
#include "core/cel/selector.h"

namespace allot::alloc {
namespace internal {

StatusOr<std::vector<uint32_t>> Search::SelectableCandidates() {
  ALLOT_ASSIGN_OR_RETURN(pools_, index::GatherPoolsShared(snapshot_, node_, features_.partitionable_devices));
  in_use_.assign(pools_->candidates.size(), 0);
  results_.resize(claims_.size());
  ALLOT_RETURN_IF_ERROR(Prepare());
  std::vector<uint32_t> out;
  if (claim_data_.empty() || claim_data_[0].requests.empty()) return out;
  ClaimData& cd = claim_data_[0];
  RequestData& rd = cd.requests[0].data[0];
  for (uint32_t i = 0; i < pools_->candidates.size(); ++i) {
    ALLOT_ASSIGN_OR_RETURN(bool selectable, IsSelectable(cd, rd, i));
    if (selectable) out.push_back(i);
  }
  return out;
}

}  // namespace internal

StatusOr<ClassDevices> SelectClassDevices(const index::Snapshot& snapshot, const model::Node& node,
                                          const std::string& class_name, const Features& features,
                                          const Options& options) {
  api::ExactDeviceRequest exactly;
  exactly.device_class_name = class_name;
  exactly.allocation_mode = "ExactCount";
  exactly.count = 1;
  api::DeviceRequest request;
  request.name = "inventory";
  request.exactly = std::move(exactly);
  api::ResourceClaim claim;
  claim.metadata.name = "allot-inventory";
  claim.spec.devices.requests.push_back(std::move(request));
  const std::vector<const api::ResourceClaim*> claims = {&claim};

  std::unique_ptr<cel::CompileCache> local;
  cel::CompileCache* cache = options.cel_cache;
  if (cache == nullptr) {
    local = std::make_unique<cel::CompileCache>(64);
    cache = local.get();
  }
  const index::AllocatedState nothing_allocated;  // selectability does not depend on it
  internal::Search search(snapshot, nothing_allocated, node, claims, features, options, cache);
  ALLOT_ASSIGN_OR_RETURN(std::vector<uint32_t> candidates, search.SelectableCandidates());
  return ClassDevices{search.gathered_pools(), std::move(candidates)};
}

}  // namespace allot::alloc
