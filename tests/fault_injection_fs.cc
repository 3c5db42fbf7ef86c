#include "tests/fault_injection_fs.h"

namespace orgd::test {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

bool IsWal(const std::string& fname) {
  return fname.size() > 4 && fname.compare(fname.size() - 4, 4, ".log") == 0;
}

// A file whose appends and syncs fail while the owner's switches say so.
class FaultyFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> base, FaultInjectionFs* fs, bool wal)
      : FSWritableFileOwnerWrapper(std::move(base)), fs_(fs), wal_(wal) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus s = AppendFault(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, o, dbg);
  }
  IOStatus Append(const Slice& data, const IOOptions& o,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    if (IOStatus s = AppendFault(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Append(data, o, info, dbg);
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus s = SyncFault(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Sync(o, dbg);
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    if (IOStatus s = SyncFault(); !s.ok()) return s;
    return FSWritableFileOwnerWrapper::Fsync(o, dbg);
  }

 private:
  IOStatus AppendFault() {
    if (Fail(fs_->disk_full)) return IOStatus::NoSpace("injected: the disk is full");
    if (wal_ && Fail(fs_->fail_wal_append)) return IOStatus::IOError("injected WAL append failure");
    return IOStatus::OK();
  }
  IOStatus SyncFault() {
    if (wal_ && Fail(fs_->fail_wal_sync)) return IOStatus::IOError("injected WAL fsync failure");
    return IOStatus::OK();
  }
  bool Fail(const std::atomic<bool>& sw) {
    if (!sw.load()) return false;
    fs_->injected.fetch_add(1);
    return true;
  }
  FaultInjectionFs* const fs_;
  const bool wal_;
};

}  // namespace

void FaultInjectionFs::Wrap(const std::string& fname,
                                 std::unique_ptr<rocksdb::FSWritableFile>* file) {
  *file = std::make_unique<FaultyFile>(std::move(*file), this, IsWal(fname));
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& fname,
                                           const rocksdb::FileOptions& opts,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                                           IODebugContext* dbg) {
  IOStatus s = target()->NewWritableFile(fname, opts, result, dbg);
  if (s.ok()) Wrap(fname, result);
  return s;
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& fname,
                                             const std::string& old_fname,
                                             const rocksdb::FileOptions& opts,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result,
                                             IODebugContext* dbg) {
  IOStatus s = target()->ReuseWritableFile(fname, old_fname, opts, result, dbg);
  if (s.ok()) Wrap(fname, result);
  return s;
}

}  // namespace orgd::test
