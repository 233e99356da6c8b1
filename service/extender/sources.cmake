# The extender verbs need the allocator; they are built once core/alloc exists.
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS
    ${CMAKE_CURRENT_LIST_DIR}/reservations.cc
    ${CMAKE_CURRENT_LIST_DIR}/pod_claims.cc
    ${CMAKE_CURRENT_LIST_DIR}/expected_placements.cc
    ${CMAKE_CURRENT_LIST_DIR}/verb_metrics.cc
    ${CMAKE_CURRENT_LIST_DIR}/verb_context.cc
    ${CMAKE_CURRENT_LIST_DIR}/filter.cc
    ${CMAKE_CURRENT_LIST_DIR}/filter_reasons.cc
    ${CMAKE_CURRENT_LIST_DIR}/prioritize.cc
    ${CMAKE_CURRENT_LIST_DIR}/bind.cc
    ${CMAKE_CURRENT_LIST_DIR}/claim_writes.cc
    ${CMAKE_CURRENT_LIST_DIR}/binding_conditions.cc
    ${CMAKE_CURRENT_LIST_DIR}/binding_waiter.cc
    ${CMAKE_CURRENT_LIST_DIR}/extender.cc)
  list(APPEND ALLOT_SERVICE_DEPS allot::alloc allot::index allot::model allot::api allot::cel)
endif()
