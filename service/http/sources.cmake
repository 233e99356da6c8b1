list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/server.cc)
# The route table binds the extender verbs, so it needs the allocator.
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/routes.cc)
endif()
