#include "src/http/core/auth.h"

#include "common/sha256.h"
#include "src/queries/read_views.h"

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

Status ParseBearerCredential(const HttpRequest& req, std::string* secret) {
  auto header = req.Header("Authorization");
  if (!header) return Status::NotFound("no Authorization header");
  std::string_view key;
  ORGD_RETURN_IF_ERROR(ParseBearer(*header, &key));
  secret->assign(key);
  return Status::OK();
}

Status Authorize(const Principal& who, const RoutePolicy& policy,
                 const std::vector<std::string>& params) {
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
      // No memberships yet: an org is invisible to everyone but site admins.
      const std::string org = policy.org_param < params.size() ? params[policy.org_param] : "";
      return Status::NotFound("no org '" + org + "'");
    }
  }
  return Status::Forbidden("unknown access rule");
}

Authenticator::Authenticator(const ReadViews* views, std::function<int64_t()> clock)
    : views_(views), clock_(std::move(clock)) {}

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
  Credential c;
  Status s = views_->FindCredential(ToHex(Sha256Of(secret)), &c);
  if (s.IsNotFound()) return Status::Unauthenticated("unknown API key", "invalid_credentials");
  ORGD_RETURN_IF_ERROR(s);
  if (c.expires_ms != 0 && c.expires_ms <= clock_()) {
    return Status::Unauthenticated("the API key has expired", "expired_credentials");
  }
  out->key_id = std::move(c.key_id);
  out->account_id = std::move(c.account_id);
  out->site_admin = c.site_admin;
  return Status::OK();
}

}  // namespace orgd::http
