// FaultInjectionFs: a RocksDB FileSystem that fails writes while an atomic
// switch is set (after leveldb's FaultInjectionTestEnv and SpecialEnv): the
// write-ahead log's appends or fsyncs with an I/O error, or every file's
// appends with ENOSPC as on a full disk. Wrap it with NewCompositeEnv and pass
// the Env as StoreOptions::env (or ServiceOptions::env).
//
// Thread safety: the switches may be flipped from any thread while RocksDB
// uses the file system from its own threads.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <string>

namespace orgd::test {

class FaultInjectionFs : public rocksdb::FileSystemWrapper {
 public:
  explicit FaultInjectionFs(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default())
      : FileSystemWrapper(std::move(base)) {}

  static const char* kClassName() { return "OrgdFaultInjectionFs"; }
  const char* Name() const override { return kClassName(); }

  // While set, Append to any WAL file ("*.log") fails: no byte reaches the file.
  std::atomic<bool> fail_wal_append{false};
  // While set, Sync/Fsync of any WAL file fails after its bytes were written.
  std::atomic<bool> fail_wal_sync{false};
  // While set, Append to any file (log, tables, manifest) fails with ENOSPC.
  std::atomic<bool> disk_full{false};
  // How many operations failed on purpose so far.
  std::atomic<int> injected{0};

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& opts,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& opts,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;

 private:
  void Wrap(const std::string& fname, std::unique_ptr<rocksdb::FSWritableFile>* file);
};

// A FaultInjectionFs and the Env that routes RocksDB's file I/O through it.
struct FaultInjectionEnv {
  FaultInjectionEnv()
      : fs(std::make_shared<FaultInjectionFs>()), env(rocksdb::NewCompositeEnv(fs)) {}
  std::shared_ptr<FaultInjectionFs> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace orgd::test
