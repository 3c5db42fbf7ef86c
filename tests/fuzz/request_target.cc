// The request-path target: the whole of orgd behind the socket.
#include <stdlib.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/password.h"
#include "src/http/core/server.h"
#include "src/http/service.h"
#include "tests/fuzz/fuzz_targets.h"

namespace orgd::fuzz {

namespace {

// One orgd as `orgd serve` assembles it (store, projections, writer, Api),
// without the listener and the control socket, on a store in a fresh
// directory under $TMPDIR (or /tmp). Writes are real: state carries over from
// one input to the next, as it does on a long-lived connection.
class Orgd {
 public:
  Orgd() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/orgd-fuzz-XXXXXX";
    Expect(mkdtemp(tmpl.data()) != nullptr, "a temporary directory can be made", tmpl);
    dir_ = tmpl;
    http::ServiceOptions options;
    options.data_dir = dir_ + "/data";
    options.control_socket = false;
    // Argon2id at its least cost: a sign-in is fuzzed for its parsing and
    // rules, not for its hashing time.
    options.auth.password = PasswordLimits{kPasswordOpsLimitMin, kPasswordMemLimitMin};
    options.hash_pool.threads = 1;
    Status s = http::Service::Open(options, &service_);
    Expect(s.ok(), "the store opens", s.ToString());
    auto key = service_->Bootstrap(std::string(kAdminKey));
    Expect(key.ok(), "the admin key is registered", key.status().ToString());
  }
  ~Orgd() {
    Status s = service_->Close();
    Expect(s.ok(), "the store closes cleanly", s.ToString());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Orgd(const Orgd&) = delete;
  Orgd& operator=(const Orgd&) = delete;

  http::Api* api() const { return service_->api(); }

 private:
  std::string dir_;
  std::unique_ptr<http::Service> service_;
};

// Opened by the first input; a function-local static, so it is closed at
// exit, before the sanitizers look for leaks.
Orgd& SharedOrgd() {
  static Orgd orgd;
  return orgd;
}

// Limits small enough for fuzz-sized inputs to reach 431 and 413; the
// parsing code is the server's own (ServeBytes).
http::ServerOptions FuzzLimits() {
  http::ServerOptions o;
  o.header_limit = 1024;
  o.body_limit = 2048;
  return o;
}

// The status of a serialized response ("HTTP/1.1 201 Created\r\n..."), or 0
// when it does not start with a status line.
int StatusOf(std::string_view response) {
  constexpr std::string_view kVersion = "HTTP/1.1 ";
  if (!response.starts_with(kVersion) && !response.starts_with("HTTP/1.0 ")) return 0;
  std::string_view code = response.substr(kVersion.size(), 3);
  int status = 0;
  auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
  return ec == std::errc() && end == code.data() + code.size() ? status : 0;
}

}  // namespace

void RequestPath(std::string_view input) {
  static const http::ServerOptions limits = FuzzLimits();
  std::vector<std::string> responses = http::ServeBytes(SharedOrgd().api(), input, limits);
  for (const std::string& r : responses) {
    // No input is the server's fault: a 5xx here is a bug, not a reply.
    int status = StatusOf(r);
    Expect(status >= 200 && status <= 499, "every response has a status from 200 to 499", r);
  }
}

}  // namespace orgd::fuzz
