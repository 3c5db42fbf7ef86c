// The credentials' events. Only the SHA-256 of a secret is ever recorded.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "src/events/registry.h"

namespace orgd {

// A credential was issued.
struct ApiKeyIssued {
  static constexpr std::string_view kType = "ApiKeyIssued";
  static constexpr uint32_t kVersion = 1;
  std::string key_id;
  std::string key_sha256;  // 64 lower-case hex digits
  std::string account_id;  // empty: a site key with no account (the bootstrap key)
  bool site_admin = false;
  std::string label;
  int64_t expires_ms = 0;  // 0: never
  static constexpr auto kFields = std::make_tuple(
      Field("key_id", &ApiKeyIssued::key_id), Field("key_sha256", &ApiKeyIssued::key_sha256),
      Field("account_id", &ApiKeyIssued::account_id),
      Field("site_admin", &ApiKeyIssued::site_admin), Field("label", &ApiKeyIssued::label),
      Field("expires_ms", &ApiKeyIssued::expires_ms));
};

// A credential was revoked: it stops working at once.
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

// "apikey-<key id>": the stream of one key. Written to disk.
std::string ApiKeyStream(std::string_view key_id);
inline constexpr std::string_view kApiKeyStreamPrefix = "apikey-";

void RegisterCredentialEvents(EventRegistry& r);

}  // namespace orgd
