# The extender verbs need the allocator; they are built once core/alloc exists.
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS
    ${CMAKE_CURRENT_LIST_DIR}/cluster_index.cc
    ${CMAKE_CURRENT_LIST_DIR}/reservations.cc
    ${CMAKE_CURRENT_LIST_DIR}/pod_claims.cc
    ${CMAKE_CURRENT_LIST_DIR}/extender.cc
    ${CMAKE_CURRENT_LIST_DIR}/binder.cc)
  list(APPEND ALLOT_SERVICE_DEPS allot::alloc allot::index allot::model allot::api allot::cel)
endif()
