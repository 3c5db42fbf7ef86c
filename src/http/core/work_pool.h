// WorkPool: a fixed set of worker threads with a bounded queue, for slow CPU
// work (Argon2id password hashing) that must not run on the writer thread or
// an HTTP I/O thread.
//
// Thread safety: TryPost, queued() and threads() are safe from any thread,
// jobs included; Stop from one controlling thread (the owner), never from a job.
//
// A job reports back by itself, e.g. by net::post()ing its result to the
// session's executor (STYLE.md 10). It must not throw: an exception escaping a
// job ends the process (std::terminate), as from any std::thread.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "common/thread_annotations.h"

namespace orgd::http {

struct WorkPoolOptions {
  size_t threads = 0;           // workers; 0: std::thread::hardware_concurrency(), at least 1
  size_t queue_capacity = 256;  // jobs waiting (not counting running ones); beyond it TryPost fails
};

class WorkPool {
 public:
  // Starts the workers. Throws std::system_error when a thread cannot be
  // started (after stopping those that were).
  explicit WorkPool(WorkPoolOptions o);
  ~WorkPool();  // Stop()s.
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues fn to run on a worker. False, and fn is neither run nor kept, when
  // queue_capacity jobs already wait, Stop() has begun, or fn is empty; the
  // caller then answers "busy" itself (503).
  bool TryPost(std::function<void()> fn) LOCKS_EXCLUDED(mu_);

  // Refuses new jobs, lets the workers run every job already queued (none is
  // dropped, so every caller hears back), then joins them. Returns once all
  // have finished. Idempotent.
  void Stop() LOCKS_EXCLUDED(mu_);

  // Jobs waiting for a worker (not those running).
  size_t queued() const LOCKS_EXCLUDED(mu_);
  size_t threads() const { return thread_count_; }

 private:
  void Run() LOCKS_EXCLUDED(mu_);

  // Constant after construction.
  const size_t thread_count_;
  const size_t queue_capacity_;

  // Touched only by the constructor and Stop().
  std::vector<std::thread> workers_;

  mutable Mutex mu_;
  CondVar work_cv_{&mu_};  // signalled when a job is queued or Stop() begins
  std::deque<std::function<void()>> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
};

}  // namespace orgd::http
