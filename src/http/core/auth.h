// Authentication and authorization of HTTP requests.
//
// Credentials: each surface lists the credential forms it accepts
// (CredentialParser): `Authorization: Bearer <secret>`, `Token <secret>`,
// `Basic base64(<secret>:)` and the session cookie for the native API;
// EduBase's app:secret comes with its surface. The secret is an API key or a
// session token. Only the SHA-256 of a secret is stored; a presented one is
// hashed and looked up. A credential of an account acts as that account: it
// stops working the moment the account is deleted or deactivated, and the
// account's site_admin flag, not the key's, decides what it may do.
//
// Authorization is a property of each route (RoutePolicy), decided by one
// function, Authorize. An Authenticator is immutable after construction and
// safe to use from any thread; the rest are pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "src/http/core/message.h"

namespace orgd {
class CredentialCache;
}

namespace orgd::http {

// Who is calling, once authenticated.
struct Principal {
  std::string key_id;      // the credential's id (an API key's or a session's)
  std::string account_id;  // empty for a site key
  bool site_admin = false;
  std::string kind;        // "api_key" or "session"
  std::string project_id;  // a project-scoped key: the project it acts in
  uint64_t org_id = 0;     // an org-scoped site key: its org (0: none)

  // The actor recorded in events: "key:<key_id>"; on a public route
  // "account:<id>" once the caller proved to be that account (a password
  // sign-in), else "anonymous".
  std::string Actor() const {
    if (!key_id.empty()) return "key:" + key_id;
    return account_id.empty() ? "anonymous" : "account:" + account_id;
  }
};

// The session cookie's name.
inline constexpr std::string_view kSessionCookie = "orgd_session";

// Longest credential accepted, in bytes.
inline constexpr size_t kMaxCredentialBytes = 256;

// Finds one form of credential in a request. NotFound when the request does
// not use this form (the next parser is asked); Unauthenticated when it uses
// it badly; OK with the secret otherwise.
using CredentialParser = std::function<Status(const HttpRequest& req, std::string* secret)>;

// "Authorization: Bearer <key>".
Status ParseBearerCredential(const HttpRequest& req, std::string* secret);
// "Authorization: Bearer <secret>", "Token <secret>" or "Basic base64(<secret>:)"
// (the secret as the user name; a password, if any, is ignored). Another
// scheme is Unauthenticated.
Status ParseAuthorizationCredential(const HttpRequest& req, std::string* secret);
// "Cookie: orgd_session=<token>".
Status ParseSessionCookie(const HttpRequest& req, std::string* secret);

// Extracts the key from an Authorization header value. The scheme is matched
// case-insensitively; the key must be 1..kMaxCredentialBytes visible ASCII
// characters. Unauthenticated (with a reason) otherwise.
Status ParseBearer(std::string_view header, std::string_view* key);

// Who may call a route.
struct RoutePolicy {
  enum class Access : uint8_t {
    kPublic,         // anyone, without a credential (health checks)
    kAnyCredential,  // any valid credential
    kSiteAdmin,      // a site admin
    kOrgCapability,  // a site admin, or a member of the org in path parameter
                     // org_param whose role holds the capability
  };
  Access access = Access::kSiteAdmin;
  std::string_view capability;  // kOrgCapability: "manage_org", ...
  size_t org_param = 0;         // kOrgCapability: which path parameter names the org

  static RoutePolicy Public() { return {Access::kPublic, {}, 0}; }
  static RoutePolicy AnyCredential() { return {Access::kAnyCredential, {}, 0}; }
  static RoutePolicy SiteAdmin() { return {Access::kSiteAdmin, {}, 0}; }
  static RoutePolicy OrgCapability(std::string_view capability, size_t org_param = 0) {
    return {Access::kOrgCapability, capability, org_param};
  }
};

// What the members model says of a caller in an org, for Authorize.
class MembershipLookup {
 public:
  virtual ~MembershipLookup() = default;
  // NotFound when there is no such org; *member false when account_id is
  // not a member of it; else *holds: whether its role has the capability.
  virtual Status Holds(std::string_view org_ref, std::string_view account_id,
                       std::string_view capability, bool* member, bool* holds) const = 0;
};

// The one answer to "may this principal call this route with these path
// parameters": OK, Forbidden (403) for a missing right, NotFound (404) for an
// org the caller may not know exists (an outsider, or an account of another
// org). REQUIRES: policy is not kPublic.
Status Authorize(const Principal& who, const RoutePolicy& policy,
                 const std::vector<std::string>& params, const MembershipLookup& memberships);

class Authenticator {
 public:
  // "*credentials" must outlive the authenticator. clock: ms since the epoch.
  Authenticator(const CredentialCache* credentials, std::function<int64_t()> clock);

  // Tries parsers in order. Unauthenticated when no form is present, or the
  // presented credential is malformed, unknown, expired, an access token (those
  // only sign in, through /auth/impersonate), or its account is gone or
  // deactivated.
  Status Authenticate(const HttpRequest& req, const std::vector<CredentialParser>& parsers,
                      Principal* out) const;
  // The same for a secret already extracted.
  Status AuthenticateSecret(std::string_view secret, Principal* out) const;

 private:
  const CredentialCache* const credentials_;
  const std::function<int64_t()> clock_;
};

}  // namespace orgd::http
