// VerifyLog checks a log in position ranges at once and merges what each range
// learned. Every kind of damage must be reported at the same first bad
// position, with the same words, whether the log is checked as one range or
// as many (ranges are forced small here so that boundaries fall everywhere).
#include "storage/log_verify.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <functional>
#include <memory>

#include "storage/event_store.h"
#include "storage/keys.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

constexpr uint64_t kEvents = 40;  // over 5 interleaved streams

class LogVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.path = dir_.Sub("store");
    o.sync = false;
    ASSERT_OK(EventStore::Open(o, &store_));
    for (uint64_t i = 0; i < kEvents; ++i) {
      auto batch = store_->NewBatch();
      NewEvent e{"s" + std::to_string(i % 5), "Ev", 1, "{\"n\":" + std::to_string(i) + "}"};
      ASSERT_OK(batch->Append({&e, 1}, {}, AppendContext{"a", "r", "", 1000}, nullptr));
      ASSERT_OK(store_->Commit(batch.get()));
    }
  }

  // Verifies as one range and as ranges of 3 (up to 8 threads); expects the
  // same report from both and returns it.
  VerifyReport Verify() {
    VerifyReport one, many;
    EXPECT_OK(VerifyLog(*store_, &one, nullptr, VerifyOptions{1, 1}));
    EXPECT_OK(VerifyLog(*store_, &many, nullptr, VerifyOptions{8, 3}));
    EXPECT_EQ(one.first_bad_position, many.first_bad_position);
    EXPECT_EQ(one.problem, many.problem);
    EXPECT_EQ(one.events, many.events);
    EXPECT_EQ(one.last_hash, many.last_hash);
    return many;
  }

  rocksdb::ColumnFamilyHandle* cf(const char* name) { return store_->cf(name); }
  std::string Record(uint64_t position) {
    std::string r;
    EXPECT_TRUE(store_->db()->Get({}, cf(storage::kLogCf), storage::EncodeBE64(position), &r).ok());
    return r;
  }
  void Put(const char* family, const std::string& key, const std::string& value) {
    ASSERT_TRUE(store_->db()->Put({}, cf(family), key, value).ok());
  }
  void Delete(const char* family, const std::string& key) {
    ASSERT_TRUE(store_->db()->Delete({}, cf(family), key).ok());
  }

  // Rewrites event `position` through change, then re-hashes it and every
  // later record so the chain stays intact: damage only the versions show.
  void RewriteAndRechain(uint64_t position, const std::function<void(EventEnvelope*)>& change) {
    EventEnvelope prev;
    Digest hash{};
    if (position > 1) {
      ASSERT_OK(DecodeEnvelope(Record(position - 1), &prev));
      hash = prev.hash;
    }
    for (uint64_t p = position; p <= kEvents; ++p) {
      EventEnvelope e;
      ASSERT_OK(DecodeEnvelope(Record(p), &e));
      if (p == position) change(&e);
      std::string body;
      ASSERT_OK(EncodeEnvelopeBody(e, &body));
      e.hash = ChainHash(hash, body);
      hash = e.hash;
      Result<std::string> record = EncodeEnvelope(e);
      ASSERT_OK(record);
      Put(storage::kLogCf, storage::EncodeBE64(p), *record);
    }
  }

  test::TempDir dir_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(LogVerifyTest, SoundLogIsSoundInAnyNumberOfRanges) {
  VerifyReport r = Verify();
  EXPECT_EQ(r.problem, "");
  EXPECT_EQ(r.first_bad_position, 0u);
  EXPECT_EQ(r.events, kEvents);
  EXPECT_EQ(r.last_hash, store_->head().last_hash);
}

TEST_F(LogVerifyTest, ChangedByteIsFoundAtItsPositionWhereverTheBoundaries) {
  for (uint64_t p : {1, 2, 3, 4, 20, 21, 39, 40}) {
    const std::string original = Record(p);
    std::string changed = original;
    changed[changed.size() - 33] ^= 1;  // the payload's last byte: still decodes
    Put(storage::kLogCf, storage::EncodeBE64(p), changed);
    VerifyReport r = Verify();
    EXPECT_EQ(r.first_bad_position, p);
    EXPECT_EQ(r.events, p - 1);
    EXPECT_NE(r.problem.find("hash chain broken"), std::string::npos) << r.problem;
    Put(storage::kLogCf, storage::EncodeBE64(p), original);
  }
  EXPECT_EQ(Verify().problem, "");
}

TEST_F(LogVerifyTest, DeletedEventIsFoundAtItsPositionWhereverTheBoundaries) {
  for (uint64_t p : {1, 3, 4, 6, 20, 39}) {
    const std::string original = Record(p);
    Delete(storage::kLogCf, storage::EncodeBE64(p));
    VerifyReport r = Verify();
    EXPECT_EQ(r.first_bad_position, p);
    EXPECT_EQ(r.problem, "position " + std::to_string(p) + " is missing (next is " +
                             std::to_string(p + 1) + ")");
    Put(storage::kLogCf, storage::EncodeBE64(p), original);
  }
}

TEST_F(LogVerifyTest, DeletedLastEventIsFoundThroughTheIndex) {
  Delete(storage::kLogCf, storage::EncodeBE64(kEvents));
  VerifyReport r = Verify();
  EXPECT_EQ(r.first_bad_position, kEvents);
  EXPECT_EQ(r.problem,
            "stream index says s4 is at version 8, the log says 7; the index puts version 8 at "
            "position 40, which the log lacks");
}

TEST_F(LogVerifyTest, StreamVersionJumpIsFoundAcrossRanges) {
  // Event 23 is s2's fifth; say it is the sixth, with a sound chain.
  RewriteAndRechain(23, [](EventEnvelope* e) { e->stream_version = 6; });
  VerifyReport r = Verify();
  EXPECT_EQ(r.first_bad_position, 23u);
  EXPECT_EQ(r.problem, "stream s2 jumps from version 4 to 6");
}

TEST_F(LogVerifyTest, StreamThatDoesNotStartAtOneIsFound) {
  RewriteAndRechain(4, [](EventEnvelope* e) { e->stream_version = 2; });  // s3's first
  VerifyReport r = Verify();
  EXPECT_EQ(r.first_bad_position, 4u);
  EXPECT_EQ(r.problem, "stream s3 jumps from version 0 to 2");
}

TEST_F(LogVerifyTest, EventMovedToAnotherStreamIsFound) {
  RewriteAndRechain(31, [](EventEnvelope* e) { e->stream_id = "s9"; });  // s0's seventh
  VerifyReport r = Verify();
  EXPECT_EQ(r.first_bad_position, 31u);
  EXPECT_EQ(r.problem, "stream s9 jumps from version 0 to 7");
}

TEST_F(LogVerifyTest, IndexThatDisagreesIsFound) {
  Put(storage::kStreamsCf, storage::StreamHeadKey("s1"), storage::EncodeBE64(3));
  VerifyReport r = Verify();
  EXPECT_EQ(r.first_bad_position, 37u);  // s1's last event
  EXPECT_EQ(r.problem, "stream index says s1 is at version 3, the log says 8");

  Put(storage::kStreamsCf, storage::StreamHeadKey("s1"), storage::EncodeBE64(8));
  Delete(storage::kStreamsCf, storage::StreamHeadKey("s2"));
  r = Verify();
  EXPECT_EQ(r.first_bad_position, 38u);
  EXPECT_EQ(r.problem, "stream index says s2 is at version 0, the log says 8");

  Put(storage::kStreamsCf, storage::StreamHeadKey("s2"), storage::EncodeBE64(8));
  Put(storage::kStreamsCf, storage::StreamHeadKey("ghost"), storage::EncodeBE64(1));
  r = Verify();
  EXPECT_EQ(r.first_bad_position, kEvents);
  EXPECT_EQ(r.problem, "stream index says ghost is at version 1, the log says 0");
}

TEST_F(LogVerifyTest, EmptyLogIsSound) {
  test::TempDir empty;
  StoreOptions o;
  o.path = empty.Sub("store");
  std::unique_ptr<EventStore> store;
  ASSERT_OK(EventStore::Open(o, &store));
  VerifyReport r;
  ASSERT_OK(VerifyLog(*store, &r, nullptr, VerifyOptions{8, 1}));
  EXPECT_EQ(r.problem, "");
  EXPECT_EQ(r.events, 0u);
}

}  // namespace
}  // namespace orgd
