// Commands: what callers ask orgd to change, as plain values, and the outcome
// the writer reports back. Plain structs; distinct objects may be used from
// different threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "common/status.h"

namespace orgd {

// Who asks, and how; filled in by the HTTP layer after authentication.
struct CommandMeta {
  std::string actor;            // "key:<key_id>", "system"
  bool site_admin = false;
  std::string request_id;
  std::string idempotency_key;  // empty: none
  std::string fingerprint;      // identifies the request, for idempotency
  std::optional<uint64_t> if_match;  // the stream version the caller expects
};

// Uuid comes from the caller (random numbers are not a decision's business).
struct CreateOrg {
  std::string uuid;
  std::string name;
  std::string title;
  std::string description;
  std::string email_address;
  std::string link;
};

// Absent fields stay as they are; an empty string clears a field.
struct UpdateOrg {
  std::string org;  // id or name
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> email_address;
  std::optional<std::string> link;
};

struct DeleteOrg {
  std::string org;  // id or name
};

// Records a new API key; only the hash of its secret is recorded.
struct IssueApiKey {
  std::string key_id;
  std::string key_sha256;
  std::string account_id;
  bool site_admin = false;
  std::string label;
  int64_t expires_ms = 0;
};

using CommandBody = std::variant<CreateOrg, UpdateOrg, DeleteOrg, IssueApiKey>;

struct Command {
  CommandMeta meta;
  CommandBody body;
};

// What a command came to. On success, status is 200, 201 or 204 and body is
// the JSON of the result (empty for 204).
struct CommandOutcome {
  Status error;             // OK on success
  int status = 0;
  std::string body;
  uint64_t version = 0;     // the stream version after the change: the ETag
  uint64_t position = 0;    // the last event appended (0: none)
  bool replayed = false;    // answered from an earlier request with the same Idempotency-Key
};

// The name of a command's type, for metrics and logs: "CreateOrg".
const char* CommandName(const CommandBody& body);

}  // namespace orgd
