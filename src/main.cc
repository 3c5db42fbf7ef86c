// orgd: the server binary.
//
//   orgd serve [--data DIR] [--listen HOST:PORT] [--threads N] ...
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "src/http/service.h"

namespace {

constexpr const char* kUsage = R"(orgd - event-sourced organization and membership service

Usage:
  orgd serve [options]     serve the HTTP API on an embedded store
  orgd --help              this text

Options of serve:
  --data DIR               data directory (created if missing; default ./data)
  --listen HOST:PORT       address to listen on (default 127.0.0.1:8080; port 0 picks one)
  --threads N              HTTP threads (default: number of cores)
  --max-connections N      connections at once; more are refused with 503 (default 4096)
  --idle-timeout-ms N      longest wait for a request's headers (default 30000)
  --read-timeout-ms N      longest wait for a body or a reply's write (default 30000)

Environment:
  ORGD_ADMIN_KEY           on first start with an empty store, the site-admin API key to
                           register (otherwise one is generated and printed once)
  ORGD_LOG_LEVEL           trace, debug, info (default), warn, error
)";

bool ParseNumber(std::string_view s, long long* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= 0;
}

bool ParseListen(std::string_view s, orgd::http::ServerOptions* o) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  long long port = 0;
  if (!ParseNumber(s.substr(colon + 1), &port) || port > 65535) return false;
  std::string_view host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  o->host = std::string(host);
  o->port = static_cast<uint16_t>(port);
  return true;
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "orgd: %s\n(see orgd --help)\n", msg.c_str());
  return 2;
}

int Serve(const std::vector<std::string_view>& args) {
  orgd::http::ServiceOptions opt;
  opt.server.threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= args.size()) return Fail("missing value for " + std::string(flag));
    std::string_view value = args[++i];
    long long n = 0;
    bool number = ParseNumber(value, &n);
    if (flag == "--data") {
      opt.data_dir = std::string(value);
    } else if (flag == "--listen") {
      if (!ParseListen(value, &opt.server)) return Fail("--listen wants HOST:PORT");
    } else if (flag == "--threads" && number && n >= 1 && n <= 256) {
      opt.server.threads = static_cast<int>(n);
    } else if (flag == "--max-connections" && number && n >= 1) {
      opt.server.max_connections = static_cast<size_t>(n);
    } else if (flag == "--idle-timeout-ms" && number && n >= 1) {
      opt.server.idle_timeout = std::chrono::milliseconds(n);
    } else if (flag == "--read-timeout-ms" && number && n >= 1) {
      opt.server.read_timeout = std::chrono::milliseconds(n);
    } else {
      return Fail("bad option or value: " + std::string(flag) + " " + std::string(value));
    }
  }

  std::unique_ptr<orgd::http::Service> service;
  orgd::Status s = orgd::http::Service::Open(opt, &service);
  if (!s.ok()) return Fail("cannot open " + opt.data_dir + ": " + s.ToString());
  std::optional<std::string> given;
  if (const char* env = std::getenv("ORGD_ADMIN_KEY"); env && *env) given = env;
  auto boot = service->Bootstrap(given);
  if (!boot.ok()) return Fail("cannot register the admin key: " + boot.status().ToString());
  s = service->Listen();
  if (!s.ok()) return Fail(s.ToString());

  std::printf("orgd listening on http://%s:%u (data in %s)\n", opt.server.host.c_str(),
              service->port(), opt.data_dir.c_str());
  if (boot.value()) {
    if (given) {
      std::printf("site-admin API key: registered from ORGD_ADMIN_KEY\n");
    } else {
      std::printf("site-admin API key (shown once, only its SHA-256 is stored): %s\n",
                  boot.value()->c_str());
    }
  }
  std::fflush(stdout);
  service->Run();
  s = service->Close();
  if (!s.ok()) {
    spdlog::error("closing the store: {}", s.ToString());
    return 1;
  }
  spdlog::info("stopped cleanly");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (const char* level = std::getenv("ORGD_LOG_LEVEL")) {
    spdlog::set_level(spdlog::level::from_str(level));
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "serve") return Serve({args.begin() + 1, args.end()});
  return Fail("unknown command '" + std::string(args[0]) + "'");
}
