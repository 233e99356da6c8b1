// Extender::Bind: the authoritative allocation and the claim/pod writes (extender-and-cluster.md §2.4).
#include <algorithm>
#include <chrono>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "core/alloc/allocator.h"
#include "core/cel/selector.h"
#include "core/model/convert.h"
#include "service/extender/extender.h"

namespace allot::svc {

namespace {
constexpr const char* kFinalizer = "resource.kubernetes.io/delete-protection";

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

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

}  // namespace

struct Extender::ClaimWrite {
  std::string ns;
  std::string name;
  std::string key;
  std::optional<api::AllocationResult> allocation;  // to write if the claim is not allocated yet
  bool we_allocated = false;   // allocation came from this bind (or its reservation)
  bool wrote_allocation = false;
  bool wrote_reservation = false;
  std::shared_ptr<const Json> watched;  // the claim as the watch last showed it (may be stale)
};

StatusOr<api::Pod> Extender::LookupPod(const std::string& ns, const std::string& name, const std::string& uid) {
  {
    MutexLock lock(pods_mu_);
    auto it = pods_by_uid_.find(uid);
    if (it != pods_by_uid_.end() && it->second.metadata.name == name) return it->second;
  }
  auto object = kube_.Get(PodsResource(), ns, name);
  if (!object.ok()) return object.status();
  auto pod = api::Decode<api::Pod>(*object);
  if (!pod.ok()) return pod.status().WithPrefix("pod " + ns + "/" + name);
  if (!uid.empty() && pod->metadata.uid != uid) {
    return FailedPreconditionError("pod " + ns + "/" + name + " has uid " + pod->metadata.uid + ", not " + uid);
  }
  return pod;
}

Status Extender::WriteClaim(const api::Pod& pod, ClaimWrite& write) {
  const std::string& pod_uid = pod.metadata.uid;
  for (int attempt = 0; attempt < options_.max_write_attempts; ++attempt) {
    if (attempt > 0) metrics_.bind_claim_retries->Add({}).Increment();
    // The first attempt starts from the watch's copy when it shows the claim free (the common case): every
    // write below has the copy's resourceVersion as precondition, so a stale copy costs a 409 and a retry
    // from a fresh GET, never a wrong write. This saves one API call per claim and bind.
    Json claim;
    if (attempt == 0 && write.watched != nullptr && !IsAllocated(*write.watched) &&
        !ReservedFor(*write.watched, pod_uid)) {
      claim = *write.watched;
    } else {
      auto current = kube_.Get(ResourceClaimsResource(), write.ns, write.name);
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
        auto updated = kube_.AddFinalizer(ResourceClaimsResource(), write.ns, write.name, ResourceVersionOf(claim),
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
    Json ref = {{"resource", "pods"}, {"name", pod.metadata.name}, {"uid", pod_uid}};
    if (!claim["status"].contains("reservedFor") || !claim["status"]["reservedFor"].is_array()) {
      claim["status"]["reservedFor"] = Json::array();
    }
    claim["status"]["reservedFor"].push_back(ref);
    auto updated = kube_.UpdateStatus(ResourceClaimsResource(), claim);
    if (IsConflict(updated.status())) continue;
    if (!updated.ok()) return updated.status();
    write.wrote_allocation = !allocated;
    write.wrote_reservation = true;
    return OkStatus();
  }
  return AbortedError("resourceclaim " + write.key + ": still conflicting after " +
                      std::to_string(options_.max_write_attempts) + " attempts");
}

void Extender::UndoClaim(const api::Pod& pod, const ClaimWrite& write) {
  for (int attempt = 0; attempt < options_.max_write_attempts; ++attempt) {
    auto current = kube_.Get(ResourceClaimsResource(), write.ns, write.name);
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
    if (write.wrote_allocation && status["reservedFor"].empty()) {
      status.erase("allocation");
      status.erase("reservedFor");
    }
    auto updated = kube_.UpdateStatus(ResourceClaimsResource(), claim);
    if (IsConflict(updated.status())) continue;
    metrics_.bind_undo->Add({{"result", updated.ok() ? "ok" : "error"}}).Increment();
    if (!updated.ok()) spdlog::error("bind undo of claim {} failed: {}", write.key, updated.status().ToString());
    return;
  }
  metrics_.bind_undo->Add({{"result", "error"}}).Increment();
  spdlog::error("bind undo of claim {} gave up", write.key);
}

Extender::Reply Extender::Bind(std::string_view body) {
  auto start = std::chrono::steady_clock::now();
  auto args = api::Decode<api::ExtenderBindingArgs>(body);
  if (!args.ok()) {
    metrics_.extender_requests->Add({{"verb", "bind"}, {"result", "bad_request"}}).Increment();
    metrics_.http_bad_requests->Add({{"route", "bind"}}).Increment();
    return {400, Dump(Json{{"error", std::string(args.status().message())}})};
  }
  auto reply = [&](const std::string& error, const char* result) {
    metrics_.bind_results->Add({{"result", result}}).Increment();
    metrics_.extender_requests->Add({{"verb", "bind"}, {"result", error.empty() ? "ok" : "error"}}).Increment();
    if (!error.empty()) {
      spdlog::info("bind {}/{} to {}: {}", args->pod_namespace, args->pod_name, args->node, error);
    } else {
      spdlog::info("bound {}/{} to {}", args->pod_namespace, args->pod_name, args->node);
    }
    return Reply{200, Dump(Json{{"Error", error}})};
  };
  if (args->pod_name.empty() || args->node.empty()) return reply("PodName and Node are required", "error");
  const std::string ns = args->pod_namespace.empty() ? "default" : args->pod_namespace;

  auto pod = LookupPod(ns, args->pod_name, args->pod_uid);
  if (!pod.ok()) return reply(std::string(pod.status().message()), "error");
  if (pod->metadata.namespace_.empty()) pod->metadata.namespace_ = ns;
  ForgetPlacement(pod->metadata.uid);  // the scheduler has chosen; its guess no longer crowds other pods

  std::vector<ClaimWrite> writes;
  if (HasClaims(*pod)) {
    MutexLock lock(bind_mu_);  // allocate-and-reserve is one step across binds
    // Reservations first, then the snapshot: a reservation dropped in between (its allocation observed)
    // is then in the snapshot, so no in-flight allocation can be missed.
    auto reservations = reservations_.Active();
    auto snapshot = store_.Load();
    if (!snapshot->synced()) return reply("allot has not synced the cluster state yet", "error");
    auto claims = ResolvePodClaims(*pod, *snapshot);
    if (!claims.ok()) return reply(std::string(claims.status().message()), "error");
    auto index = index_cache_.Get(snapshot);
    auto node_it = index->nodes->find(args->node);
    if (node_it == index->nodes->end()) return reply("node " + args->node + " not found in allot's cluster state", "error");
    const model::Node& node = node_it->second;
    std::vector<const api::ResourceClaim*> pending;
    std::vector<size_t> pending_writes;
    for (const auto& claim : *claims) {
      ClaimWrite write;
      write.ns = claim.claim.metadata.namespace_.empty() ? ns : claim.claim.metadata.namespace_;
      write.name = claim.claim.metadata.name;
      write.key = claim.key;
      write.watched = claim.object;
      const api::AllocationResult* allocation = nullptr;
      if (claim.claim.status.allocation.has_value()) {
        allocation = &*claim.claim.status.allocation;
      } else {
        for (const auto& r : reservations) {
          if (r.claim_key == claim.key) {
            allocation = &r.allocation;
            write.allocation = r.allocation;
            write.we_allocated = r.pod_uid == pod->metadata.uid;
          }
        }
      }
      if (allocation != nullptr && allocation->node_selector.has_value()) {
        auto match = model::Matches(model::ToModel(*allocation->node_selector), node);
        if (!match.ok() || !*match) return reply("claim " + claim.key + " is allocated for other nodes", "conflict");
      }
      if (allocation == nullptr) {
        pending.push_back(&claim.claim);
        pending_writes.push_back(writes.size());
      }
      writes.push_back(std::move(write));
    }
    if (!pending.empty()) {
      auto allocated = BuildAllocated(*index, *snapshot, reservations);
      if (!allocated.ok()) return reply(std::string(allocated.status().message()), "error");
      alloc::Options options;
      options.cel_cache = cel_cache_.get();
      options.deadline = start + options_.filter_timeout;
      options.max_steps = options_.max_search_steps;
      auto result = alloc::Allocate(*index->devices, **allocated, node, pending, options_.features, options);
      metrics_.allocation_duration->Add({{"phase", "bind"}}, ServiceMetrics::LatencyBuckets())
          .Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      if (!result.ok()) return reply(std::string(result.status().message()), "error");
      if (!result->has_value()) {
        return reply("devices for the pod's claims are no longer available on node " + args->node, "conflict");
      }
      for (size_t i = 0; i < pending.size(); ++i) {
        ClaimWrite& write = writes[pending_writes[i]];
        write.allocation = (**result)[i];
        write.we_allocated = true;
        reservations_.Add(Reservation{write.key, pending[i]->metadata.uid, pod->metadata.uid, (**result)[i], {}});
      }
    }
  }

  // API writes, outside the allocation lock: finalizer + status per claim, then the pod binding.
  auto fail = [&](size_t written, const std::string& error, const char* result) {
    for (size_t i = 0; i < writes.size(); ++i) {
      if (i < written && writes[i].wrote_reservation) UndoClaim(*pod, writes[i]);
      if (writes[i].we_allocated) reservations_.Release(writes[i].key, "failed");
    }
    return reply(error, result);
  };
  for (size_t i = 0; i < writes.size(); ++i) {
    Status status = WriteClaim(*pod, writes[i]);
    if (!status.ok()) {
      bool conflict = status.code() == StatusCode::kAborted;
      return fail(i, std::string(status.message()), conflict ? "conflict" : "error");
    }
  }
  if (pod->spec.node_name == args->node) return reply("", "bound");  // bound by an earlier attempt
  Json binding = {{"apiVersion", "v1"},
                  {"kind", "Binding"},
                  {"metadata", {{"name", pod->metadata.name}, {"namespace", ns}, {"uid", pod->metadata.uid}}},
                  {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", args->node}}}};
  auto bound = kube_.CreateSubresource(PodsResource(), ns, pod->metadata.name, "binding", binding);
  if (!bound.ok()) return fail(writes.size(), std::string(bound.status().message()), "error");
  return reply("", "bound");
}

}  // namespace allot::svc
