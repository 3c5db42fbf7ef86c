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

// A WAL file whose writes and syncs fail while the owner's switches say so.
class FaultyWalFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWalFile(std::unique_ptr<rocksdb::FSWritableFile> base, FaultInjectionFs* fs)
      : FSWritableFileOwnerWrapper(std::move(base)), fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    if (Fail(fs_->fail_wal_append)) return IOStatus::IOError("injected WAL append failure");
    return FSWritableFileOwnerWrapper::Append(data, o, dbg);
  }
  IOStatus Append(const Slice& data, const IOOptions& o,
                  const rocksdb::DataVerificationInfo& info, IODebugContext* dbg) override {
    if (Fail(fs_->fail_wal_append)) return IOStatus::IOError("injected WAL append failure");
    return FSWritableFileOwnerWrapper::Append(data, o, info, dbg);
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    if (Fail(fs_->fail_wal_sync)) return IOStatus::IOError("injected WAL sync failure");
    return FSWritableFileOwnerWrapper::Sync(o, dbg);
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    if (Fail(fs_->fail_wal_sync)) return IOStatus::IOError("injected WAL fsync failure");
    return FSWritableFileOwnerWrapper::Fsync(o, dbg);
  }

 private:
  bool Fail(const std::atomic<bool>& sw) {
    if (!sw.load()) return false;
    fs_->injected.fetch_add(1);
    return true;
  }
  FaultInjectionFs* const fs_;
};

}  // namespace

void FaultInjectionFs::MaybeWrap(const std::string& fname,
                                 std::unique_ptr<rocksdb::FSWritableFile>* file) {
  if (IsWal(fname)) *file = std::make_unique<FaultyWalFile>(std::move(*file), this);
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& fname,
                                           const rocksdb::FileOptions& opts,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                                           IODebugContext* dbg) {
  IOStatus s = target()->NewWritableFile(fname, opts, result, dbg);
  if (s.ok()) MaybeWrap(fname, result);
  return s;
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& fname,
                                             const std::string& old_fname,
                                             const rocksdb::FileOptions& opts,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result,
                                             IODebugContext* dbg) {
  IOStatus s = target()->ReuseWritableFile(fname, old_fname, opts, result, dbg);
  if (s.ok()) MaybeWrap(fname, result);
  return s;
}

}  // namespace orgd::test
