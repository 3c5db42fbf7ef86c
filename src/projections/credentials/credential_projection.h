// The credentials read model: API keys by the SHA-256 of their secret.
//
// Layout of "proj.credentials" (frozen; see docs/storage.md):
//   "k" sha256-hex -> JSON {key_id, account_id, site_admin, label, expires_ms}
//   "\0count"      -> BE64(number of keys)
//   "\0checkpoint" -> BE64(last position applied)
// CredentialProjection is immutable and shareable; a CredentialReader is not.
#pragma once

#include <cstdint>
#include <string>

#include "src/projections/core/projection.h"

namespace orgd {

struct Credential {
  std::string key_id;
  std::string account_id;
  bool site_admin = false;
  std::string label;
  int64_t expires_ms = 0;  // 0: never
};

class CredentialProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "credentials";
  std::string_view name() const override { return kName; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
};

class CredentialReader {
 public:
  explicit CredentialReader(const CfReader& r) : r_(r) {}
  // NotFound when no key has this hash.
  Status FindBySha256(std::string_view sha256_hex, Credential* out) const;
  Status Count(uint64_t* n) const;

 private:
  const CfReader& r_;
};

}  // namespace orgd
