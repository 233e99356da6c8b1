# The tooling routes (issue 13): answers for people and tools about DRA capacity, from the same state as the verbs.
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/inventory.cc ${CMAKE_CURRENT_LIST_DIR}/inventory_gauges.cc)
  list(APPEND ALLOT_SERVICE_DEPS allot::alloc allot::index allot::model)
endif()
