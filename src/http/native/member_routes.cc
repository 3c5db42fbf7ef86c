// Members of an org and what they may do: /api/v1/orgs/{org}/members,
// /roles, /departments, /members/{account}/capabilities, /api/v1/check,
// /api/v1/memberships:batch and /api/v1/accounts/{id}/orgs.
//
// Who may is decided twice on purpose: each route's policy turns outsiders
// away early (404) and the command's decision rules on the rest against the
// writer's state (capabilities, ranks, the last owner): docs/permissions.md.
#include <nlohmann/json.hpp>

#include <charconv>

#include "common/random.h"
#include "src/commands/members/commands.h"
#include "src/http/core/errors.h"
#include "src/http/native/json_body.h"
#include "src/http/native/native.h"
#include "src/queries/read_views.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr size_t kDefaultMembersPage = 100;
constexpr size_t kMaxMembersPage = 1000;
constexpr size_t kMaxChecks = 1000;

HttpResponse JsonReply(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// The org in path parameter i and the caller's place in it (the route's
// policy already turned outsiders away).
Status CallerAccess(const Api& api, const Call& call, size_t i, OrgAccess* out) {
  return api.views().FindOrgAccess(call.params[i], call.principal.account_id, out);
}

bool CallerCan(const Call& call, const OrgAccess& access, std::string_view capability) {
  return call.principal.site_admin || access.Can(CapabilityBit(capability));
}

// ------------------------------------------------------------------ roles

json RoleObject(const RoleDef& r) { return json::parse(RoleJson(r)); }

void ListRolesRoute(const Api& api, Call call) {
  OrgAccess access;
  std::vector<RoleDef> custom;
  Status s = CallerAccess(api, call, 0, &access);
  if (s.ok()) s = api.views().ListCustomRoles(access.org.id, &custom);
  if (!s.ok()) return call.Fail(s);
  json roles = json::array();
  for (const auto& r : BuiltinRoles()) roles.push_back(RoleObject(r));
  for (const auto& r : custom) roles.push_back(RoleObject(r));
  call.reply(JsonReply(200, DumpJson(json{{"roles", roles}})));
}

void GetRoleRoute(const Api& api, Call call) {
  OrgAccess access;
  RoleDef role;
  Status s = CallerAccess(api, call, 0, &access);
  if (s.ok()) s = api.views().FindRole(access.org.id, call.params[1], &role);
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(200, RoleJson(role)));
}

void PutRoleRoute(Api& api, Call call) {
  json j;
  DefineRole c;
  c.org = call.params[0];
  c.name = call.params[1];
  Status s = ParseBodyObject(call.req.body, &j);
  bool has_caps = false, has_rank = false;
  for (auto it = j.begin(); s.ok() && it != j.end(); ++it) {
    if (it.key() == "capabilities") {
      s = ReadStringList(it.key(), *it, AllCapabilities().size(), &c.capabilities);
      has_caps = true;
    } else if (it.key() == "rank") {
      s = ReadUnsigned(it.key(), *it, &c.rank);
      has_rank = true;
    } else if (it.key() != "name") {
      s = UnknownFieldError(it.key(), "capabilities, rank");
    }
  }
  if (s.ok() && (!has_caps || !has_rank)) {
    s = Status::InvalidArgument("'capabilities' and 'rank' are required", "missing_field");
  }
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteRoleRoute(Api& api, Call call) {
  RemoveRole c{call.params[0], call.params[1]};
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// ------------------------------------------------------------------ departments

// The department fields of a body: default_role, content_permission,
// members_permission (null: none).
Status DecodeDepartmentFields(const json& j, bool allow_name, std::string* name,
                              std::optional<std::string>* role,
                              std::optional<std::string>* content,
                              std::optional<std::string>* members) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::optional<std::string>* field = nullptr;
    if (it.key() == "default_role") field = role;
    if (it.key() == "content_permission") field = content;
    if (it.key() == "members_permission") field = members;
    if (it.key() == "name" && allow_name) {
      ORGD_RETURN_IF_ERROR(ReadString(it.key(), *it, name));
      continue;
    }
    if (field == nullptr) {
      return UnknownFieldError(it.key(), allow_name
                                             ? "name, default_role, content_permission, "
                                               "members_permission"
                                             : "default_role, content_permission, "
                                               "members_permission");
    }
    field->emplace();
    ORGD_RETURN_IF_ERROR(ReadStringOrNull(it.key(), *it, &**field));
  }
  return Status::OK();
}

void CreateDepartmentRoute(Api& api, Call call) {
  json j;
  CreateDepartment c;
  c.org = call.params[0];
  std::optional<std::string> role, content, members;
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok()) s = DecodeDepartmentFields(j, true, &c.name, &role, &content, &members);
  if (s.ok() && c.name.empty()) s = Status::InvalidArgument("'name' is required", "missing_field");
  c.default_role = role.value_or("");
  c.content_permission = content.value_or("");
  c.members_permission = members.value_or("");
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void UpdateDepartmentRoute(Api& api, Call call) {
  json j;
  UpdateDepartment c;
  c.org = call.params[0];
  c.name = call.params[1];
  std::string ignored;
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok()) {
    s = DecodeDepartmentFields(j, false, &ignored, &c.default_role, &c.content_permission,
                               &c.members_permission);
  }
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteDepartmentRoute(Api& api, Call call) {
  DeleteDepartment c{call.params[0], call.params[1]};
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void ListDepartmentsRoute(const Api& api, Call call) {
  OrgAccess access;
  std::vector<DepartmentRecord> departments;
  Status s = CallerAccess(api, call, 0, &access);
  if (s.ok()) s = api.views().ListDepartments(access.org.id, &departments);
  if (!s.ok()) return call.Fail(s);
  std::string body = "{\"departments\":[";
  for (size_t i = 0; i < departments.size(); ++i) {
    if (i) body += ',';
    body += DepartmentJson(departments[i]);
  }
  body += "]}";
  call.reply(JsonReply(200, std::move(body)));
}

void GetDepartmentRoute(const Api& api, Call call) {
  OrgAccess access;
  DepartmentRecord d;
  Status s = CallerAccess(api, call, 0, &access);
  if (s.ok()) s = api.views().FindDepartment(access.org.id, call.params[1], &d);
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(200, DepartmentJson(d)));
}

// ------------------------------------------------------------------ members

Status DecodeMemberFields(const json& j, std::optional<std::string>* role,
                          std::optional<std::string>* content, std::optional<std::string>* members,
                          std::optional<std::string>* department, bool* notify) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    std::optional<std::string>* field = nullptr;
    if (it.key() == "role") field = role;
    if (it.key() == "content_permission") field = content;
    if (it.key() == "members_permission" && members) field = members;
    if (it.key() == "department") field = department;
    if (it.key() == "notify") {
      ORGD_RETURN_IF_ERROR(ReadBool(it.key(), *it, notify));
      continue;
    }
    if (field == nullptr) continue;  // the caller checks for unknown fields
    field->emplace();
    if (field == department) {
      ORGD_RETURN_IF_ERROR(ReadStringOrNull(it.key(), *it, &**field));
    } else {
      ORGD_RETURN_IF_ERROR(ReadString(it.key(), *it, &**field));
    }
  }
  return Status::OK();
}

void PutMemberRoute(Api& api, Call call) {
  json j = json::object();
  PutMember c;
  c.org = call.params[0];
  c.account = call.params[1];
  Status s = call.req.body.empty() ? Status::OK() : ParseBodyObject(call.req.body, &j);
  for (auto it = j.begin(); s.ok() && it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "role" && k != "content_permission" && k != "members_permission" &&
        k != "department" && k != "notify") {
      s = UnknownFieldError(k, "role, content_permission, members_permission, department, notify");
    }
  }
  if (s.ok()) {
    s = DecodeMemberFields(j, &c.role, &c.content_permission, &c.members_permission,
                           &c.department, &c.notify);
  }
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteMemberRoute(Api& api, Call call) {
  RemoveMember c{call.params[0], call.params[1]};
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// GET /orgs/{org}/members?role=&department=&limit=&after=
void ListMembersRoute(const Api& api, Call call) {
  const std::string_view q = call.req.Query();
  MemberReader::ListOptions o;
  Status s = LimitParam(q, "limit", kDefaultMembersPage, kMaxMembersPage, &o.limit);
  if (s.ok()) s = TextParam(q, "role", &o.role);
  if (s.ok()) s = TextParam(q, "department", &o.department);
  if (s.ok()) s = TextParam(q, "after", &o.after);
  if (s.ok() && o.after.size() > 64) {
    s = Status::InvalidArgument("after must be the 'next' of a previous page", "bad_cursor");
  }
  uint64_t org_id = 0;
  bool member = false;
  CapabilitySet caps = 0;
  if (s.ok()) {
    s = api.views().MemberCapabilities(call.params[0], call.principal.account_id, &org_id, &member,
                                       &caps);
  }
  if (!s.ok()) return call.Fail(s);
  o.with_email = call.principal.site_admin || (member && (caps & CapabilityBit("view_emails")));
  HttpResponse r;
  r.body.reserve(o.limit * 360 + 64);
  r.body = "{\"members\":[";
  size_t count = 0;
  uint64_t total = 0;
  std::string next;
  s = api.views().ListMembersInto(org_id, o, &r.body, &count, &next, &total);
  if (!s.ok()) return call.Fail(s);
  r.body += "],\"limit\":" + std::to_string(o.limit);
  // The count is of the whole list; a filtered page shows none.
  if (o.role.empty() && o.department.empty()) r.body += ",\"total\":" + std::to_string(total);
  r.body += ",\"next\":" + (next.empty() ? std::string("null") : json(next).dump()) + "}";
  call.reply(std::move(r));
}

void GetMemberRoute(const Api& api, Call call) {
  OrgAccess access;
  AccountRecord a;
  MemberRecord m;
  Status s = CallerAccess(api, call, 0, &access);
  if (s.ok()) s = api.views().FindAccount(call.params[1], &a);
  if (s.ok()) s = api.views().FindMember(access.org.id, a.id, &m);
  if (s.IsNotFound()) {
    s = Status::NotFound("no member '" + call.params[1] + "' in org '" + access.org.name + "'",
                         "not_a_member");
  }
  if (!s.ok()) return call.Fail(s);
  const bool self = a.id == call.principal.account_id;
  call.reply(JsonReply(200, MemberJson(m, self || CallerCan(call, access, "view_emails"))));
}

// The capabilities of account in the org: {org, account, role, rank, capabilities}.
Status CapabilitiesOf(const Api& api, std::string_view org, std::string_view account,
                      json* out) {
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(api.views().FindAccount(account, &a));
  OrgAccess target;
  ORGD_RETURN_IF_ERROR(api.views().FindOrgAccess(org, a.id, &target));
  *out = json{{"org_id", target.org.id},
              {"account_id", a.id},
              {"member", target.member},
              {"role", target.listed ? json(target.entry.role) : json(nullptr)},
              {"rank", target.member ? target.role.rank : 0},
              {"capabilities", target.member ? CapabilityNames(target.role.capabilities)
                                             : std::vector<std::string>()}};
  return Status::OK();
}

// Whether the caller may ask about other accounts of this org: from the
// members model alone (neither the org's record nor the caller's is read).
Status MayCheckOthers(const Api& api, const Call& call, std::string_view org) {
  if (call.principal.site_admin) return Status::OK();
  uint64_t org_id = 0;
  bool member = false;
  CapabilitySet caps = 0;
  ORGD_RETURN_IF_ERROR(
      api.views().MemberCapabilities(org, call.principal.account_id, &org_id, &member, &caps));
  if (!member) return Status::NotFound("no org '" + std::string(org) + "'", "unknown_org");
  const CapabilitySet wanted = CapabilityBit("check_permissions");
  if ((caps & wanted) == wanted) return Status::OK();
  return Status::Forbidden("only your own capabilities, unless your role has check_permissions",
                           "missing_capability");
}

// The account id of ref (an id or an email); empty when no live account has
// it. An id is taken as it is: the members model lists no deleted account.
Status AccountIdOf(const Api& api, std::string_view ref, std::string* id) {
  id->clear();
  if (IsUuid(ref)) {
    *id = LowerAscii(ref);
    return Status::OK();
  }
  AccountRecord a;
  Status s = api.views().FindAccount(ref, &a);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  *id = std::move(a.id);
  return Status::OK();
}

bool IsSelf(const Api& api, const Call& call, std::string_view account) {
  if (call.principal.account_id.empty()) return false;
  if (account == call.principal.account_id) return true;
  if (IsUuid(account)) return LowerAscii(account) == call.principal.account_id;
  AccountRecord a;
  return api.views().FindAccount(account, &a).ok() && a.id == call.principal.account_id;
}

void CapabilitiesRoute(const Api& api, Call call) {
  Status s = IsSelf(api, call, call.params[1]) ? Status::OK()
                                                : MayCheckOthers(api, call, call.params[0]);
  json out;
  if (s.ok()) s = CapabilitiesOf(api, call.params[0], call.params[1], &out);
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(200, DumpJson(out)));
}

// POST /api/v1/check {checks: [{account, org, capability}, ...]} -> {results: [bool, ...]}
void CheckRoute(const Api& api, Call call) {
  json j;
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok() && (j.size() != 1 || !j.contains("checks") || !j["checks"].is_array() ||
                 j["checks"].empty() || j["checks"].size() > kMaxChecks)) {
    s = Status::InvalidArgument("the body must be {\"checks\": [{account, org, capability}, ...]}"
                                " with 1 to " + std::to_string(kMaxChecks) + " checks",
                                "bad_body");
  }
  if (!s.ok()) return call.Fail(s);
  std::string body = "{\"results\":[";
  const json& checks = j["checks"];
  for (size_t i = 0; i < checks.size(); ++i) {
    const json& c = checks[i];
    const std::string where = "checks[" + std::to_string(i) + "]: ";
    std::string account, org, capability;
    s = c.is_object() && c.size() == 3 ? Status::OK()
                                       : Status::InvalidArgument(
                                             "a check is {account, org, capability}", "bad_body");
    if (s.ok() && c.contains("account")) s = ReadString("account", c["account"], &account);
    if (s.ok() && c.contains("org")) {
      if (c["org"].is_number_unsigned()) {
        org = std::to_string(c["org"].get<uint64_t>());
      } else {
        s = ReadString("org", c["org"], &org);
      }
    }
    if (s.ok() && c.contains("capability")) s = ReadString("capability", c["capability"], &capability);
    if (s.ok() && (account.empty() || org.empty() || capability.empty())) {
      s = Status::InvalidArgument("a check is {account, org, capability}", "bad_body");
    }
    const CapabilitySet bit = CapabilityBit(capability);
    if (s.ok() && bit == 0) {
      s = Status::InvalidArgument("unknown capability '" + capability + "'", "unknown_capability");
    }
    if (s.ok() && !IsSelf(api, call, account)) s = MayCheckOthers(api, call, org);
    bool allowed = false;
    std::string account_id;
    if (s.ok()) s = AccountIdOf(api, account, &account_id);
    if (s.ok() && !account_id.empty()) {
      uint64_t org_id = 0;
      bool member = false;
      CapabilitySet caps = 0;
      Status found = api.views().MemberCapabilities(org, account_id, &org_id, &member, &caps);
      if (found.ok()) {
        allowed = member && (caps & bit) == bit;
      } else if (!found.IsNotFound()) {
        s = found;
      }
    }
    if (!s.ok()) return call.Fail(s.Prefixed(where));
    if (i) body += ',';
    body += allowed ? "true" : "false";
  }
  body += "]}";
  call.reply(JsonReply(200, std::move(body)));
}

// POST /api/v1/memberships:batch {orgs, users, role?, content_permission?, department?, notify?}
void BatchRoute(Api& api, Call call) {
  json j;
  BatchMemberships c;
  Status s = ParseBodyObject(call.req.body, &j);
  const size_t max = BatchMemberships::kMaxPairs;
  for (auto it = j.begin(); s.ok() && it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "orgs" || k == "users") {
      std::vector<std::string>* list = k == "orgs" ? &c.orgs : &c.users;
      if (it->is_array()) {
        for (auto& v : *it) {  // org ids may come as numbers
          if (k == "orgs" && v.is_number_unsigned()) v = std::to_string(v.get<uint64_t>());
        }
      }
      s = ReadStringList(k, *it, max, list);
    } else if (k != "role" && k != "content_permission" && k != "department" && k != "notify") {
      s = UnknownFieldError(k, "orgs, users, role, content_permission, department, notify");
    }
  }
  if (s.ok()) {
    s = DecodeMemberFields(j, &c.role, &c.content_permission, nullptr, &c.department, &c.notify);
  }
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// GET /api/v1/accounts/{account}/orgs?limit=&after=
void AccountOrgsRoute(const Api& api, Call call) {
  const std::string_view q = call.req.Query();
  size_t limit = 0;
  std::string after_text;
  uint64_t after = 0;
  Status s = LimitParam(q, "limit", kDefaultMembersPage, kMaxMembersPage, &limit);
  if (s.ok()) s = TextParam(q, "after", &after_text);
  if (s.ok() && !after_text.empty()) {
    auto [end, ec] = std::from_chars(after_text.data(), after_text.data() + after_text.size(), after);
    if (ec != std::errc() || end != after_text.data() + after_text.size()) {
      s = Status::InvalidArgument("after must be the 'next' of a previous page", "bad_cursor");
    }
  }
  AccountRecord a;
  if (s.ok()) s = api.views().FindAccount(call.params[0], &a);
  if (s.ok() && !call.principal.site_admin && a.id != call.principal.account_id) {
    s = Status::NotFound("no account '" + call.params[0] + "'", "unknown_account");
  }
  MemberReader::OrgsPage page;
  uint64_t total = 0;
  if (s.ok()) s = api.views().ListAccountOrgs(a.id, after, limit, &page, &total);
  if (!s.ok()) return call.Fail(s);
  HttpResponse r;
  r.body = "{\"orgs\":[";
  for (size_t i = 0; i < page.entries.size(); ++i) {
    if (i) r.body += ',';
    r.body += page.entries[i];
  }
  r.body += "],\"limit\":" + std::to_string(limit) + ",\"total\":" + std::to_string(total) +
            ",\"next\":" + (page.next ? "\"" + std::to_string(page.next) + "\"" : "null") + "}";
  call.reply(std::move(r));
}

// GET /api/v1/orgs/{org}/usage: each counter beside its quota (null: unlimited).
void UsageRoute(const Api& api, Call call) {
  OrgAccess access;
  uint64_t members = 0;
  Status s = CallerAccess(api, call, 0, &access);
  if (s.ok()) s = api.views().CountMembers(access.org.id, &members);
  if (!s.ok()) return call.Fail(s);
  const OrgRecord& o = access.org;
  auto pair = [](uint64_t used, uint64_t quota) {
    return json{{"used", used}, {"quota", quota ? json(quota) : json(nullptr)}};
  };
  json body = {{"org_id", o.id},
               {"members", pair(members, o.max_members)},
               {"rows", pair(o.usage_rows, o.row_limit)},
               {"storage", pair(o.usage_storage, o.storage_quota)},
               {"assets_mb", pair(o.usage_assets_mb, o.asset_quota_mb)}};
  call.reply(JsonReply(200, DumpJson(body)));
}

}  // namespace

void RegisterMemberRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  using P = RoutePolicy;
  const std::string org = "/api/v1/orgs/{org}";
  api.Add(native, "GET", org + "/usage", P::OrgCapability("view_org"),
          [&api](Call c) { UsageRoute(api, std::move(c)); });
  api.Add(native, "GET", org + "/roles", P::OrgCapability("view_org"),
          [&api](Call c) { ListRolesRoute(api, std::move(c)); });
  api.Add(native, "GET", org + "/roles/{name}", P::OrgCapability("view_org"),
          [&api](Call c) { GetRoleRoute(api, std::move(c)); });
  api.Add(native, "PUT", org + "/roles/{name}", P::OrgCapability("manage_roles"),
          [&api](Call c) { PutRoleRoute(api, std::move(c)); });
  api.Add(native, "DELETE", org + "/roles/{name}", P::OrgCapability("manage_roles"),
          [&api](Call c) { DeleteRoleRoute(api, std::move(c)); });
  api.Add(native, "POST", org + "/departments", P::OrgCapability("manage_departments"),
          [&api](Call c) { CreateDepartmentRoute(api, std::move(c)); });
  api.Add(native, "GET", org + "/departments", P::OrgCapability("view_members"),
          [&api](Call c) { ListDepartmentsRoute(api, std::move(c)); });
  api.Add(native, "GET", org + "/departments/{name}", P::OrgCapability("view_members"),
          [&api](Call c) { GetDepartmentRoute(api, std::move(c)); });
  api.Add(native, "PATCH", org + "/departments/{name}", P::OrgCapability("manage_departments"),
          [&api](Call c) { UpdateDepartmentRoute(api, std::move(c)); });
  api.Add(native, "DELETE", org + "/departments/{name}", P::OrgCapability("manage_departments"),
          [&api](Call c) { DeleteDepartmentRoute(api, std::move(c)); });
  api.Add(native, "GET", org + "/members", P::OrgCapability("view_members"),
          [&api](Call c) { ListMembersRoute(api, std::move(c)); });
  api.Add(native, "GET", org + "/members/{account}", P::OrgCapability("view_members"),
          [&api](Call c) { GetMemberRoute(api, std::move(c)); });
  api.Add(native, "PUT", org + "/members/{account}", P::OrgCapability("manage_members"),
          [&api](Call c) { PutMemberRoute(api, std::move(c)); });
  // Any member may leave; removing someone else takes manage_members (the decision says).
  api.Add(native, "DELETE", org + "/members/{account}", P::OrgCapability("view_org"),
          [&api](Call c) { DeleteMemberRoute(api, std::move(c)); });
  api.Add(native, "GET", org + "/members/{account}/capabilities", P::OrgCapability("view_org"),
          [&api](Call c) { CapabilitiesRoute(api, std::move(c)); });
  api.Add(native, "POST", "/api/v1/check", P::AnyCredential(),
          [&api](Call c) { CheckRoute(api, std::move(c)); });
  api.Add(native, "POST", "/api/v1/memberships:batch", P::AnyCredential(),
          [&api](Call c) { BatchRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/accounts/{account}/orgs", P::AnyCredential(),
          [&api](Call c) { AccountOrgsRoute(api, std::move(c)); });
}

}  // namespace orgd::http
