#include "tests/http/test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <utility>

#include "common/password.h"
#include "src/http/core/message.h"
#include "storage/event_store.h"
#include "tests/test_util.h"

namespace orgd::test {

using nlohmann::json;
using namespace std::chrono_literals;

TestServer::~TestServer() { Stop().PermitUncheckedError(); }

Status TestServer::Start(const std::string& data_dir, const Tweak& tweak) {
  http::ServiceOptions options;
  options.data_dir = data_dir;
  options.control_socket = false;
  options.server.port = 0;
  options.server.threads = 2;
  options.server.handle_signals = false;
  options.auth.password = PasswordLimits{kPasswordOpsLimitMin, kPasswordMemLimitMin};
  options.hash_pool = http::WorkPoolOptions{2, 256};
  std::shared_ptr<ManualClock> clock = clock_;
  options.api.clock = [clock] { return clock->now(); };
  if (tweak) tweak(options);
  ORGD_RETURN_IF_ERROR(http::Service::Open(options, &service_));
  Result<std::optional<std::string>> key = service_->Bootstrap(std::string(kTestAdminKey));
  ORGD_RETURN_IF_ERROR(key.status());
  ORGD_RETURN_IF_ERROR(service_->Listen());
  port_ = service_->port();
  http::Service* service = service_.get();
  run_returned_ = std::async(std::launch::async, [service] { service->Run(); });
  return Status::OK();
}

Status TestServer::Stop() {
  if (!service_) return Status::OK();
  service_->Stop();
  if (run_returned_.valid() && run_returned_.wait_for(10s) != std::future_status::ready) {
    return Status::Internal("Run() did not return within 10 s of Stop()");
  }
  Status closed = service_->Close();
  service_.reset();
  return closed;
}

EventStore* TestServer::store() const { return service_ ? service_->store() : nullptr; }

uint64_t TestServer::position() const { return store() ? store()->last_position() : 0; }

std::unique_ptr<TestClient> TestServer::NewClient() const {
  return std::make_unique<TestClient>(port_);
}

std::string Bearer(std::string_view secret) { return "Bearer " + std::string(secret); }

json BodyOf(const RawResponse& r) {
  return json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}
json BodyOf(const std::optional<RawResponse>& r) {
  return r ? BodyOf(*r) : json(json::value_t::discarded);
}

::testing::AssertionResult IsError(const std::optional<RawResponse>& r, int status,
                                   std::string_view code) {
  if (!r) return ::testing::AssertionFailure() << "no response";
  json j = BodyOf(*r);
  if (r->status == status && j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].value("code", "") == code && !j["error"].value("message", "").empty()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected " << status << " " << code << ", got " << r->status << " " << r->body;
}

::testing::AssertionResult HasStatus(const std::optional<RawResponse>& r, int status) {
  if (!r) return ::testing::AssertionFailure() << "no response (expected " << status << ")";
  if (r->status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << status << ", got " << r->status << " " << r->body;
}

namespace {

// Reads until the peer closes or the deadline passes.
std::string ReadAll(int fd, std::chrono::steady_clock::time_point deadline) {
  std::string out;
  char chunk[16 * 1024];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(chunk, static_cast<size_t>(n));
  }
  return out;
}

// A whole response read up to the close: status line, headers, the rest as body.
std::optional<RawResponse> ParseClosedResponse(std::string_view bytes) {
  const size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos || !bytes.starts_with("HTTP/1.") || bytes.size() < 12) {
    return std::nullopt;
  }
  RawResponse r;
  r.status = std::atoi(std::string(bytes.substr(9, 3)).c_str());
  std::string_view head = bytes.substr(0, head_end);
  size_t eol = head.find("\r\n");
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  r.body = std::string(bytes.substr(head_end + 4));
  return r;
}

}  // namespace

std::optional<RawResponse> CallFrom(const std::string& source_ip, uint16_t port,
                                    std::string_view method, std::string_view target,
                                    std::string_view body, const Headers& headers) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in src{};
  src.sin_family = AF_INET;
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::optional<RawResponse> out;
  if (::inet_pton(AF_INET, source_ip.c_str(), &src.sin_addr) == 1 &&
      ::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src) == 0 &&
      ::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0) {
    Headers all = headers;
    all.emplace_back("Connection", "close");
    if (!body.empty()) all.emplace_back("Content-Type", "application/json");
    std::string request = FormatRequest(method, target, body, all);
    std::string_view left = request;
    bool sent = true;
    while (sent && !left.empty()) {
      ssize_t n = ::send(fd, left.data(), left.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      sent = n > 0;
      if (sent) left.remove_prefix(static_cast<size_t>(n));
    }
    if (sent)
      out = ParseClosedResponse(ReadAll(fd, std::chrono::steady_clock::now() + RawClient::kWait));
  }
  ::close(fd);
  return out;
}

TestClient::TestClient(uint16_t port) : port_(port) {
  if (!raw_.Connect(port_)) ADD_FAILURE() << "cannot connect to 127.0.0.1:" << port_;
}

std::optional<RawResponse> TestClient::Call(std::string_view method, std::string_view target,
                                            std::string_view body, std::string_view auth,
                                            Headers headers) {
  if (!auth.empty()) headers.emplace_back("Authorization", std::string(auth));
  const bool typed = std::any_of(headers.begin(), headers.end(), [](const auto& h) {
    return http::EqualsIgnoreCase(h.first, "Content-Type");
  });
  if (!body.empty() && !typed) headers.emplace_back("Content-Type", "application/json");
  const std::string request = FormatRequest(method, target, body, headers);
  std::optional<RawResponse> r = raw_.RoundTrip(request);
  if (!r && raw_.Connect(port_)) r = raw_.RoundTrip(request);
  return r;
}

std::optional<RawResponse> TestClient::AsAdmin(std::string_view method, std::string_view target,
                                               std::string_view body, Headers headers) {
  return Call(method, target, body, Bearer(kTestAdminKey), std::move(headers));
}

std::string TestClient::CreateAccount(std::string_view email, json extra) {
  extra["email"] = std::string(email);
  auto r = AsAdmin("POST", "/api/v1/accounts", extra.dump());
  if (!r || r->status != 201 || !BodyOf(*r).contains("id")) {
    ADD_FAILURE() << "create account " << email << ": " << (r ? r->body : "no response");
    return "";
  }
  return BodyOf(*r)["id"].get<std::string>();
}

std::string TestClient::Login(std::string_view email, std::string_view password) {
  auto r = Call("POST", "/api/v1/auth/login",
                json{{"email", std::string(email)}, {"password", std::string(password)}}.dump());
  if (!r || r->status != 200 || !BodyOf(*r).contains("token")) {
    ADD_FAILURE() << "login " << email << ": " << (r ? r->body : "no response");
    return "";
  }
  return BodyOf(*r)["token"].get<std::string>();
}

json TestClient::IssueKey(std::string_view account, json body, std::string_view auth) {
  auto r = Call("POST", "/api/v1/accounts/" + std::string(account) + "/keys", body.dump(),
                auth.empty() ? Bearer(kTestAdminKey) : std::string(auth));
  if (!r || r->status != 201 || !BodyOf(*r).contains("key")) {
    ADD_FAILURE() << "issue key for " << account << ": " << (r ? r->body : "no response");
    return json::object();
  }
  return BodyOf(*r);
}

int TestClient::WhoAmIStatus(std::string_view auth) {
  auto r = Call("GET", "/api/v1/whoami", {}, auth);
  return r ? r->status : 0;
}

}  // namespace orgd::test
