if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/service.cc)
endif()
