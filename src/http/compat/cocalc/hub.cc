// The CoCalc hub API: one POST endpoint, the function chosen by "name", its
// arguments as one object in "args" (system.getNames: a list). Each function
// is a small translation into the commands and read views the native API
// uses; CoCalc's own texts for its errors (compat/cocalc.md §3).
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "common/json_util.h"
#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/commands/credentials/commands.h"
#include "src/commands/members/commands.h"
#include "src/commands/messages/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/commands/projects/commands.h"
#include "src/http/compat/cocalc/cocalc.h"
#include "src/http/native/json_body.h"
#include "src/queries/read_views.h"
#include "src/queries/user_search.h"

namespace orgd::http {
namespace {

using nlohmann::json;

HttpResponse JsonResult(const json& value) {
  HttpResponse r;
  r.body = value.dump(-1, ' ', false, json::error_handler_t::replace);
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

// A failure as CoCalc's hub reports one: status 200, {"error": text}.
HttpResponse Error(std::string text) { return JsonResult(json{{"error", std::move(text)}}); }

HttpResponse ErrorFor(const Status& s) {
  if (s.IsUnauthenticated()) {
    return Error("must be signed in and MUST provide an api key (cookies are not allowed)");
  }
  return Error("Error: " + s.message());
}

// A function's failure with CoCalc's wording (the message after "Error: ").
Status Refused(std::string text) { return Status::InvalidArgument(std::move(text), "cocalc"); }

// One call on its way: the request, its caller and its first argument.
struct HubCall {
  Api& api;
  const NativeDeps& deps;
  Call call;
  json args;  // "args" as sent: a list
  json arg;   // args[0] when an object, else {}

  const Principal& who() const { return call.principal; }
  void Reply(const json& value) { call.reply(JsonResult(value)); }
  void Fail(const Status& s) { call.reply(ErrorFor(s)); }
  // Submits cmd and replies with done(outcome) once it is durable.
  void Submit(Command cmd, std::function<json(const CommandOutcome&)> done = nullptr) {
    api.SubmitCommand(std::move(call), std::move(cmd), [done](const CommandOutcome& o) {
      return JsonResult(done ? done(o) : json(nullptr));
    });
  }
};

using Function = void (*)(HubCall&);

// A string argument, or "" when it is absent or not a string.
std::string Text(const json& arg, const char* key) {
  auto it = arg.find(key);
  return it != arg.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status NeedText(const json& arg, const char* key, std::string* out) {
  *out = Text(arg, key);
  if (out->empty()) return Refused(std::string(key) + " must be a non-empty string");
  return Status::OK();
}

// CoCalc's "org admin or site admin": a site admin, or a member of the org
// whose role may manage its members.
Status AssertAllowed(const HubCall& h, const std::string& org) {
  if (h.who().site_admin) return Status::OK();
  uint64_t org_id = 0;
  bool member = false;
  CapabilitySet caps = 0;
  Status s = h.api.views().MemberCapabilities(org, h.who().account_id, &org_id, &member, &caps);
  const CapabilitySet wanted = CapabilityBit("manage_members");
  if (s.ok() && member && (caps & wanted) == wanted) return Status::OK();
  if (!s.ok() && !s.IsNotFound()) return s;
  return Refused("user must be an admin of the organization or site-admin");
}

Status FindOrg(const HubCall& h, const std::string& name, OrgRecord* out) {
  Status s = h.api.views().FindOrg(name, out);
  if (s.IsNotFound()) return Refused("no org named '" + name + "'");
  return s;
}

// The org's admins (roles owner and admin), from the role index.
Status OrgAdmins(const HubCall& h, uint64_t org_id, std::vector<std::string>* admins) {
  return h.api.views().AccountsWithRoles(org_id, {"owner", "admin"}, admins);
}

json OrgJson(const OrgRecord& o, const std::vector<std::string>& admins, bool full) {
  auto text = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  json j = {{"name", o.name}, {"title", text(o.title)}};
  if (full) {
    j["description"] = text(o.description);
    j["link"] = text(o.link);
    j["email_address"] = text(o.email_address);
  }
  j["admin_account_ids"] = admins;
  return j;
}

// org.get's reply, written by hand (the adapter's hot read): the same bytes
// as OrgJson(o, admins, true).dump(), which it falls back to for text that
// is not valid UTF-8.
std::string OrgReply(const OrgRecord& o, const std::vector<std::string>& admins) {
  std::string out = "{\"admin_account_ids\":[";
  out.reserve(160 + 40 * admins.size());
  bool ok = true;
  for (size_t i = 0; i < admins.size(); ++i) {
    if (i) out.push_back(',');
    ok = AppendJsonString(&out, admins[i]) && ok;
  }
  out.push_back(']');
  // In nlohmann's key order, as OrgJson's dump.
  for (auto [key, text] : {std::pair{"description", &o.description},
                           {"email_address", &o.email_address}, {"link", &o.link},
                           {"name", &o.name}, {"title", &o.title}}) {
    out.append(",\"").append(key).append("\":");
    if (text->empty()) {
      out.append("null");
    } else {
      ok = AppendJsonString(&out, *text) && ok;
    }
  }
  out.push_back('}');
  if (!ok) return OrgJson(o, admins, true).dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

json LastActive(const AccountRecord& a) {
  return a.last_active_ms ? json(FormatIsoMs(a.last_active_ms)) : json(nullptr);
}

// --- system.* -------------------------------------------------------------------

void Ping(HubCall& h) { h.Reply(json{{"now", h.api.Now()}}); }

void Test(HubCall& h) {
  h.Reply(json{{"account_id", h.who().account_id}, {"server_time", h.api.Now()}});
}

void GetNames(HubCall& h) {
  const json& ids = h.args.empty() ? json::array() : h.args[0];
  if (!ids.is_array()) return h.Fail(Refused("getNames takes a list of account ids"));
  json out = json::object();
  for (const json& v : ids) {
    if (!v.is_string() || !IsUuid(v.get<std::string>())) {
      return h.Fail(Refused("invalid input syntax for type uuid"));
    }
    AccountRecord a;
    Status s = h.api.views().FindAccount(v.get<std::string>(), &a);
    if (!s.ok() && !s.IsNotFound()) return h.Fail(s);
    auto name = [](const std::string& n, const char* none) { return n.empty() ? none : n; };
    out[v.get<std::string>()] =
        s.ok() ? json{{"first_name", name(a.first_name, "No")},
                      {"last_name", name(a.last_name, "Name")},
                      {"profile", nullptr}}
               : json{{"first_name", "Deleted"}, {"last_name", "User"}, {"profile", nullptr}};
  }
  h.Reply(out);
}

void UserSearch(HubCall& h) {
  std::string query;
  Status s = NeedText(h.arg, "query", &query);
  if (!s.ok()) return h.Fail(s);
  uint64_t limit = orgd::UserSearch::kDefaultLimit;
  if (auto it = h.arg.find("limit"); it != h.arg.end() && it->is_number_unsigned()) {
    limit = std::max<uint64_t>(1, it->get<uint64_t>());
  }
  std::vector<SearchHit> hits;
  // As CoCalc's client, which never asks as an admin: emails only for an email search.
  s = h.deps.search->Search(query, limit, /*site_admin=*/false, &hits);
  if (!s.ok()) return h.Fail(s);
  json out = json::array();
  for (const SearchHit& hit : hits) {
    const AccountRecord& a = hit.account;
    json j = {{"account_id", a.id},
              {"first_name", a.first_name},
              {"last_name", a.last_name},
              {"name", a.username.empty() ? json(nullptr) : json(a.username)},
              {"last_active", a.last_active_ms ? json(a.last_active_ms) : json(nullptr)},
              {"created", a.created_ms},
              {"email_address_verified", a.email.empty() ? json(nullptr) : json(a.email_verified)}};
    if (hit.email_visible) j["email_address"] = a.email;
    out.push_back(std::move(j));
  }
  h.Reply(out);
}

// --- org.* ----------------------------------------------------------------------

void GetAll(HubCall& h) {
  if (!h.who().site_admin) return h.Fail(Refused("must be a site admin"));
  json out = json::array();
  for (uint64_t after = 0;;) {
    OrgPage page;
    Status s = h.api.views().ListOrgs(after, 0, 100, &page);
    if (!s.ok()) return h.Fail(s);
    for (const std::string& doc : page.orgs) {
      json native = json::parse(doc, nullptr, false);
      OrgRecord o;
      if (!native.is_object() || !native.contains("id")) continue;
      if (!FindOrg(h, std::to_string(native["id"].get<uint64_t>()), &o).ok()) continue;
      std::vector<std::string> admins;
      s = OrgAdmins(h, o.id, &admins);
      if (!s.ok()) return h.Fail(s);
      out.push_back(OrgJson(o, admins, /*full=*/false));
    }
    if (page.next_after == 0) break;
    after = page.next_after;
  }
  h.Reply(out);
}

void Create(HubCall& h) {
  if (!h.who().site_admin) return h.Fail(Refused("only admins may create organizations"));
  CreateOrg c;
  Status s = NeedText(h.arg, "name", &c.name);
  c.uuid = NewUuid();
  if (s.ok()) s = Validate(c);
  OrgRecord taken;
  if (s.ok() && h.api.views().FindOrg(c.name, &taken).ok()) {
    // CoCalc's text; a race with another create gets the writer's own.
    s = Refused("name " + c.name + " is already used by some account or organization");
  }
  if (!s.ok()) return h.Fail(s);
  const std::string uuid = c.uuid;
  h.Submit(Command{{}, std::move(c)}, [uuid](const CommandOutcome&) { return json(uuid); });
}

// The org the "name" argument names, for a call of its admins (or a site admin).
Status LoadOrgForAdmin(const HubCall& h, std::string* name, OrgRecord* o) {
  ORGD_RETURN_IF_ERROR(NeedText(h.arg, "name", name));
  ORGD_RETURN_IF_ERROR(AssertAllowed(h, *name));
  return FindOrg(h, *name, o);
}

void Get(HubCall& h) {
  std::string name;
  OrgRecord o;
  Status s = LoadOrgForAdmin(h, &name, &o);
  std::vector<std::string> admins;
  if (s.ok()) s = OrgAdmins(h, o.id, &admins);
  if (!s.ok()) return h.Fail(s);
  HttpResponse r;
  r.body = OrgReply(o, admins);
  r.AddHeader("Cache-Control", "no-store");
  h.call.reply(std::move(r));
}

void Set(HubCall& h) {
  UpdateOrg c;
  Status s = NeedText(h.arg, "name", &c.org);
  if (s.ok()) s = AssertAllowed(h, c.org);
  for (auto [key, field] : {std::pair{"title", &c.title}, {"description", &c.description},
                            {"email_address", &c.email_address}, {"link", &c.link}}) {
    if (h.arg.contains(key)) *field = Text(h.arg, key);
  }
  if (s.ok() && !c.title && !c.description && !c.email_address && !c.link) {
    s = Refused("nothing to set: give title, description, email_address or link");
  }
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return h.Fail(s);
  h.Submit(Command{{}, std::move(c)});
}

// The account a "user" argument names (an account id or an email).
Status FindUser(const HubCall& h, const std::string& user, const std::string& missing,
                AccountRecord* a) {
  Status s = h.api.views().FindAccount(user, a);
  if (s.IsNotFound()) return Refused(missing);
  return s;
}

void AddUser(HubCall& h) {
  std::string org, user;
  Status s = NeedText(h.arg, "name", &org);
  if (s.ok()) s = NeedText(h.arg, "user", &user);
  AccountRecord a;
  if (s.ok()) s = FindUser(h, user, "cannot find user '" + user + "'", &a);
  if (s.ok() && !h.who().site_admin) {
    s = Refused("only site admins can add/move a user to an org right now");
  }
  if (!s.ok()) return h.Fail(s);
  h.Submit(Command{{}, JoinHomeOrg{org, a.id, std::nullopt, /*exclusive=*/false}});
}

void AddAdmin(HubCall& h) {
  std::string org, user;
  Status s = NeedText(h.arg, "name", &org);
  if (s.ok()) s = NeedText(h.arg, "user", &user);
  AccountRecord a;
  if (s.ok()) s = FindUser(h, user, "no such account '" + user + "'", &a);
  OrgRecord o;
  if (s.ok()) s = FindOrg(h, org, &o);
  if (s.ok() && a.home_org_id != 0 && a.home_org_id != o.id) {
    s = Refused("User '" + user + "' is already member of another organization");
  }
  if (s.ok() && !h.who().site_admin) {
    s = Refused("only site admins can make a user an organization admin right now");
  }
  if (!s.ok()) return h.Fail(s);
  h.Submit(Command{{}, JoinHomeOrg{org, a.id, "admin", /*exclusive=*/true}});
}

bool IsAdminRole(std::string_view role) { return role == "owner" || role == "admin"; }

// What an org admin's call about one user reads: the org, the account the
// "user" argument names, and its entry in the org if it has one.
struct Target {
  std::string org;
  AccountRecord account;
  MemberRecord entry;
  bool listed = false;
};

Status LoadTarget(const HubCall& h, Target* t) {
  std::string user;
  OrgRecord o;
  ORGD_RETURN_IF_ERROR(LoadOrgForAdmin(h, &t->org, &o));
  ORGD_RETURN_IF_ERROR(NeedText(h.arg, "user", &user));
  ORGD_RETURN_IF_ERROR(FindUser(h, user, "cannot find user", &t->account));
  Status listed = h.api.views().FindMember(o.id, t->account.id, &t->entry);
  t->listed = listed.ok() && t->entry.member;
  return listed.IsNotFound() ? Status::OK() : listed;
}

void RemoveAdmin(HubCall& h) {
  Target t;
  Status s = LoadTarget(h, &t);
  if (!s.ok()) return h.Fail(s);
  if (!t.listed || !IsAdminRole(t.entry.role)) return h.Reply(nullptr);
  PutMember demote;  // stays a member, as in CoCalc
  demote.org = t.org;
  demote.account = t.account.id;
  demote.role = "member";
  h.Submit(Command{{}, std::move(demote)});
}

void RemoveUser(HubCall& h) {
  Target t;
  Status s = LoadTarget(h, &t);
  if (s.ok() && t.listed && IsAdminRole(t.entry.role)) {
    s = Refused("admin cannot be removed from org; first remove them from being an admin");
  }
  if (!s.ok()) return h.Fail(s);
  if (!t.listed) return h.Reply(nullptr);  // not in the org: nothing to do, as in CoCalc
  h.Submit(Command{{}, RemoveMember{t.org, t.account.id}});
}

void GetUsers(HubCall& h) {
  std::string org;
  OrgRecord o;
  Status s = LoadOrgForAdmin(h, &org, &o);
  // CoCalc's users of an org: the members at home there (accounts.org).
  std::vector<MemberRecord> users;
  if (s.ok()) {
    s = h.api.views().ForEachMember(o.id, [&](const MemberRecord& m) {
      if (!m.external()) users.push_back(m);
      return Status::OK();
    });
  }
  if (!s.ok()) return h.Fail(s);
  json out = json::array();
  for (const MemberRecord& m : users) {
    AccountRecord a;
    Status found = h.api.views().FindAccount(m.account_id, &a);
    if (!found.ok()) continue;
    out.push_back(json{{"first_name", a.first_name},
                       {"last_name", a.last_name},
                       {"account_id", a.id},
                       {"email_address", a.email.empty() ? json(nullptr) : json(a.email)},
                       {"last_active", LastActive(a)}});
  }
  h.Reply(out);
}

// Submits the account, and first (for a site admin naming an org that does
// not exist yet, as CoCalc allows) the org: the writer decides commands in
// the order they come, so the account sees its org.
void SubmitUser(Api& api, bool new_org, Call call, CreateOrgAccount c) {
  const std::string id = c.account.account_id;
  if (new_org) {
    CreateOrg org;
    org.uuid = NewUuid();
    org.name = c.org;
    Status v = Validate(org);
    if (!v.ok()) return call.reply(ErrorFor(v));
    Call first = call;
    first.reply = [](HttpResponse) {};  // the account's outcome is the answer
    api.SubmitCommand(std::move(first), Command{{}, std::move(org)},
                      [](const CommandOutcome&) { return HttpResponse{}; });
  }
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)},
                    [id](const CommandOutcome&) { return JsonResult(json(id)); });
}

void CreateUser(HubCall& h) {
  CreateOrgAccount c;
  const std::string password = Text(h.arg, "password");
  Status s = NeedText(h.arg, "name", &c.org);
  if (s.ok()) s = NeedText(h.arg, "email", &c.account.email);
  OrgRecord existing;
  const bool new_org =
      s.ok() && h.who().site_admin && h.api.views().FindOrg(c.org, &existing).IsNotFound();
  if (s.ok() && !new_org) s = AssertAllowed(h, c.org);
  c.account.account_id = NewUuid();
  c.account.first_name = Text(h.arg, "firstName");
  c.account.last_name = Text(h.arg, "lastName");
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return h.Fail(s);
  if (password.empty()) return SubmitUser(h.api, new_org, std::move(h.call), std::move(c));
  HashThen(h.deps, std::move(h.call), {password},
           [&api = h.api, new_org, c](Call call, std::vector<std::string> hashes) mutable {
             c.account.password_hash = std::move(hashes[0]);
             SubmitUser(api, new_org, std::move(call), std::move(c));
           });
}

void CreateToken(HubCall& h) {
  std::string user;
  Status s = NeedText(h.arg, "user", &user);
  AccountRecord a;
  if (s.ok()) s = FindUser(h, user, "user is not in an org", &a);
  if (s.ok() && a.home_org_id == 0) s = Refused("user is not in an org");
  if (s.ok()) s = AssertAllowed(h, std::to_string(a.home_org_id));
  if (!s.ok()) return h.Fail(s);
  IssueAccessToken t;
  t.expires_ms = h.api.Now() + h.deps.auth.access_token_ttl_ms;
  if (auto it = h.arg.find("expire"); it != h.arg.end() && it->is_number_unsigned()) {
    t.expires_ms = static_cast<int64_t>(it->get<uint64_t>());
  }
  const std::string token = RandomBase62(24);  // as CoCalc's auth tokens
  t.token_id = RandomBase62(16);
  t.token_sha256 = ToHex(Sha256Of(token));
  t.account_id = a.id;
  const std::string url = h.deps.auth.public_url + "/auth/impersonate?auth_token=" + token;
  h.Submit(Command{{}, std::move(t)}, [token, url](const CommandOutcome& o) {
    // The token is never stored: a replay cannot show it.
    return o.replayed ? json{{"token", nullptr}, {"url", nullptr}}
                      : json{{"token", token}, {"url", url}};
  });
}

void ExpireToken(HubCall& h) {
  std::string token;
  Status s = NeedText(h.arg, "token", &token);
  if (!s.ok()) return h.Fail(s);
  Credential c;
  s = h.api.views().FindCredential(ToHex(Sha256Of(token)), &c);
  if (s.IsNotFound() || (s.ok() && c.kind != kKindAccessToken)) return h.Reply(nullptr);
  if (!s.ok()) return h.Fail(s);
  h.Submit(Command{{}, RevokeApiKey{c.key_id}});
}

void Message(HubCall& h) {
  SendOrgMessage c;
  Status s = NeedText(h.arg, "name", &c.org);
  if (s.ok()) s = AssertAllowed(h, c.org);
  c.subject = Text(h.arg, "subject");
  c.body = Text(h.arg, "body");
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return h.Fail(s);
  h.Submit(Command{{}, std::move(c)});
}

// --- projects.*, messages.* ------------------------------------------------------

// CoCalc's projects belong to no org; orgd's do: the caller's home org holds
// the ones made through this surface.
Status HomeOrgOf(const HubCall& h, uint64_t* org_id) {
  AccountRecord a;
  Status s = h.api.views().FindAccount(h.who().account_id, &a);
  if (s.IsNotFound() || (s.ok() && a.home_org_id == 0)) {
    return Refused("projects live in an org here: the account needs a home org (org.addUser)");
  }
  *org_id = a.home_org_id;
  return s;
}

void CreateProjectFn(HubCall& h) {
  CreateProject c;
  uint64_t org_id = 0;
  Status s = HomeOrgOf(h, &org_id);
  c.org = std::to_string(org_id);
  c.project_id = NewUuid();
  c.name = Text(h.arg, "title");
  if (c.name.empty()) c.name = "Untitled project";
  c.description = Text(h.arg, "description");
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return h.Fail(s);
  const std::string id = c.project_id;
  h.Submit(Command{{}, std::move(c)}, [id](const CommandOutcome&) { return json(id); });
}

// Nothing to run here: a project that exists "starts" at once.
void StartProject(HubCall& h) {
  std::string id;
  uint64_t org_id = 0;
  Status s = NeedText(h.arg, "project_id", &id);
  if (s.ok()) s = HomeOrgOf(h, &org_id);
  ProjectRecord p;
  if (s.ok()) s = h.api.views().FindProject(org_id, id, &p);
  if (s.IsNotFound()) s = Refused("no project '" + id + "'");
  if (!s.ok()) return h.Fail(s);
  h.Reply(nullptr);
}

void SendMessage(HubCall& h) {
  SendDirectMessage c;
  c.subject = Text(h.arg, "subject");
  c.body = Text(h.arg, "body");
  Status s;
  if (auto to = h.arg.find("to_ids"); to != h.arg.end()) {
    s = ReadStringList("to_ids", *to, 1000, &c.to);
  }
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return h.Fail(s);
  h.Submit(Command{{}, std::move(c)}, [](const CommandOutcome& o) {
    return json(std::stoull(o.result.id));  // CoCalc's message ids are integers
  });
}

void GetMessages(HubCall& h) {
  InboxReader::ListOptions o;
  const std::string type = Text(h.arg, "type");
  if (type == "sent") o.box = InboxReader::Box::kSent;
  if (type == "new") o.box = InboxReader::Box::kUnread;
  if (auto it = h.arg.find("limit"); it != h.arg.end() && it->is_number_unsigned()) {
    o.limit = std::clamp<uint64_t>(it->get<uint64_t>(), 1, 1000);
  }
  InboxReader::Page page;
  uint64_t unread = 0;
  Status s = h.api.views().ListInbox(h.who().account_id, o, &page, &unread);
  if (!s.ok()) return h.Fail(s);
  json out = json::array();
  for (const std::string& e : page.entries) out.push_back(json::parse(e, nullptr, false));
  h.Reply(out);
}

const std::map<std::string, Function, std::less<>>& HubFunctions() {
  static const std::map<std::string, Function, std::less<>> functions = {
      {"system.ping", Ping},          {"system.test", Test},
      {"system.getNames", GetNames},  {"system.userSearch", UserSearch},
      {"org.getAll", GetAll},         {"org.create", Create},
      {"org.get", Get},               {"org.set", Set},
      {"org.addUser", AddUser},       {"org.addAdmin", AddAdmin},
      {"org.removeUser", RemoveUser}, {"org.removeAdmin", RemoveAdmin},
      {"org.getUsers", GetUsers},     {"org.createUser", CreateUser},
      {"org.createToken", CreateToken}, {"org.expireToken", ExpireToken},
      {"org.message", Message},
      {"projects.createProject", CreateProjectFn}, {"projects.start", StartProject},
      {"messages.send", SendMessage}, {"messages.get", GetMessages},
  };
  return functions;
}

// Parses {"name", "args", ...}; the function's name, or an error reply.
Status ParseCall(const HttpRequest& req, std::string* name, json* args) {
  json j = json::parse(req.body, nullptr, false);
  if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) {
    return Refused("the body must be {\"name\": \"group.function\", \"args\": [...]}");
  }
  *name = j["name"].get<std::string>();
  *args = j.value("args", json::array());
  if (!args->is_array()) return Refused("args must be a list");
  return Status::OK();
}

void Dispatch(Api& api, const NativeDeps& deps, Call call, bool project_endpoint) {
  std::string name;
  json args;
  Status s = ParseCall(call.req, &name, &args);
  if (!s.ok()) return call.reply(ErrorFor(s));
  Function f = nullptr;
  if (project_endpoint) {
    if (name == "system.ping") f = Ping;
    if (name == "system.test") f = Test;
  } else {
    if (!call.principal.project_id.empty()) {
      return call.reply(Error("project-scoped API keys cannot call the hub; use /api/conat/project"));
    }
    auto it = HubFunctions().find(name);
    if (it != HubFunctions().end()) f = it->second;
  }
  if (f == nullptr) return call.reply(Error("Error: unknown function '" + name + "'"));
  json arg = !args.empty() && args[0].is_object() ? args[0] : json::object();
  HubCall h{api, deps, std::move(call), std::move(args), std::move(arg)};
  f(h);
}

}  // namespace

const Surface& CocalcSurface() {
  static const Surface surface{"cocalc", {ParseAuthorizationCredential}, ErrorFor};
  return surface;
}

void RegisterCocalcRoutes(Api& api, const NativeDeps& deps) {
  const Surface* cocalc = &CocalcSurface();
  const NativeDeps* d = &deps;
  api.Add(cocalc, "POST", "/api/conat/hub", RoutePolicy::AnyCredential(),
          [&api, d](Call c) { Dispatch(api, *d, std::move(c), /*project_endpoint=*/false); });
  api.Add(cocalc, "POST", "/api/conat/project", RoutePolicy::AnyCredential(),
          [&api, d](Call c) { Dispatch(api, *d, std::move(c), /*project_endpoint=*/true); });
}

}  // namespace orgd::http
