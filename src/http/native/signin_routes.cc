// Signing in: /api/v1/auth/login and /logout (sessions), and
// /auth/impersonate (CoCalc's sign-in URL of an access token).
//
// A wrong email and a wrong password get the same 401, after the same
// Argon2id work (an unknown account is checked against a dummy hash). Failed
// attempts are counted per account and per client address; past the limit
// both answer 429 with Retry-After until the lockout ends.
#include <nlohmann/json.hpp>

#include "common/email.h"
#include "common/json_util.h"
#include "common/password.h"
#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/commands/credentials/commands.h"
#include "src/http/core/errors.h"
#include "src/http/core/rate_limit.h"
#include "src/http/core/work_pool.h"
#include "src/http/native/native.h"
#include "src/projections/accounts/account_projection.h"
#include "src/queries/read_views.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxSignInBody = 4096;

std::string SessionCookie(const AuthOptions& o, std::string_view token, int64_t max_age_ms) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(token) +
                  "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age_ms / 1000);
  if (o.public_url.starts_with("https://")) c += "; Secure";
  return c;
}

HttpResponse WrongCredentials() {
  return ErrorResponse(Status::Unauthenticated("wrong email or password", "invalid_credentials"));
}

HttpResponse TooMany(int64_t retry_after_ms) {
  HttpResponse r =
      ErrorResponse(429, "too_many_attempts", "too many failed sign-ins; wait before trying again");
  r.AddHeader("Retry-After", std::to_string((retry_after_ms + 999) / 1000));
  return r;
}

// A sign-in is never answered from an earlier reply: its token is not
// stored, so a replay could only hand out a token that does not exist.
void DropIdempotencyKey(HttpRequest* req) {
  std::erase_if(req->headers,
                [](const auto& h) { return EqualsIgnoreCase(h.first, "Idempotency-Key"); });
}

struct NewSession {
  StartSession cmd;
  std::string token;
};

NewSession MakeSession(const AuthOptions& o, const std::string& account_id, int64_t now) {
  NewSession s;
  s.token = RandomBase62(32);
  s.cmd.session_id = RandomBase62(16);
  s.cmd.token_sha256 = ToHex(Sha256Of(s.token));
  s.cmd.account_id = account_id;
  s.cmd.expires_ms = now + o.session_ttl_ms;
  s.cmd.now_ms = now;
  return s;
}

}  // namespace

void SignInWithPassword(Api& api, const NativeDeps& deps, Call call, const std::string& email_given,
                        std::string password, SignInReplies replies) {
  const std::string email = NormalizeEmail(email_given);
  const std::string account_key = "acct:" + email;
  const std::string addr_key = "addr:" + call.req.remote_address;
  const int64_t now = api.Now();
  const int64_t wait = std::max(deps.limiter->RetryAfterMs(account_key, now),
                                deps.limiter->RetryAfterMs(addr_key, now));
  if (wait > 0) return call.reply(replies.too_many(wait));

  AccountRecord a;
  std::string hash;
  Status found = api.views().FindAccount(email, &a);
  if (found.ok() && a.active) found = api.views().FindPasswordHash(a.id, &hash);
  if (!found.ok() && !found.IsNotFound()) return call.Fail(found);
  const bool known = found.ok() && a.active;
  const std::string account_id = a.id;
  const NativeDeps* d = &deps;
  auto job = [&api, d, call, known, hash, password, account_id, account_key, addr_key,
              replies]() mutable {
    // An unknown account costs the same as a wrong password.
    const bool ok =
        VerifyPassword(known ? hash : DummyPasswordHash(d->auth.password), password) && known;
    const int64_t now = api.Now();
    if (!ok) {
      d->limiter->RecordFailure(account_key, now);
      d->limiter->RecordFailure(addr_key, now);
      return call.reply(replies.wrong());
    }
    d->limiter->RecordSuccess(account_key);
    NewSession ns = MakeSession(d->auth, account_id, now);
    call.principal.account_id = account_id;  // the actor of the session's event
    DropIdempotencyKey(&call.req);
    const Surface* surface = call.surface;
    api.SubmitCommand(std::move(call), Command{{}, std::move(ns.cmd)},
                      [token = ns.token, account_id, surface, replies,
                       expires = now + d->auth.session_ttl_ms](const CommandOutcome& o) {
                        if (!o.error.ok()) return surface->error(o.error);
                        return replies.signed_in(token, account_id, expires);
                      });
  };
  if (!deps.hash_pool->TryPost(job)) {
    call.Fail(Status::Unavailable("too many sign-ins at once; retry shortly", "busy"));
  }
}

namespace {

void LoginRoute(Api& api, const NativeDeps& deps, Call call) {
  json j;
  Status s = call.req.body.size() > kMaxSignInBody
                 ? Status::InvalidArgument("the body is too long", "bad_body")
                 : ParseJson(call.req.body, &j);
  if (s.ok() && (!j.is_object() || !j.contains("email") || !j["email"].is_string() ||
                 !j.contains("password") || !j["password"].is_string())) {
    s = Status::InvalidArgument("the body must be {\"email\": \"...\", \"password\": \"...\"}",
                                "bad_body");
  }
  if (!s.ok()) return call.Fail(s);
  SignInReplies replies;
  replies.too_many = TooMany;
  replies.wrong = WrongCredentials;
  replies.signed_in = [auth = deps.auth](const std::string& token, const std::string& account_id,
                                         int64_t expires_ms) {
    HttpResponse r;
    r.body = json{{"token", token}, {"account_id", account_id}, {"expires_at", FormatIsoMs(expires_ms)}}
                 .dump();
    r.AddHeader("Set-Cookie", SessionCookie(auth, token, auth.session_ttl_ms));
    r.AddHeader("Cache-Control", "no-store");
    return r;
  };
  SignInWithPassword(api, deps, std::move(call), j["email"].get<std::string>(),
                     j["password"].get<std::string>(), std::move(replies));
}

void LogoutRoute(Api& api, const NativeDeps& deps, Call call) {
  if (call.principal.kind != kKindSession) {
    return call.Fail(Status::InvalidArgument(
        "sign out with the session's token or cookie; revoke an API key with DELETE "
        "/api/v1/keys/{id}",
        "not_a_session"));
  }
  const AuthOptions auth = deps.auth;
  RevokeApiKey r{call.principal.key_id};
  api.SubmitCommand(std::move(call), Command{{}, std::move(r)}, [auth](const CommandOutcome& o) {
    HttpResponse res = ResponseFor(o);
    if (o.error.ok()) res.AddHeader("Set-Cookie", SessionCookie(auth, "", 0));
    return res;
  });
}

void ImpersonateRoute(Api& api, const NativeDeps& deps, Call call) {
  auto token = QueryParam(call.req.Query(), "auth_token");
  auto refuse = [](std::string_view why) {
    return ErrorResponse(
        Status::Unauthenticated("impersonate: " + std::string(why), "invalid_token"));
  };
  if (!token || token->empty()) {
    return call.Fail(Status::InvalidArgument("impersonate: the auth_token parameter is missing",
                                             "missing_token"));
  }
  if (token->size() > kMaxCredentialBytes)
    return call.reply(refuse("unknown or revoked access token"));
  Credential t;
  Status s = api.views().FindCredential(ToHex(Sha256Of(*token)), &t);
  const int64_t now = api.Now();
  if (s.IsNotFound() || (s.ok() && t.kind != kKindAccessToken)) {
    return call.reply(refuse("unknown or revoked access token"));
  }
  if (!s.ok()) return call.Fail(s);
  if (t.expires_ms != 0 && t.expires_ms <= now)
    return call.reply(refuse("the access token has expired"));
  NewSession ns = MakeSession(deps.auth, t.account_id, now);
  ns.cmd.access_token_id = t.key_id;
  call.principal.key_id = t.key_id;  // the actor: the access token used
  DropIdempotencyKey(&call.req);
  const AuthOptions auth = deps.auth;
  const ReadViews* views = &api.views();
  api.SubmitCommand(
      std::move(call), Command{{}, std::move(ns.cmd)},
      [token = ns.token, auth, views, account_id = t.account_id](const CommandOutcome& o) {
        if (!o.error.ok()) {
          return ErrorResponse(
              Status::Unauthenticated("impersonate: " + o.error.message(), "invalid_token"));
        }
        HttpResponse r;
        if (!auth.impersonate_redirect.empty()) {
          r.status = 302;
          r.AddHeader("Location", auth.impersonate_redirect);
        } else {
          AccountRecord a;
          if (!views->FindAccount(account_id, &a).ok()) {
            return ErrorResponse(
                Status::Unauthenticated("impersonate: the account is gone", "invalid_token"));
          }
          r.body = AccountJson(a, /*with_email=*/true);
        }
        r.AddHeader("Set-Cookie", SessionCookie(auth, token, auth.session_ttl_ms));
        r.AddHeader("Cache-Control", "no-store");
        return r;
      });
}

}  // namespace

void RegisterSignInRoutes(Api& api, const NativeDeps& deps) {
  const Surface* native = &NativeSurface();
  const NativeDeps* d = &deps;
  api.Add(native, "POST", "/api/v1/auth/login", RoutePolicy::Public(),
          [&api, d](Call c) { LoginRoute(api, *d, std::move(c)); });
  api.Add(native, "POST", "/api/v1/auth/logout", RoutePolicy::AnyCredential(),
          [&api, d](Call c) { LogoutRoute(api, *d, std::move(c)); });
  api.Add(native, "GET", "/auth/impersonate", RoutePolicy::Public(),
          [&api, d](Call c) { ImpersonateRoute(api, *d, std::move(c)); });
}

}  // namespace orgd::http
