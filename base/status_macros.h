// ALLOT_RETURN_IF_ERROR / ALLOT_ASSIGN_OR_RETURN: early return on a non-OK Status.
//
//   Status MultiStep() {
//     ALLOT_RETURN_IF_ERROR(StepOne());
//     ALLOT_ASSIGN_OR_RETURN(auto value, StepTwo());
//     return OkStatus();
//   }
#pragma once

#include "base/status.h"

#define ALLOT_STATUS_CONCAT_INNER_(a, b) a##b
#define ALLOT_STATUS_CONCAT_(a, b) ALLOT_STATUS_CONCAT_INNER_(a, b)

#define ALLOT_RETURN_IF_ERROR(expr)                           \
  do {                                                        \
    ::allot::Status allot_status_tmp_ = (expr);               \
    if (!allot_status_tmp_.ok()) return allot_status_tmp_;    \
  } while (0)

#define ALLOT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).status();     \
  lhs = std::move(tmp).value()

#define ALLOT_ASSIGN_OR_RETURN(lhs, expr) \
  ALLOT_ASSIGN_OR_RETURN_IMPL_(ALLOT_STATUS_CONCAT_(allot_statusor_, __LINE__), lhs, expr)
