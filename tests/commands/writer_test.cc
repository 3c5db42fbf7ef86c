#include "src/commands/core/writer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/projections/orgs/org_projection.h"
#include "tests/fault_injection_fs.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

using nlohmann::json;
using test::AdminMeta;
using test::MakeCreateOrg;
using test::MakeDeleteOrg;
using test::MakeUpdateOrgTitle;

// The writer's before-commit hook. While holding, every batch waits in the
// hook until the test releases it, so the test decides what the writer sees
// next. Records the size of every batch.
class BatchGate {
 public:
  void OnBatch(size_t n) {
    std::unique_lock lock(mu_);
    const size_t index = sizes_.size();
    sizes_.push_back(n);
    cv_.notify_all();
    cv_.wait(lock, [&] { return !holding_ || released_ > index; });
  }
  void Hold() {
    std::lock_guard lock(mu_);
    holding_ = true;
    released_ = sizes_.size();
  }
  // Waits until the writer has entered the hook for batch number n (from 1).
  void WaitForBatch(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return sizes_.size() >= n; });
  }
  void ReleaseOne() {
    std::lock_guard lock(mu_);
    ++released_;
    cv_.notify_all();
  }
  void Open() {
    std::lock_guard lock(mu_);
    holding_ = false;
    cv_.notify_all();
  }
  std::vector<size_t> sizes() {
    std::lock_guard lock(mu_);
    return sizes_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool holding_ = false;
  size_t released_ = 0;
  std::vector<size_t> sizes_;
};

class WriterTest : public ::testing::Test {
 protected:
  WriterTest() : path_(test::DomainStoreOptions(dir_.Sub("store"), faults_.env.get())) {}

  void SetUp() override { ASSERT_OK(Open()); }
  void TearDown() override {
    gate_.Open();
    path_.Close().PermitUncheckedError();
  }

  Status Open() {
    return path_.Open([this](size_t n) { gate_.OnBatch(n); });
  }

  CommandOutcome Run(Command cmd) { return path_.Run(std::move(cmd)); }

  // Holds the writer on a batch of its own, so what is submitted next is
  // decided as one batch once the plug is released.
  void PlugWriter(const std::string& plug_name) {
    gate_.Hold();
    const size_t before = gate_.sizes().size();
    plug_ = path_.Submit(MakeCreateOrg(plug_name));
    gate_.WaitForBatch(before + 1);
  }

  bool OrgExists(const std::string& id_or_name) {
    auto orgs = path_.orgs();
    OrgRecord org;
    Status s = OrgReader(orgs).Find(id_or_name, &org);
    EXPECT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    return s.ok();
  }

  uint64_t OrgCount() {
    auto orgs = path_.orgs();
    uint64_t n = 0;
    EXPECT_OK(OrgReader(orgs).Count(&n));
    return n;
  }

  static Command WithKey(Command cmd, const std::string& key, const std::string& fingerprint) {
    cmd.meta.idempotency_key = key;
    cmd.meta.fingerprint = fingerprint;
    return cmd;
  }

  // After "before" (batch 1) and a plug (batch 2), decides one batch of
  // commands that touch the batch's own pending state, and fails its commit
  // with an injected WAL append error. Returns their outcomes.
  std::vector<CommandOutcome> RunBatchThatFailsToCommit() {
    EXPECT_OK(Run(MakeCreateOrg("before")).error);
    PlugWriter("plug");
    std::vector<std::future<CommandOutcome>> doomed;
    doomed.push_back(path_.Submit(WithKey(MakeCreateOrg("doomed-a"), "k", "fp")));
    doomed.push_back(path_.Submit(WithKey(MakeCreateOrg("doomed-a"), "k", "fp")));  // replay
    doomed.push_back(path_.Submit(MakeCreateOrg("doomed-a")));  // name taken, pending
    doomed.push_back(path_.Submit(MakeCreateOrg("doomed-b")));
    doomed.push_back(path_.Submit(MakeUpdateOrgTitle("before", "doomed")));
    doomed.push_back(path_.Submit(MakeDeleteOrg("plug")));
    gate_.ReleaseOne();
    EXPECT_OK(plug_.get().error);
    gate_.WaitForBatch(3);
    faults_.fs->fail_wal_append = true;
    gate_.Open();
    std::vector<CommandOutcome> outcomes;
    for (auto& f : doomed) outcomes.push_back(f.get());
    faults_.fs->fail_wal_append = false;
    EXPECT_EQ(gate_.sizes(), (std::vector<size_t>{1, 1, doomed.size()}));
    return outcomes;
  }

  // Neither the log nor the orgs model holds anything of that batch.
  void ExpectNothingOfTheFailedBatch() {
    EXPECT_FALSE(OrgExists("doomed-a"));
    EXPECT_FALSE(OrgExists("doomed-b"));
    EXPECT_TRUE(OrgExists("plug"));
    OrgRecord before;
    auto orgs = path_.orgs();
    ASSERT_OK(OrgReader(orgs).Find("before", &before));
    EXPECT_EQ(before.title, "Title of before");
    EXPECT_EQ(before.version, 1u);
    for (auto it = path_.store()->NewLogIterator(); it->Valid(); it->Next()) {
      EXPECT_EQ(it->record().find("doomed"), std::string_view::npos) << "at " << it->position();
    }
  }

  test::TempDir dir_;
  test::FaultInjectionEnv faults_;
  BatchGate gate_;
  test::WritePath path_;  // last: closed before the gate and the faults go
  std::future<CommandOutcome> plug_;
};

TEST_F(WriterTest, CreateOrgCompletesWith201AndTheOrg) {
  CommandOutcome out = Run(MakeCreateOrg("acme"));
  ASSERT_OK(out.error);
  EXPECT_EQ(test::StatusOf(out), 201);
  EXPECT_FALSE(out.replayed);
  EXPECT_EQ(out.result.version, 1u);
  EXPECT_EQ(out.result.position, path_.last_position());

  json org = json::parse(out.result.snapshot);
  EXPECT_EQ(org["id"], 1);
  EXPECT_EQ(org["name"], "acme");
  EXPECT_EQ(org["title"], "Title of acme");
  EXPECT_TRUE(org["description"].is_null());
  EXPECT_EQ(org["created_by"], "key:admin");
  EXPECT_EQ(org["version"], 1);

  // The reply equals what the committed read model serves.
  auto orgs = path_.orgs();
  uint64_t version = 0;
  std::string stored;
  ASSERT_OK(OrgReader(orgs).FindJson("acme", &version, &stored));
  EXPECT_EQ(stored, out.result.snapshot);
  EXPECT_EQ(version, 1u);
}

TEST_F(WriterTest, TakenNameIsConflict) {
  ASSERT_OK(Run(MakeCreateOrg("acme")).error);
  const uint64_t position = path_.last_position();
  CommandOutcome out = Run(MakeCreateOrg("acme"));
  EXPECT_TRUE(out.error.IsConflict()) << out.error.ToString();
  EXPECT_EQ(out.error.reason(), "name_taken");
  EXPECT_EQ(path_.last_position(), position);
  EXPECT_EQ(OrgCount(), 1u);
}

TEST_F(WriterTest, InvalidNamesAreRejected) {
  const std::vector<std::string> invalid = {"-acme", "acme-",  "ac--me", "Acme",
                                            "acme_1", "ac me", std::string(40, 'a'), ""};
  for (const std::string& name : invalid) {
    CommandOutcome out = Run(MakeCreateOrg(name));
    EXPECT_TRUE(out.error.IsInvalidArgument()) << "'" << name << "': " << out.error.ToString();
    EXPECT_EQ(out.error.reason(), "invalid_name") << name;
  }
  EXPECT_EQ(path_.last_position(), 0u);
  for (const std::string& name : std::vector<std::string>{std::string(39, 'a'), "a", "a-1-b"}) {
    EXPECT_OK(Run(MakeCreateOrg(name)).error) << name;
  }
}

TEST_F(WriterTest, NonSiteAdminIsRefused) {
  ASSERT_OK(Run(MakeCreateOrg("acme")).error);
  CommandMeta member = AdminMeta("key:member");
  member.site_admin = false;
  EXPECT_TRUE(Run(MakeCreateOrg("other", member)).error.IsForbidden());
  // Not a member of acme: the org stays hidden.
  EXPECT_TRUE(Run(MakeUpdateOrgTitle("acme", "t", std::nullopt, member)).error.IsNotFound());
  EXPECT_TRUE(Run(MakeDeleteOrg("acme", member)).error.IsNotFound());
  EXPECT_EQ(path_.last_position(), 1u);
}

TEST_F(WriterTest, UpdateWithStaleIfMatchIsPreconditionFailed) {
  ASSERT_OK(Run(MakeCreateOrg("acme")).error);
  CommandOutcome first = Run(MakeUpdateOrgTitle("acme", "New", 1));
  ASSERT_OK(first.error);
  EXPECT_EQ(test::StatusOf(first), 200);
  EXPECT_EQ(first.result.version, 2u);
  EXPECT_EQ(json::parse(first.result.snapshot)["title"], "New");

  CommandOutcome stale = Run(MakeUpdateOrgTitle("acme", "Lost", 1));
  EXPECT_TRUE(stale.error.IsPreconditionFailed()) << stale.error.ToString();
  EXPECT_EQ(stale.error.current_version(), std::optional<uint64_t>(2));
  EXPECT_EQ(path_.last_position(), 2u);
  EXPECT_TRUE(Run(MakeDeleteOrg("acme", [] {
                auto m = AdminMeta();
                m.if_match = 1;
                return m;
              }())).error.IsPreconditionFailed());
}

// decide_org.cc deletes through OrgDeleted, whose projection frees the name
// and the uuid; ids are never reused.
TEST_F(WriterTest, DeletedOrgNameCanBeReused) {
  ASSERT_OK(Run(MakeCreateOrg("acme")).error);
  CommandOutcome deleted = Run(MakeDeleteOrg("acme"));
  ASSERT_OK(deleted.error);
  EXPECT_EQ(test::StatusOf(deleted), 204);
  EXPECT_TRUE(deleted.result.snapshot.empty());
  EXPECT_EQ(deleted.result.version, 2u);
  EXPECT_FALSE(OrgExists("acme"));
  EXPECT_FALSE(OrgExists("1"));
  EXPECT_TRUE(Run(MakeDeleteOrg("acme")).error.IsNotFound());

  CommandOutcome again = Run(MakeCreateOrg("acme"));
  ASSERT_OK(again.error);
  EXPECT_EQ(json::parse(again.result.snapshot)["id"], 2);
  EXPECT_EQ(again.result.version, 1u);
  EXPECT_EQ(OrgCount(), 1u);
}

TEST_F(WriterTest, SameIdempotencyKeyReplaysTheFirstResult) {
  CommandOutcome first = Run(WithKey(MakeCreateOrg("acme"), "k1", "POST /orgs acme"));
  ASSERT_OK(first.error);
  const uint64_t position = path_.last_position();

  CommandOutcome again = Run(WithKey(MakeCreateOrg("acme"), "k1", "POST /orgs acme"));
  ASSERT_OK(again.error);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(test::StatusOf(again), 201);
  EXPECT_EQ(again.result.snapshot, first.result.snapshot);
  EXPECT_EQ(again.result.position, first.result.position);
  EXPECT_EQ(path_.last_position(), position);

  // Keys are per actor: another actor's k1 is a new request.
  CommandOutcome other = Run(WithKey(MakeCreateOrg("acme", AdminMeta("key:other")), "k1", "x"));
  EXPECT_EQ(other.error.reason(), "name_taken");
}

TEST_F(WriterTest, IdempotencyKeyReusedForAnotherRequestIsConflict) {
  ASSERT_OK(Run(WithKey(MakeCreateOrg("acme"), "k1", "POST /orgs acme")).error);
  const uint64_t position = path_.last_position();
  CommandOutcome out = Run(WithKey(MakeCreateOrg("other"), "k1", "POST /orgs other"));
  EXPECT_TRUE(out.error.IsConflict()) << out.error.ToString();
  EXPECT_EQ(out.error.reason(), "idempotency_key_reused");
  EXPECT_EQ(path_.last_position(), position);
  EXPECT_FALSE(OrgExists("other"));
}

TEST_F(WriterTest, WaitingCommandsAreCommittedAsOneBatch) {
  PlugWriter("plug");
  std::vector<std::future<CommandOutcome>> waiting;
  for (int i = 0; i < 50; ++i) {
    waiting.push_back(path_.Submit(MakeCreateOrg("org-" + std::to_string(i))));
  }
  gate_.Open();

  ASSERT_OK(plug_.get().error);
  for (auto& f : waiting) EXPECT_OK(f.get().error);
  EXPECT_EQ(gate_.sizes(), (std::vector<size_t>{1, 50}));
  EXPECT_EQ(path_.last_position(), 51u);
  EXPECT_EQ(OrgCount(), 51u);
  EXPECT_GE(path_.writer()->stats().commands.load(), 51u);
}

TEST_F(WriterTest, SameNameTwiceInOneBatchOnlyOneWins) {
  PlugWriter("plug");
  auto a = path_.Submit(MakeCreateOrg("acme"));
  auto b = path_.Submit(MakeCreateOrg("acme"));
  auto c = path_.Submit(MakeUpdateOrgTitle("acme", "Decided on pending state"));
  gate_.Open();

  ASSERT_OK(plug_.get().error);
  CommandOutcome first = a.get(), second = b.get(), update = c.get();
  EXPECT_EQ(gate_.sizes(), (std::vector<size_t>{1, 3}));
  ASSERT_OK(first.error);
  EXPECT_EQ(second.error.reason(), "name_taken") << second.error.ToString();
  ASSERT_OK(update.error);
  EXPECT_EQ(update.result.version, 2u);
  EXPECT_EQ(OrgCount(), 2u);
  EXPECT_EQ(path_.last_position(), 3u);
}

TEST_F(WriterTest, SameKeyTwiceInOneBatchAppendsOnce) {
  PlugWriter("plug");
  auto a = path_.Submit(WithKey(MakeCreateOrg("acme"), "k", "fp"));
  auto b = path_.Submit(WithKey(MakeCreateOrg("acme"), "k", "fp"));
  gate_.Open();

  ASSERT_OK(plug_.get().error);
  CommandOutcome first = a.get(), second = b.get();
  ASSERT_OK(first.error);
  ASSERT_OK(second.error);
  EXPECT_FALSE(first.replayed);
  EXPECT_TRUE(second.replayed);
  EXPECT_EQ(second.result.snapshot, first.result.snapshot);
  EXPECT_EQ(path_.last_position(), 2u);
}

TEST_F(WriterTest, FailedCommitFailsEveryCommandOfItsBatch) {
  std::vector<CommandOutcome> outcomes = RunBatchThatFailsToCommit();
  for (size_t i = 0; i < outcomes.size(); ++i) {
    EXPECT_TRUE(outcomes[i].error.IsUnavailable()) << i << ": " << outcomes[i].error.ToString();
    EXPECT_EQ(outcomes[i].error.reason(), "write_failed") << i;
    EXPECT_FALSE(outcomes[i].replayed) << i;
    EXPECT_TRUE(outcomes[i].result.snapshot.empty()) << i;
  }
  EXPECT_GT(faults_.fs->injected.load(), 0);
  EXPECT_EQ(path_.last_position(), 2u);
  EXPECT_EQ(OrgCount(), 2u);
  uint64_t checkpoint = 0;
  ASSERT_OK(path_.projections()->CheckpointOf(0, &checkpoint));
  EXPECT_EQ(checkpoint, 2u);
  EXPECT_EQ(path_.writer()->stats().failed_commits.load(), 1u);
  EXPECT_EQ(path_.writer()->stats().state.load(), WriterState::kReadOnly);
  ExpectNothingOfTheFailedBatch();
}

// RocksDB keeps a failed WAL write as a background error that DB::Resume does
// not clear: commands keep failing, with the fault gone, until the store is
// reopened. After that, writes succeed and the failed batch never appears.
TEST_F(WriterTest, WritesResumeAfterReopenWithoutTheFailedBatch) {
  RunBatchThatFailsToCommit();
  CommandOutcome stuck = Run(MakeCreateOrg("later"));
  EXPECT_TRUE(stuck.error.IsUnavailable()) << stuck.error.ToString();
  EXPECT_EQ(path_.last_position(), 2u);

  path_.Close().PermitUncheckedError();  // RocksDB reports the WAL error again
  ASSERT_OK(Open());
  EXPECT_EQ(path_.last_position(), 2u);
  ExpectNothingOfTheFailedBatch();

  CommandOutcome later = Run(MakeCreateOrg("later"));
  ASSERT_OK(later.error);
  EXPECT_EQ(json::parse(later.result.snapshot)["id"], 3);  // the failed batch's ids were never taken
  CommandOutcome retried = Run(WithKey(MakeCreateOrg("doomed-a"), "k", "fp"));
  ASSERT_OK(retried.error);
  EXPECT_FALSE(retried.replayed);  // its idempotency record was never stored
  EXPECT_EQ(path_.writer()->stats().state.load(), WriterState::kHealthy);
  EXPECT_EQ(path_.last_position(), 4u);
}

}  // namespace
}  // namespace orgd
