#include "service/extender/verb_context.h"

#include <spdlog/spdlog.h>

#include "core/index/from_api.h"

namespace allot::svc {

StatusOr<RequestState> LoadRequestState(const VerbContext& ctx) {
  RequestState state;
  state.reservations = ctx.reservations.Active();  // before the view: nothing in flight can fall between
  auto view = ctx.views.Current();
  if (!view.ok()) return view.status();
  state.view = std::move(view).value();
  state.allocated = WithReservations(*state.view, state.reservations, ctx.options.features.consumable_capacity);
  return state;
}

std::shared_ptr<const index::AllocatedState> WithReservations(const ClusterView& view,
                                                              const std::vector<Reservation>& reservations,
                                                              bool consumable_capacity) {
  const AllocatedClaims& base = *view.allocated;
  std::vector<const Reservation*> in_flight;
  for (const auto& r : reservations) {
    if (base.keys.count(r.claim_key) == 0) in_flight.push_back(&r);
  }
  if (in_flight.empty()) return base.state;
  std::vector<api::ResourceClaim> synthetic(in_flight.size());  // claims as the reservations would write them
  for (size_t i = 0; i < in_flight.size(); ++i) synthetic[i].status.allocation = in_flight[i]->allocation;
  index::AllocatedStateBuild built =
      index::BuildAllocatedState(*view.devices, synthetic, consumable_capacity, base.state.get());
  for (const auto& p : built.problems) spdlog::warn("reservation {}: {}", in_flight[p.index]->claim_key, p.status.message());
  return std::make_shared<const index::AllocatedState>(std::move(built.state));
}

const api::AllocationResult* EffectiveAllocation(const PodClaim& claim, const std::vector<Reservation>& reservations) {
  if (claim.claim->status.allocation.has_value()) return &*claim.claim->status.allocation;
  for (const auto& r : reservations) {
    if (r.claim_key == claim.key) return &r.allocation;
  }
  return nullptr;
}

std::vector<std::string> CandidateNames(const api::ExtenderArgs& args) {
  std::vector<std::string> names;
  if (args.node_names.has_value()) return *args.node_names;
  if (args.nodes.has_value()) {
    for (const auto& node : args.nodes->items) names.push_back(node.metadata.name);
  }
  return names;
}

VerbReply BadRequest(const VerbMetrics::Requests& requests, const Status& status) {
  requests.bad_request->Increment();
  requests.bad_body->Increment();
  return {400, DumpJson(Json{{"error", std::string(status.message())}})};
}

VerbReply JsonErrorReply(int status, const std::string& message) {
  return {status, DumpJson(Json{{"error", message}})};
}

std::string DumpJson(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace allot::svc
