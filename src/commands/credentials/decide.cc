// Credential commands: stateless checks and decisions.
#include "common/sha256.h"
#include "src/commands/core/validate.h"
#include "src/commands/credentials/commands.h"
#include "src/commands/members/standing.h"
#include "src/events/credential_events.h"
#include "src/projections/accounts/account_projection.h"
#include "src/projections/credentials/credential_projection.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {
namespace {

CommandResult KeyResult(CommandResult::Kind kind, const std::string& key_id) {
  return CommandResult{
      kind, std::string(CredentialProjection::kEntity), key_id, ApiKeyStream(key_id), 0, 0, {}};
}

Status ValidateSha(std::string_view sha) {
  Digest unused;
  return DigestFromHex(sha, &unused)
             ? Status::OK()
             : Status::InvalidArgument("key_sha256 must be 64 hex digits", "invalid_key_sha256");
}

// The account a credential is for: it must be live. A caller who is neither
// a site admin nor the account learns nothing of it.
Status LoadLiveAccount(const StateView& s, const CommandMeta& m, const std::string& id,
                       AccountRecord* a) {
  Status found = AccountReader(s.model(AccountProjection::kName)).FindById(id, a);
  if (found.ok() && !m.site_admin && m.actor != "system" && a->id != m.account_id) {
    found = Status::NotFound("");
  }
  if (found.IsNotFound()) return Status::NotFound("no account '" + id + "'", "unknown_account");
  ORGD_RETURN_IF_ERROR(found);
  if (!a->active) {
    return Status::Conflict("account " + id + " is deactivated", "account_inactive");
  }
  return Status::OK();
}

// A new credential's id and hash must both be fresh.
Status CheckFresh(const StateView& s, const std::string& id, const std::string& sha) {
  CredentialReader keys(s.model(CredentialProjection::kName));
  Credential existing;
  Status found = keys.FindBySha256(sha, &existing);
  if (found.ok()) return Status::Conflict("this key is already registered", "key_exists");
  if (!found.IsNotFound()) return found;
  uint64_t version;
  ORGD_RETURN_IF_ERROR(s.StreamVersion(ApiKeyStream(id), &version));
  if (version != 0) return Status::Conflict("key id " + id + " is taken", "key_exists");
  return Status::OK();
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
  ORGD_RETURN_IF_ERROR(ValidateSha(c.key_sha256));
  ORGD_RETURN_IF_ERROR(ValidateText("name", c.label, 254));
  if (c.expires_ms < 0)
    return Status::InvalidArgument("expires_at is before 1970", "invalid_expires_at");
  if (c.account_id.empty()) {
    if (!c.scope.empty() || !c.project_id.empty()) {
      return Status::InvalidArgument("a site key has no scope", "invalid_scope");
    }
    if (!c.org.empty() && c.site_admin) {
      return Status::InvalidArgument("an org's key is not a site-admin key", "invalid_key");
    }
    if (c.org.size() > 64) {
      return Status::InvalidArgument("an org is named by its id or name", "invalid_org");
    }
  } else if (!c.org.empty()) {
    return Status::InvalidArgument("an account's key acts as its account, not as an org",
                                   "invalid_key");
  } else {
    if (c.site_admin)
      return Status::InvalidArgument("an account's key acts as its account", "invalid_key");
    if (c.scope != "account" && c.scope != "project") {
      return Status::InvalidArgument("scope must be \"account\" or \"project\"", "invalid_scope");
    }
    if ((c.scope == "project") != !c.project_id.empty()) {
      return Status::InvalidArgument("project_id is required with scope \"project\" and only there",
                                     "invalid_project_id");
    }
    ORGD_RETURN_IF_ERROR(ValidateText("project_id", c.project_id, 64));
  }
  return ValidateKeyId(c.key_id);
}

Status Validate(const RevokeApiKey& c) { return ValidateKeyId(c.key_id); }

Status Validate(const StartSession& c) {
  ORGD_RETURN_IF_ERROR(ValidateSha(c.token_sha256));
  if (c.expires_ms <= 0) return Status::InvalidArgument("a session expires", "invalid_expires_at");
  if (!c.access_token_id.empty()) ORGD_RETURN_IF_ERROR(ValidateKeyId(c.access_token_id));
  return ValidateKeyId(c.session_id);
}

Status Validate(const IssueAccessToken& c) {
  ORGD_RETURN_IF_ERROR(ValidateSha(c.token_sha256));
  if (c.expires_ms <= 0) return Status::InvalidArgument("a token expires", "invalid_expires_at");
  return ValidateKeyId(c.token_id);
}

Status Validate(const RecordCredentialUse& c) { return ValidateKeyId(c.key_id); }

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const IssueApiKey& c) {
  if (c.account_id.empty()) {
    if (m.actor != "system" && !m.site_admin) {
      return Status::Forbidden("only site admins may issue site keys");
    }
  } else {
    AccountRecord a;
    ORGD_RETURN_IF_ERROR(LoadLiveAccount(s, m, c.account_id, &a));
  }
  OrgRecord org;
  if (!c.org.empty()) {
    Status found = OrgReader(s.model(OrgProjection::kName)).Find(c.org, &org);
    if (found.IsNotFound()) return Status::NotFound("no org '" + c.org + "'", "unknown_org");
    ORGD_RETURN_IF_ERROR(found);
  }
  ORGD_RETURN_IF_ERROR(CheckFresh(s, c.key_id, c.key_sha256));
  ApiKeyIssued e{c.key_id, c.key_sha256, c.account_id, c.site_admin, c.label, c.expires_ms, {}, {}};
  if (!c.org.empty()) e.org_id = org.id;
  if (!c.account_id.empty()) {
    e.scope = c.scope;
    if (!c.project_id.empty()) e.project_id = c.project_id;
  }
  Decision d;
  d.events.push_back(MakeEvent(ApiKeyStream(c.key_id), e));
  d.expected.push_back({ApiKeyStream(c.key_id), 0});
  d.result = KeyResult(CommandResult::Kind::kCreated, c.key_id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RevokeApiKey& c) {
  CredentialReader keys(s.model(CredentialProjection::kName));
  Credential key;
  Status found = keys.FindById(c.key_id, &key);
  // Another account's credential is as unknown as one that does not exist.
  if (found.ok() && !m.site_admin && (key.account_id.empty() || key.account_id != m.account_id)) {
    found = Status::NotFound("");
  }
  if (found.IsNotFound()) return Status::NotFound("no key " + c.key_id, "unknown_key");
  ORGD_RETURN_IF_ERROR(found);
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

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const StartSession& c) {
  CommandMeta as_system = m;
  as_system.actor = "system";
  AccountRecord a;
  Status live = LoadLiveAccount(s, as_system, c.account_id, &a);
  if (!live.ok())
    return Status::Unauthenticated("the account cannot sign in", "invalid_credentials");
  std::string via = "password";
  if (!c.access_token_id.empty()) {
    Credential token;
    Status found =
        CredentialReader(s.model(CredentialProjection::kName)).FindById(c.access_token_id, &token);
    if (!found.ok() && !found.IsNotFound()) return found;
    if (!found.ok() || token.kind != kKindAccessToken || token.account_id != c.account_id ||
        (token.expires_ms != 0 && token.expires_ms <= c.now_ms)) {
      return Status::Unauthenticated("the access token is unknown, expired or revoked",
                                     "invalid_token");
    }
    via = "access_token:" + c.access_token_id;
  }
  ORGD_RETURN_IF_ERROR(CheckFresh(s, c.session_id, c.token_sha256));
  SessionStarted e{c.session_id, c.token_sha256, c.account_id, c.expires_ms, via};
  Decision d;
  d.events.push_back(MakeEvent(ApiKeyStream(c.session_id), e));
  d.expected.push_back({ApiKeyStream(c.session_id), 0});
  d.result = KeyResult(CommandResult::Kind::kCreated, c.session_id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const IssueAccessToken& c) {
  AccountRecord a;
  if (m.site_admin || m.actor == "system") {
    ORGD_RETURN_IF_ERROR(LoadLiveAccount(s, m, c.account_id, &a));
  } else if (c.account_id == m.account_id) {
    return Status::Forbidden("access tokens are issued by site admins and home org admins",
                             "missing_capability");
  } else {  // an admin of the account's home org
    ORGD_RETURN_IF_ERROR(CheckHomeOrgAdmin(s, m, c.account_id, &a));
    if (!a.active) {
      return Status::Conflict("account " + a.id + " is deactivated", "account_inactive");
    }
  }
  ORGD_RETURN_IF_ERROR(CheckFresh(s, c.token_id, c.token_sha256));
  AccessTokenIssued e{c.token_id, c.token_sha256, c.account_id, c.expires_ms};
  Decision d;
  d.events.push_back(MakeEvent(ApiKeyStream(c.token_id), e));
  d.expected.push_back({ApiKeyStream(c.token_id), 0});
  d.result = KeyResult(CommandResult::Kind::kCreated, c.token_id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RecordCredentialUse& c) {
  Credential key;
  Status found = CredentialReader(s.model(CredentialProjection::kName)).FindById(c.key_id, &key);
  Decision d;
  d.result = KeyResult(CommandResult::Kind::kChanged, c.key_id);
  d.result.entity.clear();           // nobody renders it
  if (found.IsNotFound()) return d;  // revoked since: nothing to record
  ORGD_RETURN_IF_ERROR(found);
  d.events.push_back(MakeEvent(
      ApiKeyStream(c.key_id), CredentialUsed{key.key_id, key.key_sha256, key.account_id, c.at_ms}));
  return d;
}

}  // namespace orgd
