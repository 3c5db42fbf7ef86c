# Operator tools (issue 6): orgd-replay, orgd-rebuild and `orgd backup`, run as
# processes where exit codes matter, plus the fast JSON and time paths that
# make rebuilds quick. Included from tests/CMakeLists.txt, so paths are
# relative to tests/.

# orgd-rebuild built with its test hook (ORGD_TEST_RAISE_AFTER_BATCHES), which
# the release binary does not have.
add_executable(orgd-rebuild-testhooks ${PROJECT_SOURCE_DIR}/tools/orgd_rebuild.cc)
target_link_libraries(orgd-rebuild-testhooks PRIVATE orgd_commands)
target_compile_definitions(orgd-rebuild-testhooks PRIVATE ORGD_TEST_HOOKS)

# orgd_tool_test(NAME <name> SOURCES <files...> LIBS <libs...>): a test that
# runs the tool binaries, whose paths it gets as ORGD_*_BINARY.
function(orgd_tool_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  orgd_test(NAME ${T_NAME} SOURCES ${T_SOURCES} LIBS orgd_process_test_util ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE
    ORGD_BINARY="$<TARGET_FILE:orgd>"
    ORGD_REPLAY_BINARY="$<TARGET_FILE:orgd-replay>"
    ORGD_REBUILD_BINARY="$<TARGET_FILE:orgd-rebuild-testhooks>")
  add_dependencies(${T_NAME} orgd orgd-replay orgd-rebuild-testhooks)
endfunction()

orgd_tool_test(NAME orgd_replay_test SOURCES tools/orgd_replay_test.cc LIBS orgd_projections)
orgd_tool_test(NAME orgd_rebuild_test SOURCES tools/orgd_rebuild_test.cc LIBS orgd_projections)
orgd_tool_test(NAME orgd_backup_test SOURCES tools/orgd_backup_test.cc LIBS orgd_http)
# ORGD_ADMIN_KEY is checked before `orgd serve` touches the store.
orgd_tool_test(NAME orgd_admin_key_test SOURCES tools/orgd_admin_key_test.cc LIBS orgd_projections)

orgd_test(NAME org_json_test
  SOURCES projections/org_json_test.cc
  LIBS orgd_projections)
orgd_test(NAME account_json_test
  SOURCES projections/account_json_test.cc
  LIBS orgd_projections)

# The parallel VerifyLog behind `orgd-replay verify`.
orgd_test(NAME log_verify_test
  SOURCES storage/log_verify_test.cc
  LIBS orgd_storage)
