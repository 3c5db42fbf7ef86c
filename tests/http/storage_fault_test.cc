// Storage faults under a real server: a write-ahead-log write that fails, an
// fsync that fails, a disk that fills up, each at a chosen moment (a batch of
// several commands on its way to the disk). For each fault:
//  - every reply of the failed batch is a 503 with a clear error, while the
//    batch committed just before it was acknowledged and stays;
//  - nothing of the failed batch is visible, in the server or on disk;
//  - the writer then refuses writes at once, /readyz says how (recovering or
//    read-only), and reads keep working;
//  - after the fault clears the service recovers (by itself on a full disk,
//    by a restart otherwise) with every acknowledged write, a sound log and
//    read models equal to a rebuild.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <ostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "src/commands/core/writer.h"
#include "src/http/service.h"
#include "src/projections/core/rebuild.h"
#include "storage/event_store.h"
#include "storage/log_verify.h"
#include "tests/fault_injection_fs.h"
#include "tests/http/raw_client.h"
#include "tests/test_util.h"

namespace orgd::http {
namespace {

using nlohmann::json;
using test::RawClient;
using test::RawResponse;
using namespace std::chrono_literals;

constexpr char kAdminKey[] = "sk-storage-fault-admin-key-0123456789";
constexpr int kDoomed = 4;  // commands in the batch that fails

std::string Req(std::string_view method, std::string_view target, std::string_view body = {}) {
  test::Headers h{{"Authorization", std::string("Bearer ") + kAdminKey}};
  if (!body.empty()) h.emplace_back("Content-Type", "application/json");
  return test::FormatRequest(method, target, body, h);
}

std::string Create(std::string_view name) {
  return Req("POST", "/api/v1/orgs", json{{"name", name}}.dump());
}

std::string ErrorCode(const std::optional<RawResponse>& r) {
  if (!r) return "(no response)";
  json j = json::parse(r->body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : r->body;
}

bool WaitUntil(const std::function<bool()>& cond, std::chrono::milliseconds limit = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Which switch of the FaultInjectionFs a test throws.
enum class Fault { kWalAppend, kWalSync, kDiskFull };

const char* FaultName(Fault f) {
  switch (f) {
    case Fault::kWalAppend: return "WalAppend";
    case Fault::kWalSync: return "WalSync";
    case Fault::kDiskFull: return "DiskFull";
  }
  return "Unknown";
}

void PrintTo(Fault f, std::ostream* os) { *os << FaultName(f); }

// A real server over a store whose file system fails on demand.
class FaultyStoreTest : public ::testing::Test {
 protected:
  virtual Fault fault() const = 0;

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Start()); }
  void TearDown() override { Shutdown().PermitUncheckedError(); }

  void Start() {
    ServiceOptions options;
    options.data_dir = dir_.Sub("data");
    options.configure_store = [env = faults_.env.get()](StoreOptions& o) { o.env = env; };
    options.server.port = 0;
    options.server.threads = 2;
    options.server.handle_signals = false;
    options.control_socket = false;
    ASSERT_OK(Service::Open(options, &service_));
    ASSERT_OK(service_->Bootstrap(std::string(kAdminKey)));
    ASSERT_OK(service_->Listen());
    run_ = std::async(std::launch::async, [this] { service_->Run(); });
  }

  // Stops the server and closes the store; returns what Close() said (a
  // store whose log failed reports the failure again).
  Status Shutdown() {
    if (!service_) return Status::OK();
    service_->Stop();
    run_.wait();
    Status s = service_->Close();
    service_.reset();
    return s;
  }

  std::atomic<bool>& Switch() {
    switch (fault()) {
      case Fault::kWalAppend: return faults_.fs->fail_wal_append;
      case Fault::kWalSync: return faults_.fs->fail_wal_sync;
      case Fault::kDiskFull: return faults_.fs->disk_full;
    }
    return faults_.fs->disk_full;
  }

  std::optional<RawResponse> Exchange(const std::string& request) {
    RawClient c;
    if (!c.Connect(service_->port())) return std::nullopt;
    return c.RoundTrip(request);
  }
  int StatusOf(const std::string& request) {
    auto r = Exchange(request);
    return r ? r->status : 0;
  }

  // Commits "held" alone while kDoomed creates queue behind it, then throws
  // the fault just before their batch is written. Returns their replies;
  // *held gets the reply of the one before.
  std::vector<std::optional<RawResponse>> FailOneBatch(std::optional<RawResponse>* held) {
    std::promise<void> entered, release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<int> calls{0};
    service_->writer()->TEST_SetBeforeCommitHook([&](size_t commands) {
      const int call = calls.fetch_add(1);
      if (call == 0) {
        entered.set_value();
        released.wait();
      } else if (call == 1) {
        EXPECT_EQ(commands, static_cast<size_t>(kDoomed)) << "the doomed commands are one batch";
        Switch() = true;
      }
    });
    auto first = std::async(std::launch::async, [&] { return Exchange(Create("held")); });
    EXPECT_EQ(entered.get_future().wait_for(10s), std::future_status::ready);
    std::vector<std::future<std::optional<RawResponse>>> doomed;
    for (int i = 0; i < kDoomed; ++i) {
      doomed.push_back(std::async(std::launch::async,
                                  [this, i] { return Exchange(Create("doomed-" + std::to_string(i))); }));
    }
    EXPECT_TRUE(WaitUntil([&] {
      return service_->writer()->stats().queue_depth.load() == static_cast<uint64_t>(kDoomed);
    }));
    release.set_value();
    *held = first.get();
    std::vector<std::optional<RawResponse>> replies;
    for (auto& f : doomed) replies.push_back(f.get());
    service_->writer()->TEST_SetBeforeCommitHook(nullptr);
    return replies;
  }

  // The log verifies, and every read model equals a rebuild from it.
  void ExpectSoundStore() {
    EventStore* store = service_->store();
    VerifyReport report;
    ASSERT_OK(VerifyLog(*store, &report));
    EXPECT_EQ(report.problem, "") << "at position " << report.first_bad_position;
    for (const auto& p : AllProjections()) {
      const std::string scratch = "scratch." + std::string(p->name());
      ASSERT_OK(RebuildInto(store, *p, scratch));
      std::string difference;
      ASSERT_OK(CompareColumnFamilies(store, ColumnFamilyName(p->name()), scratch, &difference));
      EXPECT_EQ(difference, "") << p->name();
      ASSERT_OK(store->DropColumnFamily(scratch));
    }
  }

  // How many of the doomed orgs the server shows.
  int DoomedVisible() {
    int n = 0;
    for (int i = 0; i < kDoomed; ++i) {
      n += StatusOf(Req("GET", "/api/v1/orgs/doomed-" + std::to_string(i))) == 200;
    }
    return n;
  }

  test::TempDir dir_;
  test::FaultInjectionEnv faults_;
  std::unique_ptr<Service> service_;
  std::future<void> run_;
};

class StorageFaultTest : public FaultyStoreTest, public ::testing::WithParamInterface<Fault> {
 protected:
  Fault fault() const override { return GetParam(); }
};

class DiskFullTest : public FaultyStoreTest {
 protected:
  Fault fault() const override { return Fault::kDiskFull; }
};

TEST_P(StorageFaultTest, FailedBatchFailsEveryReplyAndNoAcknowledgedWriteIsLost) {
  ASSERT_EQ(StatusOf(Create("before")), 201);
  const uint64_t acked_position = service_->store()->last_position() + 1;  // with "held"

  std::optional<RawResponse> held;
  auto replies = FailOneBatch(&held);
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->status, 201) << held->body;
  for (const auto& r : replies) {
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 503) << r->body;
    EXPECT_EQ(ErrorCode(r), "write_failed");
    EXPECT_TRUE(r->Header("Retry-After").has_value());
  }
  EXPECT_GT(faults_.fs->injected.load(), 0);

  // Nothing of the failed batch in memory: the log ends at "held", and the
  // names it would have taken are free.
  EXPECT_EQ(service_->store()->last_position(), acked_position);
  EXPECT_EQ(DoomedVisible(), 0);

  // Reads go on; writes are refused at once, and /readyz says how.
  EXPECT_EQ(StatusOf(Req("GET", "/api/v1/orgs/before")), 200);
  EXPECT_EQ(StatusOf(Req("GET", "/api/v1/orgs/held")), 200);
  auto ready = Exchange(Req("GET", "/readyz"));
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 503);
  json readiness = json::parse(ready->body, nullptr, false);
  const bool full = fault() == Fault::kDiskFull;
  // A full disk may already be behind us when the fault is cleared fast, but
  // here it is still full: the writer keeps retrying and failing.
  EXPECT_EQ(readiness.value("status", ""), full ? "recovering" : "read_only") << ready->body;
  EXPECT_EQ(readiness.value("reason", ""), full ? "no_space" : "write_failed") << ready->body;
  EXPECT_EQ(readiness.value("reads", ""), "ok");
  // Anyone may ask /readyz: the storage error itself stays in the log.
  EXPECT_FALSE(readiness.contains("detail")) << ready->body;
  EXPECT_EQ(ready->body.find("IO error"), std::string::npos) << ready->body;
  auto refused = Exchange(Create("refused"));
  EXPECT_EQ(refused ? refused->status : 0, 503);
  EXPECT_EQ(ErrorCode(refused), full ? "recovering" : "read_only");
  EXPECT_EQ(service_->store()->last_position(), acked_position);

  // The fault clears.
  Switch() = false;
  if (full) {
    // The writer finds room by itself: no restart.
    EXPECT_TRUE(WaitUntil([&] { return StatusOf(Req("GET", "/readyz")) == 200; }))
        << "the writer did not recover from a full disk";
    EXPECT_EQ(service_->writer()->stats().recoveries.load(), 1u);
    EXPECT_EQ(StatusOf(Create("after")), 201);
    EXPECT_EQ(DoomedVisible(), 0);
    ASSERT_NO_FATAL_FAILURE(ExpectSoundStore());
    ASSERT_OK(Shutdown());
  } else {
    EXPECT_FALSE(Shutdown().ok()) << "RocksDB reports the failed log write when closing";
  }

  // A restart on the same directory: every acknowledged write is there, and
  // the failed batch is there whole or not at all (after a failed fsync its
  // bytes may have reached the log; nowhere else can it appear).
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(StatusOf(Req("GET", "/readyz")), 200);
  EXPECT_EQ(StatusOf(Req("GET", "/api/v1/orgs/before")), 200);
  EXPECT_EQ(StatusOf(Req("GET", "/api/v1/orgs/held")), 200);
  const int visible = DoomedVisible();
  if (fault() == Fault::kWalSync) {
    EXPECT_TRUE(visible == 0 || visible == kDoomed) << visible << " of the batch survived";
  } else {
    EXPECT_EQ(visible, 0);
  }
  EXPECT_GE(service_->store()->last_position(), acked_position);
  if (full) {
    EXPECT_EQ(StatusOf(Req("GET", "/api/v1/orgs/after")), 200);
  }
  EXPECT_EQ(StatusOf(Create("after-restart")), 201);
  ASSERT_NO_FATAL_FAILURE(ExpectSoundStore());
}

// A disk that stays full: the writer keeps retrying without a busy loop and
// without letting a write through, then recovers when room appears.
TEST_F(DiskFullTest, WritesStayRefusedWhileTheDiskStaysFull) {
  std::optional<RawResponse> held;
  FailOneBatch(&held);
  const uint64_t position = service_->store()->last_position();
  std::this_thread::sleep_for(1500ms);  // several recovery attempts fail meanwhile
  for (int i = 0; i < 20; ++i) EXPECT_EQ(StatusOf(Create("still-" + std::to_string(i))), 503);
  EXPECT_EQ(service_->writer()->stats().state.load(), WriterState::kRecovering);
  EXPECT_EQ(service_->writer()->stats().recoveries.load(), 0u);
  EXPECT_EQ(service_->store()->last_position(), position);
  auto metrics = Exchange(Req("GET", "/metrics"));
  ASSERT_TRUE(metrics.has_value());
  EXPECT_NE(metrics->body.find("orgd_writer_state{state=\"recovering\"} 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("orgd_writer_refused_total 20"), std::string::npos);

  Switch() = false;
  EXPECT_TRUE(WaitUntil([&] { return StatusOf(Req("GET", "/readyz")) == 200; }));
  EXPECT_EQ(StatusOf(Create("later")), 201);
  EXPECT_EQ(service_->store()->last_position(), position + 1);
}

INSTANTIATE_TEST_SUITE_P(Faults, StorageFaultTest,
                         ::testing::Values(Fault::kWalAppend, Fault::kWalSync, Fault::kDiskFull),
                         [](const auto& info) { return std::string(FaultName(info.param)); });

}  // namespace
}  // namespace orgd::http
