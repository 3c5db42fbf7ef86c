// The envelope target: stored records -> envelopes -> typed event payloads.
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>

#include "common/json_util.h"
#include "storage/log/record.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "tests/fuzz/fuzz_targets.h"

namespace orgd::fuzz {

namespace {

using nlohmann::json;

bool SameEnvelope(const EventEnvelope& a, const EventEnvelope& b) {
  return a.position == b.position && a.stream_id == b.stream_id &&
         a.stream_version == b.stream_version && a.type == b.type &&
         a.schema_version == b.schema_version && a.timestamp_ms == b.timestamp_ms &&
         a.actor == b.actor && a.request_id == b.request_id &&
         a.idempotency_key == b.idempotency_key && a.payload == b.payload && a.hash == b.hash;
}

// The copying and the viewing decoder read the same fields.
bool SameFields(const EventEnvelope& e, const EnvelopeView& v) {
  return e.position == v.position && e.stream_id == v.stream_id &&
         e.stream_version == v.stream_version && e.type == v.type &&
         e.schema_version == v.schema_version && e.timestamp_ms == v.timestamp_ms &&
         e.actor == v.actor && e.request_id == v.request_id &&
         e.idempotency_key == v.idempotency_key && e.payload == v.payload &&
         v.hash.size() == e.hash.size() &&
         std::memcmp(v.hash.data(), e.hash.data(), e.hash.size()) == 0;
}

// A record that decodes re-encodes to one that decodes to the same envelope
// (not always to the same bytes: a varint may arrive in a longer form than
// the encoder writes), and re-hashed it verifies as a link of the chain.
// Decoding reads any length a varint32 holds, encoding only fields up to
// kMaxEnvelopeFieldBytes: a longer one must be refused, never truncated.
void CheckReencoding(EventEnvelope env) {
  Result<std::string> again = EncodeEnvelope(env);
  if (!again.ok()) {
    Expect(again.status().reason() == "field_too_long", "only an overlong field is refused",
           again.status().ToString());
    return;
  }
  EventEnvelope back;
  Status s = DecodeEnvelope(*again, &back);
  Expect(s.ok(), "an encoded envelope decodes", s.ToString());
  Expect(SameEnvelope(env, back), "an envelope survives re-encoding");
  std::string body;
  Expect(EncodeEnvelopeBody(env, &body).ok(), "the body encodes as the record did");
  const Digest prev{};
  env.hash = ChainHash(prev, body);
  Result<std::string> rehashed = EncodeEnvelope(env);
  Expect(rehashed.ok() && VerifyChainLink(prev, *rehashed), "a re-hashed record verifies");
}

bool SameValue(const FlatJson::Value& f, const json& j) {
  using Kind = FlatJson::Value::Kind;
  switch (f.kind) {
    case Kind::kString: return j.is_string() && j.get_ref<const std::string&>() == f.text;
    case Kind::kUnsigned: return j.is_number_unsigned() && j.get<uint64_t>() == f.number;
    case Kind::kTrue: return j.is_boolean() && j.get<bool>();
    case Kind::kFalse: return j.is_boolean() && !j.get<bool>();
    case Kind::kNull: return j.is_null();
  }
  return false;
}

// FlatJson accepts a subset of what ParseJson accepts, and reads it the same.
void CheckFlatJson(std::string_view text) {
  FlatJson flat;
  if (!flat.Parse(text)) return;
  json j;
  Status s = ParseJson(text, &j);
  Expect(s.ok() && j.is_object(), "what FlatJson parses, ParseJson parses as an object", text);
  for (const auto& [key, value] : j.items()) {
    const FlatJson::Value* f = flat.Find(key);
    Expect(f != nullptr && SameValue(*f, value), "FlatJson and ParseJson read the same members",
           text);
  }
}

// Decoding at the current schema version (no upcaster in between) kept every
// value as it was: each member of the re-encoded payload is written exactly
// as the stored payload's member of that name ("-1" is not
// "18446744073709551615", "2.5" is not "2").
void CheckValuesKept(const json& stored, const std::string& canonical, std::string_view text) {
  const json written = json::parse(canonical);
  for (const auto& [key, value] : written.items()) {
    auto it = stored.find(key);
    Expect(it != stored.end() && it->dump() == value.dump(),
           "a decoded event keeps the stored payload's values", text);
  }
}

// For every event type of the registry: what decodes as that type re-encodes
// to a payload of the current version that decodes to the same event, and
// the slow path reads it as the fast one did. New types are fuzzed as soon as
// they are registered.
void CheckPayload(const EventTypeInfo& type, std::string_view text, uint32_t version) {
  std::string canonical;
  if (!type.recode(text, version, &canonical).ok()) return;
  Expect(IsKnownEventType(type.type, version), "only known schema versions decode", type.type);
  json stored;
  Expect(ParseJson(text, &stored).ok() && stored.is_object(),
         "a payload that decodes is a JSON object", text);
  if (version == type.version) CheckValuesKept(stored, canonical, text);
  std::string again;
  Status s = type.recode(canonical, type.version, &again);
  Expect(s.ok(), "a payload written by ToPayload decodes", s.ToString());
  Expect(again == canonical, "an event survives a round trip through its payload", canonical);
  // A nested member makes the fast reader decline, and the nlohmann path
  // ignores it: the same payload, read the other way.
  stored["fuzz_nested"] = json::array();
  std::string slow;
  s = type.recode(stored.dump(), version, &slow);
  Expect(s.ok() && slow == canonical, "the fast and the nlohmann payload readers agree", text);
}

void CheckPayloads(std::string_view text, uint32_t version) {
  CheckFlatJson(text);
  for (const EventTypeInfo& type : EventRegistry::Get().types()) CheckPayload(type, text, version);
}

}  // namespace

void Envelope(std::string_view input) {
  EnvelopeView view;
  EventEnvelope env;
  const bool view_ok = DecodeEnvelopeView(input, &view).ok();
  const bool env_ok = DecodeEnvelope(input, &env).ok();
  Expect(view_ok == env_ok, "DecodeEnvelope and DecodeEnvelopeView accept the same records");
  VerifyChainLink(Digest{}, input);  // any bytes: must not read out of bounds
  if (!env_ok) {
    // Bytes that are no record are tried as a payload of the current schema
    // version, so that the payload readers are reached without a record's
    // length prefixes in the way.
    CheckPayloads(input, 1);
    return;
  }
  Expect(SameFields(env, view), "DecodeEnvelope and DecodeEnvelopeView read the same fields");
  CheckReencoding(env);
  CheckPayloads(env.payload, env.schema_version);
}

}  // namespace orgd::fuzz
