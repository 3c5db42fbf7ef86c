// Commands on credentials (see src/commands/core/command.h). Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"

namespace orgd {

// Records a new API key; only the hash of its secret is recorded. The
// caller draws the key and its id (random numbers are not a decision's business).
// A site key (no account) is issued by site admins; an account's key by a
// site admin or the account itself.
struct IssueApiKey {
  static constexpr std::string_view kName = "IssueApiKey";
  std::string key_id;
  std::string key_sha256;
  std::string account_id;  // empty: a site key
  bool site_admin = false; // a site key's flag; must be false for an account's key
  std::string label;
  int64_t expires_ms = 0;  // 0: never
  std::string scope;       // account keys: "account" or "project"
  std::string project_id;  // scope "project"
  // A site key of this org (id or name; empty: none): issued by site admins
  // only, never a site admin itself, gone when the org is deleted.
  std::string org{};
};

// Revokes a credential by its id (an API key, a session, an access token): it
// stops working with the commit. Site admins may revoke any; an account its own.
struct RevokeApiKey {
  static constexpr std::string_view kName = "RevokeApiKey";
  std::string key_id;
};

// A sign-in: the caller has checked the password or the access token; the
// decision checks that the account (and the token) are still live.
struct StartSession {
  static constexpr std::string_view kName = "StartSession";
  std::string session_id;
  std::string token_sha256;
  std::string account_id;
  int64_t expires_ms = 0;
  std::string access_token_id;  // empty: a password sign-in
  int64_t now_ms = 0;           // when the caller checked the access token's expiry
};

// A temporary access token for an account; site admins only for now.
struct IssueAccessToken {
  static constexpr std::string_view kName = "IssueAccessToken";
  std::string token_id;
  std::string token_sha256;
  std::string account_id;
  int64_t expires_ms = 0;
};

// Records a credential's use (the HTTP layer sends at most one per credential
// every few minutes); a credential revoked since is no error, only no event.
struct RecordCredentialUse {
  static constexpr std::string_view kName = "RecordCredentialUse";
  std::string key_id;
  int64_t at_ms = 0;
};

Status Validate(const IssueApiKey& c);
Status Validate(const RevokeApiKey& c);
Status Validate(const StartSession& c);
Status Validate(const IssueAccessToken& c);
Status Validate(const RecordCredentialUse& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const IssueApiKey& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RevokeApiKey& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const StartSession& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const IssueAccessToken& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RecordCredentialUse& c);

// Key ids: 1-64 characters of [0-9A-Za-z_-].
Status ValidateKeyId(std::string_view key_id);

}  // namespace orgd
