list(APPEND ALLOT_SERVICE_SRCS
  ${CMAKE_CURRENT_LIST_DIR}/memory_kube_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/demo_cluster.cc)
