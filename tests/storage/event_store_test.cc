#include "storage/event_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <string>
#include <vector>

#include "storage/keys.h"
#include "tests/fault_injection_fs.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

IdempotencyRecord Record(std::string fingerprint, std::string outcome, uint64_t position) {
  IdempotencyRecord r;
  r.fingerprint = std::move(fingerprint);
  r.outcome = std::move(outcome);
  r.position = position;
  r.created_ms = kNow;
  return r;
}

using test::TempDir;

NewEvent Ev(std::string stream, std::string payload) {
  return NewEvent{std::move(stream), "Noted", 1, "{\"n\":\"" + payload + "\"}"};
}

AppendContext Ctx(int64_t now_ms = 1000, std::string idempotency_key = {}) {
  return AppendContext{"key:test", "req-1", std::move(idempotency_key), now_ms};
}

// A record without its trailing 32-byte hash.
std::string Body(std::string_view record) {
  return std::string(record.substr(0, record.size() - 32));
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(Open()); }

  Status Open(rocksdb::Env* env = nullptr) {
    StoreOptions o;
    o.path = dir_.Sub("store");
    o.env = env;
    o.block_cache_bytes = size_t{8} << 20;
    return EventStore::Open(o, &store_);
  }

  void Reopen() {
    ASSERT_OK(store_->Close());
    store_.reset();
    ASSERT_OK(Open());
  }

  // Appends events in one batch and commits it.
  Status AppendEvents(const std::vector<NewEvent>& events,
                      const std::vector<StreamExpectation>& expected = {},
                      const AppendContext& ctx = Ctx(),
                      std::vector<EventEnvelope>* appended = nullptr) {
    auto batch = store_->NewBatch();
    ORGD_RETURN_IF_ERROR(batch->Append(events, expected, ctx, appended));
    return store_->Commit(batch.get());
  }

  // Every event of the log in order, read through a LogIterator.
  std::vector<EventEnvelope> ReplayAll(uint64_t from = 1) {
    std::vector<EventEnvelope> out;
    auto it = store_->NewLogIterator(from);
    for (; it->Valid(); it->Next()) {
      EventEnvelope e;
      EXPECT_OK(it->Decode(&e));
      out.push_back(e);
    }
    EXPECT_OK(it->status());
    return out;
  }

  // The raw records of the whole log.
  std::vector<std::string> RawRecords() {
    std::vector<std::string> out;
    for (auto it = store_->NewLogIterator(1); it->Valid(); it->Next()) {
      out.emplace_back(it->record());
    }
    return out;
  }

  // The position of the first event whose hash does not chain to its
  // predecessor, or 0 when the whole log verifies.
  uint64_t FirstBrokenLink() {
    Digest prev{};
    uint64_t position = 0;
    for (const auto& record : RawRecords()) {
      ++position;
      if (!VerifyChainLink(prev, record)) return position;
      prev = ChainHash(prev, Body(record));
    }
    return 0;
  }

  // Adds delta to one byte of the stored record at position, bypassing the
  // store's append path (as leveldb's log_test IncrementByte does).
  void IncrementByte(uint64_t position, size_t offset, int delta) {
    auto* log = store_->cf(storage::kLogCf);
    ASSERT_NE(log, nullptr);
    const std::string key = storage::EncodeBE64(position);
    std::string value;
    ASSERT_TRUE(store_->db()->Get(rocksdb::ReadOptions(), log, key, &value).ok());
    ASSERT_LT(offset, value.size());
    value[offset] = static_cast<char>(value[offset] + delta);
    ASSERT_TRUE(store_->db()->Put(rocksdb::WriteOptions(), log, key, value).ok());
  }

  uint64_t VersionOf(const std::string& stream) {
    uint64_t v = 0;
    EXPECT_OK(store_->StreamVersion(stream, &v));
    return v;
  }

  TempDir dir_;
  test::FaultInjectionEnv faults_;  // outlives store_, which may use it
  std::unique_ptr<EventStore> store_;
};

TEST_F(EventLogTest, AppendThenReadForwardFromPosition) {
  ASSERT_OK(AppendEvents({Ev("s", "a"), Ev("s", "b"), Ev("t", "c")}));
  ASSERT_OK(AppendEvents({Ev("s", "d"), Ev("t", "e")}));

  auto events = ReplayAll(3);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].position, 3u);
  EXPECT_EQ(events[0].payload, "{\"n\":\"c\"}");
  EXPECT_EQ(events[1].stream_id, "s");
  EXPECT_EQ(events[1].stream_version, 3u);
  EXPECT_EQ(events[2].payload, "{\"n\":\"e\"}");
  EXPECT_EQ(events[2].actor, "key:test");
  EXPECT_EQ(events[2].request_id, "req-1");

  EventEnvelope e;
  ASSERT_OK(store_->ReadEvent(2, &e));
  EXPECT_EQ(e.payload, "{\"n\":\"b\"}");
  EXPECT_TRUE(ReplayAll(6).empty());
}

TEST_F(EventLogTest, PositionsAreGapFreeStartingAtOne) {
  EXPECT_EQ(store_->last_position(), 0u);
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<NewEvent> events;
    for (int i = 0; i <= batch; ++i) events.push_back(Ev("s" + std::to_string(i), "x"));
    ASSERT_OK(AppendEvents(events));
  }
  auto events = ReplayAll();
  ASSERT_EQ(events.size(), 15u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].position, i + 1);
  EXPECT_EQ(store_->last_position(), 15u);
  EXPECT_EQ(store_->head().last_position, 15u);
  EventEnvelope e;
  EXPECT_TRUE(store_->ReadEvent(16, &e).IsNotFound());
}

TEST_F(EventLogTest, ReadStreamReturnsOnlyThatStream) {
  // "org-1" is a prefix of "org-10": the index must keep them apart.
  ASSERT_OK(AppendEvents({Ev("org-1", "1a"), Ev("org-10", "10a"), Ev("org-1", "1b")}));
  ASSERT_OK(AppendEvents({Ev("org-10", "10b"), Ev("org-1", "1c")}));

  std::vector<EventEnvelope> out;
  ASSERT_OK(store_->ReadStream("org-1", 1, 100, &out));
  ASSERT_EQ(out.size(), 3u);
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].stream_id, "org-1");
    EXPECT_EQ(out[i].stream_version, i + 1);
  }
  EXPECT_EQ(out[2].position, 5u);

  out.clear();
  ASSERT_OK(store_->ReadStream("org-1", 2, 1, &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].payload, "{\"n\":\"1b\"}");

  out.clear();
  ASSERT_OK(store_->ReadStream("org-2", 1, 100, &out));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(VersionOf("org-10"), 2u);
  EXPECT_EQ(VersionOf("org-2"), 0u);
}

TEST_F(EventLogTest, AppendToSeveralStreamsIsAtomic) {
  auto batch = store_->NewBatch();
  ASSERT_OK(batch->Append(std::vector{Ev("x", "1"), Ev("y", "1")},
                          std::vector<StreamExpectation>{{"x", 0}, {"y", 0}}, Ctx(), nullptr));
  ASSERT_OK(batch->Append(std::vector{Ev("z", "1")}, {}, Ctx(), nullptr));
  // Nothing is visible before the commit, and the batch sees its own writes.
  EXPECT_EQ(store_->last_position(), 0u);
  EXPECT_EQ(VersionOf("x"), 0u);
  uint64_t pending = 0;
  ASSERT_OK(batch->StreamVersion("y", &pending));
  EXPECT_EQ(pending, 1u);
  ASSERT_OK(store_->Commit(batch.get()));
  EXPECT_EQ(store_->last_position(), 3u);

  // One stale expectation among several: neither stream gets anything.
  Status s = AppendEvents({Ev("x", "2"), Ev("y", "2")}, {{"x", 1}, {"y", 0}});
  EXPECT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_EQ(VersionOf("x"), 1u);
  EXPECT_EQ(VersionOf("y"), 1u);
  EXPECT_EQ(ReplayAll().size(), 3u);
}

TEST_F(EventLogTest, OverlongFieldIsRefusedBeforeAnythingIsAppended) {
  const NewEvent overlong{"big", "Noted", 1, std::string(kMaxEnvelopeFieldBytes + 1, 'p')};
  auto batch = store_->NewBatch();
  std::vector<EventEnvelope> appended;
  // The overlong event comes second: the first must not be added either.
  Status s = batch->Append(std::vector{Ev("small", "1"), overlong}, {}, Ctx(), &appended);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(s.reason(), "field_too_long");
  EXPECT_TRUE(appended.empty());
  EXPECT_TRUE(batch->empty());
  EXPECT_EQ(batch->head().last_position, 0u);

  AppendContext long_key = Ctx(1000, std::string(kMaxEnvelopeFieldBytes + 1, 'k'));
  s = batch->Append(std::vector{Ev("small", "1")}, {}, long_key, nullptr);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(batch->empty());
  ASSERT_OK(store_->Commit(batch.get()));
  EXPECT_EQ(store_->last_position(), 0u);
}

TEST_F(EventLogTest, FieldAtTheLimitIsStoredWhole) {
  const std::string payload(kMaxEnvelopeFieldBytes, 'p');
  ASSERT_OK(AppendEvents({NewEvent{"big", "Noted", 1, payload}}));
  Reopen();
  std::vector<EventEnvelope> events = ReplayAll();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].payload == payload) << events[0].payload.size() << " bytes";
}

TEST_F(EventLogTest, ConflictCarriesCurrentVersion) {
  ASSERT_OK(AppendEvents({Ev("s", "1"), Ev("s", "2")}, {{"s", 0}}));

  auto batch = store_->NewBatch();
  std::vector<EventEnvelope> appended;
  Status s = batch->Append(std::vector{Ev("s", "3")},
                           std::vector<StreamExpectation>{{"s", 1}}, Ctx(), &appended);
  ASSERT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_EQ(s.reason(), "wrong_expected_version");
  ASSERT_TRUE(s.current_version().has_value());
  EXPECT_EQ(*s.current_version(), 2u);
  EXPECT_TRUE(appended.empty());
  EXPECT_EQ(batch->event_count(), 0u);
  EXPECT_TRUE(batch->empty());
  EXPECT_EQ(batch->head().last_position, 2u);

  ASSERT_OK(store_->Commit(batch.get()));
  EXPECT_EQ(store_->last_position(), 2u);
  EXPECT_EQ(VersionOf("s"), 2u);
}

TEST_F(EventLogTest, IdempotencyRecordsAreStoredAndLookedUp) {
  auto batch = store_->NewBatch();
  ASSERT_OK(batch->Append(std::vector{Ev("s", "1")}, {}, Ctx(1000, "k1"), nullptr));
  batch->PutIdempotency("key:a", "k1", Record("fp", "{\"id\":1}", 1));
  IdempotencyRecord r;
  ASSERT_OK(batch->LookupIdempotency("key:a", "k1", kNow, &r));  // pending writes are visible
  ASSERT_OK(store_->Commit(batch.get()));

  auto next = store_->NewBatch();
  ASSERT_OK(next->LookupIdempotency("key:a", "k1", kNow, &r));
  EXPECT_EQ(r.fingerprint, "fp");
  EXPECT_EQ(r.outcome, "{\"id\":1}");
  EXPECT_EQ(r.created_ms, kNow);
  EXPECT_EQ(r.position, 1u);
  // Keys are scoped by actor.
  EXPECT_TRUE(next->LookupIdempotency("key:b", "k1", kNow, &r).IsNotFound());
  EXPECT_TRUE(next->LookupIdempotency("key:a", "k2", kNow, &r).IsNotFound());
  EXPECT_EQ(ReplayAll()[0].idempotency_key, "k1");
}

TEST_F(EventLogTest, IdempotencyRecordsExpireAfterTheRetention) {
  auto batch = store_->NewBatch();
  ASSERT_OK(batch->Append(std::vector{Ev("s", "1")}, {}, Ctx(1000, "k1"), nullptr));
  batch->PutIdempotency("key:a", "k1", Record("fp", "o", 1));
  ASSERT_OK(store_->Commit(batch.get()));
  const int64_t retention = StoreOptions().idempotency_retention_ms;
  EXPECT_EQ(retention, int64_t{24} * 3600 * 1000);  // the documented default
  IdempotencyRecord r;
  auto next = store_->NewBatch();
  EXPECT_OK(next->LookupIdempotency("key:a", "k1", kNow + retention, &r));
  EXPECT_TRUE(next->LookupIdempotency("key:a", "k1", kNow + retention + 1, &r).IsNotFound());
  // The record's bytes say when it was made, which is what compaction drops by.
  std::string raw;
  ASSERT_TRUE(store_->db()->Get({}, store_->cf(storage::kIdempotencyCf),
                                storage::IdempotencyKey("key:a", "k1"), &raw).ok());
  EXPECT_FALSE(IdempotencyExpired(raw, kNow + retention, retention));
  EXPECT_TRUE(IdempotencyExpired(raw, kNow + retention + 1, retention));
}

TEST_F(EventLogTest, FailedBatchLeavesNoIdempotencyRecord) {
  store_.reset();
  ASSERT_OK(Open(faults_.env.get()));
  ASSERT_OK(AppendEvents({Ev("s", "ok")}));

  auto batch = store_->NewBatch();
  ASSERT_OK(batch->Append(std::vector{Ev("s", "lost")}, {}, Ctx(1000, "k1"), nullptr));
  batch->PutIdempotency("key:a", "k1", Record("fp", "{}", 2));
  faults_.fs->fail_wal_append = true;
  Status s = store_->Commit(batch.get());
  EXPECT_FALSE(s.ok());
  EXPECT_GT(faults_.fs->injected.load(), 0);
  EXPECT_EQ(store_->last_position(), 1u);
  faults_.fs->fail_wal_append = false;

  // RocksDB reports the WAL error once more when closing.
  EXPECT_TRUE(store_->Close().IsIOError());
  store_.reset();
  ASSERT_OK(Open());
  IdempotencyRecord r;
  EXPECT_TRUE(store_->NewBatch()->LookupIdempotency("key:a", "k1", kNow, &r).IsNotFound());
  EXPECT_EQ(ReplayAll().size(), 1u);
  EXPECT_EQ(VersionOf("s"), 1u);
}

// After a failed WAL write RocksDB keeps the error (DB::Resume does not clear
// it either): every later commit fails until the store is reopened.
TEST_F(EventLogTest, CommitsFailUntilReopenAfterAWalFailure) {
  store_.reset();
  ASSERT_OK(Open(faults_.env.get()));
  ASSERT_OK(AppendEvents({Ev("s", "ok")}));
  faults_.fs->fail_wal_append = true;
  EXPECT_TRUE(AppendEvents({Ev("s", "lost")}).IsIOError());
  faults_.fs->fail_wal_append = false;

  Status s = AppendEvents({Ev("s", "later")});
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_EQ(store_->last_position(), 1u);
  EXPECT_EQ(ReplayAll().size(), 1u);

  store_->Close().PermitUncheckedError();  // reports the WAL error again
  store_.reset();
  ASSERT_OK(Open(faults_.env.get()));
  ASSERT_OK(AppendEvents({Ev("s", "after reopen")}, {{"s", 1}}));
  auto events = ReplayAll();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].payload, "{\"n\":\"after reopen\"}");
  EXPECT_EQ(FirstBrokenLink(), 0u);
}

// A failed fsync leaves the batch's bytes in the WAL file: the commit reports
// an error and this process never sees the batch, but a reopen may replay it.
// What must hold is that the batch comes back whole or not at all.
TEST_F(EventLogTest, SyncFailedBatchIsAllOrNothingAfterReopen) {
  store_.reset();
  ASSERT_OK(Open(faults_.env.get()));
  ASSERT_OK(AppendEvents({Ev("a", "1")}));
  auto batch = store_->NewBatch();
  ASSERT_OK(batch->Append(std::vector{Ev("a", "2"), Ev("b", "1")}, {}, Ctx(1000, "k"), nullptr));
  ASSERT_OK(batch->Append(std::vector{Ev("c", "1")}, {}, Ctx(), nullptr));
  batch->PutIdempotency("key:a", "k", Record("fp", "{}", 4));
  faults_.fs->fail_wal_sync = true;
  EXPECT_TRUE(store_->Commit(batch.get()).IsIOError());
  faults_.fs->fail_wal_sync = false;
  EXPECT_EQ(store_->last_position(), 1u);
  EXPECT_EQ(ReplayAll().size(), 1u);
  EXPECT_EQ(VersionOf("b"), 0u);

  store_->Close().PermitUncheckedError();
  store_.reset();
  ASSERT_OK(Open());
  const uint64_t n = store_->last_position();
  ASSERT_TRUE(n == 1 || n == 4) << "a partial batch came back: " << n << " events";
  const bool back = n == 4;
  IdempotencyRecord r;
  EXPECT_EQ(store_->NewBatch()->LookupIdempotency("key:a", "k", kNow, &r).ok(), back);
  EXPECT_EQ(VersionOf("a"), back ? 2u : 1u);
  EXPECT_EQ(VersionOf("c"), back ? 1u : 0u);
  EXPECT_EQ(ReplayAll().size(), n);
  EXPECT_EQ(FirstBrokenLink(), 0u);
  RecordProperty("failed_batch_replayed_on_reopen", back ? "yes" : "no");
}

TEST_F(EventLogTest, EachHashChainsToItsPredecessor) {
  ASSERT_OK(AppendEvents({Ev("a", "1"), Ev("b", "2")}));
  ASSERT_OK(AppendEvents({Ev("a", "3")}));
  ASSERT_OK(AppendEvents({Ev("c", "4"), Ev("a", "5"), Ev("b", "6")}));

  Digest prev{};
  auto records = RawRecords();
  auto events = ReplayAll();
  ASSERT_EQ(records.size(), 6u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(events[i].hash, ChainHash(prev, Body(records[i]))) << "at position " << i + 1;
    EXPECT_TRUE(VerifyChainLink(prev, records[i])) << "at position " << i + 1;
    prev = events[i].hash;
  }
  EXPECT_EQ(store_->head().last_hash, prev);
  EXPECT_EQ(FirstBrokenLink(), 0u);
}

TEST_F(EventLogTest, ModifiedRecordBreaksTheChain) {
  ASSERT_OK(AppendEvents({Ev("a", "1"), Ev("a", "2"), Ev("a", "3"), Ev("a", "4")}));
  ASSERT_EQ(FirstBrokenLink(), 0u);

  const std::string record = RawRecords()[2];
  const size_t payload_byte = record.size() - 32 - 3;  // inside {"n":"3"}
  IncrementByte(3, payload_byte, 1);

  EventEnvelope e;
  ASSERT_OK(store_->ReadEvent(3, &e));  // still decodes: only the chain can tell
  EXPECT_EQ(e.payload, "{\"n\":\"4\"}");
  EXPECT_EQ(FirstBrokenLink(), 3u);

  IncrementByte(3, payload_byte, -1);
  EXPECT_EQ(FirstBrokenLink(), 0u);
  IncrementByte(4, record.size() - 1, 1);  // the stored hash itself
  EXPECT_EQ(FirstBrokenLink(), 4u);
}

TEST_F(EventLogTest, TimestampsNeverDecreaseWhenTheClockGoesBack) {
  std::vector<EventEnvelope> appended;
  ASSERT_OK(AppendEvents({Ev("s", "1")}, {}, Ctx(5000), &appended));
  ASSERT_OK(AppendEvents({Ev("s", "2"), Ev("s", "3")}, {}, Ctx(4000), &appended));
  ASSERT_OK(AppendEvents({Ev("s", "4")}, {}, Ctx(6000), &appended));
  Reopen();
  ASSERT_OK(AppendEvents({Ev("s", "5")}, {}, Ctx(1), &appended));

  std::vector<int64_t> want = {5000, 5000, 5000, 6000, 6000};
  auto events = ReplayAll();
  ASSERT_EQ(events.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(events[i].timestamp_ms, want[i]) << "at position " << i + 1;
    EXPECT_EQ(appended[i].timestamp_ms, want[i]);
  }
  EXPECT_EQ(store_->head().last_timestamp_ms, 6000);
}

TEST_F(EventLogTest, ReopenKeepsHeadAndStreamVersions) {
  ASSERT_OK(AppendEvents({Ev("a", "1"), Ev("b", "1"), Ev("a", "2")}, {}, Ctx(7000)));
  const LogHead before = store_->head();
  Reopen();

  const LogHead after = store_->head();
  EXPECT_EQ(after.last_position, 3u);
  EXPECT_EQ(store_->last_position(), 3u);
  EXPECT_EQ(after.last_timestamp_ms, 7000);
  EXPECT_EQ(after.last_hash, before.last_hash);
  EXPECT_EQ(VersionOf("a"), 2u);
  EXPECT_EQ(VersionOf("b"), 1u);

  // Appending continues the positions, the versions and the chain.
  std::vector<EventEnvelope> appended;
  ASSERT_OK(AppendEvents({Ev("a", "3")}, {{"a", 2}}, Ctx(), &appended));
  EXPECT_EQ(appended[0].position, 4u);
  EXPECT_EQ(appended[0].stream_version, 3u);
  EXPECT_EQ(FirstBrokenLink(), 0u);
}

TEST_F(EventLogTest, SecondOpenWhileOpenFailsWithStoreLocked) {
  StoreOptions o;
  o.path = dir_.Sub("store");
  std::unique_ptr<EventStore> second;
  Status s = EventStore::Open(o, &second);
  EXPECT_TRUE(s.IsUnavailable()) << s.ToString();
  EXPECT_EQ(s.reason(), "store_locked");
  EXPECT_EQ(second, nullptr);

  ASSERT_OK(store_->Close());
  ASSERT_OK(EventStore::Open(o, &second));
  ASSERT_OK(second->Close());
}

TEST_F(EventLogTest, RollbackToSavePointRestoresTheBatchHead) {
  ASSERT_OK(AppendEvents({Ev("s", "1")}));
  auto batch = store_->NewBatch();
  ASSERT_OK(batch->Append(std::vector{Ev("s", "2")}, {}, Ctx(2000), nullptr));
  const LogHead mark = batch->head();

  batch->SetSavePoint();
  ASSERT_OK(batch->Append(std::vector{Ev("s", "3"), Ev("t", "1")}, {}, Ctx(3000), nullptr));
  batch->PutIdempotency("key:a", "k", Record("fp", "", 4));
  EXPECT_EQ(batch->head().last_position, 4u);
  batch->RollbackToSavePoint();

  EXPECT_EQ(batch->head().last_position, mark.last_position);
  EXPECT_EQ(batch->head().last_hash, mark.last_hash);
  EXPECT_EQ(batch->head().last_timestamp_ms, 2000);
  EXPECT_EQ(batch->event_count(), 1u);
  uint64_t v = 0;
  ASSERT_OK(batch->StreamVersion("t", &v));
  EXPECT_EQ(v, 0u);
  IdempotencyRecord r;
  EXPECT_TRUE(batch->LookupIdempotency("key:a", "k", kNow, &r).IsNotFound());

  // A released save point keeps its changes.
  batch->SetSavePoint();
  ASSERT_OK(batch->Append(std::vector{Ev("s", "3b")}, {}, Ctx(2500), nullptr));
  batch->ReleaseSavePoint();
  ASSERT_OK(store_->Commit(batch.get()));

  auto events = ReplayAll();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].payload, "{\"n\":\"3b\"}");
  EXPECT_EQ(events[2].stream_version, 3u);
  EXPECT_EQ(VersionOf("t"), 0u);
  EXPECT_EQ(FirstBrokenLink(), 0u);
}

}  // namespace
}  // namespace orgd
