#include "storage/log/record.h"

#include <cstring>

namespace orgd {
namespace {

void PutFixed64(std::string* out, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (8 * i));  // little-endian
  out->append(buf, 8);
}

void PutFixed32(std::string* out, uint32_t v) {
  char buf[4];
  for (int i = 0; i < 4; ++i) buf[i] = static_cast<char>(v >> (8 * i));
  out->append(buf, 4);
}

void PutVarint32(std::string* out, uint32_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

static_assert(kMaxEnvelopeFieldBytes <= UINT32_MAX, "a field's length must fit its varint32");

// REQUIRES: s.size() <= kMaxEnvelopeFieldBytes (CheckEnvelopeField).
void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutVarint32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

// A cursor over a record; every Get fails (returns false) past the end.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  bool GetByte(uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool GetFixed64(uint64_t* v) {
    if (in_.size() < 8) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) *v |= static_cast<uint64_t>(static_cast<uint8_t>(in_[i])) << (8 * i);
    in_.remove_prefix(8);
    return true;
  }
  bool GetFixed32(uint32_t* v) {
    if (in_.size() < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v |= static_cast<uint32_t>(static_cast<uint8_t>(in_[i])) << (8 * i);
    in_.remove_prefix(4);
    return true;
  }
  bool GetVarint32(uint32_t* v) {
    *v = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
      uint8_t b;
      if (!GetByte(&b)) return false;
      *v |= static_cast<uint32_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool GetLengthPrefixed(std::string_view* s) {
    uint32_t n;
    if (!GetVarint32(&n) || in_.size() < n) return false;
    *s = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  size_t remaining() const { return in_.size(); }
  std::string_view rest() const { return in_; }

 private:
  std::string_view in_;
};

}  // namespace

Status CheckEnvelopeField(std::string_view name, std::string_view value) {
  if (value.size() <= kMaxEnvelopeFieldBytes) return Status::OK();
  return Status::InvalidArgument("the event's " + std::string(name) + " is " +
                                     std::to_string(value.size()) + " bytes, more than the " +
                                     std::to_string(kMaxEnvelopeFieldBytes) + " a record holds",
                                 "field_too_long");
}

Status EncodeEnvelopeBody(const EventEnvelope& e, std::string* out) {
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("stream id", e.stream_id));
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("type", e.type));
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("actor", e.actor));
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("request id", e.request_id));
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("idempotency key", e.idempotency_key));
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("payload", e.payload));
  out->push_back(static_cast<char>(kEnvelopeFormatV1));
  PutFixed64(out, e.position);
  PutFixed64(out, e.stream_version);
  PutFixed64(out, static_cast<uint64_t>(e.timestamp_ms));
  PutFixed32(out, e.schema_version);
  PutLengthPrefixed(out, e.stream_id);
  PutLengthPrefixed(out, e.type);
  PutLengthPrefixed(out, e.actor);
  PutLengthPrefixed(out, e.request_id);
  PutLengthPrefixed(out, e.idempotency_key);
  PutLengthPrefixed(out, e.payload);
  return Status::OK();
}

Result<std::string> EncodeEnvelope(const EventEnvelope& e) {
  std::string out;
  out.reserve(64 + e.stream_id.size() + e.type.size() + e.actor.size() + e.request_id.size() +
              e.idempotency_key.size() + e.payload.size());
  ORGD_RETURN_IF_ERROR(EncodeEnvelopeBody(e, &out));
  out.append(reinterpret_cast<const char*>(e.hash.data()), e.hash.size());
  return out;
}

Status DecodeEnvelopeView(std::string_view record, EnvelopeView* out) {
  Reader r(record);
  uint8_t format;
  uint64_t ts;
  if (!r.GetByte(&format)) return Status::Corruption("empty event record");
  if (format != kEnvelopeFormatV1) {
    return Status::Corruption("unknown event record format " + std::to_string(format));
  }
  if (!r.GetFixed64(&out->position) || !r.GetFixed64(&out->stream_version) ||
      !r.GetFixed64(&ts) || !r.GetFixed32(&out->schema_version) ||
      !r.GetLengthPrefixed(&out->stream_id) || !r.GetLengthPrefixed(&out->type) ||
      !r.GetLengthPrefixed(&out->actor) || !r.GetLengthPrefixed(&out->request_id) ||
      !r.GetLengthPrefixed(&out->idempotency_key) || !r.GetLengthPrefixed(&out->payload)) {
    return Status::Corruption("truncated event record");
  }
  out->timestamp_ms = static_cast<int64_t>(ts);
  if (r.remaining() != sizeof(Digest)) {
    return Status::Corruption("event record has " + std::to_string(r.remaining()) +
                              " trailing bytes, expected a 32-byte hash");
  }
  out->hash = r.rest();
  return Status::OK();
}

Status DecodeEnvelope(std::string_view record, EventEnvelope* out) {
  EnvelopeView v;
  ORGD_RETURN_IF_ERROR(DecodeEnvelopeView(record, &v));
  out->position = v.position;
  out->stream_id.assign(v.stream_id);
  out->stream_version = v.stream_version;
  out->type.assign(v.type);
  out->schema_version = v.schema_version;
  out->timestamp_ms = v.timestamp_ms;
  out->actor.assign(v.actor);
  out->request_id.assign(v.request_id);
  out->idempotency_key.assign(v.idempotency_key);
  out->payload.assign(v.payload);
  std::memcpy(out->hash.data(), v.hash.data(), out->hash.size());
  return Status::OK();
}

Digest ChainHash(const Digest& prev, std::string_view body) {
  thread_local Sha256 h;
  h.Reset();
  h.Update(prev);
  h.Update(body);
  return h.Final();
}

bool VerifyChainLink(const Digest& prev, std::string_view record) {
  if (record.size() < 32) return false;
  std::string_view body = record.substr(0, record.size() - 32);
  Digest want = ChainHash(prev, body);
  return std::memcmp(want.data(), record.data() + body.size(), 32) == 0;
}

}  // namespace orgd
