// Decisions about credentials.
#include "src/commands/core/decision.h"
#include "common/sha256.h"
#include "src/events/event_types.h"
#include "src/projections/credentials/credential_projection.h"

namespace orgd {

Result<Decision> DecideIssueApiKey(const StateView& s, const CommandMeta& m,
                                   const IssueApiKey& c) {
  if (m.actor != "system" && !m.site_admin) {
    return Status::Forbidden("only site admins may issue site keys");
  }
  Digest unused;
  if (!DigestFromHex(c.key_sha256, &unused)) {
    return Status::InvalidArgument("key_sha256 must be 64 hex digits");
  }
  ORGD_RETURN_IF_ERROR(ValidateText("label", c.label, 254));
  if (c.key_id.empty() || c.key_id.size() > 64) {
    return Status::InvalidArgument("key_id must be 1 to 64 characters");
  }
  Credential existing;
  Status found = CredentialReader(s.model("credentials")).FindBySha256(c.key_sha256, &existing);
  if (found.ok()) return Status::Conflict("this key is already registered", "key_exists");
  if (!found.IsNotFound()) return found;
  ApiKeyIssued e{c.key_id, c.key_sha256, c.account_id, c.site_admin, c.label, c.expires_ms};
  Decision d;
  d.events.push_back(MakeEvent(ApiKeyStream(c.key_id), e));
  d.expected.push_back({ApiKeyStream(c.key_id), 0});
  d.status = 201;
  d.version_of = ApiKeyStream(c.key_id);
  return d;
}

}  // namespace orgd
