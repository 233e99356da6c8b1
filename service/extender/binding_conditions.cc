// The binding-condition check (binding_conditions.h).
#include "service/extender/binding_conditions.h"

namespace allot::svc {

namespace {

const api::AllocatedDeviceStatus* DeviceStatusOf(const api::ResourceClaim& claim,
                                                 const api::DeviceRequestAllocationResult& result) {
  // As the scheduler matches them (getAllocatedDeviceStatus): driver, pool and device; shareID is not compared.
  for (const auto& status : claim.status.devices) {
    if (status.driver == result.driver && status.pool == result.pool && status.device == result.device) {
      return &status;
    }
  }
  return nullptr;
}

const api::Condition* FindCondition(const api::AllocatedDeviceStatus& status, const std::string& type) {
  for (const auto& c : status.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

}  // namespace

bool HasBindingConditions(const api::AllocationResult& allocation) {
  for (const auto& result : allocation.devices.results) {
    if (!result.binding_conditions.empty()) return true;
  }
  return false;
}

BindingCheck CheckBindingConditions(const api::ResourceClaim& claim) {
  BindingCheck check;
  if (!claim.status.allocation.has_value()) {
    check.detail = "not allocated";
    return check;
  }
  std::string pending;
  for (const auto& result : claim.status.allocation->devices.results) {
    if (result.binding_conditions.empty()) continue;
    const std::string device = result.driver + "/" + result.pool + "/" + result.device;
    const api::AllocatedDeviceStatus* status = DeviceStatusOf(claim, result);
    std::string missing;
    for (const auto& type : result.binding_conditions) {
      const api::Condition* c = status == nullptr ? nullptr : FindCondition(*status, type);
      if (c == nullptr || c->status != "True") missing += (missing.empty() ? "" : ", ") + type;
    }
    if (status != nullptr) {
      for (const auto& type : result.binding_failure_conditions) {
        const api::Condition* c = FindCondition(*status, type);
        if (c != nullptr && c->status == "True") {
          check.state = BindingCheck::State::kFailed;
          check.detail = "device " + device + ": binding failure condition " + type + " is True (reason " +
                         c->reason + ", message \"" + c->message + "\")";
          return check;
        }
      }
    }
    if (!missing.empty()) pending += (pending.empty() ? "" : "; ") + device + ": " + missing;
  }
  check.state = pending.empty() ? BindingCheck::State::kReady : BindingCheck::State::kPending;
  check.detail = std::move(pending);
  return check;
}

}  // namespace allot::svc
