#include "src/http/core/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "src/commands/core/writer.h"
#include "src/http/service.h"
#include "storage/event_store.h"
#include "tests/http/raw_client.h"
#include "tests/test_util.h"

namespace orgd::http {
namespace {

using nlohmann::json;
using test::Headers;
using test::RawClient;
using test::RawResponse;
using namespace std::chrono_literals;

constexpr char kAdminKey[] = "sk-test-admin-key-0123456789";

json BodyOf(const RawResponse& r) { return json::parse(r.body, nullptr, false); }

// The response's status, or 0 when none arrived.
int StatusOf(const std::optional<RawResponse>& r) { return r ? r->status : 0; }

// Passes when r arrived as status with {"error":{"code":code,...}}.
::testing::AssertionResult IsError(const std::optional<RawResponse>& r, int status,
                                   std::string_view code) {
  if (!r) return ::testing::AssertionFailure() << "no response: the connection closed";
  json j = BodyOf(*r);
  if (r->status == status && j.is_object() && j.contains("error") &&
      j["error"].value("code", "") == code) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected " << status << " " << code << ", got " << r->status << " " << r->body;
}

// Polls cond every few milliseconds for up to 5 s.
bool WaitUntil(const std::function<bool()>& cond) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// Holds the writer before its first commit until Open(): a request stays in
// flight for as long as a test needs.
class Gate {
 public:
  // The writer's before-commit hook.
  void Pass() {
    if (!first_.exchange(false)) return;
    entered_.set_value();
    opened_.wait();
  }
  bool WaitEntered() { return entered_future_.wait_for(5s) == std::future_status::ready; }
  void Open() {
    if (!is_open_.exchange(true)) open_.set_value();
  }

 private:
  std::atomic<bool> first_{true};
  std::atomic<bool> is_open_{false};
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> open_;
  std::shared_future<void> opened_ = open_.get_future().share();
};

// A real orgd on a loopback port over a fresh store, with a bootstrapped
// site-admin key. Subclasses change Options() for limit and timeout tests.
class ServerTest : public ::testing::Test {
 protected:
  virtual ServerOptions Options() const {
    ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.handle_signals = false;
    return o;
  }

  void SetUp() override {
    ServiceOptions options;
    options.data_dir = dir_.Sub("data");
    options.server = Options();
    ASSERT_OK(Service::Open(options, &service_));
    ASSERT_OK(service_->Bootstrap(std::string(kAdminKey)));
    ASSERT_EQ(Position(), 1u);  // the ApiKeyIssued event
    ASSERT_OK(service_->Listen());
    port_ = service_->port();
    run_returned_ = std::async(std::launch::async, [this] { service_->Run(); });
  }

  void TearDown() override {
    if (gate_) gate_->Open();
    if (!service_ || closed_) return;
    service_->Stop();
    if (run_returned_.valid()) run_returned_.wait();
    EXPECT_OK(service_->Close());
  }

  uint64_t Position() const { return service_->store()->last_position(); }
  ConnectionStats& Connections() { return service_->api()->connection_stats(); }

  // Stops the server, waits for Run() to return and closes the store.
  ::testing::AssertionResult StopAndClose() {
    service_->Stop();
    if (run_returned_.wait_for(10s) != std::future_status::ready) {
      return ::testing::AssertionFailure() << "Run() did not return within 10 s of Stop()";
    }
    closed_ = true;
    return test::AssertStatus("Close()", service_->Close());
  }

  // The bytes of a request with the admin's key (and a JSON body, if any).
  static std::string Req(std::string_view method, std::string_view target,
                         std::string_view body = {}, Headers extra = {}) {
    extra.emplace_back("Authorization", std::string("Bearer ") + kAdminKey);
    if (!body.empty()) extra.emplace_back("Content-Type", "application/json");
    return test::FormatRequest(method, target, body, extra);
  }
  static std::string CreateReq(std::string_view name) {
    return Req("POST", "/api/v1/orgs", json{{"name", name}}.dump());
  }

  // One request on a new connection.
  std::optional<RawResponse> Exchange(std::string_view request) {
    RawClient c;
    if (!c.Connect(port_)) return std::nullopt;
    return c.RoundTrip(request);
  }

  // The server's /api/v1/orgs/<org> status, asked on a new connection.
  int OrgStatus(std::string_view org) {
    return StatusOf(Exchange(Req("GET", "/api/v1/orgs/" + std::string(org))));
  }

  test::TempDir dir_;
  std::unique_ptr<Service> service_;
  uint16_t port_ = 0;
  std::future<void> run_returned_;
  std::shared_ptr<Gate> gate_;
  bool closed_ = false;
};

TEST_F(ServerTest, CreateGetPatchDeleteOverTheWire) {
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  auto created = c.RoundTrip(Req("POST", "/api/v1/orgs", R"({"name":"acme","title":"Acme"})"));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(created->Header("ETag"), "\"1\"");
  EXPECT_EQ(created->Header("Content-Type"), "application/json");
  EXPECT_EQ(BodyOf(*created)["title"], "Acme");

  auto got = c.RoundTrip(Req("GET", "/api/v1/orgs/acme"));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, created->body);

  auto patched =
      c.RoundTrip(Req("PATCH", "/api/v1/orgs/acme", R"({"title":"New"})", {{"If-Match", "\"1\""}}));
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(patched->Header("ETag"), "\"2\"");
  EXPECT_EQ(BodyOf(*patched)["title"], "New");

  auto deleted = c.RoundTrip(Req("DELETE", "/api/v1/orgs/acme"));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->status, 204);
  EXPECT_TRUE(deleted->body.empty());
  EXPECT_EQ(deleted->Header("Content-Length"), std::nullopt);

  EXPECT_TRUE(IsError(c.RoundTrip(Req("GET", "/api/v1/orgs/acme")), 404, "unknown_org"));
  EXPECT_EQ(Position(), 4u);
}

// The head of a reply, byte for byte: the status line with its reason, the
// server's own headers, the handler's, the length, and the connection's fate
// as the request's version and Connection header ask (RFC 9112 §9.3).
TEST_F(ServerTest, ReplyHeadsAreExactlyTheStatusLineTheHeadersAndTheLength) {
  const std::string admin = std::string("Authorization: Bearer ") + kAdminKey + "\r\n";
  std::vector<std::string> replies = ServeBytes(
      service_->api(),
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-1\r\n\r\n"
      "GET /nowhere HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-2\r\n\r\n"
      "POST /api/v1/orgs HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-3\r\n" + admin +
      "Content-Length: 15\r\n\r\n{\"name\":\"acme\"}"
      "DELETE /api/v1/orgs/acme HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-4\r\n" + admin +
      "Connection: close\r\n\r\n");
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0],
            "HTTP/1.1 200 OK\r\nServer: orgd\r\nContent-Type: application/json\r\n"
            "X-Request-Id: r-1\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}");
  EXPECT_TRUE(replies[1].starts_with("HTTP/1.1 404 Not Found\r\nServer: orgd\r\n"
                                     "Content-Type: application/json\r\nX-Request-Id: r-2\r\n"
                                     "Content-Length: "))
      << replies[1];
  EXPECT_TRUE(replies[2].starts_with("HTTP/1.1 201 Created\r\n")) << replies[2];
  EXPECT_NE(replies[2].find("\r\nETag: \"1\"\r\n"), std::string::npos) << replies[2];
  // A 204 has no Content-Length and no Content-Type; the client asked to close.
  EXPECT_EQ(replies[3],
            "HTTP/1.1 204 No Content\r\nServer: orgd\r\nETag: \"2\"\r\nX-Request-Id: r-4\r\n"
            "Connection: close\r\n\r\n");

  // HTTP/1.0: keep-alive only when asked for, and then said so.
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto kept = c.Read();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->Header("Connection"), "keep-alive");
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.0\r\n\r\n"));
  auto last = c.Read();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->status, 200);
  EXPECT_EQ(last->Header("Connection"), std::nullopt);
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  for (int i = 0; i < 5; ++i) {
    auto r = c.RoundTrip(Req("GET", "/healthz"));
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("Connection"), std::nullopt);
  }
  auto created = c.RoundTrip(CreateReq("acme"));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(Connections().accepted.load(), 1u);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send(CreateReq("acme") + Req("GET", "/api/v1/orgs/acme") +
                     Req("GET", "/api/v1/orgs/nope")));
  auto first = c.Read();
  auto second = c.Read();
  auto third = c.Read();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->status, 201);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(BodyOf(*second)["name"], "acme");
  EXPECT_EQ(third->status, 404);
}

TEST_F(ServerTest, MalformedJsonGets400AndTheConnectionStaysUsable) {
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  EXPECT_TRUE(
      IsError(c.RoundTrip(Req("POST", "/api/v1/orgs", R"({"name":)")), 400, "malformed_json"));
  auto health = c.RoundTrip(Req("GET", "/healthz"));
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Position(), 1u);
}

// A create request whose JSON body is exactly size bytes long.
std::string CreateBodyOfSize(size_t size) {
  std::string body = R"({"name":"big","title":")";
  body.append(size - body.size() - 2, 'x');
  return body + "\"}";
}

TEST_F(ServerTest, OversizedBodyGets413AndWritesNothing) {
  const size_t limit = Options().body_limit;
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  c.Send(Req("POST", "/api/v1/orgs", CreateBodyOfSize(limit + 1)));  // may fail part-way
  auto r = c.Read();
  EXPECT_TRUE(IsError(r, 413, "body_too_large"));
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(OrgStatus("big"), 404);
}

TEST_F(ServerTest, BodyOfExactlyTheLimitIsReadAndJudged) {
  // The body is read in full; the decision then refuses the over-long title.
  auto r = Exchange(Req("POST", "/api/v1/orgs", CreateBodyOfSize(Options().body_limit)));
  EXPECT_TRUE(IsError(r, 400, "invalid_title"));
  EXPECT_EQ(Position(), 1u);
}

// data as one chunk of a chunked body.
std::string Chunk(std::string_view data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + std::string(data) + "\r\n";
}

TEST_F(ServerTest, OversizedChunkedBodyGets413AndWritesNothing) {
  std::string request = "POST /api/v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        std::string(kAdminKey) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  request += Chunk(R"({"name":"big","title":")");
  const std::string filler(64 * 1024, 'x');
  for (size_t sent = 0; sent <= Options().body_limit; sent += filler.size())
    request += Chunk(filler);
  request += Chunk("\"}") + Chunk("");
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  c.Send(request);  // may fail part-way: the server stops reading at the limit
  EXPECT_TRUE(IsError(c.Read(), 413, "body_too_large"));
  EXPECT_EQ(Position(), 1u);
}

TEST_F(ServerTest, OversizedHeadersGet431AndWriteNothing) {
  std::string filler(Options().header_limit + 1, 'h');
  auto r = Exchange(Req("POST", "/api/v1/orgs", R"({"name":"acme"})", {{"X-Filler", filler}}));
  EXPECT_TRUE(IsError(r, 431, "headers_too_large"));
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(OrgStatus("acme"), 404);
}

TEST_F(ServerTest, GarbageRequestLineGets400AndTheConnectionCloses) {
  for (std::string_view garbage :
       {std::string_view("HELLO\r\n\r\n"), std::string_view("GET /healthz\r\n\r\n"),
        std::string_view("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11),
        std::string_view("GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n")}) {
    RawClient c;
    ASSERT_TRUE(c.Connect(port_));
    ASSERT_TRUE(c.Send(garbage));
    auto r = c.Read();
    EXPECT_TRUE(IsError(r, 400, "bad_request")) << garbage;
    EXPECT_TRUE(c.WaitClosed()) << garbage;
  }
}

// A create of org "smug" whose framing headers are given.
std::string SmuggledCreate(std::string_view framing, std::string_view body) {
  return "POST /api/v1/orgs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
         std::string(kAdminKey) + "\r\n" + std::string(framing) + "\r\n" + std::string(body);
}

constexpr std::string_view kSmugBody = R"({"name":"smug"})";  // 15 bytes
constexpr std::string_view kSmugChunked = "f\r\n{\"name\":\"smug\"}\r\n0\r\n\r\n";

TEST_F(ServerTest, ContentLengthWithTransferEncodingIsRefusedAndWritesNothing) {
  for (std::string_view framing : {"Content-Length: 15\r\nTransfer-Encoding: chunked\r\n",
                                   "Transfer-Encoding: chunked\r\nContent-Length: 15\r\n"}) {
    RawClient c;
    ASSERT_TRUE(c.Connect(port_));
    ASSERT_TRUE(c.Send(SmuggledCreate(framing, kSmugChunked)));
    EXPECT_TRUE(IsError(c.Read(), 400, "bad_request")) << framing;
    EXPECT_TRUE(c.WaitClosed()) << framing;
  }
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(OrgStatus("smug"), 404);
}

TEST_F(ServerTest, ConflictingContentLengthsAreRefusedAndWriteNothing) {
  for (std::string_view framing :
       {"Content-Length: 15\r\nContent-Length: 16\r\n",
        "Content-Length: 16\r\nContent-Length: 15\r\n", "Content-Length: 15, 16\r\n",
        "Content-Length: -15\r\n", "Content-Length: 0x0f\r\n"}) {
    RawClient c;
    ASSERT_TRUE(c.Connect(port_));
    ASSERT_TRUE(c.Send(SmuggledCreate(framing, std::string(kSmugBody) + " ")));
    EXPECT_TRUE(IsError(c.Read(), 400, "bad_request")) << framing;
    EXPECT_TRUE(c.WaitClosed()) << framing;
  }
  EXPECT_EQ(Position(), 1u);
  EXPECT_EQ(OrgStatus("smug"), 404);
}

TEST_F(ServerTest, WrongMethodGets405WithAllow) {
  auto r = Exchange(Req("PUT", "/api/v1/orgs", R"({"name":"acme"})"));
  ASSERT_TRUE(IsError(r, 405, "method_not_allowed"));
  EXPECT_EQ(r->Header("Allow"), "POST, GET");
  EXPECT_EQ(Position(), 1u);
}

TEST_F(ServerTest, UnknownRouteGets404) {
  EXPECT_TRUE(IsError(Exchange(Req("GET", "/api/v1/nothing")), 404, "no_route"));
}

TEST_F(ServerTest, MissingOrWrongCredentialsGet401) {
  auto missing = Exchange(test::FormatRequest("GET", "/api/v1/orgs"));
  ASSERT_TRUE(IsError(missing, 401, "missing_credentials"));
  EXPECT_EQ(missing->Header("WWW-Authenticate"), "Bearer realm=\"orgd\"");
  auto wrong = Exchange(test::FormatRequest("POST", "/api/v1/orgs", R"({"name":"acme"})",
                                            {{"Authorization", "Bearer sk-wrong"}}));
  EXPECT_TRUE(IsError(wrong, 401, "invalid_credentials"));
  EXPECT_EQ(Position(), 1u);
}

TEST_F(ServerTest, StopLetsARequestInFlightFinishWhileReadyzSaysDraining) {
  gate_ = std::make_shared<Gate>();
  service_->writer()->TEST_SetBeforeCommitHook([gate = gate_](size_t) { gate->Pass(); });
  RawClient idle;
  ASSERT_TRUE(idle.Connect(port_));
  ASSERT_EQ(StatusOf(idle.RoundTrip(Req("GET", "/readyz"))), 200);
  RawClient writer;
  ASSERT_TRUE(writer.Connect(port_));
  ASSERT_TRUE(writer.Send(CreateReq("acme")));
  ASSERT_TRUE(gate_->WaitEntered());  // the create now waits in the writer

  service_->Stop();
  // The listener closes once the drain has begun.
  ASSERT_TRUE(WaitUntil([&] { return !RawClient().Connect(port_); }));
  auto ready = idle.RoundTrip(Req("GET", "/readyz"));
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(ready->body, R"({"status":"draining"})");
  EXPECT_EQ(ready->Header("Connection"), "close");
  EXPECT_NE(run_returned_.wait_for(50ms), std::future_status::ready);

  gate_->Open();
  auto created = writer.Read();
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  EXPECT_EQ(created->Header("Connection"), "close");
  EXPECT_TRUE(StopAndClose());
}

TEST_F(ServerTest, StopWithNothingInFlightReturnsAndTheStoreClosesCleanly) {
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_EQ(StatusOf(c.RoundTrip(CreateReq("acme"))), 201);
  EXPECT_TRUE(StopAndClose());
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, ConcurrentCreatesAllSucceedAndAppendOneEventEach) {
  constexpr int kThreads = 8, kPerThread = 50;
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      RawClient c;
      if (!c.Connect(port_)) return;
      for (int i = 0; i < kPerThread; ++i) {
        auto r = c.RoundTrip(CreateReq("org-" + std::to_string(t) + "-" + std::to_string(i)));
        if (r && r->status == 201) ++created;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kThreads * kPerThread);
  EXPECT_EQ(Position(), 1u + kThreads * kPerThread);
  auto list = Exchange(Req("GET", "/api/v1/orgs?per_page=1"));
  ASSERT_TRUE(list);
  EXPECT_EQ(BodyOf(*list)["total"], kThreads * kPerThread);
}

// ------------------------------------------------------------- timeouts

class IdleTimeoutTest : public ServerTest {
 protected:
  static constexpr auto kIdle = 300ms;
  ServerOptions Options() const override {
    ServerOptions o = ServerTest::Options();
    o.idle_timeout = kIdle;
    return o;
  }
};

TEST_F(IdleTimeoutTest, IdleKeepAliveConnectionIsClosed) {
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_EQ(StatusOf(c.RoundTrip(Req("GET", "/healthz"))), 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.WaitClosed(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, kIdle - 100ms);
}

TEST_F(IdleTimeoutTest, ConnectionThatNeverFinishesItsHeadersIsClosed) {
  RawClient c;
  ASSERT_TRUE(c.Connect(port_));
  ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_TRUE(c.WaitClosed(5s));
  RawClient silent;
  ASSERT_TRUE(silent.Connect(port_));
  EXPECT_TRUE(silent.WaitClosed(5s));
}

// ------------------------------------------------------ connection limit

class ConnectionLimitTest : public ServerTest {
 protected:
  static constexpr size_t kLimit = 4;
  ServerOptions Options() const override {
    ServerOptions o = ServerTest::Options();
    o.max_connections = kLimit;
    return o;
  }
};

TEST_F(ConnectionLimitTest, ConnectionOverTheLimitGets503AndIsClosed) {
  RawClient held[kLimit];
  for (RawClient& c : held) {
    ASSERT_TRUE(c.Connect(port_));
    ASSERT_EQ(StatusOf(c.RoundTrip(Req("GET", "/healthz"))), 200);
  }
  RawClient over;
  ASSERT_TRUE(over.Connect(port_));
  auto r = over.Read();
  ASSERT_TRUE(IsError(r, 503, "too_many_connections"));
  EXPECT_EQ(r->Header("Retry-After"), "1");
  EXPECT_TRUE(over.WaitClosed());
  EXPECT_EQ(Connections().rejected.load(), 1u);
  for (RawClient& c : held) EXPECT_EQ(StatusOf(c.RoundTrip(Req("GET", "/healthz"))), 200);
}

TEST_F(ConnectionLimitTest, ClosingAConnectionFreesItsSlot) {
  RawClient held[kLimit];
  for (RawClient& c : held) {
    ASSERT_TRUE(c.Connect(port_));
    ASSERT_EQ(StatusOf(c.RoundTrip(Req("GET", "/healthz"))), 200);
  }
  held[0].Close();
  ASSERT_TRUE(WaitUntil([&] { return Connections().open.load() < static_cast<int64_t>(kLimit); }));
  RawClient next;
  ASSERT_TRUE(next.Connect(port_));
  auto r = next.RoundTrip(Req("GET", "/healthz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Connections().rejected.load(), 0u);
}

}  // namespace
}  // namespace orgd::http
