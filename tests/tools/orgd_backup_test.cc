// `orgd backup`, run as a process: of a stopped store (checkpointed directly)
// and of a serving one under concurrent writes (checkpointed by the server,
// asked through its control socket). Every copy opens, verifies, serves, and
// holds a prefix of the log with read models at its end.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "src/http/control_socket.h"
#include "src/projections/core/rebuild.h"
#include "storage/event_store.h"
#include "storage/log_verify.h"
#include "tests/test_util.h"
#include "tests/process_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

constexpr char kAdminKey[] = "sk-backuptestbackuptestbackuptestbackup00";

// A write the server acknowledged: the org and the version it reported.
struct Ack {
  uint64_t org = 0;
  uint64_t version = 0;
};

class BackupTest : public ::testing::Test {
 protected:
  ToolRun Backup(const std::string& to, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"backup", "--data", data_, "--to", to};
    args.insert(args.end(), more.begin(), more.end());
    return RunTool(ORGD_BINARY, args);
  }

  // Checks everything a copy promises; returns its last position.
  uint64_t ExpectSoundCopy(const std::string& copy) {
    ToolRun verify = RunTool(ORGD_REPLAY_BINARY, {"verify", "--data", copy});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    std::unique_ptr<EventStore> store;
    EXPECT_OK(EventStore::Open(DomainStoreOptions(copy), &store));
    if (!store) return 0;
    for (const auto& p : AllProjections()) {  // its models stand at the end of its log
      const std::string scratch = "scratch." + std::string(p->name());
      EXPECT_OK(RebuildInto(store.get(), *p, scratch));
      std::string difference;
      EXPECT_OK(
          CompareColumnFamilies(store.get(), ColumnFamilyName(p->name()), scratch, &difference));
      EXPECT_EQ(difference, "") << p->name();
      EXPECT_OK(store->DropColumnFamily(scratch));
    }
    const uint64_t last = store->last_position();
    EXPECT_OK(store->Close());
    return last;
  }

  // True when the copy's records 1..N are byte for byte the source's.
  void ExpectPrefixOfSource(const std::string& copy, EventStore& source) {
    StoreOptions o = DomainStoreOptions(copy);
    o.read_only = true;
    std::unique_ptr<EventStore> store;
    ASSERT_OK(EventStore::Open(o, &store));
    auto a = store->NewLogIterator(1);
    auto b = source.NewLogIterator(1);
    for (; a->Valid(); a->Next(), b->Next()) {
      ASSERT_TRUE(b->Valid()) << "the copy is longer than the source";
      ASSERT_EQ(a->record(), b->record()) << "at position " << a->position();
    }
  }

  TempDir dir_;
  const std::string data_ = dir_.Sub("data");
};

TEST_F(BackupTest, StoppedStoreIsCheckpointedDirectlyAndTheCopyServes) {
  {
    WritePath path(DomainStoreOptions(data_));
    ASSERT_OK(path.Open());
    for (int i = 0; i < 30; ++i)
      ASSERT_OK(path.Run(MakeCreateOrg("org" + std::to_string(i))).error);
    ASSERT_OK(path.Close());
  }
  const std::string copy = dir_.Sub("copy");
  ToolRun run = Backup(copy, {"--verify"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("30 events (checkpointed directly)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("copy verified: 30 events"), std::string::npos) << run.out;
  EXPECT_EQ(ExpectSoundCopy(copy), 30u);

  ServerProcess server(ORGD_BINARY, copy, kAdminKey);
  ASSERT_TRUE(server.Start());
  HttpClient http(server.port(), kAdminKey);
  std::string body;
  ASSERT_EQ(http.Exchange("GET", "/api/v1/orgs/org29", "", &body), 200);
  EXPECT_EQ(json::parse(body)["id"], 30);
  EXPECT_EQ(server.Stop(), 0);
}

// Clients that create and patch orgs over HTTP until stopped, keeping every
// write the server acknowledged.
class WriteLoad {
 public:
  WriteLoad(uint16_t port, int clients) : port_(port) {
    for (int c = 0; c < clients; ++c) threads_.emplace_back([this, c] { Client(c); });
  }
  ~WriteLoad() { Stop(); }

  // The writes acknowledged so far.
  std::vector<Ack> acks() {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_;
  }
  void Stop() {
    stop_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void Client(int id) {
    HttpClient http(port_, kAdminKey);
    std::vector<uint64_t> mine;
    std::mt19937 rng(id);
    for (int n = 0; !stop_ && http.open(); ++n) {
      std::string body, tag = std::to_string(id) + "-" + std::to_string(n);
      const int status =
          mine.empty() || rng() % 3 != 0
              ? http.Exchange("POST", "/api/v1/orgs", R"({"name":"c)" + tag + R"("})", &body)
              : http.Exchange("PATCH", "/api/v1/orgs/" + std::to_string(mine[rng() % mine.size()]),
                              R"({"title":"t)" + tag + R"("})", &body);
      if (status < 200 || status > 299) continue;
      auto j = json::parse(body);
      Ack ack{j["id"].get<uint64_t>(), j["version"].get<uint64_t>()};
      if (ack.version == 1) mine.push_back(ack.org);
      std::lock_guard<std::mutex> lock(mu_);
      acks_.push_back(ack);
    }
  }

  const uint16_t port_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::vector<Ack> acks_;
};

TEST_F(BackupTest, BackupUnderConcurrentWritesIsAConsistentPrefix) {
  ServerProcess server(ORGD_BINARY, data_, kAdminKey);
  ASSERT_TRUE(server.Start());
  struct Taken {
    std::string dir;
    std::vector<Ack> acked_before;  // acknowledged before the backup began
    ToolRun run;
  };
  std::vector<Taken> taken;
  {
    WriteLoad load(server.port(), 4);
    for (int b = 0; b < 3; ++b) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      Taken t{dir_.Sub("copy" + std::to_string(b)), load.acks(), {}};
      t.run = Backup(t.dir);
      taken.push_back(std::move(t));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(server.Stop(), 0);
  EXPECT_GT(taken.back().acked_before.size(), taken.front().acked_before.size());

  std::unique_ptr<EventStore> source;
  ASSERT_OK(EventStore::Open(DomainStoreOptions(data_), &source));
  for (const Taken& t : taken) {
    ASSERT_EQ(t.run.exit_code, 0) << t.run.out << t.run.err;
    EXPECT_NE(t.run.out.find("checkpointed by the running server"), std::string::npos);
    const uint64_t last = ExpectSoundCopy(t.dir);
    EXPECT_NE(t.run.out.find(": " + std::to_string(last) + " events"), std::string::npos)
        << t.run.out;
    EXPECT_GT(source->last_position(), last) << "no write came after the backup";
    ExpectPrefixOfSource(t.dir, *source);
    std::unique_ptr<EventStore> copy;
    ASSERT_OK(EventStore::Open(DomainStoreOptions(t.dir), &copy));
    for (const Ack& a : t.acked_before) {
      uint64_t version = 0;
      ASSERT_OK(copy->StreamVersion("org-" + std::to_string(a.org), &version));
      ASSERT_GE(version, a.version) << "org " << a.org;
    }
  }
  ASSERT_OK(source->Close());
}

TEST_F(BackupTest, NonEmptyTargetIsRefused) {
  {
    WritePath path(DomainStoreOptions(data_));
    ASSERT_OK(path.Open());
    ASSERT_OK(path.Close());
  }
  ToolRun run = Backup(data_);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("is not an empty directory"), std::string::npos) << run.err;
  EXPECT_EQ(Backup(dir_.Sub("copy"), {"--timeout-s", "x"}).exit_code, 2);
  EXPECT_EQ(
      RunTool(ORGD_BINARY, {"backup", "--data", dir_.Sub("none"), "--to", dir_.Sub("c")}).exit_code,
      2);
}

TEST_F(BackupTest, StoreHeldByAnotherToolIsRefusedClearly) {
  WritePath path(DomainStoreOptions(data_));  // holds the lock, serves no control socket
  ASSERT_OK(path.Open());
  ToolRun run = Backup(dir_.Sub("copy"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("locked by a process that is not a server"), std::string::npos) << run.err;
}

TEST_F(BackupTest, InProcessBackupBesideTheWriterIsConsistent) {
  WritePath path(DomainStoreOptions(data_));
  ASSERT_OK(path.Open());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      std::vector<std::future<CommandOutcome>> done;
      for (int k = 0; k < 16; ++k)
        done.push_back(path.Submit(MakeCreateOrg("w" + std::to_string(i * 16 + k))));
      for (auto& f : done) EXPECT_OK(f.get().error);
    }
  });
  std::vector<std::pair<std::string, uint64_t>> copies;
  for (int b = 0; b < 3; ++b) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    uint64_t position = 0;
    copies.emplace_back(dir_.Sub("copy" + std::to_string(b)), 0);
    ASSERT_OK(path.store()->Backup(copies.back().first, &position));
    copies.back().second = position;
  }
  stop = true;
  writer.join();
  for (const auto& [dir, position] : copies) {
    EXPECT_GT(position, 0u);
    EXPECT_EQ(ExpectSoundCopy(dir), position);
    ExpectPrefixOfSource(dir, *path.store());
  }
}

TEST_F(BackupTest, ControlRequestsAreChecked) {
  WritePath path(DomainStoreOptions(data_));
  ASSERT_OK(path.Open());
  auto reply = [&](std::string_view request) {
    return json::parse(http::HandleControlRequest(
        [&path](const std::string& dir, uint64_t* p) { return path.store()->Backup(dir, p); },
        request));
  };
  EXPECT_EQ(reply("not json")["ok"], false);
  EXPECT_EQ(reply(R"({"op":"drop"})")["ok"], false);
  EXPECT_EQ(reply(R"({"op":"backup","to":"relative/dir"})")["ok"], false);
  EXPECT_EQ(reply(R"({"op":"backup","to":")" + data_ + R"("})")["ok"], false);  // not empty
  json ok = reply(R"({"op":"backup","to":")" + dir_.Sub("copy") + R"("})");
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["position"], 0);
}

}  // namespace
}  // namespace orgd::test
