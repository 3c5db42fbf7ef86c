# HTTP tests: the Api without a socket, and a real server on a loopback port.
# Included from tests/CMakeLists.txt, so paths are relative to tests/.
orgd_test(NAME http_api_test
  SOURCES http/api_test.cc
  LIBS orgd_http)
orgd_test(NAME http_server_test
  SOURCES http/server_test.cc http/raw_client.cc
  LIBS orgd_http)
