// orgd-rebuild, run as a process on stores made through orgd's own write path:
// rebuilds equal the live models, an interrupted rebuild (killed, or stopped by
// Ctrl-C) resumes from its last checkpoint, and a store in use is refused.
// Interruptions come from the orgd-rebuild-testhooks build of the same tool,
// which raises a signal right after a chosen batch (ORGD_TEST_RAISE_AFTER_BATCHES).
#include <signal.h>

#include <future>
#include <map>

#include "src/projections/orgs/org_projection.h"
#include "src/projections/core/rebuild.h"
#include "storage/event_store.h"
#include "tests/test_util.h"
#include "tests/process_util.h"

namespace orgd::test {
namespace {

using Family = std::map<std::string, std::string>;

constexpr size_t kBatch = 20;  // events per rebuild batch in these tests

class RebuildToolTest : public ::testing::Test {
 protected:
  // 160 creates and 80 updates, group-committed by the real writer.
  void SetUp() override {
    WritePath path(DomainStoreOptions(data_));
    ASSERT_OK(path.Open());
    std::vector<std::future<CommandOutcome>> done;
    for (int i = 0; i < 160; ++i)
      done.push_back(path.Submit(MakeCreateOrg("org" + std::to_string(i))));
    for (int i = 0; i < 80; ++i) {
      done.push_back(
          path.Submit(MakeUpdateOrgTitle("org" + std::to_string(i * 2), "t" + std::to_string(i))));
    }
    for (auto& f : done) ASSERT_OK(f.get().error);
    events_ = path.last_position();
    live_orgs_ = ReadFamily(*path.store(), "proj.orgs");
    ASSERT_OK(path.Close());
    ASSERT_EQ(events_, 240u);
  }

  ToolRun Rebuild(std::vector<std::string> args, std::string hook = "") {
    args.insert(args.begin(), {"--data", data_, "--batch", std::to_string(kBatch)});
    if (hook.empty()) return RunTool(ORGD_REBUILD_BINARY, args);
    return RunTool(ORGD_REBUILD_BINARY, args, {{"ORGD_TEST_RAISE_AFTER_BATCHES", hook}});
  }

  // The orgs model and the checkpoint of an interrupted rebuild of name, if any.
  Family Orgs(const std::string& family = "proj.orgs",
              std::optional<uint64_t>* interrupted = nullptr) {
    std::unique_ptr<EventStore> store;
    StoreOptions o = DomainStoreOptions(data_);
    o.read_only = true;
    EXPECT_OK(EventStore::Open(o, &store));
    if (interrupted) {
      EXPECT_OK(FindInterruptedRebuild(*store, family, interrupted));
    }
    return ReadFamily(*store, family);
  }

  TempDir dir_;
  const std::string data_ = dir_.Sub("data");
  uint64_t events_ = 0;
  Family live_orgs_;
};

TEST_F(RebuildToolTest, RebuildEqualsTheLiveModels) {
  ToolRun run = Rebuild({});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("orgs: rebuilt from 240 events"), std::string::npos) << run.err;
  EXPECT_EQ(Orgs(), live_orgs_);
  ToolRun verify = Rebuild({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("orgs: rebuilt model equals the live one"), std::string::npos);
  EXPECT_NE(verify.out.find("credentials: rebuilt model equals the live one"), std::string::npos);
  // Not a terminal: plain progress lines, with rates.
  EXPECT_NE(run.err.find("orgs: 240/240 events (100%)"), std::string::npos) << run.err;
}

TEST_F(RebuildToolTest, KilledRebuildResumesFromItsLastCheckpoint) {
  ToolRun killed = Rebuild({"--projection", "orgs"}, "3:" + std::to_string(SIGKILL));
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
  std::optional<uint64_t> interrupted;
  Family half = Orgs("proj.orgs", &interrupted);
  ASSERT_TRUE(interrupted.has_value());
  EXPECT_EQ(*interrupted, 3 * kBatch);
  EXPECT_NE(half, live_orgs_);

  ToolRun resumed = Rebuild({"--projection", "orgs"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("orgs: resuming from position 60"), std::string::npos) << resumed.err;
  Family done = Orgs("proj.orgs", &interrupted);
  EXPECT_FALSE(interrupted.has_value());
  EXPECT_EQ(done, live_orgs_);  // equal to a full rebuild, mark gone, checkpoint at the end
  EXPECT_EQ(Rebuild({"--verify"}).exit_code, 0);
}

TEST_F(RebuildToolTest, CtrlCStopsAfterTheBatchAndTheNextRunResumes) {
  ToolRun stopped = Rebuild({}, "2:" + std::to_string(SIGINT));
  EXPECT_EQ(stopped.exit_code, 130) << stopped.err;
  EXPECT_NE(stopped.err.find("stopped at position 40; run it again to resume"), std::string::npos)
      << stopped.err;
  ToolRun resumed = Rebuild({});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("orgs: resuming from position 40"), std::string::npos);
  EXPECT_EQ(resumed.err.find("credentials: resuming"), std::string::npos);  // it had not started
  EXPECT_EQ(Orgs(), live_orgs_);
}

TEST_F(RebuildToolTest, RestartDropsAnInterruptedRebuild) {
  ASSERT_EQ(Rebuild({}, "4:" + std::to_string(SIGKILL)).exit_code, 128 + SIGKILL);
  ToolRun restarted = Rebuild({"--restart"});
  ASSERT_EQ(restarted.exit_code, 0) << restarted.err;
  EXPECT_NE(restarted.err.find("--restart: dropping the interrupted rebuild"), std::string::npos);
  EXPECT_EQ(restarted.err.find("resuming"), std::string::npos);
  EXPECT_EQ(Orgs(), live_orgs_);
}

TEST_F(RebuildToolTest, InterruptedVerifyResumesItsScratchModel) {
  ASSERT_EQ(Rebuild({"--verify"}, "5:" + std::to_string(SIGKILL)).exit_code, 128 + SIGKILL);
  ToolRun verify = Rebuild({"--verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.err.find("orgs: resuming from position 100"), std::string::npos);
  EXPECT_NE(verify.out.find("orgs: rebuilt model equals the live one"), std::string::npos);
  EXPECT_TRUE(Orgs("scratch.orgs").empty());  // dropped after the comparison
}

TEST_F(RebuildToolTest, ServerCompletesAnInterruptedRebuildOnStart) {
  ASSERT_EQ(Rebuild({}, "2:" + std::to_string(SIGKILL)).exit_code, 128 + SIGKILL);
  WritePath path(DomainStoreOptions(data_));
  ASSERT_OK(path.Open());  // the server's start: ProjectionSet::CatchUp
  EXPECT_EQ(path.caught_up(), events_ - 2 * kBatch);
  std::optional<uint64_t> interrupted;
  ASSERT_OK(FindInterruptedRebuild(*path.store(), "proj.orgs", &interrupted));
  EXPECT_FALSE(interrupted.has_value());
  EXPECT_EQ(ReadFamily(*path.store(), "proj.orgs"), live_orgs_);
  ASSERT_OK(path.Close());
  EXPECT_EQ(Rebuild({"--verify"}).exit_code, 0);
}

TEST_F(RebuildToolTest, RunningServerIsRefusedClearly) {
  ServerProcess server(ORGD_BINARY, data_, "sk-rebuildtestrebuildtestrebuildtest0000");
  ASSERT_TRUE(server.Start());
  ToolRun run = Rebuild({});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("the store is in use (stop the server first)"), std::string::npos)
      << run.err;
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(RebuildToolTest, UnknownProjectionAndBadBatchAreRefused) {
  EXPECT_EQ(Rebuild({"--projection", "nope"}).exit_code, 2);
  EXPECT_EQ(RunTool(ORGD_REBUILD_BINARY, {"--data", data_, "--batch", "0"}).exit_code, 2);
  EXPECT_EQ(RunTool(ORGD_REBUILD_BINARY, {}).exit_code, 2);
}

// The library under the tool: RebuildOptions::stop and resume.
TEST_F(RebuildToolTest, RebuildIntoStopsAtABatchAndResumesFromIt) {
  std::unique_ptr<EventStore> store;
  ASSERT_OK(EventStore::Open(DomainStoreOptions(data_), &store));
  OrgProjection orgs;
  std::atomic<bool> stop{false};
  RebuildOptions options;
  options.events_per_batch = 7;
  options.stop = &stop;
  auto progress = [&](const RebuildProgress& p) { stop = p.batches == 5; };
  Status s = RebuildInto(store.get(), orgs, "scratch.orgs", progress, options);
  EXPECT_EQ(s.reason(), "rebuild_interrupted") << s.ToString();

  std::vector<RebuildProgress> seen;
  stop = false;
  ASSERT_OK(RebuildInto(
      store.get(), orgs, "scratch.orgs", [&](const RebuildProgress& p) { seen.push_back(p); },
      options));
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().resumed_from, 35u);
  EXPECT_EQ(seen.back().applied, events_);
  std::string difference;
  ASSERT_OK(CompareColumnFamilies(store.get(), "proj.orgs", "scratch.orgs", &difference));
  EXPECT_EQ(difference, "");

  options.resume = false;  // a complete model has no mark: a fresh start either way
  seen.clear();
  ASSERT_OK(RebuildInto(
      store.get(), orgs, "scratch.orgs", [&](const RebuildProgress& p) { seen.push_back(p); },
      options));
  EXPECT_EQ(seen.front().resumed_from, 0u);
  ASSERT_OK(store->Close());
}

}  // namespace
}  // namespace orgd::test
