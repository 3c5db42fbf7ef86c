// Clang thread-safety annotations (no-ops on other compilers) and an annotated
// mutex and reader-writer mutex, after leveldb's port/thread_annotations.h and
// port/port_stdcxx.h.
// Mutex is safe for concurrent use by definition; MutexLock is not shareable.
#pragma once

#include <condition_variable>
#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define ORGD_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define ORGD_THREAD_ANNOTATION(x)
#endif

#define GUARDED_BY(x) ORGD_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) ORGD_THREAD_ANNOTATION(pt_guarded_by(x))
#define EXCLUSIVE_LOCKS_REQUIRED(...) ORGD_THREAD_ANNOTATION(exclusive_locks_required(__VA_ARGS__))
#define LOCKS_EXCLUDED(...) ORGD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define LOCKABLE ORGD_THREAD_ANNOTATION(capability("mutex"))
#define SCOPED_LOCKABLE ORGD_THREAD_ANNOTATION(scoped_lockable)
#define EXCLUSIVE_LOCK_FUNCTION(...) ORGD_THREAD_ANNOTATION(exclusive_lock_function(__VA_ARGS__))
#define UNLOCK_FUNCTION(...) ORGD_THREAD_ANNOTATION(unlock_function(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS ORGD_THREAD_ANNOTATION(no_thread_safety_analysis)
#define SHARED_LOCK_FUNCTION(...) ORGD_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define SHARED_LOCKS_REQUIRED(...) ORGD_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))

namespace orgd {

class LOCKABLE Mutex {
 public:
  void Lock() EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() UNLOCK_FUNCTION() { mu_.unlock(); }
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

class SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A reader-writer mutex: many readers or one writer.
class LOCKABLE SharedMutex {
 public:
  void Lock() EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() UNLOCK_FUNCTION() { mu_.unlock(); }
  void LockShared() SHARED_LOCK_FUNCTION() { mu_.lock_shared(); }
  void UnlockShared() ORGD_THREAD_ANNOTATION(release_shared_capability()) { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a SharedMutex exclusively for its scope. Not shareable.
class SCOPED_LOCKABLE WriterLock {
 public:
  explicit WriterLock(SharedMutex* mu) EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~WriterLock() UNLOCK_FUNCTION() { mu_->Unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex* const mu_;
};

// Holds a SharedMutex in shared mode for its scope. Not shareable.
class SCOPED_LOCKABLE ReaderLock {
 public:
  explicit ReaderLock(SharedMutex* mu) SHARED_LOCK_FUNCTION(mu) : mu_(mu) { mu_->LockShared(); }
  ~ReaderLock() UNLOCK_FUNCTION() { mu_->UnlockShared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex* const mu_;
};

// A condition variable bound to one Mutex.
//
// Wait() and WaitFor() are not annotated, as in leveldb's port::CondVar: the
// analysis would demand "cv.mu_" held and cannot see that it names the
// owner's mutex, so every correct caller would be flagged.
class CondVar {
 public:
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  // REQUIRES: the Mutex given at construction is held.
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->native(), std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // REQUIRES: the Mutex given at construction is held.
  template <typename Duration>
  void WaitFor(Duration d) {
    std::unique_lock<std::mutex> lock(mu_->native(), std::adopt_lock);
    cv_.wait_for(lock, d);
    lock.release();
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  Mutex* const mu_;
  std::condition_variable cv_;
};

}  // namespace orgd
