// Prioritize: 0..10 per candidate node by the score policy (core/alloc/scoring.h), and the expected placement
// of the pod on its best node (expected_placements.h). Never fails the scheduling cycle: without claims, with
// --score-policy none, or when the state cannot be loaded, every node scores 0.
#include <string>
#include <vector>

#include "api/codec.h"
#include "core/alloc/scoring.h"
#include "service/extender/expected_placements.h"
#include "service/extender/verb_context.h"

namespace allot::svc {

VerbReply Prioritize(const VerbContext& ctx, std::string_view body) {
  auto args = api::Decode<api::ExtenderArgs>(body);
  if (!args.ok()) return BadRequest(ctx.metrics.prioritize, args.status());
  const std::vector<std::string> names = CandidateNames(*args);
  api::HostPriorityList out;
  out.reserve(names.size());
  for (const auto& name : names) out.push_back(api::HostPriority{name, 0});

  if (HasClaims(args->pod) && ctx.options.score_policy != alloc::ScorePolicy::kNone) {
    if (auto state = LoadRequestState(ctx); state.ok()) {
      // Devices the pod still needs (claims not yet allocated or reserved).
      size_t need = 0;
      if (auto claims = ResolvePodClaims(args->pod, *state->view); claims.ok()) {
        for (const auto& claim : *claims) {
          if (EffectiveAllocation(claim, state->reservations) == nullptr) need += alloc::DevicesRequested(*claim.claim);
        }
      }
      const std::string& uid = args->pod.metadata.uid;
      alloc::NodeScores scored = alloc::ScoreNodes(*state->view->devices, *state->allocated, names,
                                                   ctx.expected.DevicesByNode(uid), need, ctx.options.score_policy);
      for (size_t i = 0; i < names.size(); ++i) out[i].score = scored.scores[i];
      if (need > 0 && scored.best.has_value() && !uid.empty()) ctx.expected.Expect(uid, names[*scored.best], need);
    }
  }
  ctx.metrics.prioritize.ok->Increment();
  return {200, api::EncodeString(out)};
}

}  // namespace allot::svc
