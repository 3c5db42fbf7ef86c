// The credentials read model: API keys, sessions and access tokens by the
// SHA-256 of their secret, and the accounts' password hashes.
//
// Layout of "proj.credentials" (frozen; see docs/storage.md):
//   "k" sha256-hex -> JSON {key_id, account_id, site_admin, label, expires_ms,
//                           kind, scope, project_id, created_ms,   (kind.. : schema 3)
//                           org_id}                                (org_id: schema 4)
//   "i" key_id     -> sha256-hex                     (schema 2)
//   "a" account_id "/" key_id -> ""                  (an account's credentials; schema 3)
//   "o" BE64(org_id) key_id -> ""                    (an org's site keys; schema 4)
//   "u" key_id     -> BE64(last use, ms)             (schema 3)
//   "p" account_id -> Argon2id hash string           (schema 3)
//   "\0count"      -> BE64(number of live credentials)
//   "\0site_admins"-> BE64(number of live site keys with site_admin)   (schema 2)
//   "\0schema"     -> BE64(4)
//   "\0checkpoint" -> BE64(last position applied)
// Deleting an account removes its credentials and its password hash;
// deleting an org removes its org-scoped keys.
// CredentialProjection is immutable and shareable; a CredentialReader is not.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/projections/core/projection.h"

namespace orgd {

struct Credential {
  std::string key_id;
  std::string key_sha256;
  std::string account_id;  // empty: a site key
  bool site_admin = false; // a site key's own flag (an account's key acts as its account)
  std::string label;
  int64_t expires_ms = 0;  // 0: never
  std::string kind = "api_key";  // "api_key", "session", "access_token"
  std::string scope;       // api_key: "account" or "project"; empty for a site key
  std::string project_id;  // scope "project"
  int64_t created_ms = 0;
  uint64_t org_id = 0;  // an org-scoped site key: its org; 0 for every other credential
};

inline constexpr std::string_view kKindApiKey = "api_key";
inline constexpr std::string_view kKindSession = "session";
inline constexpr std::string_view kKindAccessToken = "access_token";

class CredentialProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "credentials";
  static constexpr std::string_view kEntity = "api_key";
  std::string_view name() const override { return kName; }
  // 2: the key id index and the site-admin count. 3: kinds, the account
  // index, last use and password hashes. 4: org-scoped keys and their index.
  uint32_t schema() const override { return 4; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  // Kind kEntity by key id: the stored record (no secret, no hash).
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

class CredentialReader {
 public:
  explicit CredentialReader(const ModelReader& r) : r_(r) {}
  // NotFound when no live key has this hash.
  Status FindBySha256(std::string_view sha256_hex, Credential* out) const;
  // NotFound when no live key has this id.
  Status FindById(std::string_view key_id, Credential* out) const;
  Status Count(uint64_t* n) const;
  Status SiteAdminCount(uint64_t* n) const;
  // The account's live credentials of one kind, in key id order.
  Status ListForAccount(std::string_view account_id, std::string_view kind,
                        std::vector<Credential>* out) const;
  // When the credential was last used (0: never, or not yet recorded).
  Status LastUsed(std::string_view key_id, int64_t* ms) const;
  // The account's password hash; NotFound when it has none.
  Status PasswordHash(std::string_view account_id, std::string* hash) const;

 private:
  const ModelReader& r_;
};

}  // namespace orgd
