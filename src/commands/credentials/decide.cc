// Credential commands: stateless checks and decisions.
#include "common/sha256.h"
#include "src/commands/core/validate.h"
#include "src/commands/credentials/commands.h"
#include "src/events/credential_events.h"
#include "src/projections/credentials/credential_projection.h"

namespace orgd {
namespace {

CommandResult KeyResult(CommandResult::Kind kind, const std::string& key_id) {
  return CommandResult{kind, std::string(CredentialProjection::kEntity), key_id,
                       ApiKeyStream(key_id), 0, 0, {}};
}

}  // namespace

Status ValidateKeyId(std::string_view key_id) {
  bool ok = !key_id.empty() && key_id.size() <= 64;
  for (char c : key_id) {
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                c == '_' || c == '-');
  }
  return ok ? Status::OK()
            : Status::InvalidArgument("a key id is 1 to 64 characters of 0-9 A-Z a-z _ -",
                                      "invalid_key_id");
}

Status Validate(const IssueApiKey& c) {
  Digest unused;
  if (!DigestFromHex(c.key_sha256, &unused)) {
    return Status::InvalidArgument("key_sha256 must be 64 hex digits", "invalid_key_sha256");
  }
  ORGD_RETURN_IF_ERROR(ValidateText("label", c.label, 254));
  if (c.expires_ms < 0) return Status::InvalidArgument("expires_at is before 1970", "invalid_expires_at");
  return ValidateKeyId(c.key_id);
}

Status Validate(const RevokeApiKey& c) { return ValidateKeyId(c.key_id); }

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const IssueApiKey& c) {
  if (m.actor != "system" && !m.site_admin) {
    return Status::Forbidden("only site admins may issue site keys");
  }
  CredentialReader keys(s.model(CredentialProjection::kName));
  Credential existing;
  Status found = keys.FindBySha256(c.key_sha256, &existing);
  if (found.ok()) return Status::Conflict("this key is already registered", "key_exists");
  if (!found.IsNotFound()) return found;
  uint64_t version;
  ORGD_RETURN_IF_ERROR(s.StreamVersion(ApiKeyStream(c.key_id), &version));
  if (version != 0) return Status::Conflict("key id " + c.key_id + " is taken", "key_exists");
  ApiKeyIssued e{c.key_id, c.key_sha256, c.account_id, c.site_admin, c.label, c.expires_ms};
  Decision d;
  d.events.push_back(MakeEvent(ApiKeyStream(c.key_id), e));
  d.expected.push_back({ApiKeyStream(c.key_id), 0});
  d.result = KeyResult(CommandResult::Kind::kCreated, c.key_id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RevokeApiKey& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may revoke site keys");
  CredentialReader keys(s.model(CredentialProjection::kName));
  Credential key;
  ORGD_RETURN_IF_ERROR(keys.FindById(c.key_id, &key));
  if (key.site_admin) {
    uint64_t admins;
    ORGD_RETURN_IF_ERROR(keys.SiteAdminCount(&admins));
    if (admins <= 1) {
      return Status::Conflict(
          "this is the last site-admin key: issue another one (POST /api/v1/keys) before "
          "revoking it",
          "last_site_admin_key");
    }
  }
  uint64_t version;
  ORGD_RETURN_IF_ERROR(s.StreamVersion(ApiKeyStream(c.key_id), &version));
  ApiKeyRevoked e{c.key_id, key.key_sha256, m.actor};
  Decision d;
  d.events.push_back(MakeEvent(ApiKeyStream(c.key_id), e));
  d.expected.push_back({ApiKeyStream(c.key_id), version});
  d.result = KeyResult(CommandResult::Kind::kDeleted, c.key_id);
  return d;
}

}  // namespace orgd
