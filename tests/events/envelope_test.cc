#include "storage/log/record.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

EventEnvelope SampleEnvelope() {
  EventEnvelope e;
  e.position = 0x0102030405060708;
  e.stream_id = "org-42";
  e.stream_version = 7;
  e.type = "OrgUpdated";
  e.schema_version = 3;
  e.timestamp_ms = 1'700'000'000'123;
  e.actor = "key:abc";
  e.request_id = "req-1";
  e.idempotency_key = std::string("idem\0key", 8);
  e.payload = "{\"title\":\"" + std::string(300, 'x') + "\"}";  // a two-byte length
  for (size_t i = 0; i < e.hash.size(); ++i) e.hash[i] = static_cast<uint8_t>(i * 7 + 1);
  return e;
}

// The record of e; fails the test when e cannot be encoded.
std::string Encoded(const EventEnvelope& e) {
  Result<std::string> record = EncodeEnvelope(e);
  EXPECT_OK(record);
  return record.ok() ? std::move(record).value() : std::string();
}

// Every string field of an envelope, by the name its errors use.
const std::vector<std::pair<std::string, std::string EventEnvelope::*>> kStringFields = {
    {"stream id", &EventEnvelope::stream_id},
    {"type", &EventEnvelope::type},
    {"actor", &EventEnvelope::actor},
    {"request id", &EventEnvelope::request_id},
    {"idempotency key", &EventEnvelope::idempotency_key},
    {"payload", &EventEnvelope::payload},
};

void ExpectSameEnvelope(const EventEnvelope& a, const EventEnvelope& b) {
  EXPECT_EQ(a.position, b.position);
  EXPECT_EQ(a.stream_id, b.stream_id);
  EXPECT_EQ(a.stream_version, b.stream_version);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.schema_version, b.schema_version);
  EXPECT_EQ(a.timestamp_ms, b.timestamp_ms);
  EXPECT_EQ(a.actor, b.actor);
  EXPECT_EQ(a.request_id, b.request_id);
  EXPECT_EQ(a.idempotency_key, b.idempotency_key);
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.hash, b.hash);
}

TEST(EnvelopeTest, EncodeDecodeRoundTrip) {
  const EventEnvelope in = SampleEnvelope();
  const std::string record = Encoded(in);
  EventEnvelope out;
  ASSERT_OK(DecodeEnvelope(record, &out));
  ExpectSameEnvelope(in, out);
  EXPECT_EQ(Encoded(out), record);

  std::string body;
  ASSERT_OK(EncodeEnvelopeBody(in, &body));
  EXPECT_EQ(record.substr(0, record.size() - 32), body);
}

// Bytes written by the encoder before fields had a limit (format 1, as in
// docs/storage.md): records on disk stay exactly as they are.
TEST(EnvelopeTest, LayoutOfFormatOneIsUnchanged) {
  EventEnvelope e;
  e.position = 3;
  e.stream_id = "org-1";
  e.stream_version = 2;
  e.type = "OrgDeleted";
  e.timestamp_ms = 1'700'000'000'000;
  e.actor = "system";
  e.request_id = "r";
  e.payload = "{\"id\":1}";
  for (size_t i = 0; i < e.hash.size(); ++i) e.hash[i] = static_cast<uint8_t>(0xa0 + i);
  EXPECT_EQ(ToHex(Encoded(e)),
            "01" "0300000000000000" "0200000000000000" "0068e5cf8b010000" "01000000"
            "056f72672d31" "0a4f726744656c65746564" "0673797374656d" "0172" "00"
            "087b226964223a317d"
            "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
}

TEST(EnvelopeTest, FieldOneByteOverTheLimitIsRefusedNotTruncated) {
  for (const auto& [name, field] : kStringFields) {
    EventEnvelope e = SampleEnvelope();
    e.*field = std::string(kMaxEnvelopeFieldBytes + 1, 'x');
    Result<std::string> record = EncodeEnvelope(e);
    ASSERT_FALSE(record.ok()) << name;
    EXPECT_TRUE(record.status().IsInvalidArgument()) << name << ": " << record.status().ToString();
    EXPECT_EQ(record.status().reason(), "field_too_long") << name;
    EXPECT_NE(record.status().message().find(name), std::string::npos)
        << record.status().ToString();
    std::string body = "kept";
    EXPECT_TRUE(EncodeEnvelopeBody(e, &body).IsInvalidArgument()) << name;
    EXPECT_EQ(body, "kept") << name;
  }
}

TEST(EnvelopeTest, FieldExactlyAtTheLimitRoundTrips) {
  for (const auto& [name, field] : kStringFields) {
    EventEnvelope in = SampleEnvelope();
    in.*field = std::string(kMaxEnvelopeFieldBytes, 'y');
    const std::string record = Encoded(in);
    EventEnvelope out;
    ASSERT_OK(DecodeEnvelope(record, &out));
    EXPECT_TRUE(out.*field == in.*field) << name << " came back " << (out.*field).size()
                                         << " bytes long";
    out.*field = in.*field = "";
    ExpectSameEnvelope(in, out);
  }
  // The length prefix is the full 2^24 as a varint32, not a wrapped value.
  EventEnvelope e;
  e.stream_id = std::string(kMaxEnvelopeFieldBytes, 's');
  const size_t stream_len_at = 1 + 8 + 8 + 8 + 4;  // format, position, version, time, schema
  EXPECT_EQ(Encoded(e).substr(stream_len_at, 4), std::string("\x80\x80\x80\x08", 4));
}

TEST(EnvelopeTest, EmptyFieldsRoundTrip) {
  EventEnvelope in;
  EventEnvelope out = SampleEnvelope();
  ASSERT_OK(DecodeEnvelope(Encoded(in), &out));
  ExpectSameEnvelope(in, out);
}

TEST(EnvelopeTest, EveryTruncationIsCorruption) {
  const std::string record = Encoded(SampleEnvelope());
  for (size_t n = 0; n < record.size(); ++n) {
    EventEnvelope out;
    Status s = DecodeEnvelope(std::string_view(record).substr(0, n), &out);
    EXPECT_TRUE(s.IsCorruption()) << "length " << n << ": " << s.ToString();
  }
}

TEST(EnvelopeTest, TrailingBytesAreCorruption) {
  EventEnvelope out;
  EXPECT_TRUE(DecodeEnvelope(Encoded(SampleEnvelope()) + "x", &out).IsCorruption());
}

TEST(EnvelopeTest, UnknownFormatIsCorruption) {
  std::string record = Encoded(SampleEnvelope());
  record[0] = 2;
  EventEnvelope out;
  Status s = DecodeEnvelope(record, &out);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
}

TEST(EnvelopeTest, OversizedLengthIsCorruption) {
  std::string record = Encoded(SampleEnvelope());
  const size_t stream_len_at = 1 + 8 + 8 + 8 + 4;  // format, position, version, time, schema
  ASSERT_EQ(record[stream_len_at], 6);             // "org-42"
  EventEnvelope out;
  // A length past the end of the record.
  std::string bad = record;
  bad[stream_len_at] = 0x7f;
  EXPECT_TRUE(DecodeEnvelope(bad, &out).IsCorruption());
  // A varint that never ends within 5 bytes.
  bad = record;
  bad.replace(stream_len_at, 1, std::string(6, '\xff'));
  EXPECT_TRUE(DecodeEnvelope(bad, &out).IsCorruption());
}

// Garbage never crashes the decoder: every one-byte change of a valid record
// is refused, or decodes to something that encodes back to the same bytes.
TEST(EnvelopeTest, ChangedBytesAreRefusedOrDecodedFaithfully) {
  const std::string record = Encoded(SampleEnvelope());
  for (size_t i = 0; i < record.size(); ++i) {
    for (char v : {'\0', '\x80', '\xff'}) {
      std::string bad = record;
      bad[i] = v;
      EventEnvelope out;
      Status s = DecodeEnvelope(bad, &out);
      if (s.ok()) {
        EXPECT_EQ(Encoded(out), bad) << "byte " << i;
      } else {
        EXPECT_TRUE(s.IsCorruption()) << "byte " << i << ": " << s.ToString();
      }
    }
  }
}

TEST(EnvelopeTest, RandomGarbageIsCorruption) {
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 120, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    if (!junk.empty() && i % 2 == 0) junk[0] = kEnvelopeFormatV1;  // get past the format byte
    EventEnvelope out;
    Status s = DecodeEnvelope(junk, &out);
    EXPECT_TRUE(s.IsCorruption()) << "case " << i << ": " << s.ToString();
  }
}

TEST(EnvelopeTest, ChainLinkDetectsAnyChange) {
  Digest prev{};
  prev[0] = 9;
  EventEnvelope e = SampleEnvelope();
  std::string body;
  ASSERT_OK(EncodeEnvelopeBody(e, &body));
  e.hash = ChainHash(prev, body);
  const std::string record = Encoded(e);
  EXPECT_TRUE(VerifyChainLink(prev, record));
  EXPECT_FALSE(VerifyChainLink(Digest{}, record));
  std::string changed = record;
  changed[10] ^= 1;
  EXPECT_FALSE(VerifyChainLink(prev, changed));
  EXPECT_FALSE(VerifyChainLink(prev, record.substr(0, 31)));
}

// ------------------------------------------------------------- event payloads

TEST(EventTypesTest, OrgCreatedRoundTrip) {
  OrgCreated in{42, "6f1c2d1e-0000-4000-8000-000000000001", "acme", "ACME \"Inc\"",
                "line 1\nline 2", "ops@acme.example", "https://acme.example", "gold",
                "key:admin"};
  NewEvent ev = MakeEvent(OrgStream(in.id), in);
  EXPECT_EQ(ev.stream_id, "org-42");
  EXPECT_EQ(ev.type, "OrgCreated");
  EXPECT_EQ(ev.schema_version, 1u);
  EventEnvelope env;
  env.type = ev.type;
  env.schema_version = ev.schema_version;
  env.payload = ev.payload;
  OrgCreated out;
  ASSERT_OK(DecodeAs(env, &out));
  EXPECT_EQ(out.id, in.id);
  EXPECT_EQ(out.uuid, in.uuid);
  EXPECT_EQ(out.name, in.name);
  EXPECT_EQ(out.title, in.title);
  EXPECT_EQ(out.description, in.description);
  EXPECT_EQ(out.email_address, in.email_address);
  EXPECT_EQ(out.link, in.link);
  EXPECT_EQ(out.role, in.role);
  EXPECT_EQ(out.created_by, in.created_by);
}

TEST(EventTypesTest, OrgUpdatedKeepsClearedAndAbsentFieldsApart) {
  OrgUpdated in;
  in.id = 7;
  in.title = "";        // cleared
  in.link = "https://x.example";
  // description and email_address: absent, stay as they are
  OrgUpdated out;
  ASSERT_OK(FromPayload(ToPayload(in), OrgUpdated::kVersion, &out));
  EXPECT_EQ(out.id, 7u);
  ASSERT_TRUE(out.title.has_value());
  EXPECT_EQ(*out.title, "");
  EXPECT_FALSE(out.description.has_value());
  EXPECT_FALSE(out.email_address.has_value());
  EXPECT_EQ(out.link, std::optional<std::string>("https://x.example"));
}

TEST(EventTypesTest, OrgDeletedRoundTrip) {
  OrgDeleted out;
  ASSERT_OK(FromPayload(ToPayload(OrgDeleted{9, "gone"}), OrgDeleted::kVersion, &out));
  EXPECT_EQ(out.id, 9u);
  EXPECT_EQ(out.name, "gone");
}

TEST(EventTypesTest, ApiKeyIssuedRoundTrip) {
  ApiKeyIssued in{"k1", std::string(64, 'a'), "", true, "bootstrap", 1'893'456'000'000, {}, {}};
  ApiKeyIssued out;
  ASSERT_OK(FromPayload(ToPayload(in), ApiKeyIssued::kVersion, &out));
  EXPECT_EQ(out.key_id, "k1");
  EXPECT_EQ(out.key_sha256, in.key_sha256);
  EXPECT_EQ(out.account_id, "");
  EXPECT_TRUE(out.site_admin);
  EXPECT_EQ(out.label, "bootstrap");
  EXPECT_EQ(out.expires_ms, in.expires_ms);
}

TEST(EventTypesTest, MismatchedPayloadsAreCorruption) {
  OrgCreated created;
  OrgDeleted deleted;
  EXPECT_TRUE(FromPayload("{\"id\":1}", 1, &deleted).IsCorruption());           // lacks name
  EXPECT_TRUE(FromPayload("{\"id\":\"1\",\"name\":\"a\"}", 1, &deleted).IsCorruption());
  EXPECT_TRUE(FromPayload("[1]", 1, &deleted).IsCorruption());
  EXPECT_TRUE(FromPayload("{not json", 1, &deleted).IsCorruption());
  EXPECT_TRUE(FromPayload(ToPayload(OrgDeleted{1, "a"}), 2, &deleted).IsCorruption());
  EXPECT_TRUE(FromPayload(ToPayload(OrgDeleted{1, "a"}), 0, &deleted).IsCorruption());

  EventEnvelope env;
  env.type = "OrgDeleted";
  env.payload = ToPayload(OrgDeleted{1, "a"});
  EXPECT_TRUE(DecodeAs(env, &created).IsCorruption());
  EXPECT_TRUE(IsKnownEventType("OrgDeleted", 1));
  EXPECT_FALSE(IsKnownEventType("OrgDeleted", 2));
  EXPECT_FALSE(IsKnownEventType("OrgRenamed", 1));
}

}  // namespace
}  // namespace orgd
