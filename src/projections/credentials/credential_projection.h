// The credentials read model: API keys by the SHA-256 of their secret.
//
// Layout of "proj.credentials" (frozen; see docs/storage.md):
//   "k" sha256-hex -> JSON {key_id, account_id, site_admin, label, expires_ms}
//   "i" key_id     -> sha256-hex                     (schema 2)
//   "\0count"      -> BE64(number of live keys)
//   "\0site_admins"-> BE64(number of live site-admin keys)   (schema 2)
//   "\0schema"     -> BE64(2)
//   "\0checkpoint" -> BE64(last position applied)
// CredentialProjection is immutable and shareable; a CredentialReader is not.
#pragma once

#include <cstdint>
#include <string>

#include "src/projections/core/projection.h"

namespace orgd {

struct Credential {
  std::string key_id;
  std::string key_sha256;
  std::string account_id;
  bool site_admin = false;
  std::string label;
  int64_t expires_ms = 0;  // 0: never
};

class CredentialProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "credentials";
  static constexpr std::string_view kEntity = "api_key";
  std::string_view name() const override { return kName; }
  // 2: the key id index and the site-admin count.
  uint32_t schema() const override { return 2; }
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

 private:
  const ModelReader& r_;
};

}  // namespace orgd
