// orgd: the server binary.
//
//   orgd serve [--data DIR] [--listen HOST:PORT] [--threads N] ...
//   orgd backup --data DIR --to DIR2 [--verify]
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "src/commands/orgs/commands.h"
#include "src/http/control_socket.h"
#include "src/http/service.h"
#include "storage/event_store.h"
#include "storage/log_verify.h"

namespace {

constexpr const char* kUsage = R"(orgd - event-sourced organization and membership service

Usage:
  orgd serve [options]     serve the HTTP API on an embedded store
  orgd backup --data DIR --to DIR2 [--verify] [--timeout-s N]
                           a consistent copy of the store (a RocksDB checkpoint), also
                           while a server runs on DIR; DIR2 must not exist or be empty
  orgd --help              this text

Options of serve:
  --data DIR               data directory (created if missing; default ./data)
  --listen HOST:PORT       address to listen on (default 127.0.0.1:8080; port 0 picks one)
  --threads N              HTTP threads (default: number of cores)
  --max-connections N      connections at once; more are refused with 503 (default 4096)
  --idle-timeout-ms N      longest wait for a request's headers (default 30000)
  --read-timeout-ms N      longest wait for a body or a reply's write (default 30000)
  --public-url URL         where clients reach this server (access-token sign-in URLs;
                           session cookies are Secure when it is https); default
                           http://HOST:PORT of --listen
  --session-ttl-s N        lifetime of a session from POST /api/v1/auth/login (default 7 days)
  --impersonate-redirect URL  where /auth/impersonate sends the browser after signing
                           in (default: it replies with the account as JSON)
  --hash-threads N         threads hashing passwords (Argon2id; default: number of cores)
  --password-opslimit N    Argon2id passes (default 2, libsodium's interactive limit)
  --password-memlimit-kib N  Argon2id memory per hash (default 65536, interactive)
  --org-plans A,B,...      the plan catalog: the roles an org may have (each 1-64 of
                           a-z 0-9 _ -); the first is a new org's default plan
                           (default: default,guest,org_default)

Options of backup:
  --verify                 verify the copy's log afterwards (as orgd-replay verify)
  --timeout-s N            longest wait for a running server's answer (default 3600)
  When a server runs on DIR, it makes the checkpoint itself (asked through the socket
  DIR/orgd.ctl); otherwise backup opens DIR and makes it. Either way the copy holds
  whole write batches only, its read models at the end of its log, and it opens,
  verifies and serves (orgd serve --data DIR2).

Environment:
  ORGD_ADMIN_KEY           on first start with an empty store, the site-admin API key to
                           register (otherwise one is generated and printed once): "sk-"
                           and 22 to 64 characters of [0-9A-Za-z]; serve refuses to start
                           with any other value set, also on later starts
  ORGD_LOG_LEVEL           trace, debug, info (default), warn, error
)";

bool ParseNumber(std::string_view s, long long* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= 0;
}

// "a,b,c": the plan catalog; false for an empty list, a bad or a repeated name.
bool ParsePlans(std::string_view s, std::vector<std::string>* out) {
  std::vector<std::string> plans;
  while (true) {
    const size_t comma = s.find(',');
    std::string plan(s.substr(0, comma));
    if (!orgd::ValidatePlanName(plan).ok() ||
        std::find(plans.begin(), plans.end(), plan) != plans.end()) {
      return false;
    }
    plans.push_back(std::move(plan));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  *out = std::move(plans);
  return true;
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

// Verifies the log of the copy at dir; the exit status of orgd-replay verify.
int VerifyCopy(const std::string& dir) {
  orgd::StoreOptions so;
  so.path = dir;
  so.read_only = true;
  std::unique_ptr<orgd::EventStore> store;
  orgd::Status s = orgd::EventStore::Open(so, &store);
  orgd::VerifyReport r;
  if (s.ok()) s = orgd::VerifyLog(*store, &r);
  if (!s.ok()) return Fail("verifying the copy: " + s.ToString());
  if (!r.problem.empty()) {
    std::printf("copy BROKEN at position %llu: %s\n",
                static_cast<unsigned long long>(r.first_bad_position), r.problem.c_str());
    return 1;
  }
  std::printf("copy verified: %llu events, hash chain intact\n",
              static_cast<unsigned long long>(r.events));
  return 0;
}

int Serve(const std::vector<std::string_view>& args) {
  orgd::http::ServiceOptions opt;
  opt.server.threads = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  std::string public_url;
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
    } else if (flag == "--public-url" &&
               (value.starts_with("http://") || value.starts_with("https://"))) {
      public_url = std::string(value);
      while (public_url.size() > 8 && public_url.back() == '/') public_url.pop_back();
    } else if (flag == "--session-ttl-s" && number && n >= 60) {
      opt.auth.session_ttl_ms = n * 1000;
    } else if (flag == "--impersonate-redirect" && !value.empty()) {
      opt.auth.impersonate_redirect = std::string(value);
    } else if (flag == "--hash-threads" && number && n >= 1 && n <= 256) {
      opt.hash_pool.threads = static_cast<size_t>(n);
    } else if (flag == "--password-opslimit" && number && n >= 1 && n <= 64) {
      opt.auth.password.opslimit = static_cast<uint64_t>(n);
    } else if (flag == "--password-memlimit-kib" && number && n >= 8 && n <= 4 * 1024 * 1024) {
      opt.auth.password.memlimit = static_cast<size_t>(n) * 1024;
    } else if (flag == "--org-plans") {
      if (!ParsePlans(value, &opt.api.org_plans)) {
        return Fail(
            "--org-plans wants a comma-separated list of distinct plan names, each 1 to "
            "64 characters of a-z 0-9 _ -");
      }
    } else {
      return Fail("bad option or value: " + std::string(flag) + " " + std::string(value));
    }
  }

  opt.auth.public_url = !public_url.empty()
                            ? public_url
                            : "http://" + opt.server.host + ":" + std::to_string(opt.server.port);

  // Checked before the store is opened, so a bad key leaves no trace.
  std::optional<std::string> given;
  if (const char* env = std::getenv("ORGD_ADMIN_KEY"); env && *env) {
    if (orgd::Status v = orgd::ValidateApiKey(env); !v.ok()) {
      return Fail("ORGD_ADMIN_KEY is not a well-formed API key, so nothing was started or "
                  "written: " + v.message());
    }
    given = env;
  }
  std::unique_ptr<orgd::http::Service> service;
  orgd::Status s = orgd::http::Service::Open(opt, &service);
  if (!s.ok()) return Fail("cannot open " + opt.data_dir + ": " + s.ToString());
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

// Checkpoints the store at data into to: directly when no process holds the
// store, else through the control socket of the server that does.
orgd::Status Checkpoint(const std::string& data, const std::string& to, long long timeout_s,
                        uint64_t* position, bool* by_server) {
  std::vector<std::string> families;
  ORGD_RETURN_IF_ERROR(orgd::EventStore::ListColumnFamilies(data, &families));
  orgd::StoreOptions so;
  so.path = data;
  std::unique_ptr<orgd::EventStore> store;
  orgd::Status s = orgd::EventStore::Open(so, &store);
  *by_server = s.reason() == "store_locked";
  if (!*by_server) {
    ORGD_RETURN_IF_ERROR(s);
    ORGD_RETURN_IF_ERROR(store->Backup(to, position));
    return store->Close();
  }
  s = orgd::http::RequestBackup(orgd::http::ControlSocketPath(data), to,
                                std::chrono::seconds(timeout_s), position);
  if (s.reason() == "no_server") {
    return orgd::Status::Unavailable("the store is locked by a process that is not a server "
                                     "(orgd-rebuild?); wait for it to finish. " + s.message());
  }
  return s;
}

int Backup(const std::vector<std::string_view>& args) {
  std::string data, to;
  long long timeout_s = 3600;
  bool verify = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--verify") {
      verify = true;
      continue;
    }
    if (i + 1 >= args.size()) return Fail("missing value for " + std::string(args[i]));
    std::string_view flag = args[i], value = args[++i];
    if (flag == "--data") data = value;
    else if (flag == "--to") to = value;
    else if (flag != "--timeout-s" || !ParseNumber(value, &timeout_s) || timeout_s < 1) {
      return Fail("bad option or value: " + std::string(flag) + " " + std::string(value));
    }
  }
  if (data.empty() || to.empty()) return Fail("backup needs --data DIR and --to DIR2");
  // The server resolves the path, perhaps from another working directory.
  to = std::filesystem::absolute(to).lexically_normal().string();
  uint64_t position = 0;
  bool by_server = false;
  orgd::Status s = Checkpoint(data, to, timeout_s, &position, &by_server);
  if (!s.ok()) return Fail("backup failed: " + s.ToString());
  std::printf("backup of %s written to %s: %llu events (%s)\n", data.c_str(), to.c_str(),
              static_cast<unsigned long long>(position),
              by_server ? "checkpointed by the running server" : "checkpointed directly");
  if (!verify) return 0;
  return VerifyCopy(to);
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
  if (args[0] == "backup") return Backup({args.begin() + 1, args.end()});
  return Fail("unknown command '" + std::string(args[0]) + "'");
}
