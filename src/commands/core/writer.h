// Writer: orgd's single writer thread with group commit.
//
// Any thread may Submit() commands. The writer thread takes every command
// waiting in the bounded queue, decides each against the stored state plus the
// pending changes of the same batch, writes ONE AppendBatch (events, stream
// index, idempotency records, read-model changes, checkpoints) with one fsync,
// and only then completes every command of the batch. A failed write fails
// every command of that batch and leaves nothing of it in memory or on disk
// (except after a failed fsync: see the durability note in event_store.h).
//
// After a failed write the writer stops writing (see WriterState): on a full
// disk it retries the store with a backoff and writes again once the disk has
// room; after any other failure it stays read-only until the process
// restarts, since RocksDB cannot continue past a failed log write. Either way
// it refuses commands at once instead of queueing them, and reads go on.
//
// Thread safety: Submit and stats() are safe from any thread; Start and Stop
// from one controlling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "src/commands/core/command.h"
#include "common/metrics.h"
#include "common/thread_annotations.h"
#include "src/projections/core/projection.h"
#include "storage/log/event_log.h"

namespace orgd {

struct WriterOptions {
  size_t queue_capacity = 8192;  // commands waiting; beyond it Submit says Unavailable
  size_t max_batch = 1024;       // commands decided into one write
  std::function<int64_t()> clock;  // ms since the epoch; nullptr: the system clock
  // Group-commit linger: when fewer commands wait than the last batch held,
  // the rest of that batch's callers are probably sending their next command
  // right now. The writer then waits up to this long (and at most half of the
  // last commit's time) so they share the next fsync instead of the one after.
  // Zero turns it off. A lone caller never waits: its last batch held one.
  std::chrono::microseconds max_linger{500};
  // Waits between attempts to leave WriterState::kRecovering: the first,
  // doubling up to the last.
  std::chrono::milliseconds recovery_backoff_min{100};
  std::chrono::milliseconds recovery_backoff_max{2000};
  // Called on the writer thread with the events of each batch once they are
  // durable, before any command of the batch completes: in-memory read
  // models (the user search index) fold them here, so a reply is never ahead
  // of what they show and nothing uncommitted is ever in them.
  std::function<void(const std::vector<EventEnvelope>&)> after_commit;
};

// What the writer does with commands.
enum class WriterState : uint8_t {
  kHealthy,     // decides and commits them
  kRecovering,  // refuses them: a commit failed on a full disk; retrying the store
  kReadOnly,    // refuses them: a commit failed otherwise; until the process restarts
};

// "healthy", "recovering", "read_only": the names /readyz and /metrics use.
std::string_view WriterStateName(WriterState state);

// The state with its cause, for /readyz and logs.
struct WriterHealth {
  WriterState state = WriterState::kHealthy;
  std::string reason;     // the failed commit's reason ("no_space", "write_failed")
  std::string detail;     // and its message; both empty while healthy
  int64_t since_ms = 0;   // when the state began (0: since start)
};

// Counters of the writer, readable from any thread.
struct WriterStats {
  Histogram batch_size{Histogram::SizeBounds()};
  Histogram commit_seconds{Histogram::LatencyBounds()};
  std::atomic<uint64_t> commands{0};
  std::atomic<uint64_t> failed_commits{0};
  std::atomic<uint64_t> queue_depth{0};
  std::atomic<uint64_t> refused{0};     // commands refused while not healthy
  std::atomic<uint64_t> recoveries{0};  // times kRecovering ended in kHealthy
  std::atomic<WriterState> state{WriterState::kHealthy};
};

class Writer {
 public:
  // Called exactly once per accepted command, on the writer thread.
  using Completion = std::function<void(CommandOutcome)>;

  // "*log" and "*projections" must outlive the writer.
  Writer(EventLog* log, const ProjectionSet* projections, WriterOptions options = {});
  ~Writer();  // Stop()s.
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Start();
  // Stops taking commands, completes every queued one, joins the thread.
  void Stop() LOCKS_EXCLUDED(mu_);

  // Checks cmd's stateless rules on the calling thread, then queues it.
  // InvalidArgument (and done is not called) when they fail; Unavailable when
  // the queue is full ("queue_full"), the writer is stopping
  // ("shutting_down") or not healthy ("recovering", "read_only").
  Status Submit(Command cmd, Completion done) LOCKS_EXCLUDED(mu_);

  const WriterStats& stats() const { return stats_; }
  WriterHealth health() const LOCKS_EXCLUDED(health_mu_);

  // Test hook, run on the writer thread after a batch was decided and before
  // it is written; receives the number of commands in the batch.
  void TEST_SetBeforeCommitHook(std::function<void(size_t)> hook) { before_commit_ = std::move(hook); }

 private:
  struct Pending {
    Command cmd;
    Completion done;
    CommandOutcome outcome;
  };

  void Run() LOCKS_EXCLUDED(mu_);
  // Blocks until commands wait, the writer stops, or (returning true) an
  // attempt to leave kRecovering is due.
  bool WaitForWork() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The error a command gets while the writer is not healthy.
  Status Refusal() const;
  void SetHealth(WriterState state, const Status& cause) LOCKS_EXCLUDED(health_mu_);
  void TryRecover();
  // Waits briefly for the callers of the last batch; see WriterOptions::max_linger.
  void Linger() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ProcessBatch(std::vector<Pending>& batch);
  // Decides and stages one command into batch; fills p.outcome.
  void Stage(Pending& p, LogBatch* batch);
  // An earlier outcome of the same idempotency key; false when there is none.
  bool Replay(Pending& p, LogBatch* batch);
  // Fills in what the appended events came to: version, position, snapshot.
  Status Complete(LogBatch* batch, CommandResult* result);
  int64_t Now() const;

  // Constant after construction.
  EventLog* const log_;
  const ProjectionSet* const projections_;
  const WriterOptions options_;
  std::function<void(size_t)> before_commit_;

  // Writer thread only.
  std::vector<EventEnvelope> staged_;  // the events of the batch being built
  size_t last_batch_size_ = 0;
  std::chrono::steady_clock::duration last_commit_{};
  std::chrono::milliseconds recovery_backoff_{};
  std::chrono::steady_clock::time_point next_recovery_{};

  mutable Mutex health_mu_;
  WriterHealth health_ GUARDED_BY(health_mu_);

  WriterStats stats_;
  std::thread thread_;

  Mutex mu_;
  CondVar cv_{&mu_};
  std::deque<Pending> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  bool started_ GUARDED_BY(mu_) = false;
};

}  // namespace orgd
