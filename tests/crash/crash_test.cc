// Crash test: a real orgd process under concurrent writes is killed with
// SIGKILL at random moments, over several rounds on the same data directory.
// After each kill the store must hold every write that got a 2xx, with
// gap-free positions, an intact hash chain and read models equal to a rebuild.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "src/projections/rebuild.h"
#include "storage/log_verify.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

constexpr char kAdminKey[] = "sk-crashtestcrashtestcrashtestcrashtest00";

// One blocking HTTP/1.1 connection; enough of a client to write and read small
// JSON exchanges. Any failure closes it.
class Connection {
 public:
  explicit Connection(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) Close();
  }
  ~Connection() { Close(); }
  bool open() const { return fd_ >= 0; }

  // Sends a request; returns the status (0 on any failure) and the body.
  int Exchange(const std::string& method, const std::string& target, const std::string& body,
               std::string* reply) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      kAdminKey + "\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body;
    if (!open() || send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
      Close();
      return 0;
    }
    return ReadResponse(reply);
  }

 private:
  int ReadResponse(std::string* body) {
    size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return 0;
    }
    std::string head = buf_.substr(0, header_end);
    size_t cl = head.find("Content-Length: ");
    size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
    while (buf_.size() < header_end + 4 + length) {
      if (!Fill()) return 0;
    }
    *body = buf_.substr(header_end + 4, length);
    buf_.erase(0, header_end + 4 + length);
    return std::stoi(head.substr(9, 3));
  }
  bool Fill() {
    char tmp[4096];
    ssize_t n = open() ? recv(fd_, tmp, sizeof tmp, 0) : -1;
    if (n <= 0) {
      Close();
      return false;
    }
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
  std::string buf_;
};

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

// A write that got a 2xx: the org stream and the version it reported.
struct Ack {
  uint64_t org_id;
  uint64_t version;
};

class CrashTest : public ::testing::Test {
 protected:
  // Starts `orgd serve` on dir_ and waits until /healthz answers.
  pid_t StartServer(uint16_t port) {
    pid_t pid = fork();
    if (pid == 0) {
      setenv("ORGD_ADMIN_KEY", kAdminKey, 1);
      setenv("ORGD_LOG_LEVEL", "warn", 1);
      std::string listen = "127.0.0.1:" + std::to_string(port);
      freopen("/dev/null", "w", stdout);
      execl(ORGD_BINARY, ORGD_BINARY, "serve", "--data", dir_.path().c_str(), "--listen",
            listen.c_str(), "--threads", "2", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      Connection c(port);
      std::string body;
      if (c.open() && c.Exchange("GET", "/healthz", "", &body) == 200) return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "orgd did not start on port " << port;
    return pid;
  }

  // One client: creates orgs and patches the ones it made until stop.
  void Client(uint16_t port, int round, int id, const std::atomic<bool>& stop) {
    Connection c(port);
    std::vector<uint64_t> mine;
    std::mt19937 rng(static_cast<unsigned>(round * 100 + id));
    for (int n = 0; !stop.load() && c.open(); ++n) {
      std::string body;
      int status;
      if (mine.empty() || rng() % 3 != 0) {
        std::string name = "r" + std::to_string(round) + "-c" + std::to_string(id) + "-" + std::to_string(n);
        status = c.Exchange("POST", "/api/v1/orgs", R"({"name":")" + name + R"("})", &body);
      } else {
        uint64_t org = mine[rng() % mine.size()];
        status = c.Exchange("PATCH", "/api/v1/orgs/" + std::to_string(org),
                            R"({"title":"t)" + std::to_string(n) + R"("})", &body);
      }
      if (status < 200 || status > 299) continue;
      auto j = nlohmann::json::parse(body);
      Ack ack{j.at("id").get<uint64_t>(), j.at("version").get<uint64_t>()};
      if (ack.version == 1) mine.push_back(ack.org_id);
      std::lock_guard<std::mutex> lock(mu_);
      acks_.push_back(ack);
    }
  }

  // Opens the killed server's store and checks everything the test promises.
  void CheckStore() {
    std::unique_ptr<EventStore> store;
    ASSERT_OK(EventStore::Open(DomainStoreOptions(dir_.path()), &store));
    VerifyReport report;
    ASSERT_OK(VerifyLog(*store, &report));
    EXPECT_EQ(report.problem, "") << "at position " << report.first_bad_position;
    EXPECT_EQ(report.events, store->last_position());
    for (const Ack& a : acks_) {
      uint64_t version = 0;
      ASSERT_OK(store->StreamVersion("org-" + std::to_string(a.org_id), &version));
      ASSERT_GE(version, a.version) << "acknowledged write lost: org " << a.org_id;
    }
    for (const auto& p : AllProjections()) {
      std::string scratch = "scratch." + std::string(p->name());
      ASSERT_OK(RebuildInto(store.get(), *p, scratch));
      std::string difference;
      ASSERT_OK(CompareColumnFamilies(store.get(), ColumnFamilyName(p->name()), scratch, &difference));
      EXPECT_EQ(difference, "") << p->name();
      ASSERT_OK(store->DropColumnFamily(scratch));
    }
    ASSERT_OK(store->Close());
  }

  TempDir dir_;
  std::mutex mu_;
  std::vector<Ack> acks_;
};

TEST_F(CrashTest, AcknowledgedWritesSurviveSigkillAcrossRounds) {
  constexpr int kRounds = 5;
  constexpr int kClients = 8;
  std::mt19937 rng(20261123);
  for (int round = 0; round < kRounds; ++round) {
    const uint16_t port = FreePort();
    pid_t pid = StartServer(port);
    ASSERT_GT(pid, 0);
    const size_t acks_before = acks_.size();
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] { Client(port, round, c, stop); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 600));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    stop = true;
    for (auto& t : clients) t.join();
    EXPECT_TRUE(WIFSIGNALED(wstatus)) << "orgd exited before the kill in round " << round;
    EXPECT_GT(acks_.size(), acks_before) << "no write was acknowledged in round " << round;
    CheckStore();
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace orgd::test
