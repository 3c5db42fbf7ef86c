// Invitations to join an org: /api/v1/orgs/{org}/invitations (made, listed,
// resent and revoked by members holding "invite") and
// /api/v1/invitations/{token} (shown to whoever holds the token, accepted or
// declined by a signed-in account).
//
// The token is made here, handed to the caller in the reply that made it
// (and in a resend's) and never stored: commands carry its SHA-256, and an
// idempotent replay shows "token": null. Expired and revoked invitations
// answer 410 Gone (Status::Gone).
#include <nlohmann/json.hpp>

#include <charconv>

#include "common/email.h"
#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/commands/core/command.h"
#include "src/commands/invitations/commands.h"
#include "src/http/core/errors.h"
#include "src/http/native/json_body.h"
#include "src/http/native/native.h"
#include "src/queries/read_views.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr size_t kTokenChars = 32;
constexpr size_t kDefaultPage = 100;
constexpr size_t kMaxPage = 1000;
constexpr std::string_view kResendSuffix = ":resend";
constexpr std::string_view kAcceptSuffix = ":accept";
constexpr std::string_view kDeclineSuffix = ":decline";


json OrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// An invitation as its org's members see it, with its status as of now_ms.
json InvitationView(const InvitationRecord& r, int64_t now_ms) {
  return json{{"id", r.id},
              {"org_id", r.org_id},
              {"email", r.email},
              {"role", r.role},
              {"department", OrNull(r.department)},
              {"any_email", r.any_email},
              {"expires_at", FormatIsoMs(r.expires_ms)},
              {"status", r.StatusAt(now_ms)},
              {"created_by", r.created_by},
              {"created_at", FormatIsoMs(r.created_ms)},
              {"updated_at", FormatIsoMs(r.updated_ms)},
              {"used_by", OrNull(r.used_by)}};
}

HttpResponse JsonReply(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = DumpJson(body);
  return r;
}

bool ParseId(std::string_view text, uint64_t* id) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *id);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && *id != 0;
}

Status UnknownInvitation(std::string_view id) {
  return Status::NotFound("no invitation '" + std::string(id) + "'", "unknown_invitation");
}

// expires_in (seconds) of a body, within the allowed range.
Status ReadExpiresIn(const std::string& key, const json& v, int64_t* seconds) {
  uint64_t n = 0;
  ORGD_RETURN_IF_ERROR(ReadUnsigned(key, v, &n));
  if (n < static_cast<uint64_t>(kMinInvitationTtlSeconds) ||
      n > static_cast<uint64_t>(kMaxInvitationTtlSeconds)) {
    return BadFieldError(key, "a number of seconds from " +
                                  std::to_string(kMinInvitationTtlSeconds) + " to " +
                                  std::to_string(kMaxInvitationTtlSeconds) + " (30 days)");
  }
  *seconds = static_cast<int64_t>(n);
  return Status::OK();
}

// The reply of a command that gave the invitation a token: the invitation
// from the outcome's snapshot, with the token and its link (null on a replay:
// the token was never stored).
HttpResponse WithToken(const Api& api, const CommandOutcome& o, const std::string& token,
                       const std::string& url) {
  HttpResponse r = ResponseFor(o);
  InvitationRecord rec;
  if (!DecodeInvitation(o.result.snapshot, &rec).ok()) {
    return ErrorResponse(Status::Internal("invitation record"));
  }
  json body = InvitationView(rec, api.Now());
  body["token"] = o.replayed ? json(nullptr) : json(token);
  body["url"] = o.replayed ? json(nullptr) : json(url);
  r.body = DumpJson(body);
  return r;
}

// A new token, its hash into *sha256 and its link into *url.
std::string NewToken(const NativeDeps& deps, std::string* sha256, std::string* url) {
  std::string token = RandomBase62(kTokenChars);
  *sha256 = ToHex(Sha256Of(token));
  *url = deps.auth.public_url + "/invitations/" + token;
  return token;
}

// ------------------------------------------------------------------ an org's

// POST /orgs/{org}/invitations {email, role, department?, expires_in?, any_email?}
void CreateRoute(Api& api, const NativeDeps& deps, Call call) {
  json j;
  CreateInvitation c;
  c.org = call.params[0];
  int64_t ttl = kDefaultInvitationTtlSeconds;
  bool has_email = false, has_role = false;
  Status s = ParseBodyObject(call.req.body, &j);
  for (auto it = j.begin(); s.ok() && it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "email") {
      s = ReadString(k, *it, &c.email);
      has_email = true;
    } else if (k == "role") {
      s = ReadString(k, *it, &c.role);
      has_role = true;
    } else if (k == "department") {
      s = ReadStringOrNull(k, *it, &c.department);
    } else if (k == "expires_in") {
      s = ReadExpiresIn(k, *it, &ttl);
    } else if (k == "any_email") {
      s = ReadBool(k, *it, &c.any_email);
    } else {
      s = UnknownFieldError(k, "email, role, department, expires_in, any_email");
    }
  }
  if (s.ok() && (!has_email || !has_role)) {
    s = Status::InvalidArgument("'email' and 'role' are required", "missing_field");
  }
  c.email = NormalizeEmail(c.email);
  std::string url;
  const std::string token = NewToken(deps, &c.token_sha256, &url);
  c.expires_ms = api.Now() + ttl * 1000;
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(
      std::move(call), Command{{}, std::move(c)},
      [&api, token, url](const CommandOutcome& o) { return WithToken(api, o, token, url); });
}

// GET /orgs/{org}/invitations?status=&limit=&after=
void ListRoute(const Api& api, Call call) {
  const std::string_view q = call.req.Query();
  InvitationReader::ListOptions o;
  std::string after;
  Status s = LimitParam(q, "limit", kDefaultPage, kMaxPage, &o.limit);
  if (s.ok()) s = TextParam(q, "status", &o.status);
  if (s.ok() && !o.status.empty() && o.status != kInvitationPending &&
      o.status != kInvitationAccepted && o.status != kInvitationDeclined &&
      o.status != kInvitationRevoked && o.status != kInvitationExpired) {
    s = Status::InvalidArgument("status must be pending, accepted, declined, revoked or expired",
                                "bad_query");
  }
  if (s.ok()) s = TextParam(q, "after", &after);
  if (s.ok() && !after.empty() && !ParseId(after, &o.after)) {
    s = Status::InvalidArgument("after must be the 'next' of a previous page", "bad_cursor");
  }
  OrgRecord org;
  if (s.ok()) s = api.views().FindOrg(call.params[0], &org);
  if (s.IsNotFound()) s = Status::NotFound("no org '" + call.params[0] + "'", "unknown_org");
  o.now_ms = api.Now();
  InvitationReader::Page page;
  if (s.ok()) s = api.views().ListInvitations(org.id, o, &page);
  if (!s.ok()) return call.Fail(s);
  json list = json::array();
  for (const auto& r : page.invitations) list.push_back(InvitationView(r, o.now_ms));
  call.reply(
      JsonReply(200, json{{"invitations", list},
                          {"limit", o.limit},
                          {"next", page.next ? json(std::to_string(page.next)) : json(nullptr)}}));
}

// The invitation {id} of the org in the path; NotFound for another org's.
Status OrgInvitation(const Api& api, const Call& call, std::string_view id_text,
                     InvitationRecord* out) {
  OrgRecord org;
  Status s = api.views().FindOrg(call.params[0], &org);
  if (s.IsNotFound()) return Status::NotFound("no org '" + call.params[0] + "'", "unknown_org");
  ORGD_RETURN_IF_ERROR(s);
  uint64_t id = 0;
  if (!ParseId(id_text, &id)) return UnknownInvitation(id_text);
  s = api.views().FindInvitation(id, out);
  if (s.IsNotFound() || (s.ok() && out->org_id != org.id)) return UnknownInvitation(id_text);
  return s;
}

void GetRoute(const Api& api, Call call) {
  InvitationRecord r;
  Status s = OrgInvitation(api, call, call.params[1], &r);
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(200, InvitationView(r, api.Now())));
}

// POST /orgs/{org}/invitations/{id}:resend {expires_in?}
void ResendRoute(Api& api, const NativeDeps& deps, Call call) {
  const std::string& segment = call.params[1];
  ResendInvitation c;
  c.org = call.params[0];
  if (!segment.ends_with(kResendSuffix) ||
      !ParseId(std::string_view(segment).substr(0, segment.size() - kResendSuffix.size()), &c.id)) {
    return call.Fail(Status::NotFound(
        "no route POST /api/v1/orgs/" + call.params[0] + "/invitations/" + segment, "no_route"));
  }
  int64_t ttl = kDefaultInvitationTtlSeconds;
  json j = json::object();
  Status s = call.req.body.empty() ? Status::OK() : ParseBodyObject(call.req.body, &j);
  for (auto it = j.begin(); s.ok() && it != j.end(); ++it) {
    s = it.key() == "expires_in" ? ReadExpiresIn(it.key(), *it, &ttl)
                                 : UnknownFieldError(it.key(), "expires_in");
  }
  std::string url;
  const std::string token = NewToken(deps, &c.token_sha256, &url);
  c.expires_ms = api.Now() + ttl * 1000;
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(
      std::move(call), Command{{}, std::move(c)},
      [&api, token, url](const CommandOutcome& o) { return WithToken(api, o, token, url); });
}

void RevokeRoute(Api& api, Call call) {
  RevokeInvitation c;
  c.org = call.params[0];
  if (!ParseId(call.params[1], &c.id)) return call.Fail(UnknownInvitation(call.params[1]));
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// ------------------------------------------------------------------ by token

// GET /invitations/{token}: what the holder of the token is invited to.
void ShowRoute(const Api& api, Call call) {
  InvitationRecord r;
  Status s = api.views().FindInvitationByToken(ToHex(Sha256Of(call.params[0])), &r);
  OrgRecord org;
  if (s.ok()) s = api.views().FindOrg(std::to_string(r.org_id), &org);
  if (s.IsNotFound()) s = Status::NotFound("no such invitation", "unknown_invitation");
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(200, json{{"id", r.id},
                                 {"org_id", org.id},
                                 {"org", org.name},
                                 {"org_title", OrNull(org.title)},
                                 {"email", r.email},
                                 {"role", r.role},
                                 {"department", OrNull(r.department)},
                                 {"status", r.StatusAt(api.Now())},
                                 {"expires_at", FormatIsoMs(r.expires_ms)}}));
}

// POST /invitations/{token}:accept and :decline (the router sees one segment).
void AnswerRoute(Api& api, Call call) {
  const std::string& segment = call.params[0];
  const bool accept = segment.ends_with(kAcceptSuffix);
  const bool decline = segment.ends_with(kDeclineSuffix);
  if (!accept && !decline) {
    return call.Fail(Status::NotFound("no route POST /api/v1/invitations/" + segment, "no_route"));
  }
  const std::string token =
      segment.substr(0, segment.size() - (accept ? kAcceptSuffix : kDeclineSuffix).size());
  const std::string sha256 = ToHex(Sha256Of(token));
  if (!call.req.body.empty()) {
    json j;
    Status s = ParseBodyObject(call.req.body, &j);
    if (s.ok() && !j.empty()) s = UnknownFieldError(j.begin().key(), "(none)");
    if (!s.ok()) return call.Fail(s);
  }
  if (call.principal.account_id.empty()) {
    return call.Fail(Status::Forbidden(
        "only a signed-in account can answer an invitation, not a site key", "account_required"));
  }
  auto render = [&api](const CommandOutcome& o) {
    InvitationRecord rec;
    if (!DecodeInvitation(o.result.snapshot, &rec).ok()) {
      return ErrorResponse(Status::Internal("invitation record"));
    }
    HttpResponse r = ResponseFor(o);
    r.body = DumpJson(InvitationView(rec, api.Now()));
    return r;
  };
  if (accept) {
    AcceptInvitation c{sha256, api.Now()};
    api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, render);
  } else {
    DeclineInvitation c{sha256, api.Now()};
    api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, render);
  }
}

}  // namespace

void RegisterInvitationRoutes(Api& api, const NativeDeps& deps) {
  const Surface* surface = &NativeSurface();
  const NativeDeps* d = &deps;
  using P = RoutePolicy;
  const std::string org = "/api/v1/orgs/{org}/invitations";
  api.Add(surface, "POST", org, P::OrgCapability("invite"),
          [&api, d](Call c) { CreateRoute(api, *d, std::move(c)); });
  api.Add(surface, "GET", org, P::OrgCapability("invite"),
          [&api](Call c) { ListRoute(api, std::move(c)); });
  api.Add(surface, "GET", org + "/{id}", P::OrgCapability("invite"),
          [&api](Call c) { GetRoute(api, std::move(c)); });
  // "{id}:resend" is one segment to the router.
  api.Add(surface, "POST", org + "/{id}", P::OrgCapability("invite"),
          [&api, d](Call c) { ResendRoute(api, *d, std::move(c)); });
  api.Add(surface, "DELETE", org + "/{id}", P::OrgCapability("invite"),
          [&api](Call c) { RevokeRoute(api, std::move(c)); });
  // The token is the secret: holding it is enough to see the invitation.
  api.Add(surface, "GET", "/api/v1/invitations/{token}", P::Public(),
          [&api](Call c) { ShowRoute(api, std::move(c)); });
  // "{token}:accept" and "{token}:decline": an account's answer.
  api.Add(surface, "POST", "/api/v1/invitations/{token}", P::AnyCredential(),
          [&api](Call c) { AnswerRoute(api, std::move(c)); });
}

}  // namespace orgd::http
