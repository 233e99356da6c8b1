# `allot serve`'s configuration and its one flag table (needs the extender's options, hence core/alloc).
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/serve_config.cc)
endif()
