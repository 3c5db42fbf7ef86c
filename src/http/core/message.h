// HttpRequest and HttpResponse: the HTTP messages handlers see, free of Beast.
//
// Plain values: distinct objects may be used from different threads. The
// server (server.cc) converts Beast messages to and from these, so handlers
// and their tests never touch a socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::http {

struct HttpRequest {
  std::string method;  // "GET", upper case as received
  std::string target;  // "/api/v1/orgs?page=2", as received
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the peer's IP address ("127.0.0.1"); empty when unknown

  // The first header with this name (ASCII case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // target before '?', and after it ("" when none).
  std::string_view Path() const;
  std::string_view Query() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type/Length
  std::string body;
  bool close = false;  // close the connection after this response

  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// The value of key in a query string ("a=1&b=x"), percent-decoded; nullopt
// when absent or badly encoded.
std::optional<std::string> QueryParam(std::string_view query, std::string_view key);

// Decodes %XX escapes (and '+' as space when plus_is_space); false on a bad escape.
bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space = false);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace orgd::http
