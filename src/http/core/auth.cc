#include "src/http/core/auth.h"

#include "common/base64.h"
#include "common/sha256.h"
#include "src/queries/credential_cache.h"

namespace orgd::http {

Status ParseBearer(std::string_view header, std::string_view* key) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme) ||
      header[kScheme.size()] != ' ') {
    return Status::Unauthenticated("the Authorization header must be 'Bearer <key>'",
                                   "bad_authorization");
  }
  std::string_view k = header.substr(kScheme.size() + 1);
  while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
  while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
  if (k.empty() || k.size() > kMaxCredentialBytes) {
    return Status::Unauthenticated("the API key is empty or too long", "bad_authorization");
  }
  for (char c : k) {
    if (c <= ' ' || c > '~') {
      return Status::Unauthenticated("the API key holds characters an API key never has",
                                     "bad_authorization");
    }
  }
  *key = k;
  return Status::OK();
}

namespace {

bool Visible(std::string_view k) {
  for (char c : k) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

Status CheckSecret(std::string_view k) {
  if (k.empty() || k.size() > kMaxCredentialBytes) {
    return Status::Unauthenticated("the credential is empty or too long", "bad_authorization");
  }
  if (!Visible(k)) {
    return Status::Unauthenticated("the credential holds characters a credential never has",
                                   "bad_authorization");
  }
  return Status::OK();
}

}  // namespace

Status ParseAuthorizationCredential(const HttpRequest& req, std::string* secret) {
  auto header = req.Header("Authorization");
  if (!header) return Status::NotFound("no Authorization header");
  const std::string_view h = Trim(*header);
  const size_t space = h.find(' ');
  const std::string_view scheme = h.substr(0, space);
  const std::string_view rest = space == h.npos ? std::string_view() : Trim(h.substr(space + 1));
  if (EqualsIgnoreCase(scheme, "bearer") || EqualsIgnoreCase(scheme, "token")) {
    ORGD_RETURN_IF_ERROR(CheckSecret(rest));
    secret->assign(rest);
    return Status::OK();
  }
  if (EqualsIgnoreCase(scheme, "basic")) {
    std::string decoded;
    if (rest.size() > 2 * kMaxCredentialBytes || !Base64Decode(rest, &decoded)) {
      return Status::Unauthenticated("Basic credentials must be base64 of '<key>:'",
                                     "bad_authorization");
    }
    const std::string_view user = std::string_view(decoded).substr(0, decoded.find(':'));
    ORGD_RETURN_IF_ERROR(CheckSecret(user));
    secret->assign(user);
    return Status::OK();
  }
  return Status::Unauthenticated(
      "the Authorization header must be 'Bearer <key>', 'Token <key>' or 'Basic base64(<key>:)'",
      "bad_authorization");
}

Status ParseSessionCookie(const HttpRequest& req, std::string* secret) {
  for (const auto& [name, value] : req.headers) {
    if (!EqualsIgnoreCase(name, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == rest.npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq == pair.npos || Trim(pair.substr(0, eq)) != kSessionCookie) continue;
      std::string_view token = Trim(pair.substr(eq + 1));
      if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
        token = token.substr(1, token.size() - 2);
      }
      ORGD_RETURN_IF_ERROR(CheckSecret(token));
      secret->assign(token);
      return Status::OK();
    }
  }
  return Status::NotFound("no session cookie");
}

Status ParseBearerCredential(const HttpRequest& req, std::string* secret) {
  auto header = req.Header("Authorization");
  if (!header) return Status::NotFound("no Authorization header");
  std::string_view key;
  ORGD_RETURN_IF_ERROR(ParseBearer(*header, &key));
  secret->assign(key);
  return Status::OK();
}

Status Authorize(const Principal& who, const RoutePolicy& policy,
                 const std::vector<std::string>& params, const MembershipLookup& memberships) {
  using Access = RoutePolicy::Access;
  switch (policy.access) {
    case Access::kPublic:
    case Access::kAnyCredential:
      return Status::OK();
    case Access::kSiteAdmin:
      if (who.site_admin) return Status::OK();
      return Status::Forbidden("only site admins may do this");
    case Access::kOrgCapability: {
      if (who.site_admin) return Status::OK();
      const std::string org = policy.org_param < params.size() ? params[policy.org_param] : "";
      bool member = false, holds = false;
      Status s = who.account_id.empty()
                     ? Status::OK()
                     : memberships.Holds(org, who.account_id, policy.capability, &member, &holds);
      if (!s.ok() && !s.IsNotFound()) return s;
      if (!s.ok() || !member) return Status::NotFound("no org '" + org + "'", "unknown_org");
      if (holds) return Status::OK();
      return Status::Forbidden("your role in org '" + org + "' lacks the " +
                                   std::string(policy.capability) + " capability",
                               "missing_capability");
    }
  }
  return Status::Forbidden("unknown access rule");
}

Authenticator::Authenticator(const CredentialCache* credentials, std::function<int64_t()> clock)
    : credentials_(credentials), clock_(std::move(clock)) {}

Status Authenticator::Authenticate(const HttpRequest& req,
                                   const std::vector<CredentialParser>& parsers,
                                   Principal* out) const {
  std::string secret;
  Status found = Status::NotFound("");
  for (const auto& parse : parsers) {
    found = parse(req, &secret);
    if (!found.IsNotFound()) break;
  }
  if (found.IsNotFound()) {
    return Status::Unauthenticated("this endpoint needs 'Authorization: Bearer <key>'",
                                   "missing_credentials");
  }
  ORGD_RETURN_IF_ERROR(found);
  return AuthenticateSecret(secret, out);
}

Status Authenticator::AuthenticateSecret(std::string_view secret, Principal* out) const {
  AuthEntry found;
  Status s = credentials_->Find(Sha256Of(secret), &found);
  if (s.IsNotFound()) return Status::Unauthenticated("unknown credential", "invalid_credentials");
  ORGD_RETURN_IF_ERROR(s);
  Credential& c = found.credential;
  if (c.expires_ms != 0 && c.expires_ms <= clock_()) {
    return Status::Unauthenticated("the credential has expired", "expired_credentials");
  }
  if (c.kind == kKindAccessToken) {
    return Status::Unauthenticated(
        "an access token is not an API key: open its sign-in URL (/auth/impersonate)",
        "invalid_credentials");
  }
  bool site_admin = c.site_admin;
  if (found.has_account) {
    if (!found.account_live) {
      return Status::Unauthenticated("the credential's account is deleted or deactivated",
                                     "invalid_credentials");
    }
    // A project-scoped key acts in its project only, never as a site admin.
    site_admin = found.account_site_admin && c.project_id.empty();
  }
  out->key_id = std::move(c.key_id);
  out->account_id = std::move(c.account_id);
  out->site_admin = site_admin;
  out->kind = std::move(c.kind);
  out->project_id = std::move(c.project_id);
  out->org_id = c.org_id;
  return Status::OK();
}

}  // namespace orgd::http
