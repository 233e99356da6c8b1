// Binding conditions (KEP-5007, beta and on by default in 1.37): a device whose slice lists
// `bindingConditions` must not have its pod bound until the driver reports every one of them True in the
// claim's `status.devices[]` entry for that device (driver/pool/device); any of its `bindingFailureConditions`
// True fails the binding. This file is the check, as kube-scheduler's DynamicResources plugin does it in
// PreBind (isClaimReadyForBinding, pkg/scheduler/framework/plugins/dynamicresources in 1.37.2); the waiting is
// BindingWaiter's (binding_waiter.h).
//
// Thread safety: stateless functions of their arguments.
#pragma once

#include <string>

#include "api/k8s/resource_v1.h"

namespace allot::svc {

// True when some device result of `allocation` has binding conditions (the claim must wait before binding).
bool HasBindingConditions(const api::AllocationResult& allocation);

struct BindingCheck {
  enum class State { kReady, kPending, kFailed };
  State state = State::kPending;
  // kPending: the conditions still missing ("driver/pool/device: cond, ..."); kFailed: the True failure
  // condition with its reason and message.
  std::string detail;
};

// The claim as `claim` shows it: kReady when every device result with binding conditions has all of them True
// in status.devices (also when no result has any), kFailed when any failure condition of such a device is
// True, else kPending (no allocation yet, no status entry for a device, or a condition not True yet).
BindingCheck CheckBindingConditions(const api::ResourceClaim& claim);

}  // namespace allot::svc
