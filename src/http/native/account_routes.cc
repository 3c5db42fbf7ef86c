// Accounts: /api/v1/accounts (create, batch, read, change, delete, search,
// names), their passwords and keys, and access tokens.
//
// Who may: site admins create, delete and see every account and issue access
// tokens; an account reads and changes itself, sets its own password and
// manages its own keys. Anyone else is told the account does not exist (404).
#include <nlohmann/json.hpp>

#include "common/email.h"
#include "common/json_util.h"
#include "common/password.h"
#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/credentials/commands.h"
#include "src/commands/members/commands.h"
#include "src/http/core/errors.h"
#include "src/http/core/work_pool.h"
#include "src/http/native/native.h"
#include "src/projections/accounts/account_projection.h"
#include "src/queries/read_views.h"
#include "src/queries/user_search.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr size_t kMaxNamesIds = 1000;

json TimeOrNull(int64_t ms) { return ms ? json(FormatIsoMs(ms)) : json(nullptr); }
json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

HttpResponse JsonReply(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Status BadField(const std::string& key, std::string_view want) {
  return Status::InvalidArgument("'" + key + "' must be " + std::string(want), "bad_field");
}

Status ParseObject(std::string_view body, json* j) {
  ORGD_RETURN_IF_ERROR(ParseJson(body, j));
  if (!j->is_object()) return Status::InvalidArgument("the body must be a JSON object", "bad_body");
  return Status::OK();
}

// One account of POST /accounts or of a batch. password: the clear text, to
// be hashed before the command is submitted.
Status DecodeNewAccount(const json& j, CreateAccount* out, std::string* password) {
  if (!j.is_object())
    return Status::InvalidArgument("an account must be a JSON object", "bad_body");
  for (const auto& [key, v] : j.items()) {
    if (key == "email" || key == "first_name" || key == "last_name" || key == "username" ||
        key == "password" || key == "home_org") {
      if (v.is_null() && key != "email" && key != "password") continue;
      if (key == "home_org" && v.is_number_unsigned()) {
        out->home_org = std::to_string(v.get<uint64_t>());
        continue;
      }
      if (!v.is_string()) return BadField(key, "a string");
      const auto& text = v.get_ref<const std::string&>();
      if (key == "email") out->email = text;
      if (key == "first_name") out->first_name = text;
      if (key == "last_name") out->last_name = text;
      if (key == "username") out->username = text;
      if (key == "password") *password = text;
      if (key == "home_org") out->home_org = text;
    } else if (key == "site_admin") {
      if (!v.is_boolean()) return BadField(key, "true or false");
      out->site_admin = v.get<bool>();
    } else {
      return Status::InvalidArgument(
          "unknown field '" + key +
              "'; allowed: email, first_name, last_name, username, password, site_admin, home_org",
          "unknown_field");
    }
  }
  if (out->email.empty()) return Status::InvalidArgument("email is required", "invalid_email");
  if (!password->empty() || j.contains("password"))
    ORGD_RETURN_IF_ERROR(ValidatePassword(*password));
  out->account_id = NewUuid();
  return Status::OK();
}

Status DecodeUpdate(std::string_view body, UpdateAccount* out) {
  json j;
  ORGD_RETURN_IF_ERROR(ParseObject(body, &j));
  for (const auto& [key, v] : j.items()) {
    if (key == "email" || key == "first_name" || key == "last_name" || key == "username" ||
        key == "home_org") {
      std::string text;
      if (v.is_null() && (key == "username" || key == "home_org")) {
        text.clear();
      } else if (key == "home_org" && v.is_number_unsigned()) {
        text = std::to_string(v.get<uint64_t>());
      } else if (v.is_string()) {
        text = v.get<std::string>();
      } else {
        return BadField(key, "a string");
      }
      if (key == "email") out->email = text;
      if (key == "first_name") out->first_name = text;
      if (key == "last_name") out->last_name = text;
      if (key == "username") out->username = text;
      if (key == "home_org") out->home_org = text;
    } else if (key == "site_admin" || key == "active") {
      if (!v.is_boolean()) return BadField(key, "true or false");
      (key == "site_admin" ? out->site_admin : out->active) = v.get<bool>();
    } else {
      return Status::InvalidArgument(
          "unknown field '" + key +
              "'; allowed: email, first_name, last_name, username, site_admin, home_org, active",
          "unknown_field");
    }
  }
  return Status::OK();
}

// The reply of a command whose result is an account.
HttpResponse AccountResponse(const CommandOutcome& o) {
  HttpResponse r = ResponseFor(o);
  if (r.status == 204 || !o.error.ok()) return r;
  AccountRecord a;
  Status s = AccountFromSnapshot(o.result.snapshot, &a);
  if (!s.ok()) return ErrorResponse(Status::Internal("account record"));
  r.body = AccountJson(a, /*with_email=*/true);
  return r;
}

}  // namespace

void HashThen(const NativeDeps& deps, Call call, std::vector<std::string> passwords,
              std::function<void(Call, std::vector<std::string>)> submit) {
  const PasswordLimits limits = deps.auth.password;
  auto job = [call, passwords = std::move(passwords), submit, limits]() mutable {
    std::vector<std::string> hashes;
    for (const auto& p : passwords) {
      if (p.empty()) {
        hashes.emplace_back();
        continue;
      }
      Result<std::string> h = HashPassword(p, limits);
      if (!h.ok()) return call.Fail(h.status());
      hashes.push_back(std::move(h.value()));
    }
    submit(std::move(call), std::move(hashes));
  };
  if (!deps.hash_pool->TryPost(job)) {
    HttpResponse busy = call.surface->error(
        Status::Unavailable("too many password operations at once; retry shortly", "busy"));
    busy.AddHeader("Retry-After", "1");
    call.reply(std::move(busy));
  }
}

namespace {

// A project-scoped key acts in its project only: it may not change its
// account, its password or its keys.
Status RequireAccountWide(const Call& call) {
  if (call.principal.project_id.empty()) return Status::OK();
  return Status::Forbidden("a project-scoped key cannot change its account or its keys",
                           "project_scoped_key");
}

// The account ref names, as far as the caller may know of it (self or a site
// admin); NotFound otherwise.
// Whether the caller administers the members of a's home org.
bool IsHomeOrgAdmin(const Api& api, const Call& call, const AccountRecord& a) {
  if (a.home_org_id == 0 || call.principal.account_id.empty()) return false;
  OrgAccess access;
  return api.views()
             .FindOrgAccess(std::to_string(a.home_org_id), call.principal.account_id, &access)
             .ok() &&
         access.Can(CapabilityBit("manage_members"));
}

// The account as far as the caller may see it: a site admin sees every
// account, an account itself, an admin of its home org its org's accounts.
Status VisibleAccount(const Api& api, const Call& call, const std::string& ref, AccountRecord* a) {
  Status s = api.views().FindAccount(ref, a);
  if (s.ok() && !call.principal.site_admin && a->id != call.principal.account_id &&
      !IsHomeOrgAdmin(api, call, *a)) {
    s = Status::NotFound("");
  }
  if (s.IsNotFound()) return Status::NotFound("no account '" + ref + "'", "unknown_account");
  return s;
}

void CreateRoute(Api& api, const NativeDeps& deps, Call call) {
  json j;
  CreateAccount c;
  std::string password;
  Status s = ParseObject(call.req.body, &j);
  if (s.ok()) s = DecodeNewAccount(j, &c, &password);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  if (password.empty()) {
    return api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, AccountResponse);
  }
  HashThen(deps, std::move(call), {password},
           [&api, c](Call call, std::vector<std::string> hashes) mutable {
             c.password_hash = std::move(hashes[0]);
             api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, AccountResponse);
           });
}

// POST /api/v1/orgs/{org}/accounts: an org admin creates an account whose
// home org is the org, as a member with the given role (default "member").
void CreateOrgAccountRoute(Api& api, const NativeDeps& deps, Call call) {
  json j;
  CreateOrgAccount c;
  c.org = call.params[0];
  std::string password;
  Status s = ParseObject(call.req.body, &j);
  if (s.ok() && j.contains("role")) {
    if (!j["role"].is_string()) s = BadField("role", "a string");
    if (s.ok()) c.role = j["role"].get<std::string>();
    j.erase("role");
  }
  if (s.ok() && j.contains("home_org")) {
    s = Status::InvalidArgument("an org account's home org is the org itself", "bad_field");
  }
  if (s.ok() && j.contains("site_admin")) {
    s = Status::Forbidden("only site admins make site admins", "bad_field");
  }
  if (s.ok()) s = DecodeNewAccount(j, &c.account, &password);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  if (password.empty()) {
    return api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, AccountResponse);
  }
  HashThen(deps, std::move(call), {password},
           [&api, c](Call call, std::vector<std::string> hashes) mutable {
             c.account.password_hash = std::move(hashes[0]);
             api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, AccountResponse);
           });
}

void BatchRoute(Api& api, const NativeDeps& deps, Call call) {
  json j;
  Status s = ParseObject(call.req.body, &j);
  if (!s.ok()) return call.Fail(s);
  if (j.size() != 1 || !j.contains("accounts") || !j["accounts"].is_array()) {
    return call.Fail(
        Status::InvalidArgument("the body must be {\"accounts\": [ ... ]}", "bad_body"));
  }
  const json& list = j["accounts"];
  if (list.empty() || list.size() > CreateAccounts::kMaxAccounts) {
    return call.Fail(Status::InvalidArgument(
        "accounts must hold 1 to " + std::to_string(CreateAccounts::kMaxAccounts) + " entries",
        "invalid_batch"));
  }
  CreateAccounts batch;
  std::vector<std::string> passwords;
  bool any_password = false;
  for (size_t i = 0; i < list.size(); ++i) {
    CreateAccount c;
    std::string password;
    Status d = DecodeNewAccount(list[i], &c, &password);
    if (!d.ok()) return call.Fail(d.Prefixed("accounts[" + std::to_string(i) + "]: "));
    any_password = any_password || !password.empty();
    passwords.push_back(std::move(password));
    batch.accounts.push_back(std::move(c));
  }
  s = Validate(batch);
  if (!s.ok()) return call.Fail(s);
  std::vector<std::string> emails;
  for (const auto& c : batch.accounts) emails.push_back(NormalizeEmail(c.email));
  auto render = [emails](const CommandOutcome& o) {
    HttpResponse r = ResponseFor(o);
    if (!o.error.ok()) return r;
    json ids = json::parse(o.result.snapshot, nullptr, /*allow_exceptions=*/false);
    if (!ids.is_array() || ids.size() != emails.size()) {
      return ErrorResponse(Status::Internal("batch result"));
    }
    json out = json::array();
    for (size_t i = 0; i < ids.size(); ++i) out.push_back({{"id", ids[i]}, {"email", emails[i]}});
    r.body = json{{"created", ids.size()}, {"accounts", out}}.dump();
    return r;
  };
  if (!any_password) {
    return api.SubmitCommand(std::move(call), Command{{}, std::move(batch)}, render);
  }
  HashThen(deps, std::move(call), std::move(passwords),
           [&api, batch, render](Call call, std::vector<std::string> hashes) mutable {
             for (size_t i = 0; i < hashes.size(); ++i) {
               batch.accounts[i].password_hash = std::move(hashes[i]);
             }
             api.SubmitCommand(std::move(call), Command{{}, std::move(batch)}, render);
           });
}

void GetRoute(Api& api, Call call) {
  AccountRecord a;
  Status s = VisibleAccount(api, call, call.params[0], &a);
  if (!s.ok()) return call.Fail(s);
  const std::string etag = "\"" + std::to_string(a.version) + "\"";
  if (auto inm = call.req.Header("If-None-Match"); inm && *inm == etag) {
    HttpResponse r;
    r.status = 304;
    r.AddHeader("ETag", etag);
    return call.reply(std::move(r));
  }
  HttpResponse r;
  r.body = AccountJson(a, /*with_email=*/true);
  r.AddHeader("ETag", etag);
  call.reply(std::move(r));
}

void PatchRoute(Api& api, Call call) {
  UpdateAccount u;
  u.account = call.params[0];
  Status s = RequireAccountWide(call);
  if (s.ok()) s = DecodeUpdate(call.req.body, &u);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(u)}, AccountResponse);
}

void DeleteRoute(Api& api, Call call) {
  DeleteAccount d{call.params[0]};
  api.SubmitCommand(std::move(call), Command{{}, std::move(d)}, ResponseFor);
}

void PasswordRoute(Api& api, const NativeDeps& deps, Call call) {
  json j;
  Status s = RequireAccountWide(call);
  if (s.ok()) s = ParseObject(call.req.body, &j);
  if (s.ok() && (j.size() != 1 || !j.contains("password") || !j["password"].is_string())) {
    s = Status::InvalidArgument("the body must be {\"password\": \"...\"}", "bad_body");
  }
  std::string password = s.ok() ? j["password"].get<std::string>() : "";
  if (s.ok()) s = ValidatePassword(password);
  // Tell a stranger nothing before spending a hash on them.
  AccountRecord a;
  if (s.ok()) s = VisibleAccount(api, call, call.params[0], &a);
  if (!s.ok()) return call.Fail(s);
  HashThen(deps, std::move(call), {password},
           [&api, id = a.id](Call call, std::vector<std::string> hashes) {
             SetPassword p{id, std::move(hashes[0])};
             api.SubmitCommand(std::move(call), Command{{}, std::move(p)},
                               [](const CommandOutcome& o) {
                                 HttpResponse r = ResponseFor(o);
                                 if (r.status == 200) {
                                   r.status = 204;
                                   r.body.clear();
                                 }
                                 return r;
                               });
           });
}

json KeyJson(const Credential& k, int64_t last_used_ms) {
  return json{{"id", k.key_id},
              {"name", k.label},
              {"scope", k.scope},
              {"project_id", TextOrNull(k.project_id)},
              {"expires_at", TimeOrNull(k.expires_ms)},
              {"created_at", TimeOrNull(k.created_ms)},
              {"last_used_at", TimeOrNull(last_used_ms)}};
}

Status DecodeNewKey(std::string_view body, int64_t now_ms, IssueApiKey* out) {
  out->scope = "account";
  if (body.empty()) return Status::OK();
  json j;
  ORGD_RETURN_IF_ERROR(ParseObject(body, &j));
  for (const auto& [key, v] : j.items()) {
    if (v.is_null() && key != "name" && key != "scope") continue;
    if (key == "name" || key == "scope" || key == "project_id" || key == "expires_at") {
      if (!v.is_string()) return BadField(key, "a string");
      const auto& text = v.get_ref<const std::string&>();
      if (key == "name") out->label = text;
      if (key == "scope") out->scope = text;
      if (key == "project_id") out->project_id = text;
      if (key == "expires_at" &&
          (!ParseIsoMs(text, &out->expires_ms) || out->expires_ms <= now_ms)) {
        return Status::InvalidArgument(
            "expires_at must be a future time such as 2027-01-01T00:00:00Z", "bad_field");
      }
    } else {
      return Status::InvalidArgument(
          "unknown field '" + key + "'; allowed: name, scope, project_id, expires_at",
          "unknown_field");
    }
  }
  return Status::OK();
}

void IssueKeyRoute(Api& api, Call call) {
  IssueApiKey k;
  Status s = RequireAccountWide(call);
  if (s.ok()) s = DecodeNewKey(call.req.body, api.Now(), &k);
  AccountRecord a;
  if (s.ok()) s = VisibleAccount(api, call, call.params[0], &a);
  if (!s.ok()) return call.Fail(s);
  const std::string secret = NewApiKey();
  k.key_id = RandomBase62(16);
  k.key_sha256 = ToHex(Sha256Of(secret));
  k.account_id = a.id;
  if (k.label.empty()) k.label = "api key";
  api.SubmitCommand(std::move(call), Command{{}, std::move(k)}, [secret](const CommandOutcome& o) {
    HttpResponse r = ResponseFor(o);
    if (r.status != 201) return r;
    json stored = json::parse(o.result.snapshot, nullptr, /*allow_exceptions=*/false);
    if (!stored.is_object()) return ErrorResponse(Status::Internal("key record"));
    Credential c;
    c.key_id = o.result.id;
    c.label = stored.value("label", "");
    c.scope = stored.value("scope", "");
    c.project_id = stored.value("project_id", "");
    c.expires_ms = stored.value("expires_ms", int64_t{0});
    c.created_ms = stored.value("created_ms", int64_t{0});
    json body = KeyJson(c, 0);
    body.erase("last_used_at");
    // The secret is in the first reply only: never stored, so a replay shows null.
    body["key"] = o.replayed ? json(nullptr) : json(secret);
    r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return r;
  });
}

void ListKeysRoute(Api& api, Call call) {
  AccountRecord a;
  Status s = VisibleAccount(api, call, call.params[0], &a);
  std::vector<ReadViews::KeyInfo> keys;
  if (s.ok()) s = api.views().ListAccountKeys(a.id, &keys);
  if (!s.ok()) return call.Fail(s);
  json list = json::array();
  for (const auto& k : keys) list.push_back(KeyJson(k.key, k.last_used_ms));
  call.reply(JsonReply(200, json{{"keys", list}}));
}

void IssueAccessTokenRoute(Api& api, const NativeDeps& deps, Call call) {
  IssueAccessToken t;
  const int64_t now = api.Now();
  t.expires_ms = now + deps.auth.access_token_ttl_ms;
  Status s;
  if (!call.req.body.empty()) {
    json j;
    s = ParseObject(call.req.body, &j);
    for (auto it = j.begin(); s.ok() && it != j.end(); ++it) {
      if (it.key() != "expires_at") {
        s = Status::InvalidArgument("unknown field '" + it.key() + "'; allowed: expires_at",
                                    "unknown_field");
      } else if (!it->is_null() &&
                 (!it->is_string() || !ParseIsoMs(it->get<std::string>(), &t.expires_ms) ||
                  t.expires_ms <= now)) {
        s = Status::InvalidArgument("expires_at must be a future time such as 2027-01-01T00:00:00Z",
                                    "bad_field");
      }
    }
  }
  AccountRecord a;
  if (s.ok()) s = VisibleAccount(api, call, call.params[0], &a);
  if (!s.ok()) return call.Fail(s);
  const std::string token = RandomBase62(24);  // as CoCalc's auth tokens
  t.token_id = RandomBase62(16);
  t.token_sha256 = ToHex(Sha256Of(token));
  t.account_id = a.id;
  const std::string url = deps.auth.public_url + "/auth/impersonate?auth_token=" + token;
  const int64_t expires = t.expires_ms;
  api.SubmitCommand(std::move(call), Command{{}, std::move(t)},
                    [token, url, expires](const CommandOutcome& o) {
                      HttpResponse r = ResponseFor(o);
                      if (r.status != 201) return r;
                      // The token is never stored: a replay cannot show it.
                      r.body = json{{"token", o.replayed ? json(nullptr) : json(token)},
                                    {"url", o.replayed ? json(nullptr) : json(url)},
                                    {"expires_at", FormatIsoMs(expires)}}
                                   .dump();
                      return r;
                    });
}

void RevokeAccessTokenRoute(Api& api, Call call) {
  Credential c;
  Status s = api.views().FindCredential(ToHex(Sha256Of(call.params[0])), &c);
  if (s.ok() && c.kind != kKindAccessToken) s = Status::NotFound("");
  if (s.IsNotFound()) s = Status::NotFound("no such access token", "unknown_token");
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, RevokeApiKey{c.key_id}}, ResponseFor);
}

void SearchRoute(Api& api, const NativeDeps& deps, Call call) {
  auto query = QueryParam(call.req.Query(), "query");
  if (!query) {
    return call.Fail(Status::InvalidArgument("query is required: ?query=<words, an email or an id>",
                                             "missing_query"));
  }
  size_t limit = 0;
  if (auto l = QueryParam(call.req.Query(), "limit")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(l->c_str(), &end, 10);
    if (l->empty() || *end != '\0' || n == 0 || n > 1'000'000) {
      return call.Fail(Status::InvalidArgument("limit must be a positive number", "bad_limit"));
    }
    limit = n;
  }
  std::vector<SearchHit> hits;
  Status s = deps.search->Search(*query, limit, call.principal.site_admin, &hits);
  if (!s.ok()) return call.Fail(s);
  // Written by hand: this is the hot read of the search benchmark.
  HttpResponse r;
  r.body.reserve(64 + hits.size() * 220);
  r.body += R"({"accounts":[)";
  for (size_t i = 0; i < hits.size(); ++i) {
    const AccountRecord& a = hits[i].account;
    if (i) r.body += ',';
    r.body += R"({"id":")";
    r.body += a.id;
    r.body += R"(","first_name":)";
    bool utf8 = AppendJsonString(&r.body, a.first_name);
    r.body += R"(,"last_name":)";
    utf8 = AppendJsonString(&r.body, a.last_name) && utf8;
    r.body += R"(,"username":)";
    if (a.username.empty()) {
      r.body += "null";
    } else {
      utf8 = AppendJsonString(&r.body, a.username) && utf8;
    }
    r.body += R"(,"last_active":)";
    r.body += a.last_active_ms ? "\"" + FormatIsoMs(a.last_active_ms) + "\"" : "null";
    r.body += R"(,"created_at":)";
    r.body += a.created_ms ? "\"" + FormatIsoMs(a.created_ms) + "\"" : "null";
    r.body += R"(,"email_verified":)";
    r.body += a.email_verified ? "true" : "false";
    if (hits[i].email_visible) {
      r.body += R"(,"email":)";
      utf8 = AppendJsonString(&r.body, a.email) && utf8;
    }
    r.body += '}';
    if (!utf8) return call.Fail(Status::Internal("a stored name is not valid UTF-8"));
  }
  r.body += "]}";
  call.reply(std::move(r));
}

void NamesRoute(Api& api, Call call) {
  json j;
  Status s = ParseObject(call.req.body, &j);
  if (s.ok() && (!j.contains("ids") || !j["ids"].is_array())) {
    s = Status::InvalidArgument("the body must be {\"ids\": [account ids]}", "bad_body");
  }
  if (s.ok() && j["ids"].size() > kMaxNamesIds) {
    s = Status::InvalidArgument("at most " + std::to_string(kMaxNamesIds) + " ids", "too_many_ids");
  }
  if (!s.ok()) return call.Fail(s);
  json out = json::object();
  for (const auto& v : j["ids"]) {
    if (!v.is_string() || !IsUuid(v.get<std::string>())) {
      return call.Fail(Status::InvalidArgument("ids must be account ids (UUIDs)", "bad_id"));
    }
    const std::string id = LowerAscii(v.get<std::string>());
    AccountRecord a;
    Status found = api.views().FindAccount(id, &a);
    if (!found.ok() && !found.IsNotFound()) return call.Fail(found);
    if (found.ok()) {
      out[id] = {{"first_name", a.first_name}, {"last_name", a.last_name}};
    } else {
      out[id] = {{"first_name", "Deleted"}, {"last_name", "User"}};
    }
  }
  call.reply(JsonReply(200, out));
}

}  // namespace

std::string AccountJson(const AccountRecord& a, bool with_email) {
  json j{{"id", a.id},
         {"email", with_email ? json(a.email) : json(nullptr)},
         {"first_name", a.first_name},
         {"last_name", a.last_name},
         {"username", TextOrNull(a.username)},
         {"site_admin", a.site_admin},
         {"home_org", TextOrNull(a.home_org)},
         {"created_at", TimeOrNull(a.created_ms)},
         {"last_active", TimeOrNull(a.last_active_ms)},
         {"email_verified", a.email_verified},
         {"active", a.active}};
  if (!with_email) j.erase("email");
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void RegisterAccountRoutes(Api& api, const NativeDeps& deps) {
  const Surface* native = &NativeSurface();
  const NativeDeps* d = &deps;
  api.Add(native, "POST", "/api/v1/accounts", RoutePolicy::SiteAdmin(),
          [&api, d](Call c) { CreateRoute(api, *d, std::move(c)); });
  api.Add(native, "POST", "/api/v1/orgs/{org}/accounts", RoutePolicy::OrgCapability("manage_members"),
          [&api, d](Call c) { CreateOrgAccountRoute(api, *d, std::move(c)); });
  api.Add(native, "POST", "/api/v1/accounts:batch", RoutePolicy::SiteAdmin(),
          [&api, d](Call c) { BatchRoute(api, *d, std::move(c)); });
  api.Add(native, "GET", "/api/v1/accounts", RoutePolicy::AnyCredential(),
          [&api, d](Call c) { SearchRoute(api, *d, std::move(c)); });
  api.Add(native, "POST", "/api/v1/accounts:names", RoutePolicy::AnyCredential(),
          [&api](Call c) { NamesRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/accounts/{account}", RoutePolicy::AnyCredential(),
          [&api](Call c) { GetRoute(api, std::move(c)); });
  api.Add(native, "PATCH", "/api/v1/accounts/{account}", RoutePolicy::AnyCredential(),
          [&api](Call c) { PatchRoute(api, std::move(c)); });
  api.Add(native, "DELETE", "/api/v1/accounts/{account}", RoutePolicy::SiteAdmin(),
          [&api](Call c) { DeleteRoute(api, std::move(c)); });
  api.Add(native, "PUT", "/api/v1/accounts/{account}/password", RoutePolicy::AnyCredential(),
          [&api, d](Call c) { PasswordRoute(api, *d, std::move(c)); });
  api.Add(native, "POST", "/api/v1/accounts/{account}/keys", RoutePolicy::AnyCredential(),
          [&api](Call c) { IssueKeyRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/accounts/{account}/keys", RoutePolicy::AnyCredential(),
          [&api](Call c) { ListKeysRoute(api, std::move(c)); });
  // A site admin, or an admin of the account's home org (the decision says).
  api.Add(native, "POST", "/api/v1/accounts/{account}/access-tokens", RoutePolicy::AnyCredential(),
          [&api, d](Call c) { IssueAccessTokenRoute(api, *d, std::move(c)); });
  api.Add(native, "DELETE", "/api/v1/access-tokens/{token}", RoutePolicy::AnyCredential(),
          [&api](Call c) { RevokeAccessTokenRoute(api, std::move(c)); });
}

}  // namespace orgd::http
