// EventStore: opening, closing and column family management.
#include <rocksdb/cache.h>
#include <rocksdb/compaction_filter.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <chrono>

#include "storage/event_store.h"
#include "storage/keys.h"

namespace orgd {
namespace {

rocksdb::ColumnFamilyOptions CfOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                       bool point_lookups) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  if (point_lookups) {
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    // Read models serve pages (a member list's 100 entries are ~35 KB) as
    // well as point lookups: 16 KB blocks take a page in three block-cache
    // lookups instead of nine, and a hash index in each block keeps a point
    // lookup's search inside it as short as in a 4 KB block.
    t.block_size = 16 * 1024;
    t.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  cf.write_buffer_size = 32 << 20;
  if (point_lookups) {
    // A whole-key bloom filter in each memtable (2 % of its size): the
    // writer's many lookups of keys that do not exist yet (a new stream's
    // head, a free email or name) skip the memtable's skip list.
    cf.memtable_prefix_bloom_size_ratio = 0.02;
    cf.memtable_whole_key_filtering = true;
  }
  return cf;
}

// Drops idempotency records older than the retention when compaction meets
// them (lookups ignore them before that; see AppendBatch::LookupIdempotency).
// "Now" is the time of the log's last event, which follows the wall clock
// while the service writes, so a store restored as of a moment keeps the
// records that were live at that moment.
class IdempotencyExpiry final : public rocksdb::CompactionFilter {
 public:
  // "*log_time" must outlive the filter.
  IdempotencyExpiry(int64_t retention_ms, const std::atomic<int64_t>* log_time)
      : retention_ms_(retention_ms), log_time_(log_time) {}
  bool Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*,
              bool*) const override {
    return IdempotencyExpired(std::string_view(value.data(), value.size()),
                              log_time_->load(std::memory_order_relaxed), retention_ms_);
  }
  const char* Name() const override { return "orgd.IdempotencyExpiry"; }

 private:
  const int64_t retention_ms_;
  const std::atomic<int64_t>* const log_time_;
};

}  // namespace

EventStore::EventStore(StoreOptions options) : options_(std::move(options)) {}

EventStore::~EventStore() { Close().PermitUncheckedError(); }

Status EventStore::Open(const StoreOptions& options, std::unique_ptr<EventStore>* out) {
  std::unique_ptr<EventStore> store(new EventStore(options));
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = !options.read_only;
  db_opts.create_missing_column_families = !options.read_only;
  db_opts.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_opts.IncreaseParallelism(2);
  db_opts.max_open_files = 512;
  if (options.env) db_opts.env = options.env;
  auto cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  store->block_cache_ = cache;

  // Every family on disk must be opened; add the ones the caller needs.
  std::vector<std::string> names;
  Status listed = ListColumnFamilies(options.path, &names);
  if (!listed.ok()) names = {rocksdb::kDefaultColumnFamilyName};  // a new store
  std::vector<std::string> wanted = {storage::kLogCf, storage::kStreamsCf, storage::kIdempotencyCf};
  wanted.insert(wanted.end(), options.extra_column_families.begin(),
                options.extra_column_families.end());
  for (const auto& w : wanted) {
    if (std::find(names.begin(), names.end(), w) == names.end()) {
      if (options.read_only) return Status::NotFound("store at " + options.path + " lacks " + w);
      names.push_back(w);
    }
  }
  store->idempotency_expiry_ =
      std::make_unique<IdempotencyExpiry>(options.idempotency_retention_ms, &store->last_timestamp_ms_);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) {
    descriptors.emplace_back(n, CfOptions(cache, n != storage::kLogCf));
    if (n == storage::kIdempotencyCf) {
      descriptors.back().options.compaction_filter = store->idempotency_expiry_.get();
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_opts, options.path, descriptors, &handles, &store->db_)
          : rocksdb::DB::Open(db_opts, options.path, descriptors, &handles, &store->db_);
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return Status::Unavailable("the store at " + options.path +
                                 " is in use by another process (" + s.ToString() + ")",
                                 "store_locked");
    }
    return Status::IOError("cannot open the store at " + options.path + ": " + s.ToString());
  }
  {
    MutexLock lock(&store->cf_mu_);
    store->handles_ = handles;
  }
  store->log_cf_ = store->cf(storage::kLogCf);
  store->streams_cf_ = store->cf(storage::kStreamsCf);
  store->idem_cf_ = store->cf(storage::kIdempotencyCf);
  ORGD_RETURN_IF_ERROR(store->ReloadHead());
  *out = std::move(store);
  return Status::OK();
}

Status EventStore::Close() {
  if (db_ == nullptr) return Status::OK();
  Status result;
  {
    MutexLock lock(&cf_mu_);
    for (auto* h : handles_) {
      rocksdb::Status s = db_->DestroyColumnFamilyHandle(h);
      if (!s.ok() && result.ok()) result = Status::IOError(s.ToString());
    }
    handles_.clear();
  }
  rocksdb::Status s = db_->Close();
  if (!s.ok() && !s.IsNotSupported() && result.ok()) result = Status::IOError(s.ToString());
  delete db_;
  db_ = nullptr;
  return result;
}

rocksdb::ColumnFamilyHandle* EventStore::cf(std::string_view name) const {
  MutexLock lock(&cf_mu_);
  for (auto* h : handles_) {
    if (h->GetName() == name) return h;
  }
  return nullptr;
}

Status EventStore::CreateColumnFamily(const std::string& name,
                                      rocksdb::ColumnFamilyHandle** out) {
  if (auto* existing = cf(name)) {
    *out = existing;
    return Status::OK();
  }
  rocksdb::ColumnFamilyHandle* h = nullptr;
  rocksdb::ColumnFamilyOptions opts = CfOptions(block_cache_, true);
  rocksdb::Status s = db_->CreateColumnFamily(opts, name, &h);
  if (!s.ok()) return Status::IOError("create column family " + name + ": " + s.ToString());
  MutexLock lock(&cf_mu_);
  handles_.push_back(h);
  *out = h;
  return Status::OK();
}

Status EventStore::CreateModel(const std::string& name, ModelId* out) {
  rocksdb::ColumnFamilyHandle* h = nullptr;
  ORGD_RETURN_IF_ERROR(CreateColumnFamily(name, &h));
  *out = ModelId(h);
  return Status::OK();
}

Status EventStore::DropColumnFamily(const std::string& name) {
  rocksdb::ColumnFamilyHandle* h = nullptr;
  {
    MutexLock lock(&cf_mu_);
    auto it = std::find_if(handles_.begin(), handles_.end(),
                           [&](auto* x) { return x->GetName() == name; });
    if (it == handles_.end()) return Status::OK();
    h = *it;
    handles_.erase(it);
  }
  rocksdb::Status s = db_->DropColumnFamily(h);
  db_->DestroyColumnFamilyHandle(h).PermitUncheckedError();
  if (!s.ok()) return Status::IOError("drop column family " + name + ": " + s.ToString());
  return Status::OK();
}

Status EventStore::ListColumnFamilies(const std::string& path, std::vector<std::string>* out) {
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, out);
  if (!s.ok()) return Status::NotFound("no store at " + path + ": " + s.ToString());
  return Status::OK();
}

}  // namespace orgd
