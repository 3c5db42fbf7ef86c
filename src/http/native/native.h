// The native API (/api/v1, JSON, snake_case): its surface, its rendering of
// command outcomes, its body decoders, and the registration of its routes.
// Stateless functions, safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/password.h"
#include "common/status.h"
#include "src/http/core/api.h"
#include "src/http/core/message.h"

namespace orgd {
struct AccountRecord;
struct CommandOutcome;
struct CreateOrg;
struct UpdateOrg;
struct SetOrgUsage;
struct SetOrgMetadata;
class UserSearch;
}  // namespace orgd

namespace orgd::http {

class SignInLimiter;
class WorkPool;

// Bearer, Token, Basic and the session cookie; errors as
// {"error":{"code","message"}}.
const Surface& NativeSurface();

// Sign-in settings (orgd serve's flags).
struct AuthOptions {
  // Where clients reach this server: access-token URLs are built on it, and
  // session cookies are Secure when it is https.
  std::string public_url = "http://127.0.0.1:8080";
  int64_t session_ttl_ms = int64_t{7} * 24 * 3600 * 1000;
  int64_t access_token_ttl_ms = int64_t{24} * 3600 * 1000;  // CoCalc's default
  // /auth/impersonate redirects here after signing in; empty: it replies
  // with the account as JSON.
  std::string impersonate_redirect;
  PasswordLimits password;
};

// What the account and sign-in routes need besides the Api. All must outlive it.
struct NativeDeps {
  WorkPool* hash_pool = nullptr;   // Argon2id runs here, never on I/O threads
  SignInLimiter* limiter = nullptr;
  const UserSearch* search = nullptr;
  AuthOptions auth;
};

// Hashes each non-empty password on deps.hash_pool (Argon2id takes tens of
// ms, never on an I/O thread), then calls submit with the hashes ("" for an
// empty one). Replies 503 "busy" (with Retry-After) when the pool's queue is
// full, and the hashing's error when a password is refused.
void HashThen(const NativeDeps& deps, Call call, std::vector<std::string> passwords,
              std::function<void(Call, std::vector<std::string>)> submit);

// InvalidArgument "unknown_plan" (naming the allowed ones) unless role is in
// plans, the server's catalog (configuration, so a stateless check).
Status CheckPlan(const std::vector<std::string>& plans, const std::string& role);

// How a surface answers a password sign-in.
struct SignInReplies {
  std::function<HttpResponse(const std::string& token, const std::string& account_id,
                             int64_t expires_ms)>
      signed_in;
  std::function<HttpResponse()> wrong;                      // unknown email or wrong password
  std::function<HttpResponse(int64_t retry_after_ms)> too_many;  // locked out for now
};

// Signs in by email and password: the limiter's lockouts, Argon2id on
// deps.hash_pool (an unknown email costs the same as a wrong password), and
// on success a new session whose token replies.signed_in shows. Store
// errors and a full pool are the call's surface's errors (Unavailable
// "busy" for the pool).
void SignInWithPassword(Api& api, const NativeDeps& deps, Call call, const std::string& email,
                        std::string password, SignInReplies replies);

// Every native route: one Register line per resource (native.cc).
void RegisterNativeRoutes(Api& api, const NativeDeps& deps);
void RegisterOpsRoutes(Api& api);   // /healthz, /readyz, /metrics
void RegisterOrgRoutes(Api& api);   // /api/v1/orgs
void RegisterKeyRoutes(Api& api);   // /api/v1/keys
// /api/v1/accounts..., /api/v1/access-tokens
void RegisterAccountRoutes(Api& api, const NativeDeps& deps);
// /api/v1/auth/login|logout, /auth/impersonate
void RegisterSignInRoutes(Api& api, const NativeDeps& deps);
void RegisterSystemRoutes(Api& api);  // /api/v1/ping, /api/v1/whoami
// /api/v1/orgs/{org}/members|roles|departments, /api/v1/check, memberships:batch
void RegisterMemberRoutes(Api& api);
// /api/v1/orgs/{org}/groups|projects, /projects/{id}/collaborators
void RegisterProjectRoutes(Api& api);
// /api/v1/orgs/{org}/messages, /api/v1/messages, /api/v1/accounts/{id}/inbox
void RegisterMessageRoutes(Api& api);
// /api/v1/orgs/{org}/invitations, /api/v1/invitations/{token} (links on deps.auth.public_url)
void RegisterInvitationRoutes(Api& api, const NativeDeps& deps);
// /api/v1/orgs/{org}/domains, /api/v1/domains/{domain}
void RegisterDomainRoutes(Api& api);
void RegisterOpenApiRoutes(Api& api);  // /api/v1/openapi.json (docs/openapi.json)

// An account as the native API shows it; the email only when with_email.
std::string AccountJson(const AccountRecord& a, bool with_email);

// The reply for what the writer answered: 201 (created, with the entity),
// 200 (changed, with the entity), 204 (deleted); the ETag is the version;
// a replay says Idempotent-Replayed: true.
HttpResponse ResponseFor(const CommandOutcome& outcome);

// Body decoding, separate from the handlers so tests and fuzzers reach it
// directly. InvalidArgument names the offending field.
Status DecodeCreateOrg(std::string_view body, CreateOrg* out);
Status DecodeUpdateOrg(std::string_view body, UpdateOrg* out);
// {rows?, storage?, assets_mb?} and {value}: the bodies of an org's usage and metadata.
Status DecodeSetOrgUsage(std::string_view body, SetOrgUsage* out);
Status DecodeSetOrgMetadata(std::string_view body, SetOrgMetadata* out);

}  // namespace orgd::http
