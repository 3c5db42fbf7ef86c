// The event types of orgd: immutable facts, named in the past tense.
//
// Each type has a frozen on-disk name (kType) and a payload schema version
// (kVersion). An event once written is never changed; when a payload schema
// changes, kVersion goes up and the old version is read through an upcaster in
// event_types.cc. Plain values; distinct objects may be used from different
// threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/log/record.h"

namespace orgd {

// These names and versions are written to disk and should not be changed.

struct OrgCreated {
  static constexpr std::string_view kType = "OrgCreated";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string uuid;
  std::string name;
  std::string title;
  std::string description;
  std::string email_address;
  std::string link;
  std::string role = "default";  // the org's plan, from the role catalog
  std::string created_by;
};

// Only the fields present change; an empty string clears a field.
struct OrgUpdated {
  static constexpr std::string_view kType = "OrgUpdated";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> email_address;
  std::optional<std::string> link;
};

struct OrgDeleted {
  static constexpr std::string_view kType = "OrgDeleted";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string name;  // freed for reuse
};

// A credential was issued. Only the SHA-256 of the secret is ever recorded.
struct ApiKeyIssued {
  static constexpr std::string_view kType = "ApiKeyIssued";
  static constexpr uint32_t kVersion = 1;
  std::string key_id;
  std::string key_sha256;  // 64 lower-case hex digits
  std::string account_id;  // empty: the bootstrap key, which has no account yet
  bool site_admin = false;
  std::string label;
  int64_t expires_ms = 0;  // 0: never
};

// Serialises a payload to JSON text.
std::string ToPayload(const OrgCreated& e);
std::string ToPayload(const OrgUpdated& e);
std::string ToPayload(const OrgDeleted& e);
std::string ToPayload(const ApiKeyIssued& e);

// Parses a stored payload written with schema_version, upcasting it to the
// current version. Corruption when it does not fit the schema.
Status FromPayload(std::string_view json, uint32_t schema_version, OrgCreated* out);
Status FromPayload(std::string_view json, uint32_t schema_version, OrgUpdated* out);
Status FromPayload(std::string_view json, uint32_t schema_version, OrgDeleted* out);
Status FromPayload(std::string_view json, uint32_t schema_version, ApiKeyIssued* out);

// Builds the NewEvent for a typed payload on a stream.
template <typename E>
NewEvent MakeEvent(std::string stream_id, const E& e) {
  return NewEvent{std::move(stream_id), std::string(E::kType), E::kVersion, ToPayload(e)};
}

// Decodes an envelope's payload as E; Corruption when the type does not match.
template <typename E>
Status DecodeAs(const EventEnvelope& env, E* out) {
  if (env.type != E::kType) return Status::Corruption("event is not " + std::string(E::kType));
  return FromPayload(env.payload, env.schema_version, out);
}

// True when type names a known event type and version is one we can read.
bool IsKnownEventType(std::string_view type, uint32_t version);

// Stream ids.
std::string OrgStream(uint64_t org_id);
std::string ApiKeyStream(std::string_view key_id);

}  // namespace orgd
