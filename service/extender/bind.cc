// Bind: the authoritative allocation. Under bind_mu, allocate the pod's pending claims on the chosen node
// against the latest view plus the in-flight reservations, and reserve the result at once; then, outside the
// lock, write each claim (claim_writes.h) and POST pods/binding; undo the claim writes if anything fails.
#include <chrono>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/codec.h"
#include "core/alloc/allocator.h"
#include "core/cel/selector.h"
#include "core/model/convert.h"
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
    ctx.reservations.Add(Reservation{write.key, pending[i]->metadata.uid, pod.metadata.uid, (**result)[i], {}});
  }
  return plan;
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

  std::vector<ClaimWrite> writes;
  if (HasClaims(*pod)) {
    MutexLock lock(ctx.bind_mu);  // allocate-and-reserve is one step across binds
    BindPlan plan = PlanBind(ctx, *pod, ns, args->node, start);
    if (plan.result != nullptr) return reply(plan.error, plan.result);
    writes = std::move(plan.writes);
  }

  // API writes, outside the allocation lock: finalizer + status per claim, then the pod binding.
  auto fail = [&](size_t written, const std::string& error, const char* result) {
    for (size_t i = 0; i < writes.size(); ++i) {
      if (i < written && writes[i].wrote_reservation) UndoClaim(ctx, *pod, writes[i]);
      if (writes[i].we_allocated) ctx.reservations.Release(writes[i].key, "failed");
    }
    return reply(error, result);
  };
  for (size_t i = 0; i < writes.size(); ++i) {
    Status status = WriteClaim(ctx, *pod, writes[i]);
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
  auto bound = ctx.kube.CreateSubresource(PodsResource(), ns, pod->metadata.name, "binding", binding);
  if (!bound.ok()) return fail(writes.size(), std::string(bound.status().message()), "error");
  return reply("", "bound");
}

}  // namespace allot::svc
