// The SeaTable admin organizations API: each route a small translation into
// the commands and read views the native API uses, with SeaTable's field
// names and its texts for its errors (compat/seatable.md §A.1–A.13).
#include "src/http/compat/seatable/seatable.h"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/email.h"
#include "common/password.h"
#include "common/random.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/members/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/commands/projects/commands.h"
#include "src/http/core/errors.h"
#include "src/http/core/form.h"
#include "src/queries/read_views.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr std::string_view kAdmin = "/api/v2.1/admin";
constexpr int64_t kUnset = -2;        // SeaTable's "no limit set"
constexpr uint64_t kMaxPerPage = 1000;  // documented in docs/compat.md
constexpr uint64_t kBytesPerMb = 1000 * 1000;

// An error in SeaTable's words: {"error_msg": text} with the status of code.
Status BadRequest(std::string text) { return Status::InvalidArgument(std::move(text), "seatable"); }
Status NotFound(std::string text) { return Status::NotFound(std::move(text), "seatable"); }
Status Refused(std::string text) { return Status::Forbidden(std::move(text), "seatable"); }

HttpResponse Body(int status, const json& j) {
  HttpResponse r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  r.AddHeader("Content-Type", "application/json");
  return r;
}

HttpResponse Reply(const json& j) { return Body(200, j); }
HttpResponse Success() { return Reply(json{{"success", true}}); }

HttpResponse SeatableError(const Status& s) {
  if (s.IsUnauthenticated()) {
    if (s.reason() == "missing_credentials") {
      // DRF coerces NotAuthenticated to 403 when no authenticator names a scheme.
      return Body(403, json{{"detail", "Authentication credentials were not provided."}});
    }
    if (s.reason() == "seatable") return Body(401, json{{"detail", s.message()}});
    if (s.message().find("deleted or deactivated") != std::string::npos) {
      return Body(401, json{{"detail", "User inactive or deleted"}});
    }
    return Body(401, json{{"detail", "Invalid token"}});
  }
  const int status = HttpStatusFor(s.code());
  if (s.reason() == "seatable") return Body(status, json{{"error_msg", s.message()}});
  if (s.IsForbidden()) {
    return Body(403, json{{"detail", "You do not have permission to perform this action."}});
  }
  if (status == 429) return Body(429, json{{"detail", "Request was throttled."}});
  HttpResponse r = Body(status, json{{"error_msg", s.message()}});
  if (status == 503) r.AddHeader("Retry-After", "1");
  return r;
}

// `Authorization: Token <key>` (SeaTable's) or `Bearer <key>` (SeaTable 4.0
// on), the keyword in any case; other schemes are not this surface's.
Status ParseSeatableCredential(const HttpRequest& req, std::string* secret) {
  std::optional<std::string_view> header = req.Header("Authorization");
  if (!header) return Status::NotFound("");
  std::vector<std::string_view> words;
  for (std::string_view h = *header; !h.empty();) {
    const size_t sp = h.find(' ');
    if (sp != 0) words.push_back(h.substr(0, sp));
    h = sp == std::string_view::npos ? std::string_view() : h.substr(sp + 1);
  }
  if (words.empty() ||
      !(EqualsIgnoreCase(words[0], "token") || EqualsIgnoreCase(words[0], "bearer"))) {
    return Status::NotFound("");
  }
  if (words.size() == 1) {
    return Status::Unauthenticated("Invalid token header. No credentials provided.", "seatable");
  }
  if (words.size() > 2) {
    return Status::Unauthenticated("Invalid token header. Token string should not contain spaces.",
                                   "seatable");
  }
  if (words[1].size() > kMaxCredentialBytes) return Status::Unauthenticated("", "invalid");
  *secret = std::string(words[1]);
  return Status::OK();
}

// --- values as SeaTable shows them ---------------------------------------------

// "2020-06-01T12:46:26+00:00".
std::string IsoSeconds(int64_t ms) {
  const time_t t = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

// A last login as SeaTable writes it: naive, microseconds; "" for never.
std::string LastLogin(int64_t ms) {
  if (ms == 0) return "";
  const time_t t = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[48];
  const size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>((ms % 1000) * 1000));
  return buf;
}

// An account's SeaTable user id: its UUID's hex digits at auth.local.
std::string VirtualId(std::string_view account_id) {
  std::string hex;
  for (char c : account_id) {
    if (c != '-') hex.push_back(c);
  }
  return hex + "@auth.local";
}

// The account a user reference names: a virtual id, a UUID or an email.
std::string AccountRefOf(std::string_view user) {
  constexpr std::string_view kDomain = "@auth.local";
  if (user.size() == 32 + kDomain.size() && user.ends_with(kDomain)) {
    std::string_view hex = user.substr(0, 32);
    return std::string(hex.substr(0, 8)) + "-" + std::string(hex.substr(8, 4)) + "-" +
           std::string(hex.substr(12, 4)) + "-" + std::string(hex.substr(16, 4)) + "-" +
           std::string(hex.substr(20));
  }
  return std::string(user);
}

std::string FullName(const AccountRecord& a) {
  if (a.last_name.empty()) return a.first_name;
  if (a.first_name.empty()) return a.last_name;
  return a.first_name + " " + a.last_name;
}

int64_t OrUnset(uint64_t limit) { return limit ? static_cast<int64_t>(limit) : kUnset; }

// A SeaTable url prefix: "org_" and 20 of [a-z0-9], here from the org's UUID.
std::string UrlPrefix(const OrgRecord& o) {
  std::string p = "org_";
  for (char c : o.uuid) {
    if (c != '-' && p.size() < 24) p.push_back(c);
  }
  return p;
}

// The org's creator as SeaTable shows it: its owner (the admin SeaTable's
// create made), the first by account id when there are several.
Status CreatorOf(const ReadViews& views, const OrgRecord& o, AccountRecord* creator,
                 bool* found) {
  std::vector<std::string> owners;
  ORGD_RETURN_IF_ERROR(views.AccountsWithRoles(o.id, {kOwnerRole}, &owners));
  *found = false;
  for (const std::string& id : owners) {
    Status s = views.FindAccount(id, creator);
    if (s.IsNotFound()) continue;
    ORGD_RETURN_IF_ERROR(s);
    *found = true;
    break;
  }
  return Status::OK();
}

// The org object of SeaTable's list, create, get and update.
Status OrgJson(const ReadViews& views, const OrgRecord& o, json* out) {
  AccountRecord creator;
  bool has_creator = false;
  ORGD_RETURN_IF_ERROR(CreatorOf(views, o, &creator, &has_creator));
  *out = json{{"org_id", o.id},
              {"org_name", o.title.empty() ? o.name : o.title},
              {"ctime", IsoSeconds(o.created_ms)},
              {"org_url_prefix", UrlPrefix(o)},
              {"role", o.role},
              {"creator_email", has_creator ? VirtualId(creator.id) : ""},
              {"creator_name", has_creator ? FullName(creator) : ""},
              {"creator_contact_email", has_creator ? creator.email : ""},
              {"quota", o.storage_quota ? static_cast<int64_t>(o.storage_quota / kBytesPerMb) : kUnset},
              {"storage_usage", o.usage_storage},
              {"storage_quota", OrUnset(o.storage_quota)},
              {"max_user_number", OrUnset(o.max_members)},
              {"rows_count", o.usage_rows},
              {"row_limit", OrUnset(o.row_limit)},
              {"asset_quota_mb", OrUnset(o.asset_quota_mb)}};
  return Status::OK();
}

bool IsOrgAdmin(std::string_view role) { return role == "owner" || role == "admin"; }

json UserJson(uint64_t org_id, const AccountRecord& a, std::string_view role) {
  return json{{"org_id", org_id},
              {"email", VirtualId(a.id)},
              {"name", FullName(a)},
              {"contact_email", a.email},
              {"is_org_admin", IsOrgAdmin(role)},
              {"quota_total", kUnset},
              {"quota_usage", 0},
              {"create_time", IsoSeconds(a.created_ms)},
              {"last_login", LastLogin(a.last_active_ms)},
              {"active", a.active}};
}

// The account an event's actor was ("key:<id>" or "account:<id>"); empty
// for a site key or the system.
std::string AccountOfActor(const ReadViews& views, std::string_view actor) {
  if (actor.starts_with("account:")) return std::string(actor.substr(8));
  if (!actor.starts_with("key:")) return "";
  Credential c;
  return views.FindCredentialById(actor.substr(4), &c).ok() ? c.account_id : "";
}

// --- inputs ---------------------------------------------------------------------

// A whole number; nullopt when the text is not one.
std::optional<int64_t> Int(std::string_view text) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// SeaTable's page and per_page: bad values silently become 1 and 25.
void PageOf(const FormFields& q, uint64_t* page, uint64_t* per_page) {
  std::optional<int64_t> p = Int(q.Get("page").value_or("1"));
  std::optional<int64_t> n = Int(q.Get("per_page").value_or("25"));
  *page = p && *p >= 1 ? static_cast<uint64_t>(*p) : 1;
  *per_page = n && *n >= 1 ? std::min<uint64_t>(static_cast<uint64_t>(*n), kMaxPerPage) : 25;
}

// The org the {org_id} parameter names: 400 for 0, 404 for none; a path
// that is not all digits is no route of SeaTable's (Django's 404).
Status LoadOrg(const Api& api, const Call& call, OrgRecord* o) {
  const std::string& id = call.params[0];
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
    return NotFound("Not found.");
  }
  if (id.find_first_not_of('0') == std::string::npos) return BadRequest("org_id invalid.");
  Status s = api.views().FindOrg(id, o);
  if (s.IsNotFound()) return NotFound("Organization " + id + " not found.");
  return s;
}

// A boolean field as SeaTable reads it ("true"/"false"); nullopt when absent.
Status Bool(const FormFields& f, const char* key, const std::string& error,
            std::optional<bool>* out) {
  std::optional<std::string> v = f.Get(key);
  if (!v) return Status::OK();
  if (*v == "true" || *v == "True" || *v == "1") {
    *out = true;
  } else if (*v == "false" || *v == "False" || *v == "0") {
    *out = false;
  } else {
    return BadRequest(error);
  }
  return Status::OK();
}

Status ReadForm(const Call& call, bool with_query, FormFields* f) {
  Status s = FormFields::Parse(call.req, with_query, f);
  return s.ok() ? s : BadRequest(s.message());
}

// --- organizations ----------------------------------------------------------------

void ListOrgs(Api& api, Call call) {
  FormFields q;
  Status s = ReadForm(call, /*with_query=*/true, &q);
  if (!s.ok()) return call.Fail(s);
  uint64_t page = 1, per_page = 25;
  PageOf(q, &page, &per_page);
  const std::optional<std::string> role = q.Get("role");
  const uint64_t skip = (page - 1) * per_page;
  // Walk the orgs in id order; without a role filter the page is read at once.
  json orgs = json::array();
  uint64_t count = 0, seen = 0;
  for (uint64_t after = 0;;) {
    OrgPage p;
    const bool direct = !role;
    s = api.views().ListOrgs(after, direct ? skip : 0, direct ? per_page : 100, &p);
    if (!s.ok()) return call.Fail(s);
    for (const std::string& doc : p.orgs) {
      OrgRecord o;
      s = OrgFromJson(doc, 0, &o);
      if (!s.ok()) return call.Fail(s);
      if (role && o.role != *role) continue;
      if (direct || (seen++ >= skip && orgs.size() < per_page)) {
        json j;
        s = OrgJson(api.views(), o, &j);
        if (!s.ok()) return call.Fail(s);
        orgs.push_back(std::move(j));
      }
      ++count;
    }
    if (direct) {
      count = p.total;
      break;
    }
    if (p.next_after == 0) break;
    after = p.next_after;
  }
  call.reply(Reply(json{{"organizations", std::move(orgs)}, {"count", count}}));
}

void BasicInfo(Api& api, Call call) {
  FormFields q;
  Status s = ReadForm(call, /*with_query=*/true, &q);
  if (!s.ok()) return call.Fail(s);
  json list = json::array();
  for (const std::string& value : q.All("org_ids")) {
    // Repeated keys, as SeaTable's docs; a comma-separated list too.
    for (std::string_view rest = value; !rest.empty();) {
      const size_t comma = rest.find(',');
      std::string_view id = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      std::optional<int64_t> n = Int(id);
      OrgRecord o;
      if (!n || *n <= 0 || !api.views().FindOrg(std::to_string(*n), &o).ok()) continue;
      list.push_back(json{{"org_id", o.id}, {"org_name", o.title.empty() ? o.name : o.title}});
    }
  }
  call.reply(Reply(json{{"organization_list", std::move(list)}}));
}

HttpResponse OrgReply(const ReadViews& views, const OrgRecord& o, json extra = json::object()) {
  json j;
  Status s = OrgJson(views, o, &j);
  if (!s.ok()) return SeatableError(s);
  j.update(extra);
  return Reply(j);
}

void CreateOrgRoute(Api& api, const NativeDeps& deps, Call call) {
  FormFields f;
  Status s = ReadForm(call, /*with_query=*/false, &f);
  if (!s.ok()) return call.Fail(s);
  const std::string org_name = f.Get("org_name").value_or("");
  const std::string email = f.Get("admin_email").value_or("");
  const std::string password = f.Get("password").value_or("");
  if (org_name.empty()) return call.Fail(BadRequest("org_name invalid."));
  if (!IsValidEmail(email)) return call.Fail(BadRequest("admin_email invalid."));
  // orgd's password rule (8 to 1024 bytes) stays: docs/compat.md.
  if (!ValidatePassword(password).ok()) return call.Fail(BadRequest("password invalid."));
  CreateOrgWithOwner c;
  c.org.uuid = NewUuid();
  c.org.title = org_name;
  c.org.derive_name = true;
  // SeaTable's new orgs' plan, when the catalog has it; else orgd's default.
  if (CheckPlan(api.options().org_plans, "org_default").ok()) c.org.role = "org_default";
  if (std::optional<std::string> n = f.Get("max_user_number")) {
    std::optional<int64_t> v = Int(*n);
    if (!v || *v <= 0) return call.Fail(BadRequest("max_user_number invalid."));
    c.org.max_members = static_cast<uint64_t>(*v);
  }
  c.owner.account_id = NewUuid();
  c.owner.email = email;
  c.owner.first_name = f.Get("admin_name").value_or("");
  AccountRecord existing;
  s = api.views().FindAccount(email, &existing);
  if (s.ok()) return call.Fail(BadRequest("User " + email + " already exists."));
  if (!s.IsNotFound()) return call.Fail(s);
  s = Validate(c);
  if (!s.ok()) return call.Fail(BadRequest(s.message()));
  HashThen(deps, std::move(call), {password},
           [&api, c](Call call, std::vector<std::string> hashes) mutable {
             c.owner.password_hash = std::move(hashes[0]);
             const ReadViews* views = &api.views();
             api.SubmitCommand(std::move(call), Command{{}, std::move(c)},
                               [views](const CommandOutcome& o) {
                                 OrgRecord org;
                                 Status s = views->FindOrg(o.result.id, &org);
                                 return s.ok() ? OrgReply(*views, org) : SeatableError(s);
                               });
           });
}

void GetOrg(Api& api, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  uint64_t users = 0, active = 0, groups = 0;
  if (s.ok()) {
    s = api.views().ForEachMember(o.id, [&](const MemberRecord& m) {
      ++users;
      AccountRecord a;
      Status found = api.views().FindAccount(m.account_id, &a);
      if (found.ok() && a.active) ++active;
      return found.IsNotFound() ? Status::OK() : found;
    });
  }
  if (s.ok()) {
    ProjectReader::Page<GroupRecord> page;
    s = api.views().ListGroups(o.id, ProjectReader::PageOptions{"", 1}, &page, &groups);
  }
  if (!s.ok()) return call.Fail(s);
  call.reply(OrgReply(api.views(), o,
                      json{{"users_count", users},
                           {"active_users_count", active},
                           {"groups_count", groups}}));
}

// SeaTable applies each field only when it is given and not empty or 0;
// here they are checked first and applied together (one UpdateOrg).
void UpdateOrgRoute(Api& api, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  FormFields f;
  if (s.ok()) s = ReadForm(call, /*with_query=*/false, &f);
  if (!s.ok()) return call.Fail(s);
  UpdateOrg c;
  c.org = std::to_string(o.id);
  auto given = [&](const char* key) {
    std::optional<std::string> v = f.Get(key);
    return v && !v->empty() ? v : std::nullopt;
  };
  if (auto name = given("org_name")) c.title = *name;
  auto number = [&](const char* key, int64_t min, std::optional<uint64_t>* out) -> Status {
    std::optional<std::string> v = given(key);
    if (!v) return Status::OK();
    std::optional<int64_t> n = Int(*v);
    if (!n || *n < min) return BadRequest(std::string(key) + " invalid.");
    if (*n != 0) *out = static_cast<uint64_t>(*n);
    return Status::OK();
  };
  std::optional<uint64_t> quota_mb;
  s = number("max_user_number", 1, &c.max_members);
  if (s.ok()) s = number("quota", 0, &quota_mb);
  if (quota_mb) c.storage_quota = *quota_mb * kBytesPerMb;
  if (s.ok()) s = number("row_limit", 0, &c.row_limit);
  if (s.ok()) s = number("asset_quota_mb", 0, &c.asset_quota_mb);
  if (auto role = given("role"); s.ok() && role) c.role = *role;
  if (!s.ok()) return call.Fail(s);
  if (!c.title && !c.max_members && !c.storage_quota && !c.row_limit && !c.asset_quota_mb &&
      !c.role) {
    return call.reply(OrgReply(api.views(), o));  // nothing given: SeaTable answers the org
  }
  s = Validate(c);
  if (s.ok() && c.role) s = CheckPlan(api.options().org_plans, *c.role);
  if (s.reason() == "unknown_plan") return call.Fail(BadRequest("Role " + *c.role + " invalid."));
  if (!s.ok()) return call.Fail(BadRequest(s.message()));
  const ReadViews* views = &api.views();
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, [views](const CommandOutcome& r) {
    OrgRecord org;
    Status found = views->FindOrg(r.result.id, &org);
    return found.ok() ? OrgReply(*views, org) : SeatableError(found);
  });
}

// Members are detached and their accounts stay (SeaTable's, not seahub's).
void DeleteOrgRoute(Api& api, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, DeleteOrg{std::to_string(o.id)}},
                    [](const CommandOutcome&) { return Success(); });
}

// --- org users --------------------------------------------------------------------

void ListUsers(Api& api, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  std::vector<std::string> ids, roles;
  if (s.ok()) {
    s = api.views().ForEachMember(o.id, [&](const MemberRecord& m) {
      ids.push_back(m.account_id);
      roles.push_back(m.role);
      return Status::OK();
    });
  }
  std::vector<AccountRecord> accounts;
  if (s.ok()) s = api.views().FindAccounts(ids, &accounts);
  if (!s.ok()) return call.Fail(s);
  json users = json::array();
  size_t r = 0;
  for (const AccountRecord& a : accounts) {
    while (r < ids.size() && ids[r] != a.id) ++r;  // FindAccounts keeps the order
    users.push_back(UserJson(o.id, a, r < roles.size() ? roles[r] : ""));
  }
  call.reply(Reply(json{{"users", std::move(users)}}));
}

void AddUser(Api& api, const NativeDeps& deps, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  FormFields f;
  if (s.ok()) s = ReadForm(call, /*with_query=*/false, &f);
  if (!s.ok()) return call.Fail(s);
  const std::string email = f.Get("email").value_or("");
  const std::string password = f.Get("password").value_or("");
  std::optional<bool> active;
  if (!IsValidEmail(email)) return call.Fail(BadRequest("email invalid."));
  // orgd's password rule (8 to 1024 bytes) stays: docs/compat.md.
  if (!ValidatePassword(password).ok()) return call.Fail(BadRequest("password invalid."));
  s = Bool(f, "active", "active invalid.", &active);
  if (!s.ok()) return call.Fail(s);
  AccountRecord existing;
  s = api.views().FindAccount(email, &existing);
  if (s.ok()) return call.Fail(BadRequest("User " + email + " already exists."));
  if (!s.IsNotFound()) return call.Fail(s);
  uint64_t members = 0;
  s = api.views().CountMembers(o.id, &members);
  if (s.ok() && o.max_members != 0 && members >= o.max_members) {
    s = Refused("Failed. You can only invite " + std::to_string(o.max_members) + " members.");
  }
  if (!s.ok()) return call.Fail(s);
  CreateOrgAccount c;
  c.org = std::to_string(o.id);
  c.account.account_id = NewUuid();
  c.account.email = email;
  c.account.first_name = f.Get("name").value_or("");
  s = Validate(c);
  if (!s.ok()) return call.Fail(BadRequest(s.message()));
  const bool deactivate = active == false;
  HashThen(deps, std::move(call), {password},
           [&api, c, deactivate, org_id = o.id](Call call, std::vector<std::string> hashes) mutable {
             c.account.password_hash = std::move(hashes[0]);
             AccountRecord a;
             a.id = c.account.account_id;
             a.email = NormalizeEmail(c.account.email);
             a.first_name = c.account.first_name;
             a.created_ms = api.Now();
             a.active = !deactivate;
             Call then = call;
             api.SubmitCommand(std::move(call), Command{{}, std::move(c)},
                               [a, org_id](const CommandOutcome&) {
                                 return Reply(UserJson(org_id, a, "member"));
                               });
             if (deactivate) {  // decided after the account, in submission order
               UpdateAccount off;
               off.account = a.id;
               off.active = false;
               then.reply = [](HttpResponse) {};
               api.SubmitCommand(std::move(then), Command{{}, std::move(off)},
                                 [](const CommandOutcome&) { return HttpResponse{}; });
             }
           });
}

// The org and the member the {user} parameter names: 404 "User x not
// found." for no account, 400 when it is not a member of the org.
Status LoadUser(const Api& api, const Call& call, OrgRecord* o, AccountRecord* a,
                MemberRecord* m) {
  ORGD_RETURN_IF_ERROR(LoadOrg(api, call, o));
  const std::string& user = call.params[1];
  Status s = api.views().FindAccount(AccountRefOf(user), a);
  if (s.IsNotFound()) return NotFound("User " + user + " not found.");
  ORGD_RETURN_IF_ERROR(s);
  s = api.views().FindMember(o->id, a->id, m);
  if (s.IsNotFound() || (s.ok() && !m->member)) {
    return BadRequest("User " + user + " is not member of organization " + std::to_string(o->id) +
                      ".");
  }
  return s;
}

void UpdateUser(Api& api, Call call) {
  OrgRecord o;
  AccountRecord a;
  MemberRecord m;
  Status s = LoadUser(api, call, &o, &a, &m);
  FormFields f;
  if (s.ok()) s = ReadForm(call, /*with_query=*/false, &f);
  std::optional<bool> active, admin;
  if (s.ok()) s = Bool(f, "active", "active invalid, should be 'true' or 'false'.", &active);
  if (s.ok()) s = Bool(f, "is_admin", "is_admin invalid.", &admin);
  if (s.ok() && !admin) s = Bool(f, "is_org_staff", "is_org_staff invalid.", &admin);
  if (std::optional<std::string> q = f.Get("quota_total"); s.ok() && q) {
    std::optional<int64_t> n = Int(*q);
    if (!n || (*n < 0 && *n != kUnset)) s = BadRequest("quota_total invalid.");
  }
  UpdateAccount u;
  u.account = a.id;
  if (std::optional<std::string> name = f.Get("name"); name && !name->empty()) {
    u.first_name = *name;
    u.last_name = "";
    a.first_name = *name;
    a.last_name.clear();
  }
  if (std::optional<std::string> email = f.Get("contact_email"); email && !email->empty()) {
    if (!IsValidEmail(*email)) s = s.ok() ? BadRequest("contact_email invalid.") : s;
    u.email = *email;
    a.email = NormalizeEmail(*email);
  }
  if (active && *active != a.active) {
    u.active = *active;
    a.active = *active;
  }
  PutMember role;
  const bool change_role = admin && *admin != IsOrgAdmin(m.role);
  if (change_role) {
    role.org = std::to_string(o.id);
    role.account = a.id;
    role.role = *admin ? "admin" : "member";
    if (!*admin && m.role == kOwnerRole) {
      s = s.ok() ? Refused(           "Failed to change: " + call.params[1] + " is an organization creator.")
                 : s;
    }
  }
  if (s.ok() && (u.first_name || u.email || u.active)) s = Validate(u);
  if (!s.ok()) return call.Fail(s.reason() == "seatable" ? s : BadRequest(s.message()));
  const json reply = UserJson(o.id, a, change_role ? *role.role : m.role);
  auto done = [reply](const CommandOutcome&) { return Reply(reply); };
  if (!(u.first_name || u.email || u.active)) {
    if (!change_role) return call.reply(Reply(reply));
    return api.SubmitCommand(std::move(call), Command{{}, std::move(role)}, done);
  }
  if (change_role) {  // the role first, its reply dropped; the account's is the answer
    Call first = call;
    first.reply = [](HttpResponse) {};
    api.SubmitCommand(std::move(first), Command{{}, std::move(role)},
                      [](const CommandOutcome&) { return HttpResponse{}; });
  }
  api.SubmitCommand(std::move(call), Command{{}, std::move(u)}, done);
}

// Deletes the account (SeaTable's), except the org's creator: an owner.
void DeleteUser(Api& api, Call call) {
  OrgRecord o;
  AccountRecord a;
  MemberRecord m;
  Status s = LoadUser(api, call, &o, &a, &m);
  if (s.ok() && m.role == kOwnerRole) {
    s = Refused("Failed to delete: " + call.params[1] + " is an organization creator.");
  }
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, DeleteAccount{a.id}},
                    [](const CommandOutcome&) { return Success(); });
}

// --- groups and bases ---------------------------------------------------------------

void ListGroupsRoute(Api& api, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  if (!s.ok()) return call.Fail(s);
  json list = json::array();
  ProjectReader::PageOptions page{"", 1000};
  for (;;) {
    ProjectReader::Page<GroupRecord> groups;
    uint64_t total = 0;
    s = api.views().ListGroups(o.id, page, &groups, &total);
    if (!s.ok()) return call.Fail(s);
    for (const GroupRecord& g : groups.items) {
      const std::string creator = AccountOfActor(api.views(), g.creator);
      AccountRecord a;
      const bool known = !creator.empty() && api.views().FindAccount(creator, &a).ok();
      list.push_back(json{{"group_name", g.name},
                          {"creator_email", known ? VirtualId(a.id) : ""},
                          {"creator_name", known ? FullName(a) : ""},
                          {"created_at", IsoSeconds(g.created_ms)},
                          {"group_id", g.id}});
    }
    if (groups.next.empty()) break;
    page.after = groups.next;
  }
  call.reply(Reply(json{{"group_list", std::move(list)}}));
}

// A group that does not exist is deleted already: success, as SeaTable.
void DeleteGroupIn(Api& api, Call call, const OrgRecord& o, const std::string& group_id) {
  GroupRecord g;
  Status s = api.views().FindGroup(o.id, group_id, &g);
  if (s.IsNotFound()) return call.reply(Success());
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, DeleteGroup{std::to_string(o.id), g.id}},
                    [](const CommandOutcome&) { return Success(); });
}

void DeleteOrgGroup(Api& api, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  if (!s.ok()) return call.Fail(s);
  const std::string group_id = call.params[1];
  DeleteGroupIn(api, std::move(call), o, group_id);
}

// "/admin/groups/<id>/" names no org: the group is looked for in each org.
void DeleteAnyGroup(Api& api, Call call) {
  const std::string group_id = call.params[0];
  for (uint64_t after = 0;;) {
    OrgPage p;
    Status s = api.views().ListOrgs(after, 0, 100, &p);
    if (!s.ok()) return call.Fail(s);
    for (const std::string& doc : p.orgs) {
      OrgRecord o;
      GroupRecord g;
      if (OrgFromJson(doc, 0, &o).ok() && api.views().FindGroup(o.id, group_id, &g).ok()) {
        return DeleteGroupIn(api, std::move(call), o, group_id);
      }
    }
    if (p.next_after == 0) break;
    after = p.next_after;
  }
  call.reply(Success());
}

// The org's bases: its projects.
void ListBases(Api& api, Call call) {
  OrgRecord o;
  Status s = LoadOrg(api, call, &o);
  FormFields q;
  if (s.ok()) s = ReadForm(call, /*with_query=*/true, &q);
  if (!s.ok()) return call.Fail(s);
  uint64_t page = 1, per_page = 25;
  PageOf(q, &page, &per_page);
  json list = json::array();
  uint64_t total = 0, seen = 0;
  const uint64_t skip = (page - 1) * per_page;
  ProjectReader::PageOptions cursor{"", 1000};
  for (;;) {
    ProjectReader::Page<ProjectRecord> projects;
    s = api.views().ListProjects(o.id, {}, cursor, &projects, &total);
    if (!s.ok()) return call.Fail(s);
    for (const ProjectRecord& p : projects.items) {
      if (seen++ < skip || list.size() >= per_page) continue;
      const std::string creator = AccountOfActor(api.views(), p.created_by);
      std::string by;
      AccountRecord a;
      if (!creator.empty() && api.views().FindAccount(creator, &a).ok()) by = VirtualId(a.id);
      list.push_back(json{{"id", p.id},
                          {"workspace_id", o.id},
                          {"uuid", p.id},
                          {"name", p.name},
                          {"creator", by},
                          {"modifier", by},
                          {"created_at", IsoSeconds(p.created_ms)},
                          {"updated_at", IsoSeconds(p.created_ms)},
                          {"rows_count", 0}});
    }
    if (projects.next.empty() || list.size() >= per_page) break;
    cursor.after = projects.next;
  }
  call.reply(Reply(json{{"dtable_list", std::move(list)}, {"count", total}}));
}

// --- sign-in ---------------------------------------------------------------------

// DRF's ObtainAuthToken: form (or JSON) username and password -> {"token"}.
void AuthToken(Api& api, const NativeDeps& deps, Call call) {
  FormFields f;
  Status s = ReadForm(call, /*with_query=*/false, &f);
  if (!s.ok()) return call.Fail(s);
  json missing = json::object();
  for (const char* key : {"username", "password"}) {
    if (f.Get(key).value_or("").empty()) missing[key] = json::array({"This field is required."});
  }
  if (!missing.empty()) return call.reply(Body(400, missing));
  SignInReplies replies;
  replies.signed_in = [](const std::string& token, const std::string&, int64_t) {
    HttpResponse r = Reply(json{{"token", token}});
    r.AddHeader("Cache-Control", "no-store");
    return r;
  };
  replies.wrong = [] {
    return Body(400, json{{"non_field_errors", json::array({"Unable to log in with provided "
                                                            "credentials."})}});
  };
  replies.too_many = [](int64_t retry_after_ms) {
    const int64_t seconds = (retry_after_ms + 999) / 1000;
    HttpResponse r = Body(429, json{{"detail", "Request was throttled. Expected available in " +
                                                   std::to_string(seconds) + " seconds."}});
    r.AddHeader("Retry-After", std::to_string(seconds));
    return r;
  };
  SignInWithPassword(api, deps, std::move(call), *f.Get("username"), *f.Get("password"),
                     std::move(replies));
}

}  // namespace

const Surface& SeatableSurface() {
  static const Surface surface{"seatable", {ParseSeatableCredential}, SeatableError};
  return surface;
}

void RegisterSeatableRoutes(Api& api, const NativeDeps& deps) {
  const Surface* st = &SeatableSurface();
  const NativeDeps* d = &deps;
  const RoutePolicy admin = RoutePolicy::SiteAdmin();
  const std::string orgs = std::string(kAdmin) + "/organizations/";
  const std::string org = orgs + "{org_id}/";
  auto add = [&](const char* method, const std::string& pattern, void (*route)(Api&, Call)) {
    api.Add(st, method, pattern, admin, [&api, route](Call c) { route(api, std::move(c)); });
  };
  auto add_with_deps = [&](const char* method, const std::string& pattern,
                           void (*route)(Api&, const NativeDeps&, Call), RoutePolicy policy) {
    api.Add(st, method, pattern, policy, [&api, d, route](Call c) { route(api, *d, std::move(c)); });
  };
  add("GET", orgs, ListOrgs);
  add_with_deps("POST", orgs, CreateOrgRoute, admin);
  add("GET", std::string(kAdmin) + "/organizations-basic-info/", BasicInfo);
  add("GET", org, GetOrg);
  add("PUT", org, UpdateOrgRoute);
  add("DELETE", org, DeleteOrgRoute);
  add("GET", org + "users/", ListUsers);
  add_with_deps("POST", org + "users/", AddUser, admin);
  add("PUT", org + "users/{user}/", UpdateUser);
  add("DELETE", org + "users/{user}/", DeleteUser);
  add("GET", org + "groups/", ListGroupsRoute);
  add("DELETE", org + "groups/{group_id}/", DeleteOrgGroup);
  add("DELETE", std::string(kAdmin) + "/groups/{group_id}/", DeleteAnyGroup);
  add("GET", org + "dtables/", ListBases);
  add_with_deps("POST", "/api2/auth-token/", AuthToken, RoutePolicy::Public());
}

}  // namespace orgd::http
