// Internal: the state and algorithm of one Allocate call (dra-semantics.md §8.3–§8.12).
//
// Search::Run() prepares every claim (class lookup, feature checks, `All` device lists, claim
// limit, constraints), then runs the depth-first search over (claim, request, subrequest,
// device#) with the reference's start-location rule (combinations, never permutations), and
// finally builds the AllocationResults. Every tentative device allocation is a
// DeviceTentative RAII object that rolls back unless committed.
//
// Thread safety: not thread-safe; one Search per Allocate call.
#pragma once

#include <atomic>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "core/alloc/allocator.h"
#include "core/alloc/capacity.h"
#include "core/alloc/constraints.h"
#include "core/alloc/counter_ledger.h"
#include "core/alloc/explain.h"
#include "core/cel/selector.h"
#include "core/index/pools.h"

namespace allot::alloc::internal {

// One plain request or one subrequest, prepared.
struct RequestData {
  std::string name;         // "req" or "req/sub" (result and config name)
  std::string base_name;    // "req"
  std::string sub_name;     // "" for plain requests
  const model::DeviceClass* device_class = nullptr;
  const std::vector<api::DeviceSelector>* selectors = nullptr;
  const std::vector<api::DeviceToleration>* tolerations = nullptr;
  bool all_mode = false;
  int64_t num_devices = 0;
  std::vector<uint32_t> all_devices;  // candidate indices (All mode)
  bool admin_access = false;
  CapacityMap capacity_requests;
  uint32_t selectable = 0;  // offset of its per-candidate cache in Search::selectable_ (-1 unknown, 0 no, 1 yes)
};

// Containers of the per-call state: inline storage for the common sizes, so that a small allocation does
// not pay for heap allocations (they were most of its cost).
template <class T, size_t N>
using SmallVector = boost::container::small_vector<T, N>;

struct RequestSlot {
  std::string name;
  bool has_subrequests = false;
  SmallVector<RequestData, 1> data;  // 1 entry for plain requests
  int selected = 0;                  // chosen subrequest after success
};

std::string ClaimDisplayName(const api::ResourceClaim& claim);

struct ClaimData {
  const api::ResourceClaim* claim = nullptr;
  SmallVector<RequestSlot, 2> requests;
  SmallVector<std::unique_ptr<Constraint>, 2> constraints;
  std::string display() const { return ClaimDisplayName(*claim); }  // "ns/name" or "name", for messages
};

struct Chosen {
  const RequestData* request = nullptr;
  uint32_t candidate = 0;
  std::optional<std::string> share_id;
  CapacityMap consumed;
  bool multi = false;
};

enum class Outcome { kDone, kFailed, kMaxSize };

// What Search::ExplainStages found (explain.h): the reasons of the requests that fail a stage alone, and per
// claim one description per constraint with the attribute values seen on the usable devices of its requests.
struct StageReport {
  std::vector<Reason> reasons;
  std::vector<std::vector<std::string>> constraints;  // by claim, then constraint
};

class Search;

// Rolls back one tentative device allocation (constraints, in-use mark, counters, capacity,
// result) on destruction unless Commit() was called.
class DeviceTentative {
 public:
  explicit DeviceTentative(Search* search) : search_(search) {}
  DeviceTentative(DeviceTentative&& other) noexcept;
  DeviceTentative& operator=(DeviceTentative&&) = delete;
  DeviceTentative(const DeviceTentative&) = delete;
  DeviceTentative& operator=(const DeviceTentative&) = delete;
  ~DeviceTentative() { Rollback(); }
  void Commit() {
    search_ = nullptr;
    counters.Commit();
  }

 private:
  friend class Search;
  void Rollback();
  Search* search_;
  uint32_t claim = 0;
  const RequestData* request = nullptr;
  uint32_t candidate = 0;
  size_t constraints_added = 0;
  bool marked = false;
  CounterCharge counters;
  bool capacity_added = false;
  bool result_added = false;
  bool multi = false;
  CapacityMap consumed_;
};

class Search {
 public:
  Search(const index::Snapshot& snapshot, const index::AllocatedState& allocated, const model::Node& node,
         const std::vector<const api::ResourceClaim*>& claims, const Features& features, const Options& options,
         cel::CompileCache* cache);

  StatusOr<std::optional<AllocationResults>> Run();

  // explain_stages.cc: instead of Run(), the staged narrowing of explain.h for every request and subrequest of
  // every claim, with this class's own predicates; no search. A prioritized-list request has reasons only when
  // every subrequest fails. Errors: Allocate's for input it cannot prepare (except a missing class, which is
  // ClassNotFound). `holders` only name who holds devices in messages.
  // `messages` false: codes only, every Reason::message and constraint text left empty (ExplainOptions::messages).
  StatusOr<StageReport> ExplainStages(const std::vector<Holder>& holders, bool messages = true);
  // class_devices.cc: gathers the node's pools and prepares the claims like Run, then returns the candidates
  // (indices into gathered_pools()->candidates) that the first request of the first claim can select: its
  // class's selectors and its own, per-device node selection, the binding-conditions gate. Allocation state,
  // taints, counters and capacity are not looked at. Errors as Run's preparation (unknown class, CEL).
  StatusOr<std::vector<uint32_t>> SelectableCandidates();
  // The pools gathered by Run or SelectableCandidates (nullptr before).
  const std::shared_ptr<const index::NodePools>& gathered_pools() const { return pools_; }

 private:
  friend class DeviceTentative;
  struct Cursor {
    uint32_t claim = 0;
    uint32_t request = 0;
    uint32_t sub = 0;
    int64_t device = 0;
    uint32_t start = 0;
  };

  // prepare.cc
  Status Prepare();
  // Fills `rd` (a fresh entry) in place.
  Status PrepareRequest(const ClaimData& cd, RequestData& rd, const std::string& base, const std::string& sub,
                        const std::string& class_name, const std::vector<api::DeviceSelector>& selectors,
                        const std::string& mode, int64_t count, std::optional<bool> admin_access,
                        const std::vector<api::DeviceToleration>& tolerations,
                        const std::optional<api::CapacityRequirements>& capacity);

  // search.cc
  StatusOr<Outcome> AllocateOne(Cursor r, bool allocate_sub);
  // The tail of a request's candidate loop once too few candidates remain: evaluates the selectors of the
  // devices from `from` on that the loop would have looked at (for their errors only) and answers kFailed.
  StatusOr<Outcome> DrainSelectorErrors(const ClaimData& cd, RequestData& rd, uint32_t claim, uint32_t from);
  StatusOr<bool> IsSelectable(const ClaimData& cd, RequestData& rd, uint32_t candidate);
  StatusOr<bool> SelectorsMatch(const ClaimData& cd, const model::DeviceClass* klass,
                                const std::vector<api::DeviceSelector>& selectors, const index::Candidate& c);
  struct ResolvedSelector;
  StatusOr<const ResolvedSelector*> Resolve(const ClaimData& cd, const model::DeviceClass* klass,
                                            const std::vector<api::DeviceSelector>& selectors, size_t i);
  // The consumption of `candidate` for `rd` next to what the allocated state and this attempt already
  // consume on it; nullopt if it does not fit.
  std::optional<CapacityMap> CapacityFor(const RequestData& rd, uint32_t candidate) const;
  // Whether `candidate` could serve `rd`'s capacity requests if nothing were consumed on it (its static
  // capacity and request policies only). `All` collects its devices with this (1.37): a device that matches
  // but whose capacity is used up stays in the set, so `All` fails rather than skipping it.
  bool StaticCapacityFits(const RequestData& rd, uint32_t candidate) const;
  // `consumption`: CapacityFor(rd, candidate) when the caller already has it (moved from), else null.
  StatusOr<std::optional<DeviceTentative>> AllocateDevice(uint32_t claim, const RequestData& rd, uint32_t candidate,
                                                          bool must, std::optional<CapacityMap>* consumption = nullptr);
  bool AllocatingForClaim(uint32_t candidate, uint32_t claim) const;
  // Whether the candidate loop skips `candidate` for `rd` of `claim` (allocated, or taken in this search).
  bool InUseFor(const RequestData& rd, uint32_t claim, uint32_t candidate) const;
  bool AllocatingAny(uint32_t candidate) const { return in_use_[candidate] != 0; }
  bool Tolerated(const RequestData& rd, const model::Device& device) const;
  Status CheckBudget();
  // infeasibility.cc. Run once when a search gets long (kInfeasibilityCheckAfterSteps): true when the free
  // devices that some request could use cannot cover what the requests need, in total or for one request.
  // "Cover" is bounded by a count (pigeonhole) and by the shared counters the devices consume (at most as
  // many devices of one counter set as its least-consumed-first prefix that fits each counter). Sound only
  // for exclusive, ExactCount, non-admin requests on devices that cannot be shared; anything else, or any
  // selector error, answers false (the search goes on and reports what the reference would).
  bool ProvablyInfeasible();
  // Upper bound on how many of the candidates marked in `usable` can be allocated together, counters
  // included (never below the truth; at most the number marked).
  int64_t AllocatableBound(const std::vector<char>& usable);

  // explain_stages.cc
  StatusOr<std::optional<Reason>> NarrowRequest(const ClaimData& cd, RequestData& rd, const std::vector<Holder>& holders,
                                                bool messages, std::vector<uint32_t>* usable);

  // results.cc
  StatusOr<AllocationResults> BuildResults();
  Status BuildClaimResult(uint32_t claim, api::AllocationResult& out);  // fills a fresh `out` in place

  const index::Snapshot& snapshot_;
  const index::AllocatedState& allocated_;
  const model::Node& node_;
  const std::vector<const api::ResourceClaim*>& claims_;
  const Features& features_;
  const Options& options_;
  cel::CompileCache* cache_;
  cel::EnvOptions env_;

  std::shared_ptr<const index::NodePools> pools_;  // shared, from the snapshot's memo
  SmallVector<ClaimData, 1> claim_data_;
  SmallVector<SmallVector<Chosen, 2>, 1> results_;
  // Per candidate: how many tentative exclusive allocations (any claim) hold it; the claims themselves
  // are the non-multi entries of results_ (AllocatingForClaim).
  SmallVector<uint32_t, 32> in_use_;
  SmallVector<int8_t, 64> selectable_;  // RequestData::selectable rows
  struct InFlight {
    uint32_t shares = 0;   // tentative shares of a multi-allocatable device
    CapacityMap capacity;  // their consumed capacity
  };
  std::vector<InFlight> in_flight_;  // by candidate; sized on the first shared allocation
  // Created on first use (TryConsume, ProvablyInfeasible): most calls never touch counters.
  std::optional<CounterLedger> ledger_;
  CounterLedger& Ledger();
  // Selectors of this call, compiled and with their memo row, by the address of the api::DeviceSelector.
  struct ResolvedSelector {
    const api::DeviceSelector* key = nullptr;
    const cel::Selector* selector = nullptr;
    std::shared_ptr<const cel::Selector> owner;   // keeps a per-call compilation alive
    std::atomic<int8_t>* shared_row = nullptr;    // the snapshot's memo row (by DeviceUid), or
    uint32_t local_row = 0;                       // else an offset in local_memo_ (by candidate index)
  };
  SmallVector<ResolvedSelector, 2> resolved_;
  std::vector<int8_t> local_memo_;
  uint64_t steps_ = 0;
  bool proven_infeasible_ = false;  // the search was cut by ProvablyInfeasible()
  uint64_t evaluations_ = 0;
  uint64_t memo_hits_ = 0;
};

}  // namespace allot::alloc::internal
