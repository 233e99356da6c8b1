# Small helpers in the style of leveldb_test(): one warning list, one place for sanitizer flags.

set(ALLOT_WARNINGS
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-qual -Wformat=2
  -Wmissing-declarations -Wundef -Wvla -Wwrite-strings -Wimplicit-fallthrough
  -Woverloaded-virtual)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Thread-safety analysis is an error in every clang tree (the asan and tsan lanes build with clang), also
  # where other warnings are not: a mutex whose ALLOT_GUARDED_BY contract is broken does not land.
  list(APPEND ALLOT_WARNINGS -Wthread-safety -Werror=thread-safety -Wunreachable-code)
endif()
if(ALLOT_WERROR)
  list(APPEND ALLOT_WARNINGS -Werror)
endif()

# Tests relax the list a little.
set(ALLOT_TEST_WARNINGS ${ALLOT_WARNINGS} -Wno-unused-parameter -Wno-sign-compare -Wno-missing-declarations)

# Fuzz targets are only useful with the sanitizers on the code they reach, so a fuzz tree is an ASan+UBSan
# tree: every library is instrumented (and gets libFuzzer's coverage hooks), and the same tree also runs
# every unit test under ASan+UBSan (scripts/test.sh's asan lane builds both at once).
if(ALLOT_BUILD_FUZZERS AND ALLOT_SANITIZE STREQUAL "")
  set(ALLOT_SANITIZE address CACHE STRING "" FORCE)
endif()
if(ALLOT_SANITIZE STREQUAL "address")
  # GCC 12 reports false -Wmaybe-uninitialized inside libstdc++ (std::regex, std::function) under ASan.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
                      $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  add_link_options(-fsanitize=address,undefined)
  if(ALLOT_BUILD_FUZZERS AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
elseif(ALLOT_SANITIZE STREQUAL "thread")
  # -Wno-tsan: GCC warns that Boost.Asio's std::atomic_thread_fence is not instrumented; the
  # fences pair with atomics TSan does see, so the warning is noise that -Werror would make fatal.
  add_compile_options(-fsanitize=thread -g $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  add_link_options(-fsanitize=thread)
elseif(NOT ALLOT_SANITIZE STREQUAL "")
  message(FATAL_ERROR "ALLOT_SANITIZE must be '', 'address' or 'thread'")
endif()

# allot_cc_library(NAME name SRCS ... DEPS ...) -> target allot_<name>, alias allot::<name>.
function(allot_cc_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_library(allot_${A_NAME} STATIC ${A_SRCS})
  add_library(allot::${A_NAME} ALIAS allot_${A_NAME})
  target_include_directories(allot_${A_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(allot_${A_NAME} PRIVATE ${ALLOT_WARNINGS})
  target_link_libraries(allot_${A_NAME} PUBLIC ${A_DEPS})
endfunction()

# allot_cc_test(NAME name SRCS ... DEPS ... [LABELS ...]) -> gtest executable, tests discovered by CTest.
function(allot_cc_test)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_include_directories(${A_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${A_NAME} PRIVATE ${ALLOT_TEST_WARNINGS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  foreach(_label ${A_LABELS})
    set_property(GLOBAL APPEND PROPERTY ALLOT_TESTS_LABELLED_${_label} ${A_NAME})
  endforeach()
  if(ALLOT_SANITIZE STREQUAL "")
    # PROPERTIES reaches the discovered tests as name/value pairs with the list flattened, so a second label
    # became a property name and only the first stuck (`ctest -L service` missed "integration;service"
    # binaries). The labels go as one comma-joined label instead: `ctest -L` matches regexes, so
    # -L service and -L integration both find "integration,service".
    string(REPLACE ";" "," _joined_labels "${A_LABELS}")
    gtest_discover_tests(${A_NAME}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      PROPERTIES LABELS "${_joined_labels}"
      DISCOVERY_TIMEOUT 60)
  else()
    # Sanitizer lanes: one CTest test per binary. Discovering every case would start ~2,000
    # instrumented processes (10 minutes of start-up alone); the cases still run, in one process.
    add_test(NAME ${A_NAME} COMMAND ${A_NAME} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(${A_NAME} PROPERTIES LABELS "${A_LABELS}")
  endif()
endfunction()

# allot_cc_bench(NAME name SRCS ... DEPS ...) -> Google Benchmark executable.
function(allot_cc_bench)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_include_directories(${A_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${A_NAME} PRIVATE ${ALLOT_TEST_WARNINGS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} benchmark::benchmark)
endfunction()

# allot_add_subdirectories_if_present(dir ...): lets areas land independently.
macro(allot_add_subdirectories_if_present)
  foreach(_d ${ARGN})
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${_d}/CMakeLists.txt)
      add_subdirectory(${_d})
    endif()
  endforeach()
endmacro()

# allot_add_label_targets(): one target `tests-<label>` per CTest label that builds exactly the test
# binaries carrying it, so a lane builds only what it runs (`cmake --build B --target tests-concurrency`).
function(allot_add_label_targets)
  foreach(_label unit conformance integration concurrency service)
    get_property(_tests GLOBAL PROPERTY ALLOT_TESTS_LABELLED_${_label})
    add_custom_target(tests-${_label})
    if(_tests)
      add_dependencies(tests-${_label} ${_tests})
    endif()
  endforeach()
endfunction()
