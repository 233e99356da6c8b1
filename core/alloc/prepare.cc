// Search::Prepare: per-claim preparation before any search (dra-semantics.md §8.3), with the
// reference's error texts.
#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "core/alloc/search.h"
#include "base/status_macros.h"
#include "core/quantity/quantity.h"

namespace allot::alloc::internal {
namespace {

constexpr int64_t kMaxResults = 32;

// The reference checks the claim limit per request, before adding, so huge counts cannot overflow.
Status AddToClaimLimit(const ClaimData& cd, const std::string& request, int64_t devices, int64_t* total) {
  if (devices > kMaxResults - *total) {
    return InvalidArgumentError("claim " + cd.display() + ", request " + request + ": adding " + std::to_string(devices) +
                                " devices exceeds the claim limit of " + std::to_string(kMaxResults) + ", with " +
                                std::to_string(*total) + " already accounted for");
  }
  *total += devices;
  return OkStatus();
}

// Quantity::Parse is a pure function of the text, and the pods of one workload repeat the same few capacity
// requests; parsing them took a large share of a small allocation's setup. Each thread keeps its last few
// successful parses. Thread safety: thread-local state only.
StatusOr<quantity::Quantity> ParseCapacityRequest(const std::string& text) {
  struct Entry {
    std::string text;
    quantity::Quantity value;
  };
  constexpr size_t kEntries = 8;
  thread_local std::array<Entry, kEntries> cache;
  thread_local size_t next = 0;
  for (const Entry& e : cache) {
    if (!e.text.empty() && e.text == text) return e.value;
  }
  StatusOr<quantity::Quantity> parsed = quantity::Quantity::Parse(text);
  if (parsed.ok() && !text.empty()) {
    cache[next] = Entry{text, *parsed};
    next = (next + 1) % kEntries;
  }
  return parsed;
}

}  // namespace

std::string ClaimDisplayName(const api::ResourceClaim& claim) {
  if (claim.metadata.namespace_.empty()) return claim.metadata.name;
  return claim.metadata.namespace_ + "/" + claim.metadata.name;
}

Status Search::PrepareRequest(const ClaimData& cd, RequestData& rd, const std::string& base, const std::string& sub,
                              const std::string& class_name, const std::vector<api::DeviceSelector>& selectors,
                              const std::string& mode, int64_t count, std::optional<bool> admin_access,
                              const std::vector<api::DeviceToleration>& tolerations,
                              const std::optional<api::CapacityRequirements>& capacity) {
  rd.base_name = base;
  rd.sub_name = sub;
  rd.name = sub.empty() ? base : base + "/" + sub;
  const std::string& shown = sub.empty() ? base : sub;
  rd.selectors = &selectors;
  rd.tolerations = &tolerations;
  for (size_t i = 0; i < selectors.size(); ++i) {
    if (!selectors[i].cel) {
      return InvalidArgumentError("claim " + cd.display() + ", request " + shown + ", selector #" + std::to_string(i) +
                                  ": CEL expression empty (unsupported selector type?)");
    }
  }
  if (admin_access.has_value() && !features_.admin_access) {
    return InvalidArgumentError("claim " + cd.display() + ", request " + shown +
                                ": admin access is requested, but the feature is disabled");
  }
  rd.admin_access = admin_access.value_or(false);
  if (class_name.empty()) {
    return InvalidArgumentError("claim " + cd.display() + ", request " + shown +
                                ": missing device class name (unsupported request type?)");
  }
  rd.device_class = snapshot_.FindClass(class_name);
  if (rd.device_class == nullptr) {
    return NotFoundError("claim " + cd.display() + ", request " + shown + ": could not retrieve device class " +
                         class_name + ": deviceclass.resource.k8s.io \"" + class_name + "\" not found");
  }
  if (capacity) {
    for (const auto& [name, q] : capacity->requests) {
      StatusOr<quantity::Quantity> parsed = ParseCapacityRequest(q.text);
      if (!parsed.ok()) {
        return InvalidArgumentError("claim " + cd.display() + ", request " + shown + ": capacity request " + name +
                                    ": " + std::string(parsed.status().message()));
      }
      rd.capacity_requests.emplace_back(name, std::move(parsed).value());
    }
  }
  rd.selectable = static_cast<uint32_t>(selectable_.size());
  selectable_.resize(selectable_.size() + pools_->candidates.size(), -1);
  if (mode.empty() || mode == "ExactCount") {
    rd.num_devices = count == 0 ? 1 : count;  // API defaulting: count 1
    return OkStatus();
  }
  if (mode != "All") {
    return InvalidArgumentError("claim " + cd.display() + ", request " + shown + ": unsupported count mode " + mode);
  }
  rd.all_mode = true;
  for (const index::Pool& pool : pools_->pools) {
    if (pool.incomplete) {
      return InvalidArgumentError("claim " + cd.display() + ", request " + shown +
                                  ": asks for all devices, but resource pool " + pool.id() +
                                  " is currently being updated");
    }
    if (pool.invalid) {
      return InvalidArgumentError("claim " + cd.display() + ", request " + shown +
                                  ": asks for all devices, but resource pool " + pool.id() + " is currently invalid");
    }
  }
  for (uint32_t i = 0; i < pools_->candidates.size(); ++i) {
    ALLOT_ASSIGN_OR_RETURN(bool selectable, IsSelectable(cd, rd, i));
    if (!selectable) continue;
    // 1.37: static capacity only; AllocateDevice checks what is left, so a matching device whose capacity
    // is used up fails `All` instead of being left out (1.36 left it out).
    if (features_.consumable_capacity && !StaticCapacityFits(rd, i)) continue;
    rd.all_devices.push_back(i);
  }
  rd.num_devices = static_cast<int64_t>(rd.all_devices.size());
  return OkStatus();
}

Status Search::Prepare() {
  claim_data_.resize(claims_.size());
  for (uint32_t ci = 0; ci < claims_.size(); ++ci) {
    const api::ResourceClaim& claim = *claims_[ci];
    ClaimData& cd = claim_data_[ci];
    cd.claim = &claim;
    int64_t min_total = 0;
    cd.requests.reserve(claim.spec.devices.requests.size());
    for (const api::DeviceRequest& req : claim.spec.devices.requests) {
      RequestSlot& slot = cd.requests.emplace_back();
      slot.name = req.name;
      slot.has_subrequests = !req.first_available.empty();
      if (slot.has_subrequests) {
        if (!features_.prioritized_list) {
          return InvalidArgumentError("claim " + cd.display() + ", request " + req.name +
                                      ": has subrequests, but the DRAPrioritizedList feature is disabled");
        }
        for (const api::DeviceSubRequest& sub : req.first_available) {
          if (!features_.consumable_capacity && sub.capacity) {
            return InvalidArgumentError("claim " + cd.display() + ", subrequest " + sub.name +
                                        ": has capacity requests, but the DRAConsumableCapacity feature is disabled");
          }
        }
        int64_t min_devices = std::numeric_limits<int64_t>::max();
        slot.data.reserve(req.first_available.size());
        for (const api::DeviceSubRequest& sub : req.first_available) {
          RequestData& rd = slot.data.emplace_back();
          ALLOT_RETURN_IF_ERROR(PrepareRequest(cd, rd, req.name, sub.name, sub.device_class_name, sub.selectors,
                                               sub.allocation_mode, sub.count, std::nullopt, sub.tolerations,
                                               sub.capacity));
          min_devices = std::min(min_devices, rd.num_devices);
        }
        ALLOT_RETURN_IF_ERROR(AddToClaimLimit(cd, req.name, min_devices, &min_total));
      } else {
        static const api::ExactDeviceRequest kEmpty;
        const api::ExactDeviceRequest& ex = req.exactly ? *req.exactly : kEmpty;
        if (!features_.consumable_capacity && ex.capacity) {
          return InvalidArgumentError("claim " + cd.display() + ", request " + req.name +
                                      ": has capacity requests, but the DRAConsumableCapacity feature is disabled");
        }
        static const std::string kNoSub;
        RequestData& rd = slot.data.emplace_back();
        ALLOT_RETURN_IF_ERROR(PrepareRequest(cd, rd, req.name, kNoSub, ex.device_class_name, ex.selectors,
                                             ex.allocation_mode, ex.count, ex.admin_access, ex.tolerations,
                                             ex.capacity));
        ALLOT_RETURN_IF_ERROR(AddToClaimLimit(cd, req.name, rd.num_devices, &min_total));
      }
    }
    const auto& constraints = claim.spec.devices.constraints;
    for (size_t i = 0; i < constraints.size(); ++i) {
      const api::DeviceConstraint& c = constraints[i];
      if (c.match_attribute) {
        cd.constraints.push_back(MakeMatchAttribute(c.requests, *c.match_attribute, features_.list_type_attributes));
      } else if (c.distinct_attribute) {
        cd.constraints.push_back(
            MakeDistinctAttribute(c.requests, *c.distinct_attribute, features_.list_type_attributes));
      } else {
        return InvalidArgumentError("claim " + cd.display() + ", constraint #" + std::to_string(i) +
                                    ": empty constraint (unsupported constraint type?)");
      }
    }
  }
  return OkStatus();
}

}  // namespace allot::alloc::internal
