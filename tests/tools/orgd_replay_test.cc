// orgd-replay, run as a process on stores made through orgd's own write path:
// show (filters, JSON lines), verify (and the tampering it must catch), stats,
// and restore as of a position or a time.
#include <rocksdb/db.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/time_util.h"
#include "src/projections/orgs/org_projection.h"
#include "storage/event_store.h"
#include "storage/keys.h"
#include "tests/test_util.h"
#include "tests/process_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;
using Family = std::map<std::string, std::string>;

constexpr char kAdminKey[] = "sk-replaytestreplaytestreplaytestreplay00";

std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
  return lines;
}

int64_t Iso(const std::string& text) {
  int64_t ms = 0;
  EXPECT_TRUE(ParseIsoMs(text, &ms)) << text;
  return ms;
}

// A history in two phases on two days, through the real Writer with a clock
// the test sets: phase A on 2026-03-01, phase B on 2026-03-02.
class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriterOptions wo;
    wo.clock = [this] { return now_ms_.load(); };
    path_ = std::make_unique<WritePath>(DomainStoreOptions(data_), wo);
    ASSERT_OK(path_->Open());
  }

  // Runs cmd at the next minute of the current phase; the test fails unless it succeeds.
  CommandOutcome Do(Command cmd) {
    now_ms_ += 60'000;
    CommandOutcome o = path_->Run(std::move(cmd));
    EXPECT_OK(o.error);
    return o;
  }
  CommandMeta WithKey(const std::string& key) {
    CommandMeta m = AdminMeta();
    m.idempotency_key = key;
    m.fingerprint = "fp-" + key;
    return m;
  }

  void PhaseA() {
    now_ms_ = Iso("2026-03-01T10:00:00Z");
    for (const char* name : {"acme", "globex", "initech", "umbrella", "hooli"})
      Do(MakeCreateOrg(name));
    Do(MakeUpdateOrgTitle("acme", "Acme, first title"));
    Do(MakeUpdateOrgTitle("acme", "Acme, second title", std::nullopt, AdminMeta("key:other")));
    Do(MakeDeleteOrg("initech"));
    Do(MakeCreateOrg("wayne", WithKey("idem-a")));
    time_a_ = now_ms_;
    position_a_ = path_->last_position();
    orgs_a_ = ReadFamily(*path_->store(), "proj.orgs");
  }

  void PhaseB() {
    now_ms_ = Iso("2026-03-02T09:00:00Z");
    Do(MakeUpdateOrgTitle("globex", "Globex after A"));
    Do(MakeDeleteOrg("hooli"));
    Do(MakeCreateOrg("vandelay"));
    Do(MakeCreateOrg("initech", WithKey("idem-b")));  // the name is free again
    Do(MakeUpdateOrgTitle("acme", "Acme after A"));
  }

  // Both phases, then the store closed so the tools see it whole.
  void MakeHistory() {
    PhaseA();
    PhaseB();
    ASSERT_OK(path_->Close());
  }

  ToolRun Replay(std::vector<std::string> args) {
    args.insert(args.begin() + 1, {"--data", data_});
    return RunTool(ORGD_REPLAY_BINARY, args);
  }

  // Opens a closed store at dir with every family.
  std::unique_ptr<EventStore> OpenStore(const std::string& dir) {
    std::unique_ptr<EventStore> store;
    EXPECT_OK(EventStore::Open(DomainStoreOptions(dir), &store));
    return store;
  }

  TempDir dir_;
  const std::string data_ = dir_.Sub("data");
  std::atomic<int64_t> now_ms_{0};
  std::unique_ptr<WritePath> path_;
  int64_t time_a_ = 0;
  uint64_t position_a_ = 0;
  Family orgs_a_;
};

// ------------------------------------------------------------------ show

TEST_F(ReplayTest, ShowPrintsEveryEventAsJsonLinesWithStableFields) {
  MakeHistory();
  ToolRun run = Replay({"show", "--format", "jsonl"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto lines = JsonLines(run.out);
  ASSERT_EQ(lines.size(), 14u);
  const std::set<std::string> fields = {
      "position", "time",       "stream",          "stream_version", "type", "schema_version",
      "actor",    "request_id", "idempotency_key", "payload",        "hash"};
  for (size_t i = 0; i < lines.size(); ++i) {
    std::set<std::string> keys;
    for (const auto& [k, v] : lines[i].items()) keys.insert(k);
    EXPECT_EQ(keys, fields);
    EXPECT_EQ(lines[i]["position"], i + 1);
    EXPECT_EQ(lines[i]["hash"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(lines[0]["type"], "OrgCreated");
  EXPECT_EQ(lines[0]["stream"], "org-1");
  EXPECT_EQ(lines[0]["stream_version"], 1);
  EXPECT_EQ(lines[0]["payload"]["name"], "acme");  // the payload as JSON, not a string
  EXPECT_EQ(lines[0]["time"], "2026-03-01T10:01:00.000Z");
  EXPECT_EQ(lines[8]["idempotency_key"], "idem-a");
  EXPECT_EQ(lines[6]["actor"], "key:other");
}

TEST_F(ReplayTest, ShowFiltersByOrgTypeActorPositionAndTime) {
  MakeHistory();
  auto positions = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "show");
    args.insert(args.end(), {"--format", "jsonl"});
    ToolRun run = Replay(args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::vector<uint64_t> out;
    for (const auto& j : JsonLines(run.out)) out.push_back(j["position"].get<uint64_t>());
    return out;
  };
  using V = std::vector<uint64_t>;
  EXPECT_EQ(positions({"--org", "1"}), (V{1, 6, 7, 14}));
  EXPECT_EQ(positions({"--stream", "org-3"}), (V{3, 8}));
  EXPECT_EQ(positions({"--type", "OrgDeleted"}), (V{8, 11}));
  EXPECT_EQ(positions({"--actor", "key:other"}), (V{7}));
  EXPECT_EQ(positions({"--from-position", "12", "--to-position", "13"}), (V{12, 13}));
  EXPECT_EQ(positions({"--since", "2026-03-02T00:00:00Z"}), (V{10, 11, 12, 13, 14}));
  EXPECT_EQ(positions({"--until", "2026-03-01T10:03:00Z"}), (V{1, 2, 3}));
  EXPECT_EQ(positions({"--type", "OrgCreated", "--limit", "2"}), (V{1, 2}));
  EXPECT_EQ(positions({"--org", "1", "--type", "OrgUpdated", "--actor", "key:admin"}), (V{6, 14}));

  ToolRun table = Replay({"show", "--org", "3"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("POSITION"), std::string::npos);
  EXPECT_NE(table.out.find("OrgDeleted"), std::string::npos);
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 3);  // header and two events
}

TEST_F(ReplayTest, ShowRefusesBadArguments) {
  MakeHistory();
  EXPECT_EQ(Replay({"show", "--format", "xml"}).exit_code, 2);
  EXPECT_EQ(Replay({"show", "--since", "yesterday"}).exit_code, 2);
  EXPECT_EQ(Replay({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunTool(ORGD_REPLAY_BINARY, {"show", "--data", dir_.Sub("none")}).exit_code, 2);
}

// ------------------------------------------------------------------ verify

class VerifyTest : public ReplayTest {
 protected:
  // Applies change to the stored record at position, directly in RocksDB.
  void Tamper(uint64_t position,
              const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*,
                                       const std::string& key)>& change) {
    auto store = OpenStore(data_);
    change(store->db(), store->cf(storage::kLogCf), storage::EncodeBE64(position));
    ASSERT_OK(store->Close());
  }
};

TEST_F(VerifyTest, SoundLogVerifies) {
  MakeHistory();
  ToolRun run = Replay({"verify"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("OK: 14 events"), std::string::npos) << run.out;
  // The head's hash, to keep elsewhere: the last line of show's JSON has the same.
  ToolRun show = Replay({"show", "--format", "jsonl", "--from-position", "14"});
  ASSERT_EQ(show.exit_code, 0);
  const std::string hash = JsonLines(show.out).at(0)["hash"];
  EXPECT_NE(run.out.find("last hash: " + hash), std::string::npos) << run.out;
}

TEST_F(VerifyTest, OneChangedByteOfOneEventIsCaughtAtItsPosition) {
  MakeHistory();
  Tamper(9, [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log, const std::string& key) {
    std::string record;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), log, key, &record).ok());
    const size_t at = record.find("wayne");  // in the payload: still decodes
    ASSERT_NE(at, std::string::npos);
    record[at] = 'W';
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), log, key, record).ok());
  });
  ToolRun run = Replay({"verify"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("BROKEN at position 9: hash chain broken"), std::string::npos) << run.out;
}

TEST_F(VerifyTest, ChangedStoredHashIsCaught) {
  MakeHistory();
  Tamper(14, [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log, const std::string& key) {
    std::string record;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), log, key, &record).ok());
    record.back() ^= 1;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), log, key, record).ok());
  });
  ToolRun run = Replay({"verify"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("BROKEN at position 14"), std::string::npos) << run.out;
}

TEST_F(VerifyTest, DeletedEventIsCaughtAtItsPosition) {
  MakeHistory();
  Tamper(5, [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log, const std::string& key) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), log, key).ok());
  });
  ToolRun run = Replay({"verify"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("BROKEN at position 5: position 5 is missing"), std::string::npos)
      << run.out;
}

TEST_F(VerifyTest, DeletedLastEventIsCaughtByTheStreamIndex) {
  MakeHistory();
  Tamper(14, [](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* log, const std::string& key) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), log, key).ok());
  });
  ToolRun run = Replay({"verify"});
  EXPECT_EQ(run.exit_code, 1);
  // Nothing follows the gap; the index still says acme reached version 4, there.
  EXPECT_NE(run.out.find("BROKEN at position 14: stream index says org-1 is at version 4, the "
                         "log says 3; the index puts version 4 at position 14"),
            std::string::npos)
      << run.out;
}

// ------------------------------------------------------------------ stats

TEST_F(ReplayTest, StatsCountsEventsPerTypeOrgAndDay) {
  MakeHistory();
  ToolRun run = Replay({"stats", "--format", "jsonl"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, uint64_t> got;
  for (const auto& j : JsonLines(run.out)) {
    const std::string by = j["by"];
    const std::string key = by == "all"   ? ""
                            : by == "org" ? j["org"].dump()
                                          : j[by].get<std::string>();
    got[by + ":" + key] = j["events"];
  }
  const std::map<std::string, uint64_t> want = {{"all:", 14},           {"type:OrgCreated", 8},
                                                {"type:OrgUpdated", 4}, {"type:OrgDeleted", 2},
                                                {"day:2026-03-01", 9},  {"day:2026-03-02", 5},
                                                {"org:1", 4},           {"org:2", 2},
                                                {"org:3", 2},           {"org:4", 1},
                                                {"org:5", 2},           {"org:6", 1},
                                                {"org:7", 1},           {"org:8", 1}};
  EXPECT_EQ(got, want);

  ToolRun top = Replay({"stats", "--top", "2"});
  ASSERT_EQ(top.exit_code, 0) << top.err;
  EXPECT_NE(top.out.find("14 events, 2026-03-01T10:01:00.000Z .. 2026-03-02T09:05:00.000Z"),
            std::string::npos)
      << top.out;
  EXPECT_NE(top.out.find("(6 more orgs)"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("2026-03-02"), std::string::npos);
}

// ------------------------------------------------------------------ restore

class RestoreTest : public ReplayTest {
 protected:
  // The restored store's checks that do not depend on the moment.
  void ExpectSoundRestore(const std::string& dir, uint64_t events) {
    ToolRun verify = RunTool(ORGD_REPLAY_BINARY, {"verify", "--data", dir});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_NE(verify.out.find("OK: " + std::to_string(events) + " events"), std::string::npos);
    ToolRun rebuild = RunTool(ORGD_REBUILD_BINARY, {"--data", dir, "--verify"});
    EXPECT_EQ(rebuild.exit_code, 0) << rebuild.out << rebuild.err;
    EXPECT_NE(rebuild.out.find("orgs: rebuilt model equals the live one"), std::string::npos);
  }
};

TEST_F(RestoreTest, AsOfAPositionInTheMiddleHoldsTheStateOfThatMoment) {
  MakeHistory();
  const std::string to = dir_.Sub("restored");
  ToolRun run = Replay({"restore", "--to", to, "--until-position", std::to_string(position_a_)});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("restored 9 events"), std::string::npos) << run.out;
  {
    auto store = OpenStore(to);
    EXPECT_EQ(store->last_position(), position_a_);
    // The orgs model, checkpoint included, is byte for byte the live one of that moment.
    EXPECT_EQ(ReadFamily(*store, "proj.orgs"), orgs_a_);
    uint64_t version = 0;
    ASSERT_OK(store->StreamVersion("org-1", &version));
    EXPECT_EQ(version, 3u);  // acme's update after A is not there
    ASSERT_OK(store->StreamVersion("org-7", &version));
    EXPECT_EQ(version, 0u);  // nor vandelay
    Family idem = ReadFamily(*store, "idempotency");
    ASSERT_EQ(idem.size(), 1u);
    EXPECT_NE(idem.begin()->first.find("idem-a"), std::string::npos);
    ASSERT_OK(store->Close());
  }
  ExpectSoundRestore(to, position_a_);
}

TEST_F(RestoreTest, AsOfATimeServesTheStateOfThatMoment) {
  MakeHistory();
  const std::string to = dir_.Sub("restored");
  ToolRun run = Replay({"restore", "--to", to, "--until-time", FormatIsoMs(time_a_ + 1000)});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ExpectSoundRestore(to, position_a_);

  // `orgd serve` on the copy shows the orgs as they were at the end of phase A.
  ServerProcess server(ORGD_BINARY, to, kAdminKey);
  ASSERT_TRUE(server.Start());
  HttpClient http(server.port(), kAdminKey);
  std::string body;
  ASSERT_EQ(http.Exchange("GET", "/api/v1/orgs/acme", "", &body), 200);
  EXPECT_EQ(json::parse(body)["title"], "Acme, second title");
  EXPECT_EQ(http.Exchange("GET", "/api/v1/orgs/hooli", "", &body), 200);     // deleted in B
  EXPECT_EQ(http.Exchange("GET", "/api/v1/orgs/vandelay", "", &body), 404);  // created in B
  EXPECT_EQ(http.Exchange("GET", "/api/v1/orgs/initech", "", &body), 404);   // deleted in A
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(RestoreTest, AsOfEveryPositionMatchesTheLiveModelOfThatPosition) {
  // The live orgs model after each command, then a restore at each of those positions.
  now_ms_ = Iso("2026-03-01T10:00:00Z");
  std::map<uint64_t, Family> models;
  auto step = [&](Command c) {
    Do(std::move(c));
    models[path_->last_position()] = ReadFamily(*path_->store(), "proj.orgs");
  };
  step(MakeCreateOrg("a"));
  step(MakeCreateOrg("b"));
  step(MakeUpdateOrgTitle("a", "A2"));
  step(MakeDeleteOrg("b"));
  step(MakeCreateOrg("b"));
  ASSERT_OK(path_->Close());
  for (const auto& [position, model] : models) {
    const std::string to = dir_.Sub("at-" + std::to_string(position));
    ToolRun run = Replay({"restore", "--to", to, "--until-position", std::to_string(position)});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    auto store = OpenStore(to);
    EXPECT_EQ(ReadFamily(*store, "proj.orgs"), model) << "at position " << position;
  }
}

TEST_F(RestoreTest, RefusesANonEmptyTargetAndAmbiguousPoints) {
  MakeHistory();
  ToolRun run = Replay({"restore", "--to", data_, "--until-position", "3"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("is not an empty directory"), std::string::npos) << run.err;
  EXPECT_EQ(Replay({"restore", "--to", dir_.Sub("x")}).exit_code, 2);
  EXPECT_EQ(Replay({"restore", "--to", dir_.Sub("x"), "--until-position", "3", "--until-time",
                    "2026-03-01T10:00:00Z"})
                .exit_code,
            2);
  EXPECT_EQ(Replay({"restore", "--until-position", "3"}).exit_code, 2);
  // The source is untouched by all of that.
  EXPECT_EQ(Replay({"verify"}).exit_code, 0);
}

TEST_F(RestoreTest, WorksBesideARunningServer) {
  PhaseA();
  // The store is open and locked by the write path, as by a server.
  const std::string to = dir_.Sub("restored");
  ToolRun run = Replay({"restore", "--to", to, "--until-position", "4"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ExpectSoundRestore(to, 4);
}

}  // namespace
}  // namespace orgd::test
