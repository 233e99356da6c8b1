# service/tooling: the tooling API routes (issue 13). One list entry per route file, so that parallel
# additions (explain, inventory, …) merge without conflicts.
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/explain.cc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/inventory.cc ${CMAKE_CURRENT_LIST_DIR}/inventory_gauges.cc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/device_metadata.cc ${CMAKE_CURRENT_LIST_DIR}/device_metadata_files.cc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/simulate.cc)
  list(APPEND ALLOT_SERVICE_DEPS allot::alloc allot::index allot::model)
endif()
