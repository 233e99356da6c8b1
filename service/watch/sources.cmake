list(APPEND ALLOT_SERVICE_SRCS
  ${CMAKE_CURRENT_LIST_DIR}/kube_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/kubeconfig.cc
  ${CMAKE_CURRENT_LIST_DIR}/http_kube_client.cc
  ${CMAKE_CURRENT_LIST_DIR}/pem.cc
  ${CMAKE_CURRENT_LIST_DIR}/protobuf_object.cc
  ${CMAKE_CURRENT_LIST_DIR}/reflector.cc)
