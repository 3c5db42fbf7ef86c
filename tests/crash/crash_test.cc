// Crash test: a real orgd process under concurrent writes (orgs, accounts
// and memberships) is killed with SIGKILL at random moments, over several rounds on
// the same data directory.
// After each kill the store must hold every write that got a 2xx, with
// gap-free positions, an intact hash chain and read models equal to a rebuild.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>
#include <vector>

#include "src/projections/core/rebuild.h"
#include "src/projections/members/member_projection.h"
#include "storage/log_verify.h"
#include "tests/process_util.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

constexpr char kAdminKey[] = "sk-crashtestcrashtestcrashtestcrashtest00";

// A write that got a 2xx: the stream it wrote and the version it reported.
struct Ack {
  std::string stream;
  uint64_t version;
};

class CrashTest : public ::testing::Test {
 protected:
  // One client until stop: creates orgs and patches the ones it made, and
  // creates accounts, alone and in batches.
  void Client(uint16_t port, int round, int id, const std::atomic<bool>& stop) {
    HttpClient c(port, kAdminKey);
    std::vector<uint64_t> mine;
    std::vector<std::string> my_accounts;
    std::mt19937 rng(static_cast<unsigned>(round * 100 + id));
    for (int n = 0; !stop.load() && c.open(); ++n) {
      const std::string tag = "r" + std::to_string(round) + "-c" + std::to_string(id) + "-" + std::to_string(n);
      std::string body;
      std::vector<Ack> acks;
      const unsigned pick = rng() % 8;
      if (pick >= 6 && !mine.empty() && !my_accounts.empty()) {  // a membership upsert
        const uint64_t org = mine[rng() % mine.size()];
        const std::string& account = my_accounts[rng() % my_accounts.size()];
        static const char* const kRoles[] = {"member", "editor", "viewer", "admin"};
        const int status =
            c.Exchange("PUT", "/api/v1/orgs/" + std::to_string(org) + "/members/" + account,
                       std::string(R"({"role":")") + kRoles[rng() % 4] + "\"}", &body);
        if (status != 200 && status != 201) continue;
        std::lock_guard<std::mutex> lock(mu_);
        member_acks_.emplace_back(org, account);
        continue;
      }
      if (pick >= 4) {
        const bool batch = pick == 5;
        std::string accounts;
        for (int i = 0; i < (batch ? 3 : 1); ++i) {
          if (i) accounts += ",";
          accounts += R"({"email":")" + tag + "-" + std::to_string(i) + R"(@crash.example","first_name":"Crash"})";
        }
        const int status = batch ? c.Exchange("POST", "/api/v1/accounts:batch",
                                              R"({"accounts":[)" + accounts + "]}", &body)
                                 : c.Exchange("POST", "/api/v1/accounts", accounts, &body);
        if (status != 201) continue;
        auto j = nlohmann::json::parse(body);
        for (const auto& a : batch ? j.at("accounts") : nlohmann::json::array({j})) {
          acks.push_back({"account-" + a.at("id").get<std::string>(), 1});
          my_accounts.push_back(a.at("id").get<std::string>());
        }
      } else {
        int status;
        if (mine.empty() || pick < 2) {
          status = c.Exchange("POST", "/api/v1/orgs", R"({"name":")" + tag + R"("})", &body);
        } else {
          uint64_t org = mine[rng() % mine.size()];
          status = c.Exchange("PATCH", "/api/v1/orgs/" + std::to_string(org),
                              R"({"title":"t)" + std::to_string(n) + R"("})", &body);
        }
        if (status < 200 || status > 299) continue;
        auto j = nlohmann::json::parse(body);
        const uint64_t org = j.at("id").get<uint64_t>();
        const uint64_t version = j.at("version").get<uint64_t>();
        if (version == 1) mine.push_back(org);
        acks.push_back({"org-" + std::to_string(org), version});
      }
      std::lock_guard<std::mutex> lock(mu_);
      acks_.insert(acks_.end(), acks.begin(), acks.end());
    }
  }

  // Opens the killed server's store and checks everything the test promises.
  void CheckStore() {
    std::unique_ptr<EventStore> store;
    ASSERT_OK(EventStore::Open(DomainStoreOptions(data_), &store));
    VerifyReport report;
    ASSERT_OK(VerifyLog(*store, &report));
    EXPECT_EQ(report.problem, "") << "at position " << report.first_bad_position;
    EXPECT_EQ(report.events, store->last_position());
    for (const Ack& a : acks_) {
      uint64_t version = 0;
      ASSERT_OK(store->StreamVersion(a.stream, &version));
      ASSERT_GE(version, a.version) << "acknowledged write lost: " << a.stream;
    }
    // Every acknowledged membership is in the members model.
    EXPECT_FALSE(member_acks_.empty()) << "the clients made no membership";
    auto members = store->ReadModel(store->FindModel(ColumnFamilyName(MemberProjection::kName)));
    ASSERT_NE(members, nullptr);
    for (const auto& [org, account] : member_acks_) {
      MemberRecord m;
      EXPECT_OK(MemberReader(*members).Find(org, account, &m))
          << "acknowledged membership lost: " << org << "/" << account;
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

  // Acknowledgements recorded after the first "before" of them.
  size_t AcksSince(size_t before) {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_.size() - before;
  }

  TempDir dir_;
  const std::string data_ = dir_.Sub("data");
  std::mutex mu_;
  std::vector<Ack> acks_;
  std::vector<std::pair<uint64_t, std::string>> member_acks_;
};

TEST_F(CrashTest, AcknowledgedWritesSurviveSigkillAcrossRounds) {
  constexpr int kRounds = 5;
  constexpr int kClients = 8;
  std::mt19937 rng(20261123);
  for (int round = 0; round < kRounds; ++round) {
    ServerProcess server(ORGD_BINARY, data_, kAdminKey);
    ASSERT_TRUE(server.Start()) << "orgd did not start in round " << round;
    const size_t acks_before = acks_.size();
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] { Client(server.port(), round, c, stop); });
    }
    // The kill comes at a random moment once writes flow: on a loaded
    // machine (a sanitizer build beside other work) the first
    // acknowledgement of a round can take longer than the random wait.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline && AcksSince(acks_before) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 600));
    const int exit_code = server.Kill(SIGKILL);
    stop = true;
    for (auto& t : clients) t.join();
    EXPECT_EQ(exit_code, 128 + SIGKILL) << "orgd exited before the kill in round " << round;
    EXPECT_GT(acks_.size(), acks_before) << "no write was acknowledged in round " << round;
    CheckStore();
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace orgd::test
