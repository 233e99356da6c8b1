list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/server.cc ${CMAKE_CURRENT_LIST_DIR}/serving_tls.cc
     ${CMAKE_CURRENT_LIST_DIR}/delegated_auth.cc)
# The route table binds the extender verbs, so it needs the allocator.
if(TARGET allot::alloc)
  list(APPEND ALLOT_SERVICE_SRCS ${CMAKE_CURRENT_LIST_DIR}/routes.cc)
endif()
# GET /openapi.json: the checked-in document, compiled in (service/http/openapi.h).
set(ALLOT_OPENAPI_CC ${CMAKE_CURRENT_BINARY_DIR}/http/openapi_json.cc)
add_custom_command(OUTPUT ${ALLOT_OPENAPI_CC}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${CMAKE_CURRENT_LIST_DIR}/openapi.json -DOUTPUT=${ALLOT_OPENAPI_CC}
    -DHEADER=service/http/openapi.h -DNAMESPACE=allot::svc -DFUNCTION=OpenApiJson -DJSON=ON
    -P ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/openapi.json ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
  COMMENT "Embedding service/http/openapi.json")
list(APPEND ALLOT_SERVICE_SRCS ${ALLOT_OPENAPI_CC})
