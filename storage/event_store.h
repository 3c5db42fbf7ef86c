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
#include "storage/kv/model_store.h"
#include "storage/log/event_log.h"
#include "storage/log/record.h"

namespace rocksdb {
class Cache;
class ColumnFamilyHandle;
class CompactionFilter;
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
  // How long idempotency records are kept: a retry after this is a new
  // request. Expired records are ignored by lookups and dropped by compaction.
  int64_t idempotency_retention_ms = int64_t{24} * 3600 * 1000;
};

class EventStore;

// Decodes a stored idempotency value (of this build or an older one).
Status DecodeIdempotency(std::string_view value, IdempotencyRecord* out);
// Whether a stored idempotency value is older than retention_ms at now_ms.
bool IdempotencyExpired(std::string_view value, int64_t now_ms, int64_t retention_ms);

// AppendBatch: the RocksDB LogBatch, one WriteBatchWithIndex. Not shareable:
// one thread (the writer) builds it.
class AppendBatch final : public LogBatch {
 public:
  ~AppendBatch() override;
  AppendBatch(const AppendBatch&) = delete;
  AppendBatch& operator=(const AppendBatch&) = delete;

  Status Append(std::span<const NewEvent> events, std::span<const StreamExpectation> expected,
                const AppendContext& ctx, std::vector<EventEnvelope>* appended) override;
  Status StreamVersion(std::string_view stream, uint64_t* version) const override;
  Status LookupIdempotency(std::string_view scope, std::string_view key, int64_t now_ms,
                           IdempotencyRecord* out) const override;
  void PutIdempotency(std::string_view scope, std::string_view key,
                      const IdempotencyRecord& r) override;
  ModelWriter& Model(ModelId id) override;
  void SetSavePoint() override;
  void RollbackToSavePoint() override;
  void ReleaseSavePoint() override;
  const LogHead& head() const override { return head_; }
  size_t event_count() const override { return events_; }
  bool empty() const override;

  // Raw access to any family, pending writes first (storage's own use).
  Status Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string* value) const;
  std::unique_ptr<ModelIterator> NewIterator(rocksdb::ColumnFamilyHandle* cf,
                                             std::string_view upper_bound) const;
  void Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value);
  void Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key);

 private:
  friend class EventStore;
  class PendingModel;
  AppendBatch(EventStore* store, const LogHead& head);

  EventStore* const store_;
  std::unique_ptr<rocksdb::WriteBatchWithIndex> wb_;
  LogHead head_;
  size_t events_ = 0;
  std::vector<std::pair<LogHead, size_t>> save_points_;
  std::vector<std::unique_ptr<PendingModel>> models_;  // made on first use
};

// Reads the log forward from a position, over a consistent snapshot.
// Not shareable: use one per thread.
class LogIterator final : public LogCursor {
 public:
  ~LogIterator() override;
  bool Valid() const override;
  void Next() override;
  uint64_t position() const override;
  // The encoded record (see docs/storage.md); valid until Next().
  std::string_view record() const override;
  Status Decode(EventEnvelope* out) const override;
  Status status() const override;

 private:
  friend class EventStore;
  LogIterator(const EventStore* store, uint64_t from);
  const EventStore* const store_;
  const rocksdb::Snapshot* snapshot_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class EventStore final : public EventLog, public ModelStore {
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
  std::unique_ptr<LogBatch> NewBatch() override;
  // The same, typed, for storage's own tools and tests.
  std::unique_ptr<AppendBatch> NewAppendBatch();
  // Writes the batch; see the durability note at the top of this file. On
  // failure an IOError with reason "no_space" (the disk is full) or
  // "write_failed" (any other failure of a write or an fsync).
  Status Commit(LogBatch* batch) override;
  // After a "no_space" Commit: asks RocksDB to leave its error state (it
  // flushes its memtables and starts a new write-ahead log). OK once commits
  // work again; Unavailable (reason "recovering") while RocksDB is still
  // recovering or the disk is still full. Do not call it after other
  // failures: after a failed fsync the batch's bytes may sit in the old log,
  // and only a reopen decides what the log holds.
  Status Resume() override;

  // --- Reading (any thread) ---

  LogHead head() const override LOCKS_EXCLUDED(head_mu_);
  uint64_t last_position() const override {
    return last_position_.load(std::memory_order_acquire);
  }
  Status ReadEvent(uint64_t position, EventEnvelope* out) const override;
  Status ReadStream(std::string_view stream, uint64_t from_version, size_t max,
                    std::vector<EventEnvelope>* out) const override;
  Status StreamVersion(std::string_view stream, uint64_t* version) const override;
  std::unique_ptr<LogCursor> ReadForward(uint64_t from) const override;
  // The same, typed.
  std::unique_ptr<LogIterator> NewLogIterator(uint64_t from = 1) const;
  Status WaitForPosition(uint64_t after, std::chrono::milliseconds timeout,
                         uint64_t* last) const override LOCKS_EXCLUDED(head_mu_);

  // --- Read models (ModelStore) ---
  ModelId FindModel(std::string_view name) const override;
  std::unique_ptr<ModelReader> ReadModel(ModelId id, bool snapshot = false) const override;

  // --- Column families of the layers above ---

  rocksdb::DB* db() const { return db_; }
  // The handle of an open column family, or nullptr.
  rocksdb::ColumnFamilyHandle* cf(std::string_view name) const LOCKS_EXCLUDED(cf_mu_);
  Status CreateColumnFamily(const std::string& name, rocksdb::ColumnFamilyHandle** out);
  // The same as a read model (an empty key space named name).
  Status CreateModel(const std::string& name, ModelId* out);
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

  std::unique_ptr<rocksdb::CompactionFilter> idempotency_expiry_;

  std::atomic<uint64_t> last_position_{0};
  std::atomic<int64_t> last_timestamp_ms_{0};  // of the last committed event
  mutable Mutex head_mu_;
  mutable CondVar head_changed_{&head_mu_};  // signalled when commits move the head
  LogHead head_ GUARDED_BY(head_mu_);
};

}  // namespace orgd
