# The published cluster view: what the verbs read (needs the device index and the allocator's model).
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS
    ${CMAKE_CURRENT_LIST_DIR}/cluster_view.cc
    ${CMAKE_CURRENT_LIST_DIR}/cluster_view_builder.cc
    ${CMAKE_CURRENT_LIST_DIR}/cluster_view_publisher.cc
    ${CMAKE_CURRENT_LIST_DIR}/device_taint_rules.cc)
  list(APPEND ALLOT_SERVICE_DEPS allot::alloc allot::index allot::model allot::api)
endif()
