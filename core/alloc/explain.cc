// ExplainNode: Allocate decides `fits`; Search::ExplainStages (explain_stages.cc) gives the per-request
// reasons; growing prefixes of the claims find the claim that does not fit when every request passes alone.
#include "core/alloc/explain.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "core/alloc/search.h"
#include "core/cel/selector.h"

namespace allot::alloc {
namespace {

// The names of the requests the claim's constraints name (all requests when one names none), "a,b".
std::string ConstrainedRequests(const api::ResourceClaim& claim) {
  std::vector<std::string> names;
  auto add = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const api::DeviceConstraint& c : claim.spec.devices.constraints) {
    if (c.requests.empty()) {
      for (const api::DeviceRequest& r : claim.spec.devices.requests) add(r.name);
    } else {
      for (const std::string& r : c.requests) add(r);
    }
  }
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::string AllRequests(const api::ResourceClaim& claim) {
  std::string out;
  for (const api::DeviceRequest& r : claim.spec.devices.requests) out += (out.empty() ? "" : ",") + r.name;
  return out;
}

}  // namespace

std::string_view ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kClassNotFound: return "ClassNotFound";
    case ReasonCode::kNoDevices: return "NoDevices";
    case ReasonCode::kSelectorMismatch: return "SelectorMismatch";
    case ReasonCode::kSelectorError: return "SelectorError";
    case ReasonCode::kTaintNotTolerated: return "TaintNotTolerated";
    case ReasonCode::kDevicesInUse: return "DevicesInUse";
    case ReasonCode::kCountersExhausted: return "CountersExhausted";
    case ReasonCode::kCapacityExhausted: return "CapacityExhausted";
    case ReasonCode::kInsufficientDevices: return "InsufficientDevices";
    case ReasonCode::kConstraintUnsatisfiable: return "ConstraintUnsatisfiable";
  }
  return "Unknown";
}

std::string_view ReasonCodeSummary(ReasonCode code) {
  switch (code) {
    case ReasonCode::kClassNotFound: return "the DeviceClass does not exist";
    case ReasonCode::kNoDevices: return "no device passes the DeviceClass selectors";
    case ReasonCode::kSelectorMismatch: return "no device of the class passes the request's selectors";
    case ReasonCode::kSelectorError: return "a selector failed to compile or to evaluate";
    case ReasonCode::kTaintNotTolerated: return "matching devices have taints the request does not tolerate";
    case ReasonCode::kDevicesInUse: return "all matching devices are allocated";
    case ReasonCode::kCountersExhausted: return "the shared counters of the free matching devices are used up";
    case ReasonCode::kCapacityExhausted: return "free matching devices lack the capacity requested";
    case ReasonCode::kInsufficientDevices: return "fewer usable devices than requested";
    case ReasonCode::kConstraintUnsatisfiable: return "no choice of devices satisfies the claim's constraints";
  }
  return "unknown reason";
}

std::optional<ReasonCode> ReasonCodeOfError(const Status& status) {
  if (status.code() == StatusCode::kNotFound) return ReasonCode::kClassNotFound;
  if (status.code() == StatusCode::kInvalidArgument &&
      (status.message().find("CEL runtime error") != std::string_view::npos ||
       status.message().find("CEL compile error") != std::string_view::npos)) {
    return ReasonCode::kSelectorError;
  }
  return std::nullopt;
}

NodeExplanation ExplainNode(const index::Snapshot& snapshot, const index::AllocatedState& allocated,
                            const model::Node& node, const std::vector<const api::ResourceClaim*>& claims,
                            const Features& features, const ExplainOptions& options) {
  NodeExplanation out;
  Options opts = options.allocate;
  opts.build_results = false;
  opts.stats = nullptr;
  std::unique_ptr<cel::CompileCache> local;
  if (opts.cel_cache == nullptr) {
    local = std::make_unique<cel::CompileCache>(64);
    opts.cel_cache = local.get();
  }
  auto fits = [&](const std::vector<const api::ResourceClaim*>& subset) {
    return Allocate(snapshot, allocated, node, subset, features, opts);
  };

  StatusOr<std::optional<AllocationResults>> verdict =
      options.known_not_to_fit ? StatusOr<std::optional<AllocationResults>>(std::nullopt) : fits(claims);
  if (verdict.ok() && verdict->has_value()) {
    out.fits = true;
    return out;
  }
  if (!verdict.ok()) {
    const Status& s = verdict.status();
    if (s.code() == StatusCode::kDeadlineExceeded || s.code() == StatusCode::kCancelled) {
      out.error = s;
      return out;
    }
    // A missing class and a selector error are reasons; anything else is reported as the node's error
    // (the stages may still name reasons next to it, e.g. for an invalid pool).
    if (!ReasonCodeOfError(s).has_value()) out.error = s;
  }

  internal::Search search(snapshot, allocated, node, claims, features, opts, opts.cel_cache);
  StatusOr<internal::StageReport> report = search.ExplainStages(options.holders, options.messages);
  if (!report.ok()) {
    if (out.error.ok()) out.error = report.status();
    return out;
  }
  out.reasons = std::move(report->reasons);
  if (!out.reasons.empty() || !out.error.ok()) return out;

  // Every request passes alone: the first claim that does not fit next to the ones before it.
  std::vector<const api::ResourceClaim*> prefix;
  for (size_t k = 0; k < claims.size(); ++k) {
    prefix.push_back(claims[k]);
    StatusOr<std::optional<AllocationResults>> r = fits(prefix);
    if (!r.ok()) {
      out.error = r.status();
      return out;
    }
    if (r->has_value()) continue;
    const api::ResourceClaim& claim = *claims[k];
    const std::string name = internal::ClaimDisplayName(claim);
    std::string others;
    for (size_t j = 0; j < k; ++j) others += (others.empty() ? "" : ", ") + internal::ClaimDisplayName(*claims[j]);
    if (!claim.spec.devices.constraints.empty()) {
      api::ResourceClaim unconstrained = claim;
      unconstrained.spec.devices.constraints.clear();
      prefix.back() = &unconstrained;
      StatusOr<std::optional<AllocationResults>> relaxed = fits(prefix);
      if (relaxed.ok() && relaxed->has_value()) {
        std::string msg = "each request fits alone, and together without constraints, but no choice satisfies ";
        const auto& texts = report->constraints[k];  // empty without messages
        for (size_t i = 0; i < texts.size(); ++i) msg += (i > 0 ? "; " : "") + texts[i];
        if (!others.empty()) msg += "; next to claims " + others;
        out.reasons.push_back(Reason{name, ConstrainedRequests(claim), ReasonCode::kConstraintUnsatisfiable, msg});
        return out;
      }
    }
    StatusOr<std::optional<AllocationResults>> alone = k == 0 ? std::move(r) : fits({claims[k]});
    std::string msg = alone.ok() && alone->has_value()
                          ? "the claim fits alone, but not next to claims " + others +
                                ": together they need more of the same devices (or shared counters) than are free"
                          : "each request fits alone, but together the claim's requests need more of the same "
                            "devices (or shared counters) than are free";
    out.reasons.push_back(Reason{name, AllRequests(claim), ReasonCode::kInsufficientDevices, std::move(msg)});
    return out;
  }
  // Every prefix fits, the whole did not (cannot happen unless the allocator's reference quirks differ
  // between calls): keep the verdict, name the last claim.
  if (!claims.empty()) {
    out.reasons.push_back(Reason{internal::ClaimDisplayName(*claims.back()), AllRequests(*claims.back()),
                                 ReasonCode::kInsufficientDevices, "the claims do not fit together"});
  }
  return out;
}

}  // namespace allot::alloc
