# HTTP tests: the Api without a socket, and a real server on a loopback port.
# Included from tests/CMakeLists.txt, so paths are relative to tests/.
orgd_test(NAME http_api_test
  SOURCES http/api_test.cc
  LIBS orgd_http)
# The control socket of `orgd backup`: its file's mode, on a real socket.
orgd_test(NAME http_control_socket_test
  SOURCES http/control_socket_test.cc
  LIBS orgd_http)
orgd_test(NAME http_server_test
  SOURCES http/server_test.cc http/raw_client.cc
  LIBS orgd_http)

# Hostile clients, against a server in the test and against `orgd serve`
# (whose memory and descriptors the test watches).
orgd_test(NAME http_hostile_client_test
  SOURCES http/hostile_client_test.cc http/raw_client.cc
  LIBS orgd_http orgd_process_test_util)
target_compile_definitions(http_hostile_client_test PRIVATE ORGD_BINARY="$<TARGET_FILE:orgd>")
add_dependencies(http_hostile_client_test orgd)

# TestServer/TestClient: a real Service on a loopback port, for the tests below.
add_library(orgd_http_test_server STATIC http/test_server.cc http/raw_client.cc)
target_link_libraries(orgd_http_test_server PUBLIC orgd_test_util orgd_http)

# Issue 14 over real HTTP: accounts, sign-in and credentials, user search.
orgd_test(NAME http_accounts_test
  SOURCES http/accounts_test.cc
  LIBS orgd_http orgd_http_test_server)
orgd_test(NAME http_signin_test
  SOURCES http/signin_test.cc
  LIBS orgd_http orgd_http_test_server)
orgd_test(NAME http_user_search_test
  SOURCES http/user_search_test.cc
  LIBS orgd_http orgd_http_test_server)
# Issue 15 over real HTTP: org plans, quotas, usage, subscription, metadata,
# and what an org's deletion takes with it.
orgd_test(NAME http_org_attributes_test
  SOURCES http/org_attributes_test.cc
  LIBS orgd_http orgd_http_test_server)

# Issue 15 over real HTTP: members, roles, departments, permission checks.
orgd_test(NAME http_members_test
  SOURCES http/members_test.cc
  LIBS orgd_http orgd_http_test_server)

# Issue 15 over real HTTP: invitations and verified domains.
orgd_test(NAME http_invitations_test
  SOURCES http/invitations_test.cc
  LIBS orgd_http orgd_http_test_server)
orgd_test(NAME http_domains_test
  SOURCES http/domains_test.cc
  LIBS orgd_http orgd_http_test_server)

# Issue 15 over real HTTP: org and direct messages, notifications, inboxes.
orgd_test(NAME http_messages_test
  SOURCES http/messages_test.cc
  LIBS orgd_http orgd_http_test_server)

# Issue 15 over real HTTP: groups, projects, collaborators (external members).
orgd_test(NAME http_projects_test
  SOURCES http/projects_test.cc
  LIBS orgd_http orgd_http_test_server)

# Issue 15: every route as every kind of caller, and docs/permissions.md's table.
orgd_test(NAME http_permissions_test
  SOURCES http/permissions_test.cc
  LIBS orgd_http orgd_http_test_server)
target_compile_definitions(http_permissions_test PRIVATE ORGD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# Issue 15: GET /api/v1/openapi.json is docs/openapi.json, and it documents every route.
orgd_test(NAME http_openapi_test
  SOURCES http/openapi_test.cc
  LIBS orgd_http orgd_http_test_server)
target_compile_definitions(http_openapi_test PRIVATE ORGD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# Issue 16 over real HTTP: the CoCalc hub adapter.
orgd_test(NAME http_cocalc_test
  SOURCES http/cocalc_test.cc
  LIBS orgd_http orgd_http_test_server)
# Issue 16 over real HTTP: the SeaTable adapter.
orgd_test(NAME http_seatable_test
  SOURCES http/seatable_test.cc
  LIBS orgd_http orgd_http_test_server)
