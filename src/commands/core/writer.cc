#include "src/commands/core/writer.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/time_util.h"
#include "src/commands/core/batch_state.h"

namespace orgd {

std::string_view WriterStateName(WriterState state) {
  switch (state) {
    case WriterState::kHealthy: return "healthy";
    case WriterState::kRecovering: return "recovering";
    case WriterState::kReadOnly: return "read_only";
  }
  return "unknown";
}

Writer::Writer(EventLog* log, const ProjectionSet* projections, WriterOptions options)
    : log_(log), projections_(projections), options_(std::move(options)) {}

Writer::~Writer() { Stop(); }

void Writer::Start() {
  MutexLock lock(&mu_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void Writer::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
  // Never started: complete what was queued anyway, so no caller waits forever.
  std::vector<Pending> rest;
  {
    MutexLock lock(&mu_);
    for (auto& p : queue_) rest.push_back(std::move(p));
    queue_.clear();
  }
  for (auto& p : rest) {
    p.outcome.error = Status::Unavailable("the writer stopped", "shutting_down");
    p.done(std::move(p.outcome));
  }
}

Status Writer::Submit(Command cmd, Completion done) {
  ORGD_RETURN_IF_ERROR(cmd.Validate());
  if (stats_.state.load(std::memory_order_acquire) != WriterState::kHealthy) {
    stats_.refused.fetch_add(1, std::memory_order_relaxed);
    return Refusal();
  }
  MutexLock lock(&mu_);
  if (stopping_) return Status::Unavailable("the server is shutting down", "shutting_down");
  if (queue_.size() >= options_.queue_capacity) {
    return Status::Unavailable("the write queue is full; retry shortly", "queue_full");
  }
  queue_.push_back(Pending{std::move(cmd), std::move(done), {}});
  stats_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
  if (queue_.size() == 1) cv_.Signal();
  return Status::OK();
}

int64_t Writer::Now() const { return options_.clock ? options_.clock() : NowMs(); }

WriterHealth Writer::health() const {
  MutexLock lock(&health_mu_);
  return health_;
}

Status Writer::Refusal() const {
  if (stats_.state.load(std::memory_order_acquire) == WriterState::kRecovering) {
    return Status::Unavailable(
        "the disk is full, so orgd takes no writes for now; it resumes by itself once there "
        "is room (reads keep working); retry later",
        "recovering");
  }
  return Status::Unavailable(
      "the store failed to write, so orgd is read-only until it is restarted (reads keep "
      "working); see /readyz",
      "read_only");
}

void Writer::SetHealth(WriterState state, const Status& cause) {
  {
    MutexLock lock(&health_mu_);
    health_ = WriterHealth{state, std::string(cause.reason()), cause.message(), Now()};
  }
  stats_.state.store(state, std::memory_order_release);
  if (state == WriterState::kHealthy) {
    spdlog::warn("writer: the store takes writes again");
  } else {
    spdlog::error("writer: {} after a failed commit: {}", WriterStateName(state),
                  cause.ToString());
  }
}

bool Writer::WaitForWork() {
  while (queue_.empty() && !stopping_) {
    if (stats_.state.load(std::memory_order_relaxed) != WriterState::kRecovering) {
      cv_.Wait();
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_recovery_) return true;
    cv_.WaitFor(next_recovery_ - now);
  }
  return false;
}

void Writer::TryRecover() {
  Status s = log_->Resume();
  if (s.ok()) {
    stats_.recoveries.fetch_add(1, std::memory_order_relaxed);
    SetHealth(WriterState::kHealthy, Status::OK());
    return;
  }
  recovery_backoff_ = std::min(recovery_backoff_ * 2, options_.recovery_backoff_max);
  next_recovery_ = std::chrono::steady_clock::now() + recovery_backoff_;
}

void Writer::Run() {
  std::vector<Pending> batch;
  for (;;) {
    bool recover;
    {
      MutexLock lock(&mu_);
      recover = WaitForWork();
      if (!recover && queue_.empty()) return;  // stopping
      if (!recover) {
        Linger();
        size_t n = std::min(queue_.size(), options_.max_batch);
        for (size_t i = 0; i < n; ++i) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        stats_.queue_depth.store(queue_.size(), std::memory_order_relaxed);
      }
    }
    if (recover) {
      TryRecover();
      continue;
    }
    ProcessBatch(batch);
    batch.clear();
  }
}

void Writer::Linger() {
  if (options_.max_linger.count() == 0 || queue_.size() * 2 >= last_batch_size_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto deadline = now + std::min<std::chrono::steady_clock::duration>(options_.max_linger,
                                                                            last_commit_ / 2);
  const size_t enough = last_batch_size_ * 3 / 4;
  while (!stopping_ && queue_.size() < enough && std::chrono::steady_clock::now() < deadline) {
    cv_.WaitFor(std::chrono::microseconds(50));
  }
}

void Writer::ProcessBatch(std::vector<Pending>& pending) {
  if (stats_.state.load(std::memory_order_acquire) != WriterState::kHealthy) {
    // Queued before a failed commit changed the state.
    stats_.refused.fetch_add(pending.size(), std::memory_order_relaxed);
    for (auto& p : pending) {
      p.outcome.error = Refusal();
      p.done(std::move(p.outcome));
    }
    return;
  }
  auto batch = log_->NewBatch();
  staged_.clear();
  for (auto& p : pending) Stage(p, batch.get());
  if (batch->event_count() > 0) projections_->Checkpoint(batch.get());
  if (before_commit_) before_commit_(pending.size());

  if (!batch->empty()) {
    auto t0 = std::chrono::steady_clock::now();
    Status s = log_->Commit(batch.get());
    last_commit_ = std::chrono::steady_clock::now() - t0;
    stats_.commit_seconds.Observe(std::chrono::duration<double>(last_commit_).count());
    if (!s.ok()) {
      stats_.failed_commits.fetch_add(1, std::memory_order_relaxed);
      if (s.reason() == "no_space") {
        recovery_backoff_ = options_.recovery_backoff_min;
        next_recovery_ = std::chrono::steady_clock::now() + recovery_backoff_;
        SetHealth(WriterState::kRecovering, s);
      } else {
        SetHealth(WriterState::kReadOnly, s);
      }
      staged_.clear();
      // Every outcome was decided against the batch's pending state (a name
      // taken or a record replayed from an earlier command of this batch),
      // which was never stored: fail every command, refused ones too.
      for (auto& p : pending) {
        p.outcome = CommandOutcome{};
        p.outcome.error = Status::Unavailable(
            "the store failed to write, so this request was not applied (if only the disk's "
            "flush failed it may reappear after a restart); retry it with the same "
            "Idempotency-Key",
            "write_failed");
      }
    }
  }
  if (!staged_.empty() && options_.after_commit) options_.after_commit(staged_);
  last_batch_size_ = pending.size();
  stats_.batch_size.Observe(static_cast<double>(pending.size()));
  stats_.commands.fetch_add(pending.size(), std::memory_order_relaxed);
  for (auto& p : pending) p.done(std::move(p.outcome));
}

bool Writer::Replay(Pending& p, LogBatch* batch) {
  const CommandMeta& m = p.cmd.meta;
  CommandOutcome& out = p.outcome;
  IdempotencyRecord first;
  Status s = batch->LookupIdempotency(m.actor, m.idempotency_key, Now(), &first);
  if (s.IsNotFound()) return false;
  if (!s.ok()) {
    out.error = s;
    return true;
  }
  if (first.fingerprint != m.fingerprint) {
    out.error = Status::Conflict("Idempotency-Key was already used for a different request",
                                 "idempotency_key_reused");
    return true;
  }
  if (!first.outcome.empty()) {
    out.error = DecodeOutcome(first.outcome, &out.result);
  } else {  // a record of an older build: its native reply
    out.result.kind = first.legacy_status == 201   ? CommandResult::Kind::kCreated
                      : first.legacy_status == 204 ? CommandResult::Kind::kDeleted
                                                   : CommandResult::Kind::kChanged;
    out.result.snapshot = first.legacy_body;
    out.result.version = first.legacy_version;
    out.result.position = first.position;
  }
  out.replayed = out.error.ok();
  return true;
}

void Writer::Stage(Pending& p, LogBatch* batch) {
  const CommandMeta& m = p.cmd.meta;
  CommandOutcome& out = p.outcome;
  if (!m.idempotency_key.empty() && Replay(p, batch)) return;

  Result<Decision> decided = p.cmd.Decide(BatchState(batch, projections_));
  if (!decided.ok()) {
    out.error = decided.status();
    return;
  }
  Decision& d = decided.value();
  AppendContext ctx{m.actor, m.request_id, m.idempotency_key, Now()};
  std::vector<EventEnvelope> appended;
  batch->SetSavePoint();
  Status s = batch->Append(d.events, d.expected, ctx, &appended);
  for (size_t i = 0; s.ok() && i < appended.size(); ++i) s = projections_->Apply(appended[i], batch);
  if (s.ok()) s = Complete(batch, &d.result);
  if (s.ok() && !m.idempotency_key.empty()) {
    IdempotencyRecord record;
    record.fingerprint = m.fingerprint;
    record.outcome = EncodeOutcome(d.result);
    record.position = d.result.position;
    record.created_ms = Now();
    batch->PutIdempotency(m.actor, m.idempotency_key, record);
  }
  if (!s.ok()) {
    batch->RollbackToSavePoint();
    out = CommandOutcome{};
    out.error = s;
    return;
  }
  batch->ReleaseSavePoint();
  if (options_.after_commit) {
    for (auto& e : appended) staged_.push_back(std::move(e));
  }
  out.result = std::move(d.result);
}

Status Writer::Complete(LogBatch* batch, CommandResult* r) {
  r->position = batch->head().last_position;
  if (!r->stream.empty()) ORGD_RETURN_IF_ERROR(batch->StreamVersion(r->stream, &r->version));
  if (r->kind == CommandResult::Kind::kDeleted || r->entity.empty()) return Status::OK();
  Status s = projections_->Snapshot(r->entity, r->id, batch, &r->snapshot);
  return s.IsNotFound() ? Status::OK() : s;  // an entity no model keeps
}

}  // namespace orgd
