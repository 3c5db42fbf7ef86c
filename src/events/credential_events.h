// The credentials' events. Only the SHA-256 of a secret is ever recorded.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "src/events/registry.h"

namespace orgd {

// An API key was issued. A site key has no account and carries its own
// site_admin flag; an account's key acts as its account (whose flag counts).
// An org-scoped site key (org_id) is a site key of that org, never a site admin.
struct ApiKeyIssued {
  static constexpr std::string_view kType = "ApiKeyIssued";
  static constexpr uint32_t kVersion = 1;
  std::string key_id;
  std::string key_sha256;  // 64 lower-case hex digits
  std::string account_id;  // empty: a site key with no account (the bootstrap key)
  bool site_admin = false;
  std::string label;
  int64_t expires_ms = 0;  // 0: never
  // Added with account keys; absent in older events (a site key).
  std::optional<std::string> scope;       // "account" or "project"
  std::optional<std::string> project_id;  // scope "project": the project it acts in
  // Added with org-scoped site keys (issue 15); absent in older events and
  // in every other key. The key goes when its org is deleted.
  std::optional<uint64_t> org_id{};
  static constexpr auto kFields = std::make_tuple(
      Field("key_id", &ApiKeyIssued::key_id), Field("key_sha256", &ApiKeyIssued::key_sha256),
      Field("account_id", &ApiKeyIssued::account_id),
      Field("site_admin", &ApiKeyIssued::site_admin), Field("label", &ApiKeyIssued::label),
      Field("expires_ms", &ApiKeyIssued::expires_ms), Field("scope", &ApiKeyIssued::scope),
      Field("project_id", &ApiKeyIssued::project_id), Field("org_id", &ApiKeyIssued::org_id));
};

// A credential was revoked: it stops working at once. Any kind: an API key,
// a session (sign-out) or an access token.
struct ApiKeyRevoked {
  static constexpr std::string_view kType = "ApiKeyRevoked";
  static constexpr uint32_t kVersion = 1;
  std::string key_id;
  std::string key_sha256;
  std::string revoked_by;
  static constexpr auto kFields = std::make_tuple(
      Field("key_id", &ApiKeyRevoked::key_id), Field("key_sha256", &ApiKeyRevoked::key_sha256),
      Field("revoked_by", &ApiKeyRevoked::revoked_by));
};

// A session began: a password sign-in, or a sign-in through an access token.
struct SessionStarted {
  static constexpr std::string_view kType = "SessionStarted";
  static constexpr uint32_t kVersion = 1;
  std::string session_id;
  std::string token_sha256;
  std::string account_id;
  int64_t expires_ms = 0;
  std::string via;  // "password" or "access_token:<token id>"
  static constexpr auto kFields = std::make_tuple(
      Field("session_id", &SessionStarted::session_id),
      Field("token_sha256", &SessionStarted::token_sha256),
      Field("account_id", &SessionStarted::account_id),
      Field("expires_ms", &SessionStarted::expires_ms), Field("via", &SessionStarted::via));
};

// A temporary access token (CoCalc's createToken): signs in as its account
// through /auth/impersonate, any number of times until it expires or is revoked.
struct AccessTokenIssued {
  static constexpr std::string_view kType = "AccessTokenIssued";
  static constexpr uint32_t kVersion = 1;
  std::string token_id;
  std::string token_sha256;
  std::string account_id;
  int64_t expires_ms = 0;
  static constexpr auto kFields = std::make_tuple(
      Field("token_id", &AccessTokenIssued::token_id),
      Field("token_sha256", &AccessTokenIssued::token_sha256),
      Field("account_id", &AccessTokenIssued::account_id),
      Field("expires_ms", &AccessTokenIssued::expires_ms));
};

// A credential was used (at most one such event per credential every few
// minutes): its last use, and its account's last activity.
struct CredentialUsed {
  static constexpr std::string_view kType = "CredentialUsed";
  static constexpr uint32_t kVersion = 1;
  std::string key_id;
  std::string key_sha256;
  std::string account_id;
  int64_t at_ms = 0;
  static constexpr auto kFields = std::make_tuple(
      Field("key_id", &CredentialUsed::key_id), Field("key_sha256", &CredentialUsed::key_sha256),
      Field("account_id", &CredentialUsed::account_id), Field("at_ms", &CredentialUsed::at_ms));
};

// "apikey-<key id>": the stream of one credential (an API key, a session or
// an access token: their ids share one space). Written to disk.
std::string ApiKeyStream(std::string_view key_id);
inline constexpr std::string_view kApiKeyStreamPrefix = "apikey-";

void RegisterCredentialEvents(EventRegistry& r);

}  // namespace orgd
