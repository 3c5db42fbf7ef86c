// The event envelope: one immutable fact in the log, and its on-disk encoding.
//
// An EventEnvelope is a plain value; distinct objects may be used from
// different threads. The byte layout written by EncodeEnvelope is frozen (see
// docs/storage.md, "Event record"): change it only by adding a new format byte.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/sha256.h"
#include "common/status.h"

namespace orgd {

// What a decision asks the log to append: the log assigns everything else.
struct NewEvent {
  std::string stream_id;        // "org-42", "apikey-<id>", ...
  std::string type;             // "OrgCreated": frozen on-disk name
  uint32_t schema_version = 1;  // version of the payload schema for this type
  std::string payload;          // JSON text
};

struct EventEnvelope {
  uint64_t position = 0;        // global, gap-free, starts at 1
  std::string stream_id;
  uint64_t stream_version = 0;  // 1 for a stream's first event
  std::string type;
  uint32_t schema_version = 1;
  int64_t timestamp_ms = 0;     // never decreases along the log
  std::string actor;            // who caused it ("key:<id>", "system")
  std::string request_id;
  std::string idempotency_key;  // empty when the command carried none
  std::string payload;          // JSON text
  Digest hash{};                // SHA-256(previous event's hash || encoded body)
};

// These numbers are written to disk and should not be changed.
inline constexpr uint8_t kEnvelopeFormatV1 = 1;

// The longest string field (stream id, type, actor, request id, idempotency
// key, payload) that is encoded: 16 MiB. Each field's length is written as a
// varint32, which could hold 2^32 - 1; the lower bound keeps a record far
// from that and from RocksDB's own value limits, and is far above anything
// orgd writes (request bodies are at most 1 MiB). Decoding accepts any length
// the prefix holds, so records already on disk read as before.
inline constexpr size_t kMaxEnvelopeFieldBytes = size_t{16} << 20;

// OK when value, the envelope field called name ("payload"), is at most
// kMaxEnvelopeFieldBytes long; otherwise InvalidArgument (reason
// "field_too_long") naming the field.
Status CheckEnvelopeField(std::string_view name, std::string_view value);

// Appends the record body (everything but the hash) to *out. Refuses an
// envelope with a field that CheckEnvelopeField refuses, leaving *out as it
// was: a length is never truncated.
Status EncodeEnvelopeBody(const EventEnvelope& e, std::string* out);

// The full record: body followed by the 32-byte hash. Refuses as
// EncodeEnvelopeBody.
Result<std::string> EncodeEnvelope(const EventEnvelope& e);

// Parses a full record. Corruption for a truncated or malformed record; the
// hash is read, not checked (see VerifyChainLink).
Status DecodeEnvelope(std::string_view record, EventEnvelope* out);

// The fields of a record without copying them: every view points into the
// record and is valid only while the record's bytes are. For scans (verify,
// stats, restore) that look at a few fields of millions of records.
struct EnvelopeView {
  uint64_t position = 0;
  uint64_t stream_version = 0;
  int64_t timestamp_ms = 0;
  uint32_t schema_version = 0;
  std::string_view stream_id;
  std::string_view type;
  std::string_view actor;
  std::string_view request_id;
  std::string_view idempotency_key;
  std::string_view payload;
  std::string_view hash;  // the stored 32 bytes
};

// As DecodeEnvelope, into views of record.
Status DecodeEnvelopeView(std::string_view record, EnvelopeView* out);

// The hash an event with this encoded body must carry after prev.
Digest ChainHash(const Digest& prev, std::string_view body);

// Checks that record's stored hash equals ChainHash(prev, body).
bool VerifyChainLink(const Digest& prev, std::string_view record);

}  // namespace orgd
