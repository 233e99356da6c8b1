# service/kubectl: the `kubectl allot` plugin (issue 13 §5), run by the allot binary as kubectl-allot.
list(APPEND ALLOT_SERVICE_SRCS
  ${CMAKE_CURRENT_LIST_DIR}/allot_endpoint.cc
  ${CMAKE_CURRENT_LIST_DIR}/answer_tables.cc
  ${CMAKE_CURRENT_LIST_DIR}/plugin.cc
  ${CMAKE_CURRENT_LIST_DIR}/plugin_options.cc
  ${CMAKE_CURRENT_LIST_DIR}/simulate_body.cc
  ${CMAKE_CURRENT_LIST_DIR}/table.cc
  ${CMAKE_CURRENT_LIST_DIR}/yaml_output.cc)
