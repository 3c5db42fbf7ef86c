// TestServer: a real orgd Service on a loopback port over a fresh store, for
// tests that speak HTTP to it; TestClient: one keep-alive connection to it
// with the native API's requests as helpers.
//
// A TestServer is driven by one test thread (Start, Stop and the accessors);
// its Service runs on a thread of its own. A TestClient is not shareable: use
// each one from a single thread. Every wait is bounded (RawClient::kWait).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "src/http/service.h"
#include "tests/http/raw_client.h"

namespace orgd {
class EventStore;
}

namespace orgd::test {

// The site-admin key every TestServer is bootstrapped with (a site key: no account).
inline constexpr char kTestAdminKey[] = "sk-test-admin-key-0123456789";

// A millisecond clock since the epoch that only moves when told to. Safe to
// read from any thread.
class ManualClock {
 public:
  // 2025-06-15T12:00:00Z: a realistic "now" for expiry times.
  static constexpr int64_t kStartMs = 1'750'000'000'000;

  int64_t now() const { return now_ms_.load(std::memory_order_acquire); }
  void Advance(int64_t ms) { now_ms_.fetch_add(ms, std::memory_order_acq_rel); }

 private:
  std::atomic<int64_t> now_ms_{kStartMs};
};

class TestClient;

class TestServer {
 public:
  using Tweak = std::function<void(http::ServiceOptions&)>;

  TestServer() = default;
  ~TestServer();  // Stop()s, ignoring errors.
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Opens a Service over data_dir, bootstraps kTestAdminKey, listens on a
  // free loopback port and runs it on a thread. The options start as tests
  // want them (2 I/O threads, no signals, no control socket, Argon2id at its
  // minimum cost, a 2-thread hashing pool, the api and writer clock being
  // clock()), then tweak adjusts them.
  Status Start(const std::string& data_dir, const Tweak& tweak = {});
  // Stops the server, waits for Run() to return and Close()s the service.
  // Idempotent.
  Status Stop();

  uint16_t port() const { return port_; }
  http::Service* service() const { return service_.get(); }
  EventStore* store() const;
  // The store's last log position: how many events were appended.
  uint64_t position() const;
  ManualClock& clock() { return *clock_; }

  // A new connection to this server. Fails the test (and returns a client
  // that answers nothing) when it cannot connect.
  std::unique_ptr<TestClient> NewClient() const;

 private:
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  std::unique_ptr<http::Service> service_;
  std::future<void> run_returned_;
  uint16_t port_ = 0;
};

// The value of an Authorization header that presents secret as a bearer token.
std::string Bearer(std::string_view secret);

// The JSON of a reply's body; a discarded value when it is not JSON.
nlohmann::json BodyOf(const RawResponse& r);
nlohmann::json BodyOf(const std::optional<RawResponse>& r);

// Passes when r arrived as status with {"error":{"code":code,"message":<non-empty>}}.
::testing::AssertionResult IsError(const std::optional<RawResponse>& r, int status,
                                   std::string_view code);
// Passes when r arrived with this status (the body is printed otherwise).
::testing::AssertionResult HasStatus(const std::optional<RawResponse>& r, int status);

// One request, from source_ip (a loopback address such as "127.0.0.7") on a
// connection of its own that closes after the reply: the server sees that
// client address. nullopt when it could not connect or no reply came.
std::optional<RawResponse> CallFrom(const std::string& source_ip, uint16_t port,
                                    std::string_view method, std::string_view target,
                                    std::string_view body = {}, const Headers& headers = {});

class TestClient {
 public:
  explicit TestClient(uint16_t port);
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // One exchange with Authorization: auth (none when empty) and the headers
  // given; a body is sent as JSON unless headers give a Content-Type.
  // Reconnects once when the server closed the connection.
  std::optional<RawResponse> Call(std::string_view method, std::string_view target,
                                  std::string_view body = {}, std::string_view auth = {},
                                  Headers headers = {});
  // The same, as the bootstrap site admin.
  std::optional<RawResponse> AsAdmin(std::string_view method, std::string_view target,
                                     std::string_view body = {}, Headers headers = {});

  // Domain helpers; each fails the test (ADD_FAILURE) and returns an empty
  // value when the server does not answer as expected.

  // POST /api/v1/accounts as the site admin with {email} and extra fields
  // (first_name, password, ...); the new account's id.
  std::string CreateAccount(std::string_view email,
                            nlohmann::json extra = nlohmann::json::object());
  // POST /api/v1/auth/login; the session token.
  std::string Login(std::string_view email, std::string_view password);
  // POST /api/v1/accounts/{account}/keys with body, by auth (the admin when
  // empty); the reply's JSON ({id, key, ...}).
  nlohmann::json IssueKey(std::string_view account, nlohmann::json body = nlohmann::json::object(),
                          std::string_view auth = {});
  // GET /api/v1/whoami with auth: the HTTP status.
  int WhoAmIStatus(std::string_view auth);

 private:
  const uint16_t port_;
  RawClient raw_;
};

}  // namespace orgd::test
