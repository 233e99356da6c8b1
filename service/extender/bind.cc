// Bind: the authoritative allocation. Under bind_mu, allocate the pod's pending claims on the chosen node
// against the latest view plus the in-flight reservations, and reserve the result at once; then, outside the
// lock, write each claim (claim_writes.h) and POST pods/binding; undo the claim writes if anything fails.
// When a claim's devices have binding conditions, the binding waits for them on the BindingWaiter's thread
// (binding_waiter.h) and is undone when one fails or the binding timeout passes; the request waits for that
// outcome up to ExtenderOptions::binding_reply_wait, then answers that the binding is pending.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "core/alloc/allocator.h"
#include "core/cel/selector.h"
#include "core/model/convert.h"
#include "service/extender/binding_conditions.h"
#include "service/extender/binding_waiter.h"
#include "service/extender/claim_writes.h"
#include "service/extender/expected_placements.h"
#include "service/extender/verb_context.h"

namespace allot::svc {

namespace {

// A bind's outcome before the writes: the claims to write, or the reply to give ("conflict" or "error").
struct BindPlan {
  std::vector<ClaimWrite> writes;
  std::string error;
  const char* result = nullptr;  // set with `error`
};

// Allocate-and-reserve (the caller holds bind_mu). Reservations first, then the view: a reservation dropped in
// between (its allocation observed) is then in the view, so no in-flight allocation can be missed.
BindPlan PlanBind(const VerbContext& ctx, const api::Pod& pod, const std::string& ns, const std::string& node_name,
                  std::chrono::steady_clock::time_point start) {
  BindPlan plan;
  auto fail = [&](std::string error, const char* result) {
    plan.error = std::move(error);
    plan.result = result;
    return std::move(plan);
  };
  auto reservations = ctx.reservations.Active();
  auto view = ctx.views.Current();
  if (!view.ok()) return fail(std::string(view.status().message()), "error");
  auto claims = ResolvePodClaims(pod, **view);
  if (!claims.ok()) return fail(std::string(claims.status().message()), "error");
  const model::Node* node = (*view)->FindNode(node_name);
  if (node == nullptr) return fail("node " + node_name + " not found in allot's cluster state", "error");

  std::vector<const api::ResourceClaim*> pending;
  std::vector<size_t> pending_writes;
  for (const auto& claim : *claims) {
    ClaimWrite write;
    write.ns = claim.claim->metadata.namespace_.empty() ? ns : claim.claim->metadata.namespace_;
    write.name = claim.claim->metadata.name;
    write.key = claim.key;
    write.watched = claim.object;
    const api::AllocationResult* allocation = nullptr;
    if (claim.claim->status.allocation.has_value()) {
      allocation = &*claim.claim->status.allocation;
    } else {
      for (const auto& r : reservations) {
        if (r.claim_key == claim.key) {
          allocation = &r.allocation;
          write.allocation = r.allocation;
          write.we_allocated = r.pod_uid == pod.metadata.uid;
        }
      }
    }
    if (allocation != nullptr && allocation->node_selector.has_value()) {
      auto match = model::Matches(model::ToModel(*allocation->node_selector), *node);
      if (!match.ok() || !*match) return fail("claim " + claim.key + " is allocated for other nodes", "conflict");
    }
    if (allocation != nullptr) write.binding_conditions = HasBindingConditions(*allocation);
    if (allocation == nullptr) {
      pending.push_back(claim.claim.get());
      pending_writes.push_back(plan.writes.size());
    }
    plan.writes.push_back(std::move(write));
  }
  if (pending.empty()) return plan;

  auto allocated = WithReservations(**view, reservations, ctx.options.features.consumable_capacity);
  alloc::Options options;
  options.cel_cache = &ctx.cel_cache;
  options.deadline = start + ctx.options.filter_timeout;
  options.max_steps = ctx.options.max_search_steps;
  auto result = alloc::Allocate(*(*view)->devices, *allocated, *node, pending, ctx.options.features, options);
  ctx.metrics.bind_allocation->Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (!result.ok()) return fail(std::string(result.status().message()), "error");
  if (!result->has_value()) {
    return fail("devices for the pod's claims are no longer available on node " + node_name, "conflict");
  }
  for (size_t i = 0; i < pending.size(); ++i) {
    ClaimWrite& write = plan.writes[pending_writes[i]];
    write.allocation = (**result)[i];
    write.we_allocated = true;
    write.binding_conditions = HasBindingConditions((**result)[i]);
    ctx.reservations.Add(Reservation{write.key, pending[i]->metadata.uid, pod.metadata.uid, (**result)[i], {}});
  }
  return plan;
}

// Undoes the claim writes of a failed bind (the first `written` were written) and drops its reservations.
void UndoWrites(const VerbContext& ctx, const api::Pod& pod, const std::vector<ClaimWrite>& writes, size_t written,
                bool binding_failed) {
  for (size_t i = 0; i < writes.size(); ++i) {
    if (i < written && writes[i].wrote_reservation) {
      bool conditions_failed = binding_failed && writes[i].binding_conditions;
      UndoClaim(ctx, pod, writes[i], conditions_failed ? Deallocate::kIfUnreserved : Deallocate::kIfWritten);
    }
    if (writes[i].we_allocated) ctx.reservations.Release(writes[i].key, "failed");
  }
}

// POSTs pods/binding; "" when the pod is bound to `node` (also by an earlier attempt), else the error.
std::string BindPod(const VerbContext& ctx, const api::Pod& pod, const std::string& ns, const std::string& node) {
  if (pod.spec.node_name == node) return "";  // bound by an earlier attempt
  Json binding = {{"apiVersion", "v1"},
                  {"kind", "Binding"},
                  {"metadata", {{"name", pod.metadata.name}, {"namespace", ns}, {"uid", pod.metadata.uid}}},
                  {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
  auto bound = ctx.kube.CreateSubresource(PodsResource(), ns, pod.metadata.name, "binding", binding);
  if (bound.ok()) return "";
  // A retry of the scheduler may have raced with a binding that finished in the background meanwhile.
  auto current = ctx.kube.Get(PodsResource(), ns, pod.metadata.name);
  if (current.ok() && (*current)["spec"].value("nodeName", "") == node &&
      (*current)["metadata"].value("uid", "") == pod.metadata.uid) {
    return "";
  }
  return std::string(bound.status().message());
}

// The end of a binding-condition wait (on the BindingWaiter's thread): bind the pod, or undo the claim writes.
std::string FinishBinding(const VerbContext& ctx, const api::Pod& pod, const std::string& ns, const std::string& node,
                          const std::vector<ClaimWrite>& writes, const Status& conditions) {
  std::string error;
  if (conditions.ok()) {
    error = BindPod(ctx, pod, ns, node);
    if (!error.empty()) UndoWrites(ctx, pod, writes, writes.size(), false);
  } else {
    error = std::string(conditions.message());
    UndoWrites(ctx, pod, writes, writes.size(), true);
  }
  if (error.empty()) {
    spdlog::info("binding conditions of {}/{} met: bound to {}", ns, pod.metadata.name, node);
  } else {
    spdlog::info("binding of {}/{} to {} undone: {}", ns, pod.metadata.name, node, error);
  }
  return error;
}

}  // namespace

VerbReply Bind(const VerbContext& ctx, std::string_view body) {
  const auto start = std::chrono::steady_clock::now();
  auto args = api::Decode<api::ExtenderBindingArgs>(body);
  if (!args.ok()) return BadRequest(ctx.metrics.bind, args.status());
  auto reply = [&](const std::string& error, const char* result) {
    ctx.metrics.BindResult(result).Increment();
    (error.empty() ? ctx.metrics.bind.ok : ctx.metrics.bind.error)->Increment();
    if (!error.empty()) {
      spdlog::info("bind {}/{} to {}: {}", args->pod_namespace, args->pod_name, args->node, error);
    } else {
      spdlog::info("bound {}/{} to {}", args->pod_namespace, args->pod_name, args->node);
    }
    return VerbReply{200, api::EncodeString(api::ExtenderBindingResult{error})};
  };
  if (args->pod_name.empty() || args->node.empty()) return reply("PodName and Node are required", "error");
  const std::string ns = args->pod_namespace.empty() ? "default" : args->pod_namespace;

  auto pod = LookupPod(ctx, ns, args->pod_name, args->pod_uid);
  if (!pod.ok()) return reply(std::string(pod.status().message()), "error");
  if (pod->metadata.namespace_.empty()) pod->metadata.namespace_ = ns;
  ctx.expected.Forget(pod->metadata.uid);  // the scheduler has chosen; its guess no longer crowds other pods
  if (auto waiting = ctx.binding_waiter.PendingNode(pod->metadata.uid); waiting.has_value()) {
    // A retry after our earlier reply said "pending" (or after the scheduler's httpTimeout cut it).
    return reply("pod is waiting for the binding conditions of its devices on node " + *waiting +
                     "; allot binds it when they are met",
                 "error");
  }

  std::vector<ClaimWrite> writes;
  if (HasClaims(*pod)) {
    MutexLock lock(ctx.bind_mu);  // allocate-and-reserve is one step across binds
    BindPlan plan = PlanBind(ctx, *pod, ns, args->node, start);
    if (plan.result != nullptr) return reply(plan.error, plan.result);
    writes = std::move(plan.writes);
  }

  // API writes, outside the allocation lock: finalizer + status per claim, then the pod binding.
  for (size_t i = 0; i < writes.size(); ++i) {
    Status status = WriteClaim(ctx, *pod, writes[i]);
    if (!status.ok()) {
      UndoWrites(ctx, *pod, writes, i, false);
      return reply(std::string(status.message()), status.code() == StatusCode::kAborted ? "conflict" : "error");
    }
  }

  BindingWaiter::Wait wait;
  if (ctx.options.features.device_binding_and_status) {
    for (const auto& w : writes) {
      if (w.binding_conditions) wait.claim_keys.push_back(w.key);
    }
  }
  if (wait.claim_keys.empty()) {
    std::string error = BindPod(ctx, *pod, ns, args->node);
    if (!error.empty()) UndoWrites(ctx, *pod, writes, writes.size(), false);
    return reply(error, error.empty() ? "bound" : "error");
  }
  // Binding conditions: the allocation is written (and the devices held by it); bind once the driver says so.
  const auto now = std::chrono::steady_clock::now();
  wait.pod_uid = pod->metadata.uid;
  wait.node = args->node;
  wait.deadline = now + ctx.options.binding_timeout;
  wait.finish = [&ctx, pod = *pod, ns, node = args->node, writes](const Status& conditions) {
    return FinishBinding(ctx, pod, ns, node, writes, conditions);
  };
  auto ticket = ctx.binding_waiter.Start(std::move(wait));
  std::optional<std::string> error = ticket->AwaitUntil(now + ctx.options.binding_reply_wait);
  if (!error.has_value()) {
    return reply("waiting for the binding conditions of the pod's devices on node " + args->node + " (up to " +
                     std::to_string(ctx.options.binding_timeout.count()) + " s); allot binds the pod when they are met",
                 "error");
  }
  return reply(*error, error->empty() ? "bound" : "error");
}

}  // namespace allot::svc
