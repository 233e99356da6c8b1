#include "core/index/allocated_state.h"

#include <utility>

#include "api/k8s/resource_v1.h"

namespace allot::index {

AllocatedStateBuilder::AllocatedStateBuilder(const Snapshot& snapshot) : snapshot_(snapshot) {
  state_.exclusive_.assign(snapshot.device_uid_count(), false);
  state_.shared_.assign(snapshot.device_uid_count(), false);
}

AllocatedStateBuilder::AllocatedStateBuilder(const Snapshot& snapshot, AllocatedState base)
    : snapshot_(snapshot), state_(std::move(base)) {}

void AllocatedStateBuilder::AddExclusive(std::string_view driver, std::string_view pool, std::string_view device) {
  std::optional<DeviceUid> uid = snapshot_.FindDevice(driver, pool, device);
  if (!uid) return;
  if (!state_.exclusive_[*uid]) ++state_.exclusive_count_;
  state_.exclusive_[*uid] = true;
}

void AllocatedStateBuilder::AddShared(std::string_view driver, std::string_view pool, std::string_view device,
                                      std::string_view share_id, const CapacityMap* consumed) {
  std::optional<DeviceUid> uid = snapshot_.FindDevice(driver, pool, device);
  if (!uid) return;
  state_.shared_[*uid] = true;
  state_.shared_ids_.insert(std::to_string(*uid) + "/" + std::string(share_id));
  if (consumed == nullptr) return;
  CapacityMap& agg = state_.aggregated_[*uid];
  for (const auto& [name, q] : *consumed) {
    bool found = false;
    for (auto& [n, sum] : agg) {
      if (n == name) {
        sum = sum.Add(q);
        found = true;
      }
    }
    if (!found) agg.emplace_back(name, q);
  }
}

Status AllocatedStateBuilder::AddClaim(const api::ResourceClaim& claim, bool consumable_capacity) {
  if (!claim.status.allocation) return OkStatus();
  for (const auto& r : claim.status.allocation->devices.results) {
    if (r.admin_access.value_or(false)) continue;
    if (consumable_capacity && r.share_id) {
      CapacityMap consumed;
      for (const auto& [name, q] : r.consumed_capacity) {
        StatusOr<quantity::Quantity> parsed = quantity::Quantity::Parse(q.text);
        if (!parsed.ok()) {
          return parsed.status().WithPrefix("claim " + claim.metadata.name + ": consumedCapacity " + name);
        }
        consumed.emplace_back(name, std::move(parsed).value());
      }
      AddShared(r.driver, r.pool, r.device, *r.share_id, r.consumed_capacity.empty() ? nullptr : &consumed);
    } else {
      AddExclusive(r.driver, r.pool, r.device);
    }
  }
  return OkStatus();
}

AllocatedState AllocatedStateBuilder::Build() && { return std::move(state_); }

}  // namespace allot::index
