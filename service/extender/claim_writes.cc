// Bind's claim writes and their undo (claim_writes.h). Every write is a read-modify-write of the whole claim
// object as the API (or the watch) returned it: only metadata.finalizers, status.allocation, status.reservedFor
// (and, when an undo takes the allocation back, status.devices) are changed, so what others wrote stays —
// drivers' status.devices entries, fields this version of allot does not know.
#include "service/extender/claim_writes.h"

#include <chrono>
#include <ctime>
#include <utility>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "service/extender/seen_pods.h"

namespace allot::svc {

namespace {
constexpr const char* kFinalizer = "resource.kubernetes.io/delete-protection";

bool HasFinalizer(const Json& claim) {
  const Json& meta = claim["metadata"];
  if (!meta.contains("finalizers") || !meta["finalizers"].is_array()) return false;
  for (const auto& f : meta["finalizers"]) {
    if (f == kFinalizer) return true;
  }
  return false;
}

bool ReservedFor(const Json& claim, const std::string& uid) {
  if (!claim.contains("status") || !claim["status"].is_object()) return false;
  const Json& status = claim["status"];
  if (!status.contains("reservedFor") || !status["reservedFor"].is_array()) return false;
  for (const auto& ref : status["reservedFor"]) {
    if (ref.is_object() && ref.value("uid", "") == uid) return true;
  }
  return false;
}

bool IsAllocated(const Json& claim) {
  return claim.contains("status") && claim["status"].is_object() && claim["status"].contains("allocation") &&
         !claim["status"]["allocation"].is_null();
}

// metav1.Time's wire form: RFC 3339 in UTC, whole seconds.
std::string NowRfc3339() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace

StatusOr<api::Pod> LookupPod(const VerbContext& ctx, const std::string& ns, const std::string& name,
                             const std::string& uid) {
  if (auto seen = ctx.pods.Find(uid, name); seen.has_value()) return std::move(seen).value();
  auto object = ctx.kube.Get(PodsResource(), ns, name);
  if (!object.ok()) return object.status();
  auto pod = api::Decode<api::Pod>(*object);
  if (!pod.ok()) return pod.status().WithPrefix("pod " + ns + "/" + name);
  if (!uid.empty() && pod->metadata.uid != uid) {
    return FailedPreconditionError("pod " + ns + "/" + name + " has uid " + pod->metadata.uid + ", not " + uid);
  }
  return pod;
}

Status WriteClaim(const VerbContext& ctx, const api::Pod& pod, ClaimWrite& write) {
  const std::string& pod_uid = pod.metadata.uid;
  for (int attempt = 0; attempt < ctx.options.max_write_attempts; ++attempt) {
    if (attempt > 0) ctx.metrics.bind_claim_retries->Increment();
    // The first attempt starts from the watch's copy when it shows the claim free (the common case): every
    // write below has the copy's resourceVersion as precondition, so a stale copy costs a 409 and a retry
    // from a fresh GET, never a wrong write. This saves one API call per claim and bind.
    Json claim;
    if (attempt == 0 && write.watched != nullptr && !IsAllocated(*write.watched) &&
        !ReservedFor(*write.watched, pod_uid)) {
      claim = *write.watched;
    } else {
      auto current = ctx.kube.Get(ResourceClaimsResource(), write.ns, write.name);
      if (!current.ok()) return current.status();
      claim = std::move(current).value();
    }
    if (claim["metadata"].contains("deletionTimestamp") && !claim["metadata"]["deletionTimestamp"].is_null()) {
      return FailedPreconditionError("resourceclaim " + write.key + " is being deleted");
    }
    bool allocated = IsAllocated(claim);
    bool reserved = ReservedFor(claim, pod_uid);
    if (allocated && reserved) return OkStatus();  // idempotent: an earlier attempt finished this claim
    if (!allocated) {
      if (!write.allocation.has_value()) {
        return AbortedError("resourceclaim " + write.key + " lost its allocation in the meantime");
      }
      if (!HasFinalizer(claim)) {
        // Only metadata changes; the stored spec must stay byte for byte (KubeClient::AddFinalizer), and the
        // resourceVersion we read is the precondition, so a concurrent change is a 409 Conflict.
        auto updated = ctx.kube.AddFinalizer(ResourceClaimsResource(), write.ns, write.name, ResourceVersionOf(claim),
                                          kFinalizer);
        if (IsConflict(updated.status())) continue;
        if (!updated.ok()) return updated.status();
        claim = std::move(updated).value();
      }
      claim["status"]["allocation"] = api::Encode(*write.allocation);
    } else if (write.we_allocated) {
      // Someone else allocated the claim between our decision and this write.
      return AbortedError("resourceclaim " + write.key + " was allocated elsewhere in the meantime");
    }
    if (ctx.options.features.device_binding_and_status) {
      Json& allocation = claim["status"]["allocation"];
      if (!allocation.contains("allocationTimestamp") || allocation["allocationTimestamp"].is_null()) {
        allocation["allocationTimestamp"] = NowRfc3339();
      }
    }
    Json ref = {{"resource", "pods"}, {"name", pod.metadata.name}, {"uid", pod_uid}};
    if (!claim["status"].contains("reservedFor") || !claim["status"]["reservedFor"].is_array()) {
      claim["status"]["reservedFor"] = Json::array();
    }
    claim["status"]["reservedFor"].push_back(ref);
    auto updated = ctx.kube.UpdateStatus(ResourceClaimsResource(), claim);
    if (IsConflict(updated.status())) continue;
    if (!updated.ok()) return updated.status();
    write.wrote_allocation = !allocated;
    write.wrote_reservation = true;
    return OkStatus();
  }
  return AbortedError("resourceclaim " + write.key + ": still conflicting after " +
                      std::to_string(ctx.options.max_write_attempts) + " attempts");
}

void UndoClaim(const VerbContext& ctx, const api::Pod& pod, const ClaimWrite& write, Deallocate deallocate) {
  for (int attempt = 0; attempt < ctx.options.max_write_attempts; ++attempt) {
    auto current = ctx.kube.Get(ResourceClaimsResource(), write.ns, write.name);
    if (!current.ok()) break;
    Json claim = std::move(current).value();
    if (!claim.contains("status") || !claim["status"].is_object()) return;
    Json& status = claim["status"];
    if (status.contains("reservedFor") && status["reservedFor"].is_array()) {
      Json kept = Json::array();
      for (const auto& ref : status["reservedFor"]) {
        if (!(ref.is_object() && ref.value("uid", "") == pod.metadata.uid)) kept.push_back(ref);
      }
      status["reservedFor"] = kept;
    }
    const bool unreserved = !status.contains("reservedFor") || status["reservedFor"].empty();
    if (unreserved && (write.wrote_allocation || deallocate == Deallocate::kIfUnreserved)) {
      // Taking the allocation back also takes back what drivers reported on its devices: status.devices may
      // only name allocated devices (the API server drops entries of deallocated ones; the in-tree plugin's
      // unreserve clears them too). Every other status field stays as read.
      status.erase("allocation");
      status.erase("reservedFor");
      status.erase("devices");
    }
    auto updated = ctx.kube.UpdateStatus(ResourceClaimsResource(), claim);
    if (IsConflict(updated.status())) continue;
    (updated.ok() ? ctx.metrics.undo_ok : ctx.metrics.undo_error)->Increment();
    if (!updated.ok()) spdlog::error("bind undo of claim {} failed: {}", write.key, updated.status().ToString());
    return;
  }
  ctx.metrics.undo_error->Increment();
  spdlog::error("bind undo of claim {} gave up", write.key);
}

}  // namespace allot::svc
