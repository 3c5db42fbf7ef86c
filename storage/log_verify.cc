// VerifyLog: the log is cut into position ranges that are checked at once, one
// thread each, while another reads the stream index. A record's link needs
// only the stored hash of the record before it, so every range checks its own
// links; a stream's versions are checked within each range, and across ranges
// when their tables are merged, in position order.
#include "storage/log_verify.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

#include "storage/event_store.h"
#include "storage/keys.h"
#include "storage/stream_table.h"

namespace orgd {

namespace {

using storage::StreamTable;

constexpr unsigned kMaxThreads = 8;

// A snapshot released on scope exit; the log and the index are read at it.
class SnapshotScope {
 public:
  explicit SnapshotScope(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~SnapshotScope() { db_->ReleaseSnapshot(snapshot_); }
  SnapshotScope(const SnapshotScope&) = delete;
  SnapshotScope& operator=(const SnapshotScope&) = delete;

  // Options for a forward scan: checksums checked, the block cache left alone.
  rocksdb::ReadOptions ScanOptions() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    ro.verify_checksums = true;
    ro.fill_cache = false;
    ro.readahead_size = size_t{4} << 20;
    return ro;
  }

 private:
  rocksdb::DB* const db_;
  const rocksdb::Snapshot* const snapshot_;
};

// What one task found in its range of positions [from, to].
struct RangeScan {
  uint64_t from = 1;
  uint64_t to = UINT64_MAX;  // UINT64_MAX: to the end of the log
  uint64_t events = 0;       // sound records, from `from` on
  uint64_t first_bad = 0;    // 0 while sound
  std::string problem;
  StreamTable streams;
};

// A problem found; keeps the first (lowest) position.
struct Finding {
  uint64_t position = 0;
  std::string problem;
  void Consider(uint64_t p, std::string text) {
    if (position == 0 || p < position) {
      position = std::max<uint64_t>(p, 1);
      problem = std::move(text);
    }
  }
};

Status FromRocks(const rocksdb::Status& s) {
  return s.ok() ? Status::OK() : Status::IOError("reading the log: " + s.ToString());
}

std::string U64(uint64_t v) { return std::to_string(v); }

// The stored hash of the record at position; false when it is not there.
bool StoredHash(const EventStore& store, const SnapshotScope& snap, uint64_t position,
                Digest* out) {
  *out = Digest{};
  if (position == 0) return true;  // the chain starts from zeros
  std::string record;
  rocksdb::Status s = store.db()->Get(snap.ScanOptions(), store.cf(storage::kLogCf),
                                      storage::EncodeBE64(position), &record);
  if (!s.ok() || record.size() < out->size()) return false;
  std::memcpy(out->data(), record.data() + record.size() - out->size(), out->size());
  return true;
}

// The first position present at or after position, for messages.
std::string NextPresent(const EventStore& store, const SnapshotScope& snap, uint64_t position) {
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(snap.ScanOptions(), store.cf(storage::kLogCf)));
  it->Seek(storage::EncodeBE64(position));
  if (!it->Valid() || it->key().size() != 8) return "none";
  return U64(storage::DecodeBE64(it->key().ToStringView()));
}

// Checks the record expected at r->from + r->events; false (with r's problem
// set) when it is not sound. prev is the previous record's stored hash.
bool CheckRecord(rocksdb::Slice key, rocksdb::Slice value, Digest* prev, bool check_link,
                 RangeScan* r) {
  const uint64_t expected = r->from + r->events;
  const uint64_t pos = key.size() == 8 ? storage::DecodeBE64(key.ToStringView()) : 0;
  auto fail = [&](uint64_t at, std::string problem) {
    r->first_bad = at;
    r->problem = std::move(problem);
    return false;
  };
  if (pos != expected) {
    return fail(expected, "position " + U64(expected) + " is missing (next is " + U64(pos) + ")");
  }
  const std::string_view record = value.ToStringView();
  EnvelopeView e;
  if (!DecodeEnvelopeView(record, &e).ok() || e.position != pos) {
    return fail(pos, "record does not decode or names another position");
  }
  if (check_link && !VerifyChainLink(*prev, record)) {
    return fail(pos, "hash chain broken: the record was changed, or one before it removed");
  }
  std::memcpy(prev->data(), e.hash.data(), prev->size());
  bool inserted = false;
  StreamTable::Entry* s = r->streams.Upsert(e.stream_id, &inserted);
  if (inserted) {
    s->first_version = e.stream_version;
    s->first_position = pos;
  } else if (e.stream_version != s->version + 1) {
    return fail(pos, "stream " + std::string(e.stream_id) + " jumps from version " +
                         U64(s->version) + " to " + U64(e.stream_version));
  }
  s->version = e.stream_version;
  s->last_position = pos;
  return true;
}

Status ScanRange(const EventStore& store, const SnapshotScope& snap, RangeScan* r,
                 std::atomic<uint64_t>* checked) {
  Digest prev;
  // When the record before the range is missing, the range before reports it.
  bool check_link = StoredHash(store, snap, r->from - 1, &prev);
  rocksdb::ReadOptions ro = snap.ScanOptions();
  const std::string upper = storage::EncodeBE64(r->to == UINT64_MAX ? 0 : r->to + 1);
  const rocksdb::Slice upper_bound(upper);
  if (r->to != UINT64_MAX) ro.iterate_upper_bound = &upper_bound;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(ro, store.cf(storage::kLogCf)));
  for (it->Seek(storage::EncodeBE64(r->from)); it->Valid(); it->Next(), check_link = true) {
    if (!CheckRecord(it->key(), it->value(), &prev, check_link, r)) return Status::OK();
    if ((++r->events & 0xFFFF) == 0) checked->fetch_add(0x10000, std::memory_order_relaxed);
  }
  ORGD_RETURN_IF_ERROR(FromRocks(it->status()));
  const uint64_t missing = r->from + r->events;
  if (r->to != UINT64_MAX && missing <= r->to) {
    r->first_bad = missing;
    r->problem = "position " + U64(missing) + " is missing (next is " +
                 NextPresent(store, snap, missing) + ")";
  }
  return Status::OK();
}

// The stream heads of the index, in key order: stream ids in one arena.
struct Heads {
  std::string arena;
  struct Head {
    size_t offset, length;
    uint64_t version;
  };
  std::vector<Head> heads;
  std::string_view key(const Head& h) const { return std::string_view(arena).substr(h.offset, h.length); }
};

Status ScanHeads(const EventStore& store, const SnapshotScope& snap, Heads* out) {
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(snap.ScanOptions(), store.cf(storage::kStreamsCf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    if (key.find('\0') != std::string_view::npos) continue;  // an entry, not a head
    const uint64_t version =
        it->value().size() == 8 ? storage::DecodeBE64(it->value().ToStringView()) : 0;
    out->heads.push_back({out->arena.size(), key.size(), version});
    out->arena.append(key);
  }
  return FromRocks(it->status());
}

// Folds range r into the whole log's table, checking that every stream
// continues from where the ranges before left it.
void MergeRange(RangeScan& r, StreamTable* all, Finding* found) {
  r.streams.ForEach([&](std::string_view stream, const StreamTable::Entry& e) {
    bool inserted = false;
    StreamTable::Entry* g = all->Upsert(stream, &inserted);
    if (inserted) {
      g->first_version = e.first_version;
      g->first_position = e.first_position;
    }
    if (e.first_version != g->version + 1) {
      found->Consider(e.first_position, "stream " + std::string(stream) + " jumps from version " +
                                            U64(g->version) + " to " + U64(e.first_version));
    }
    g->version = e.version;
    g->last_position = e.last_position;
  });
}

// In the first range, every stream must begin at version 1.
void StartsAtVersionOne(StreamTable* first, Finding* found) {
  first->ForEach([&](std::string_view stream, const StreamTable::Entry& e) {
    if (e.first_version != 1) {
      found->Consider(e.first_position, "stream " + std::string(stream) +
                                            " jumps from version 0 to " + U64(e.first_version));
    }
  });
}

// A head that disagrees with the log. When the index runs ahead, its entry
// for the first version the log lacks names the missing event.
void HeadMismatch(const EventStore& store, const SnapshotScope& snap, std::string_view stream,
                  uint64_t indexed, const StreamTable::Entry& s, uint64_t events,
                  Finding* found) {
  std::string problem = "stream index says " + std::string(stream) + " is at version " +
                        U64(indexed) + ", the log says " + U64(s.version);
  uint64_t position = s.last_position ? s.last_position : events;
  std::string entry;
  const std::string key = storage::StreamEntryKey(stream, s.version + 1);
  if (indexed > s.version &&
      store.db()->Get(snap.ScanOptions(), store.cf(storage::kStreamsCf), key, &entry).ok() &&
      entry.size() == 8) {
    position = storage::DecodeBE64(entry);
    problem += "; the index puts version " + U64(s.version + 1) + " at position " +
               U64(position) + ", which the log lacks";
  }
  found->Consider(position, std::move(problem));
}

// Every head must equal the log's last version of its stream, and every stream
// of the log must have a head.
void CheckHeads(const EventStore& store, const SnapshotScope& snap, const Heads& index,
                const StreamTable& log, uint64_t events, Finding* found) {
  size_t agreeing = 0;
  for (const Heads::Head& h : index.heads) {
    const StreamTable::Entry* s = log.Find(index.key(h));
    if (s != nullptr && s->version == h.version) {
      ++agreeing;
    } else {
      HeadMismatch(store, snap, index.key(h), h.version, s ? *s : StreamTable::Entry(), events,
                   found);
    }
  }
  if (agreeing == log.size()) return;  // heads are distinct: each stream has its own
  auto before = [&](const Heads::Head& h, std::string_view k) { return index.key(h) < k; };
  log.ForEach([&](std::string_view stream, const StreamTable::Entry& s) {
    auto it = std::lower_bound(index.heads.begin(), index.heads.end(), stream, before);
    if (it == index.heads.end() || index.key(*it) != stream) {
      HeadMismatch(store, snap, stream, 0, s, events, found);
    }
  });
}

// Cuts [1, last] into up to `threads` ranges of at least min_events each.
std::vector<std::unique_ptr<RangeScan>> PlanRanges(const EventStore& store,
                                                   const SnapshotScope& snap,
                                                   const VerifyOptions& o) {
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(snap.ScanOptions(), store.cf(storage::kLogCf)));
  it->SeekToLast();
  const uint64_t last =
      it->Valid() && it->key().size() == 8 ? storage::DecodeBE64(it->key().ToStringView()) : 0;
  unsigned threads = o.threads ? o.threads : std::thread::hardware_concurrency();
  threads = std::clamp(threads, 1u, kMaxThreads);
  const uint64_t n = std::clamp<uint64_t>(last / std::max<uint64_t>(o.min_events_per_thread, 1),
                                          1, threads);
  std::vector<std::unique_ptr<RangeScan>> ranges;
  for (uint64_t k = 0; k < n; ++k) {
    auto r = std::make_unique<RangeScan>();
    r->from = 1 + k * last / n;
    r->to = k + 1 == n ? UINT64_MAX : (k + 1) * last / n;
    ranges.push_back(std::move(r));
  }
  return ranges;
}

// Runs the tasks, calling progress now and then while they run.
Status RunAll(std::vector<std::future<Status>>& tasks, const std::atomic<uint64_t>& checked,
              const std::function<void(uint64_t)>& progress) {
  Status result;
  for (auto& t : tasks) {
    while (progress && t.wait_for(std::chrono::milliseconds(500)) != std::future_status::ready) {
      progress(checked.load(std::memory_order_relaxed));
    }
    Status s = t.get();
    if (result.ok()) result = s;
  }
  return result;
}

}  // namespace

Status VerifyLog(const EventStore& store, VerifyReport* report,
                 const std::function<void(uint64_t)>& progress, const VerifyOptions& options) {
  *report = VerifyReport{};
  SnapshotScope snap(store.db());
  auto ranges = PlanRanges(store, snap, options);
  Heads heads;
  std::atomic<uint64_t> checked{0};
  std::vector<std::future<Status>> tasks;
  for (auto& r : ranges) {
    tasks.push_back(std::async(std::launch::async, [&, r = r.get()] {
      return ScanRange(store, snap, r, &checked);
    }));
  }
  tasks.push_back(std::async(std::launch::async, [&] { return ScanHeads(store, snap, &heads); }));
  ORGD_RETURN_IF_ERROR(RunAll(tasks, checked, progress));

  // In position order, up to the first range with a problem. The first
  // range's table becomes the whole log's; the others are freed once merged.
  StreamTable all = std::move(ranges.front()->streams);
  Finding found;
  StartsAtVersionOne(&all, &found);
  for (auto& r : ranges) {
    if (r != ranges.front()) MergeRange(*r, &all, &found);
    r->streams = StreamTable();
    report->events += r->events;
    if (r->first_bad != 0) found.Consider(r->first_bad, r->problem);
    if (found.position != 0) {
      report->events = found.position - 1;
      break;
    }
  }
  StoredHash(store, snap, report->events, &report->last_hash);
  if (found.position == 0) CheckHeads(store, snap, heads, all, report->events, &found);
  report->first_bad_position = found.position;
  report->problem = std::move(found.problem);
  if (progress) progress(report->events);
  return Status::OK();
}

}  // namespace orgd
