// EventStore: flushing and online backup (a RocksDB checkpoint).
#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>

#include <filesystem>
#include <system_error>

#include "storage/event_store.h"

namespace orgd {
namespace {

// A checkpoint wants a path that does not exist; an empty directory is removed.
Status MakeRoomFor(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::OK();
  if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) {
    return Status::InvalidArgument(dir + " exists and is not an empty directory", "target_exists");
  }
  if (!fs::remove(dir, ec)) return Status::IOError("cannot replace " + dir + ": " + ec.message());
  return Status::OK();
}

}  // namespace

Status EventStore::Flush() {
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  {
    MutexLock lock(&cf_mu_);
    handles = handles_;
  }
  rocksdb::FlushOptions fo;
  fo.wait = true;
  rocksdb::Status s = db_->Flush(fo, handles);
  if (!s.ok()) return Status::IOError("flush failed: " + s.ToString());
  return Status::OK();
}

Status EventStore::Backup(const std::string& dir, uint64_t* position) const {
  if (options_.read_only) return Status::Unavailable("a read-only store cannot be checkpointed");
  ORGD_RETURN_IF_ERROR(MakeRoomFor(dir));
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_, &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: flush every family first, so the copy's table
  // files hold all of it and its write-ahead log only what came during the call.
  if (s.ok()) s = checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0);
  if (!s.ok()) return Status::IOError("checkpoint into " + dir + " failed: " + s.ToString());
  if (position == nullptr) return Status::OK();
  StoreOptions copy;
  copy.path = dir;
  copy.read_only = true;
  copy.block_cache_bytes = size_t{1} << 20;
  std::unique_ptr<EventStore> store;
  ORGD_RETURN_IF_ERROR(Open(copy, &store));
  *position = store->last_position();
  return store->Close();
}

}  // namespace orgd
