// EventStore: orgd's event log and the column families of its read models, in
// one RocksDB database.
//
// Thread safety: an EventStore is safe for concurrent reads from any number of
// threads without external synchronization. Appending is not: NewBatch() and
// Commit() must be called by one thread at a time (orgd's single writer), so
// Append never races with Append.
//
// Durability: Commit() writes the whole AppendBatch as ONE RocksDB WriteBatch.
// With StoreOptions::sync = true (the default) it returns only after the
// write-ahead log was fsync'ed, like write() followed by fsync(): a batch whose
// Commit returned OK survives a process crash and a machine crash. With
// sync = false it survives a process crash only (like write() alone). A batch
// whose Commit failed left nothing visible, in the store or in this object,
// for as long as it stays open. When it was the fsync that failed, the batch's
// bytes may already be in the log file, and the next Open may recover the
// whole batch (never a part of it). Once the log failed to write, RocksDB
// refuses every later Commit until the store is closed and opened again;
// the one exception is a full disk (Commit's reason "no_space"), from which
// Resume() recovers once space is free again.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "storage/log/record.h"

namespace rocksdb {
class Cache;
class ColumnFamilyHandle;
class DB;
class Env;
class Iterator;
class Snapshot;
class WriteBatchWithIndex;
}  // namespace rocksdb

namespace orgd {

struct StoreOptions {
  std::string path;
  // Read-model column families, opened beside the log's own (created if missing).
  std::vector<std::string> extra_column_families;
  // Open without taking the lock, seeing the store as of opening. Commit fails.
  bool read_only = false;
  // See the durability note above. Only tests of pure logic turn this off.
  bool sync = true;
  // The environment RocksDB uses; nullptr for the default. Tests inject faults here.
  // "*env" must remain live while the store is open.
  rocksdb::Env* env = nullptr;
  size_t block_cache_bytes = size_t{256} << 20;
};

// The version a stream must have for an append to proceed.
struct StreamExpectation {
  std::string stream_id;
  uint64_t version = 0;  // 0: the stream must not exist yet
};

// Who and what caused an append; copied into every envelope.
struct AppendContext {
  std::string actor;
  std::string request_id;
  std::string idempotency_key;
  int64_t now_ms = 0;  // wall clock; the log never lets timestamps decrease
};

// The first result of a command that carried an idempotency key.
struct IdempotencyRecord {
  std::string fingerprint;  // identifies the request (method, target, body)
  int status = 0;           // the reply's status
  std::string result;       // the reply's body
  uint64_t position = 0;    // the last event the command appended
  uint64_t version = 0;     // the ETag the reply carried (0: none)
};

// The end of the log.
struct LogHead {
  uint64_t last_position = 0;  // 0 for an empty log
  int64_t last_timestamp_ms = 0;
  Digest last_hash{};          // all zero for an empty log
};

class EventStore;

// AppendBatch: events, stream index, idempotency records and read-model changes
// that commit together. Reads through it see its own pending writes over the
// committed store. Not shareable: one thread (the writer) builds it.
class AppendBatch {
 public:
  ~AppendBatch();
  AppendBatch(const AppendBatch&) = delete;
  AppendBatch& operator=(const AppendBatch&) = delete;

  // Reads key in cf, pending writes first. NotFound when absent.
  Status Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string* value) const;
  // An iterator over cf merging pending writes with the store.
  std::unique_ptr<rocksdb::Iterator> NewIterator(rocksdb::ColumnFamilyHandle* cf) const;
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value);
  void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key);

  // Appends events (to one or more streams) atomically: every expectation is
  // checked first, and on a mismatch nothing is added and the Conflict carries
  // the stream's current version. A field longer than kMaxEnvelopeFieldBytes
  // (storage/log/record.h) is refused as InvalidArgument, reason
  // "field_too_long", also before anything is added. On success *appended (if
  // given) receives the full envelopes, in order.
  Status Append(std::span<const NewEvent> events, std::span<const StreamExpectation> expected,
                const AppendContext& ctx, std::vector<EventEnvelope>* appended);

  // The stream's version including pending appends; 0 for no stream.
  Status StreamVersion(std::string_view stream, uint64_t* version) const;

  Status LookupIdempotency(std::string_view scope, std::string_view key,
                           IdempotencyRecord* out) const;
  void PutIdempotency(std::string_view scope, std::string_view key, const IdempotencyRecord& r);

  // Marks a point to go back to; Rollback undoes every change since the last
  // mark, appended events included.
  void SetSavePoint();
  void RollbackToSavePoint();
  // Forgets the last mark, keeping the changes made since.
  void ReleaseSavePoint();

  const LogHead& head() const { return head_; }
  size_t event_count() const { return events_; }
  bool empty() const;

 private:
  friend class EventStore;
  AppendBatch(EventStore* store, const LogHead& head);

  EventStore* const store_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> wb_;
  LogHead head_;
  size_t events_ = 0;
  std::vector<std::pair<LogHead, size_t>> save_points_;
};

// Reads the log forward from a position, over a consistent snapshot.
// Not shareable: use one per thread.
class LogIterator {
 public:
  ~LogIterator();
  bool Valid() const;
  void Next();
  uint64_t position() const;
  // The encoded record (see docs/storage.md); valid until Next().
  std::string_view record() const;
  Status Decode(EventEnvelope* out) const;
  // Non-OK when iteration stopped on an error rather than at the end.
  Status status() const;

 private:
  friend class EventStore;
  LogIterator(const EventStore* store, uint64_t from);
  const EventStore* const store_;
  const rocksdb::Snapshot* snapshot_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class EventStore {
 public:
  // Opens (creating when missing) the store at options.path.
  static Status Open(const StoreOptions& options, std::unique_ptr<EventStore>* out);

  ~EventStore();  // Closes, ignoring errors: call Close() to see them.
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Flushes and closes the database. Idempotent.
  Status Close();

  // Writes every column family's memtable to table files and waits for them:
  // after an OK, everything committed so far survives a machine crash, also
  // batches committed with sync = false (bulk loads such as orgd-genlog).
  Status Flush();

  // Writes a consistent copy of the whole store (log, stream index,
  // idempotency records, every read model) to dir: a RocksDB checkpoint, whose
  // table files are hard links when dir is on the same filesystem. Safe from
  // any thread while the writer commits: the copy holds exactly the batches
  // committed before one moment of the call, never part of a batch, so its
  // read models stand at the end of its log. dir must not exist or be an empty
  // directory. *position (if not null) receives the copy's last log position.
  // Unavailable on a read-only store (RocksDB cannot checkpoint one).
  Status Backup(const std::string& dir, uint64_t* position) const;

  // --- Writing (one thread at a time) ---

  // A new empty batch positioned at the end of the committed log.
  std::unique_ptr<AppendBatch> NewBatch();
  // Writes the batch; see the durability note at the top of this file. On
  // failure an IOError with reason "no_space" (the disk is full) or
  // "write_failed" (any other failure of a write or an fsync).
  Status Commit(AppendBatch* batch);
  // After a "no_space" Commit: asks RocksDB to leave its error state (it
  // flushes its memtables and starts a new write-ahead log). OK once commits
  // work again; Unavailable (reason "recovering") while RocksDB is still
  // recovering or the disk is still full. Do not call it after other
  // failures: after a failed fsync the batch's bytes may sit in the old log,
  // and only a reopen decides what the log holds.
  Status Resume();

  // --- Reading (any thread) ---

  LogHead head() const LOCKS_EXCLUDED(head_mu_);
  uint64_t last_position() const { return last_position_.load(std::memory_order_acquire); }
  Status ReadEvent(uint64_t position, EventEnvelope* out) const;
  // Up to max events of one stream, from from_version (1 = the first).
  Status ReadStream(std::string_view stream, uint64_t from_version, size_t max,
                    std::vector<EventEnvelope>* out) const;
  Status StreamVersion(std::string_view stream, uint64_t* version) const;
  // Positioned at the first event with position >= from.
  std::unique_ptr<LogIterator> NewLogIterator(uint64_t from = 1) const;

  // --- Column families of the layers above ---

  rocksdb::DB* db() const { return db_; }
  // The handle of an open column family, or nullptr.
  rocksdb::ColumnFamilyHandle* cf(std::string_view name) const LOCKS_EXCLUDED(cf_mu_);
  Status CreateColumnFamily(const std::string& name, rocksdb::ColumnFamilyHandle** out);
  Status DropColumnFamily(const std::string& name);
  // Every column family name stored in the database at path.
  static Status ListColumnFamilies(const std::string& path, std::vector<std::string>* out);

  bool read_only() const { return options_.read_only; }

 private:
  friend class AppendBatch;
  friend class LogIterator;
  explicit EventStore(StoreOptions options);
  Status ReloadHead() LOCKS_EXCLUDED(head_mu_);
  Status Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string* value) const;

  // Constant after Open.
  const StoreOptions options_;
  std::shared_ptr<rocksdb::Cache> block_cache_;  // shared by every family
  rocksdb::DB* db_ = nullptr;
  rocksdb::ColumnFamilyHandle* log_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* idem_cf_ = nullptr;

  mutable Mutex cf_mu_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_ GUARDED_BY(cf_mu_);

  std::atomic<uint64_t> last_position_{0};
  mutable Mutex head_mu_;
  LogHead head_ GUARDED_BY(head_mu_);
};

}  // namespace orgd
