// EventLog: the append-only, hash-chained log of orgd, as an interface. The
// RocksDB implementation is EventStore (storage/event_store.h); a replicated
// log (NATS JetStream, ../shared/DESIGN.md §7) would be a second one.
//
// A LogBatch gathers everything one group commit writes: events appended to
// any number of streams (each checked against an expected version),
// idempotency records, and the read models' changes (storage/kv). Commit()
// makes all of it durable and visible at once, or none of it.
//
// Thread safety: an EventLog is safe for concurrent reads from any number of
// threads. NewBatch() and Commit() must be called by one thread at a time (the
// single writer); a LogBatch and a LogCursor are not shareable.
//
// Durability: see the implementation (EventStore: a batch whose Commit
// returned OK survives a machine crash, like write() followed by fsync()).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/kv/model_store.h"
#include "storage/log/record.h"

namespace orgd {

// The version a stream must have for an append to proceed.
struct StreamExpectation {
  std::string stream_id;
  uint64_t version = 0;  // 0: the stream must not exist yet
};

// Who and what caused an append; copied into every envelope.
struct AppendContext {
  std::string actor;
  std::string request_id;
  std::string idempotency_key;
  int64_t now_ms = 0;  // wall clock; the log never lets timestamps decrease
};

// What the first request with an idempotency key came to. The log keeps it
// opaque: the writer decides what `outcome` holds.
struct IdempotencyRecord {
  std::string fingerprint;  // identifies the request (surface, method, target, body, preconditions)
  std::string outcome;      // the writer's encoding of the command's outcome
  uint64_t position = 0;    // the last event the command appended
  int64_t created_ms = 0;   // when it was recorded; it expires a retention period later
  // Records of builds before 2026-12 stored the native reply itself; such a
  // record has an empty outcome and these set.
  int legacy_status = 0;
  std::string legacy_body;
  uint64_t legacy_version = 0;
};

// The end of the log.
struct LogHead {
  uint64_t last_position = 0;  // 0 for an empty log
  int64_t last_timestamp_ms = 0;
  Digest last_hash{};          // all zero for an empty log
};

// Reads the log forward over a consistent snapshot.
class LogCursor {
 public:
  virtual ~LogCursor() = default;
  virtual bool Valid() const = 0;
  // REQUIRES: Valid()
  virtual void Next() = 0;
  virtual uint64_t position() const = 0;
  // The encoded record (storage/log/record.h); valid until Next().
  virtual std::string_view record() const = 0;
  virtual Status Decode(EventEnvelope* out) const = 0;
  // Non-OK when iteration stopped on an error rather than at the end.
  virtual Status status() const = 0;
};

class LogBatch {
 public:
  virtual ~LogBatch() = default;

  // Appends events (to one or more streams) atomically: every expectation is
  // checked first, and on a mismatch nothing is added and the Conflict carries
  // the stream's current version. A field longer than kMaxEnvelopeFieldBytes
  // (storage/log/record.h) is refused as InvalidArgument, reason
  // "field_too_long", also before anything is added. On success *appended (if
  // given) receives the full envelopes, in order.
  virtual Status Append(std::span<const NewEvent> events,
                        std::span<const StreamExpectation> expected, const AppendContext& ctx,
                        std::vector<EventEnvelope>* appended) = 0;
  // The stream's version including pending appends; 0 for no stream.
  virtual Status StreamVersion(std::string_view stream, uint64_t* version) const = 0;

  // NotFound when (scope, key) has no record, or only one older than the
  // store's retention at now_ms.
  virtual Status LookupIdempotency(std::string_view scope, std::string_view key, int64_t now_ms,
                                   IdempotencyRecord* out) const = 0;
  virtual void PutIdempotency(std::string_view scope, std::string_view key,
                              const IdempotencyRecord& r) = 0;

  // A read model as written by this batch: reads see its pending writes over
  // the committed model. The reference is valid while the batch lives.
  virtual ModelWriter& Model(ModelId id) = 0;

  // Marks a point to go back to; Rollback undoes every change since the last
  // mark, appended events and model writes included.
  virtual void SetSavePoint() = 0;
  virtual void RollbackToSavePoint() = 0;
  // Forgets the last mark, keeping the changes made since.
  virtual void ReleaseSavePoint() = 0;

  virtual const LogHead& head() const = 0;
  virtual size_t event_count() const = 0;
  virtual bool empty() const = 0;
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  // --- Writing (one thread at a time) ---
  // A new empty batch positioned at the end of the committed log.
  virtual std::unique_ptr<LogBatch> NewBatch() = 0;
  // Writes the batch (REQUIRES: made by this log's NewBatch). On failure an
  // IOError with reason "no_space" (the disk is full) or "write_failed".
  virtual Status Commit(LogBatch* batch) = 0;
  // After a "no_space" Commit: tries to leave the error state. OK once
  // commits work again; Unavailable (reason "recovering") while not yet.
  virtual Status Resume() = 0;

  // --- Reading (any thread) ---
  virtual LogHead head() const = 0;
  virtual uint64_t last_position() const = 0;
  virtual Status ReadEvent(uint64_t position, EventEnvelope* out) const = 0;
  // Up to max events of one stream, from from_version (1 = the first).
  virtual Status ReadStream(std::string_view stream, uint64_t from_version, size_t max,
                            std::vector<EventEnvelope>* out) const = 0;
  virtual Status StreamVersion(std::string_view stream, uint64_t* version) const = 0;
  // Positioned at the first event with position >= from.
  virtual std::unique_ptr<LogCursor> ReadForward(uint64_t from) const = 0;
  // Blocks until the log holds a position after `after`, or timeout passes;
  // *last receives the last position then. OK either way.
  virtual Status WaitForPosition(uint64_t after, std::chrono::milliseconds timeout,
                                 uint64_t* last) const = 0;
};

}  // namespace orgd
