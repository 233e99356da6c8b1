// ExtenderOptions: the allocation settings of the extender verbs (flags: service/config/serve_flags.cc).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/alloc/features.h"
#include "core/alloc/scoring.h"

namespace allot::svc {

struct ExtenderOptions {
  alloc::Features features;
  alloc::ScorePolicy score_policy = alloc::ScorePolicy::kPack;
  size_t fanout_threads = 2;
  std::chrono::milliseconds filter_timeout{4000};
  // Search steps per node and call (alloc::Options::max_steps; 0 = unlimited). A node whose search runs out
  // of steps fails the filter with that reason instead of holding the request until the deadline.
  uint64_t max_search_steps = 500000;
  // filter's FailedNodes name the reason codes of each node that does not fit (the fan-out explains it,
  // service/extender/filter_reasons.h); false restores the generic "cannot allocate all claims".
  bool filter_reasons = true;
  std::chrono::seconds reservation_ttl{120};
  int max_write_attempts = 5;  // claim status writes retried on 409
  // Binding conditions (binding_waiter.h): how long bind waits for a device's binding conditions before it
  // undoes the allocation (the scheduler plugin's bindingTimeout, 600 s by default), and how long the bind
  // request itself waits for that outcome before answering that it is still pending (keep it below the
  // scheduler's extender httpTimeout; the wait goes on in the background and binds the pod when it ends well).
  std::chrono::seconds binding_timeout{600};
  std::chrono::milliseconds binding_reply_wait{4000};
  // Tooling (service/tooling): the grouping attribute for partition types where no slice declares one and a
  // request names none ("<domain>/<name>"; empty: none), and whether /metrics also has per-pool series.
  std::string partition_type_attribute;
  bool inventory_pool_metrics = false;
};

}  // namespace allot::svc
