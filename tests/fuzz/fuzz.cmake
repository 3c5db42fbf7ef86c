# orgd's fuzz targets (fuzz_targets.h), included from the top CMakeLists.txt.
#
# orgd_fuzz_targets holds the targets as plain functions; the test suite's
# fuzz_regression_test replays inputs through it with any compiler. With
# ORGD_FUZZ (clang), each target also gets a libFuzzer binary fuzz_<target>,
# and `ninja fuzzers` builds just those (tests/fuzz/run_fuzzers.sh runs them).
add_library(orgd_fuzz_targets STATIC
  ${CMAKE_CURRENT_LIST_DIR}/targets.cc
  ${CMAKE_CURRENT_LIST_DIR}/request_target.cc
  ${CMAKE_CURRENT_LIST_DIR}/native_body_target.cc
  ${CMAKE_CURRENT_LIST_DIR}/envelope_target.cc
  ${CMAKE_CURRENT_LIST_DIR}/authorization_target.cc)
target_link_libraries(orgd_fuzz_targets PUBLIC orgd_http)

if(ORGD_FUZZ)
  set(ORGD_FUZZ_TARGETS request native_body envelope authorization)
  foreach(target IN LISTS ORGD_FUZZ_TARGETS)
    add_executable(fuzz_${target} ${CMAKE_CURRENT_LIST_DIR}/fuzz_main.cc)
    target_compile_definitions(fuzz_${target} PRIVATE ORGD_FUZZ_TARGET="${target}")
    target_link_libraries(fuzz_${target} PRIVATE orgd_fuzz_targets)
    target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
    list(APPEND ORGD_FUZZERS fuzz_${target})
  endforeach()
  add_custom_target(fuzzers DEPENDS ${ORGD_FUZZERS})
endif()
