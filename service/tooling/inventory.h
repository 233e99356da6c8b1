// GET /api/v1/inventory: where DRA capacity is (issue 13 §2; docs/tooling.md has a walk with curl).
//
// Reads one RequestState (LoadRequestState: the published view plus the in-flight reservations of bind, so
// a device bind has just handed out counts as allocated at once) and answers alloc::ComputeInventory over
// it: the same device index, allocated state, selector memo and allocator code that filter and bind use.
//
// Query parameters, all optional, each at most once: driver, pool, node, class (see alloc::InventoryFilter),
// and partitionTypeAttribute (KEP-5677's defaultPartitionTypeAttribute, "<domain>/<name>": the grouping
// attribute for partition types where no slice of a pool declares spec.partitionTypeAttribute).
// An unknown parameter, a repeated or empty one, a value with whitespace or control characters or longer
// than 253 bytes, a node or class allot does not know: 400 {"error": "query parameter <name>: <problem>"}.
// Before the store synced: 503 {"error": ...}.
//
// Answer (200), compact JSON; optional members are left out when unset or empty:
//   {"pools": [{"driver": D, "pool": P, "node": N?, "generation": G,
//               "resourceSliceCount": n?, "totalDevices": n?, "allocatedDevices": n?,
//               "availableDevices": n?, "unavailableDevices": n?,      // unset for an incomplete pool
//               "validationError": "PoolIncomplete: ..." | "PoolInvalid: ..."?,
//               "counterSets": [{"name": S, "counters": [{"name": C, "total": Q, "consumed": Q,
//                                                        "available": Q}]}]?,
//               "sharedDevices": [{"device": name, "inUse": bool,
//                                  "capacity": [{"name": C, "total": Q, "consumed": Q, "available": Q}]}]?,
//               "partitionSummary": [{"attribute": A, "type": T, "total": n, "allocatable": n}]?,
//               "shareableSummary": {"fullyAvailableDevices": n, "partiallyAvailableDevices": n,
//                                    "capacity": [{"name", "total", "consumed", "available"}]}?}],
//    "classes": [{"class": K, "node": N, "devices": n, "free": n, "error": "..."?,
//                 "partitions": [{"attribute": A, "type": T, "devices": n, "free": n, "allocatable": n}]?}],
//    "inFlightReservations": n}
// Pools by (driver, pool), classes by (class, node); quantities are canonical Kubernetes quantity strings.
//
// Thread safety: a function of thread-safe components; runs on any HTTP worker.
#pragma once

#include <map>
#include <string>

#include "service/extender/verb_context.h"

namespace allot::svc {

using QueryParams = std::multimap<std::string, std::string>;  // httplib::Params

VerbReply Inventory(const VerbContext& ctx, const QueryParams& params);

}  // namespace allot::svc
