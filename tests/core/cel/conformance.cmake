# CEL vector conformance runs (owned by the CEL libraries work; included from
# tests/core/cel/CMakeLists.txt). The *_library_test.cc files are picked up by that file's glob.
#
# One CTest per vector file: `allot conformance cel <file>` (PASS/FAIL/SKIP per case, exit 1 on any
# failure; --failures-only keeps the log short).
if(TARGET allot)
  foreach(_vectors dra-compile cel-spec-subset k8s-library)
    add_test(NAME cel_conformance_${_vectors}
             COMMAND $<TARGET_FILE:allot> conformance cel --failures-only
                     tests/testdata/cel-vectors/${_vectors}.json
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(cel_conformance_${_vectors} PROPERTIES LABELS conformance)
  endforeach()
endif()
