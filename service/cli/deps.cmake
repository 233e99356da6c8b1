# Libraries the CLI commands link. Append with list(APPEND ALLOT_CLI_DEPS ...) guarded by if(TARGET ...).
set(ALLOT_CLI_DEPS "")
foreach(_t allot::api allot::quantity allot::cel allot::model allot::index allot::alloc allot::service)
  if(TARGET ${_t})
    list(APPEND ALLOT_CLI_DEPS ${_t})
  endif()
endforeach()
