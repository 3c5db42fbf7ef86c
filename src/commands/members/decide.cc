// Decisions about members, roles and departments: against state only (the
// stateless checks are in validate.cc and ran before the command was queued).
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/email.h"
#include "src/commands/members/commands.h"
#include "src/commands/members/standing.h"
#include "src/events/account_events.h"
#include "src/events/member_events.h"

namespace orgd {
namespace {

// What an upsert asks to set; absent fields stay (or get their defaults).
struct MemberChange {
  std::optional<std::string> role;
  std::optional<std::string> content_permission;
  std::optional<std::string> members_permission;
  std::optional<std::string> department;
  bool notify = false;
  std::string via;
};

// What earlier pairs of the same command did to one org (the state does not
// show them yet).
struct Pending {
  uint64_t added = 0;
  uint64_t owners_removed = 0;
};

Status RoleToGive(const MemberReader& members, const Standing& who, const std::string& name,
                  RoleDef* role) {
  if (name == kExternalRole) {
    return Status::InvalidArgument("role 'external' marks project collaborators; it cannot be given",
                                   "unknown_role");
  }
  Status found = members.FindRole(who.org.id, name, role);
  if (found.IsNotFound()) {
    return Status::InvalidArgument("role: no role '" + name + "' in org '" + who.org.name + "'",
                                   "unknown_role");
  }
  ORGD_RETURN_IF_ERROR(found);
  return CheckGrant(who, *role);
}

Status CheckLastOwner(const MemberReader& members, const Standing& who, Pending* p) {
  uint64_t owners = 0;
  ORGD_RETURN_IF_ERROR(members.RoleCount(who.org.id, kOwnerRole, &owners));
  if (owners <= p->owners_removed + 1) {
    return Status::Conflict("org '" + who.org.name + "' would have no owner left", "last_owner");
  }
  ++p->owners_removed;
  return Status::OK();
}

// One upsert of account a into who's org, appended to d.
Status DecideUpsert(const StateView& s, const CommandMeta& m, const Standing& who,
                    const AccountRecord& a, const MemberChange& c, Pending* p, Decision* d,
                    bool* added) {
  ORGD_RETURN_IF_ERROR(Require(who, "manage_members", "add or change members"));
  MemberReader members(s.model(MemberProjection::kName));
  MemberRecord current;
  Status listed = members.Find(who.org.id, a.id, &current);
  if (!listed.ok() && !listed.IsNotFound()) return listed;
  const bool is_member = listed.ok() && current.member;

  std::optional<std::string> role = c.role, content = c.content_permission,
                             mperm = c.members_permission;
  const std::string department = c.department.value_or(is_member ? current.department : "");
  if (!department.empty() && (!is_member || current.department != department)) {
    DepartmentRecord dept;
    Status found = members.FindDepartment(who.org.id, department, &dept);
    if (found.IsNotFound()) {
      return Status::InvalidArgument("department: no department '" + department + "'",
                                     "unknown_department");
    }
    ORGD_RETURN_IF_ERROR(found);
    if (!role && !dept.default_role.empty()) role = dept.default_role;
    if (!content && !dept.content_permission.empty()) content = dept.content_permission;
    if (!mperm && !dept.members_permission.empty()) mperm = dept.members_permission;
  }
  if (is_member) {
    RoleDef held;
    ORGD_RETURN_IF_ERROR(members.FindRole(who.org.id, current.role, &held));
    ORGD_RETURN_IF_ERROR(CheckTarget(who, held, "account " + a.id));
  }
  RoleDef given;
  const std::string role_name = role.value_or(is_member ? current.role : "member");
  if (!is_member || role_name != current.role) {
    ORGD_RETURN_IF_ERROR(RoleToGive(members, who, role_name, &given));
    if (is_member && current.role == kOwnerRole) {
      ORGD_RETURN_IF_ERROR(CheckLastOwner(members, who, p));
    }
  }
  const std::string stream = MembersStream(who.org.id);
  *added = !is_member;
  if (!is_member) {
    uint64_t count = 0;
    ORGD_RETURN_IF_ERROR(members.MemberCount(who.org.id, &count));
    if (who.org.max_members != 0 && count + p->added + 1 > who.org.max_members) {
      return Status::Conflict("org '" + who.org.name + "' is at its max_members quota of " +
                                  std::to_string(who.org.max_members),
                              "quota_exceeded");
    }
    ++p->added;
    MemberAdded e;
    e.org_id = who.org.id;
    e.org_name = who.org.name;
    e.account_id = a.id;
    e.role = role_name;
    e.content_permission = content.value_or("none");
    e.members_permission = mperm.value_or("none");
    e.department = department;
    e.notify = c.notify;
    e.via = c.via;
    e.added_by = m.actor;
    e.first_name = a.first_name;
    e.last_name = a.last_name;
    e.email = a.email;
    e.home_org_id = a.home_org_id;
    d->events.push_back(MakeEvent(stream, e));
    return Status::OK();
  }
  MemberUpdated e;
  e.org_id = who.org.id;
  e.account_id = a.id;
  e.updated_by = m.actor;
  if (role_name != current.role) e.role = role_name;
  if (content && *content != current.content_permission) e.content_permission = content;
  if (mperm && *mperm != current.members_permission) e.members_permission = mperm;
  if (department != current.department) e.department = department;
  if (e.role || e.content_permission || e.members_permission || e.department) {
    d->events.push_back(MakeEvent(stream, e));
  }
  return Status::OK();
}

CommandResult NamedResult(CommandResult::Kind kind, std::string_view entity, uint64_t org,
                          std::string_view name) {
  return CommandResult{kind, std::string(entity), std::to_string(org) + "/" + std::string(name),
                       MembersStream(org), 0, 0, {}};
}

Status LoadDepartment(const StateView& s, const Standing& who, const std::string& name,
                      DepartmentRecord* out) {
  return MemberReader(s.model(MemberProjection::kName)).FindDepartment(who.org.id, name, out);
}

// A department's default role must be one the caller may give.
Status CheckDefaultRole(const StateView& s, const Standing& who, const std::string& role) {
  if (role.empty()) return Status::OK();
  RoleDef def;
  Status s2 = RoleToGive(MemberReader(s.model(MemberProjection::kName)), who, role, &def);
  return s2.IsInvalidArgument() ? s2.Prefixed("default_") : s2;
}

}  // namespace

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DefineRole& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_roles", "define roles"));
  if (FindBuiltinRole(c.name) || c.name == kExternalRole) {
    return Status::Conflict("'" + c.name + "' is a built-in role and cannot be redefined",
                            "builtin_role");
  }
  RoleDef role{c.name, 0, c.rank, false};
  ORGD_RETURN_IF_ERROR(ParseCapabilities(c.capabilities, &role.capabilities));
  ORGD_RETURN_IF_ERROR(CheckGrant(who, role));
  MemberReader members(s.model(MemberProjection::kName));
  RoleDef existing;
  Status found = members.FindRole(who.org.id, c.name, &existing);
  if (found.ok()) ORGD_RETURN_IF_ERROR(CheckGrant(who, existing));
  if (!found.ok() && !found.IsNotFound()) return found;
  RoleDefined e{who.org.id, c.name, CapabilityNames(role.capabilities), c.rank, m.actor};
  Decision d;
  d.events.push_back(MakeEvent(MembersStream(who.org.id), e));
  d.result = NamedResult(found.ok() ? CommandResult::Kind::kChanged : CommandResult::Kind::kCreated,
                         MemberProjection::kRoleEntity, who.org.id, c.name);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveRole& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_roles", "delete roles"));
  if (FindBuiltinRole(c.name)) {
    return Status::Conflict("'" + c.name + "' is a built-in role and cannot be deleted",
                            "builtin_role");
  }
  MemberReader members(s.model(MemberProjection::kName));
  RoleDef role;
  ORGD_RETURN_IF_ERROR(members.FindRole(who.org.id, c.name, &role));
  ORGD_RETURN_IF_ERROR(CheckGrant(who, role));
  uint64_t holders = 0;
  ORGD_RETURN_IF_ERROR(members.RoleCount(who.org.id, c.name, &holders));
  if (holders > 0) {
    return Status::Conflict(std::to_string(holders) + " member(s) hold role '" + c.name + "'",
                            "role_in_use");
  }
  Decision d;
  d.events.push_back(MakeEvent(MembersStream(who.org.id), RoleRemoved{who.org.id, c.name}));
  d.result = NamedResult(CommandResult::Kind::kDeleted, MemberProjection::kRoleEntity, who.org.id,
                         c.name);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateDepartment& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_departments", "create departments"));
  DepartmentRecord existing;
  Status found = LoadDepartment(s, who, c.name, &existing);
  if (found.ok()) {
    return Status::Conflict("department '" + c.name + "' exists", "department_exists");
  }
  if (!found.IsNotFound()) return found;
  ORGD_RETURN_IF_ERROR(CheckDefaultRole(s, who, c.default_role));
  DepartmentCreated e{who.org.id,           c.name,   c.default_role, c.content_permission,
                      c.members_permission, m.actor};
  Decision d;
  d.events.push_back(MakeEvent(MembersStream(who.org.id), e));
  d.result = NamedResult(CommandResult::Kind::kCreated, MemberProjection::kDepartmentEntity,
                         who.org.id, c.name);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateDepartment& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_departments", "change departments"));
  DepartmentRecord existing;
  ORGD_RETURN_IF_ERROR(LoadDepartment(s, who, c.name, &existing));
  if (c.default_role) ORGD_RETURN_IF_ERROR(CheckDefaultRole(s, who, *c.default_role));
  DepartmentUpdated e{who.org.id, c.name, c.default_role, c.content_permission,
                      c.members_permission};
  Decision d;
  d.events.push_back(MakeEvent(MembersStream(who.org.id), e));
  d.result = NamedResult(CommandResult::Kind::kChanged, MemberProjection::kDepartmentEntity,
                         who.org.id, c.name);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteDepartment& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_departments", "delete departments"));
  DepartmentRecord existing;
  ORGD_RETURN_IF_ERROR(LoadDepartment(s, who, c.name, &existing));
  bool any = false;
  ORGD_RETURN_IF_ERROR(
      MemberReader(s.model(MemberProjection::kName)).DepartmentHasMembers(who.org.id, c.name, &any));
  if (any) {
    return Status::Conflict("department '" + c.name + "' has members; move them first",
                            "department_not_empty");
  }
  Decision d;
  d.events.push_back(MakeEvent(MembersStream(who.org.id), DepartmentDeleted{who.org.id, c.name}));
  d.result = NamedResult(CommandResult::Kind::kDeleted, MemberProjection::kDepartmentEntity,
                         who.org.id, c.name);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const PutMember& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(FindAccount(s, c.account, &a));
  MemberChange change{c.role, c.content_permission, c.members_permission, c.department, c.notify,
                      ""};
  Pending pending;
  Decision d;
  bool added = false;
  ORGD_RETURN_IF_ERROR(DecideUpsert(s, m, who, a, change, &pending, &d, &added));
  d.result = MemberResult(added ? CommandResult::Kind::kCreated : CommandResult::Kind::kChanged,
                          who.org.id, a.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveMember& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(FindAccount(s, c.account, &a));
  MemberReader members(s.model(MemberProjection::kName));
  MemberRecord current;
  Status listed = members.Find(who.org.id, a.id, &current);
  if (listed.IsNotFound() || (listed.ok() && !current.member)) {
    return Status::NotFound(a.id + " is not a member of org '" + who.org.name + "'",
                            "not_a_member");
  }
  ORGD_RETURN_IF_ERROR(listed);
  if (a.id != m.account_id) {  // anyone may leave; removing others takes the right
    ORGD_RETURN_IF_ERROR(Require(who, "manage_members", "remove members"));
    RoleDef held;
    ORGD_RETURN_IF_ERROR(members.FindRole(who.org.id, current.role, &held));
    ORGD_RETURN_IF_ERROR(CheckTarget(who, held, "account " + a.id));
  }
  if (current.role == kOwnerRole) {
    Pending pending;
    ORGD_RETURN_IF_ERROR(CheckLastOwner(members, who, &pending));
  }
  Decision d;
  d.events.push_back(
      MakeEvent(MembersStream(who.org.id), MemberRemoved{who.org.id, a.id, m.actor}));
  d.result = MemberResult(CommandResult::Kind::kDeleted, who.org.id, a.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const BatchMemberships& c) {
  std::vector<Standing> orgs(c.orgs.size());
  std::set<uint64_t> seen_orgs;
  for (size_t i = 0; i < c.orgs.size(); ++i) {
    Status st = LoadStanding(s, m, c.orgs[i], &orgs[i]);
    if (!st.ok()) return st.Prefixed("orgs[" + std::to_string(i) + "]: ");
  }
  std::vector<AccountRecord> users;
  std::set<std::string> seen_users;
  for (size_t j = 0; j < c.users.size(); ++j) {
    AccountRecord a;
    Status st = FindAccount(s, c.users[j], &a);
    if (!st.ok()) return st.Prefixed("users[" + std::to_string(j) + "]: ");
    if (seen_users.insert(a.id).second) users.push_back(std::move(a));
  }
  MemberChange change{c.role, c.content_permission, std::nullopt, c.department, c.notify,
                      "batch"};
  Decision d;
  nlohmann::json added = nlohmann::json::array(), changed = nlohmann::json::array();
  for (size_t i = 0; i < orgs.size(); ++i) {
    if (!seen_orgs.insert(orgs[i].org.id).second) continue;
    Pending pending;
    for (const auto& a : users) {
      bool was_added = false;
      Status st = DecideUpsert(s, m, orgs[i], a, change, &pending, &d, &was_added);
      if (!st.ok()) {
        return st.Prefixed("orgs[" + std::to_string(i) + "] (" + orgs[i].org.name + "), user " +
                           a.id + ": ");
      }
      nlohmann::json pair = {{"org_id", orgs[i].org.id}, {"account_id", a.id}};
      (was_added ? added : changed).push_back(std::move(pair));
    }
  }
  // No model keeps a batch: its result lists what it added and changed.
  d.result.kind = added.empty() ? CommandResult::Kind::kChanged : CommandResult::Kind::kCreated;
  d.result.snapshot = nlohmann::json{{"added", added}, {"updated", changed}}.dump();
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrgAccount& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_members", "create accounts in the org"));
  CreateAccount account = c.account;
  account.home_org = std::to_string(who.org.id);
  account.site_admin = false;
  Decision d;
  ORGD_RETURN_IF_ERROR(DecideNewAccount(s, m, account, &d));
  AccountRecord a;
  a.id = account.account_id;
  a.email = NormalizeEmail(account.email);
  a.first_name = account.first_name;
  a.last_name = account.last_name;
  a.home_org_id = who.org.id;
  MemberChange change{c.role, std::nullopt, std::nullopt, std::nullopt, false, "org_account"};
  Pending pending;
  bool added = false;
  ORGD_RETURN_IF_ERROR(DecideUpsert(s, m, who, a, change, &pending, &d, &added));
  d.result = CommandResult{CommandResult::Kind::kCreated,
                           std::string(AccountProjection::kEntity),
                           a.id,
                           AccountStream(a.id),
                           0,
                           0,
                           {}};
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const JoinHomeOrg& c) {
  if (!m.site_admin) {
    return Status::Forbidden("only site admins may move an account to another home org",
                             "site_admin_only");
  }
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(FindAccount(s, c.account, &a));
  if (c.exclusive && a.home_org_id != 0 && a.home_org_id != who.org.id) {
    return Status::Conflict("account '" + c.account + "' is already member of another organization",
                            "member_of_another_org");
  }
  Decision d;
  if (a.home_org_id != who.org.id) {
    AccountUpdated moved;
    moved.account_id = a.id;
    moved.home_org_id = who.org.id;
    moved.home_org = who.org.name;
    d.events.push_back(MakeEvent(AccountStream(a.id), moved));
    d.expected.push_back({AccountStream(a.id), a.version});
    a.home_org_id = who.org.id;
  }
  MemberChange change{c.role, std::nullopt, std::nullopt, std::nullopt, false, "home_org"};
  Pending pending;
  bool added = false;
  ORGD_RETURN_IF_ERROR(DecideUpsert(s, m, who, a, change, &pending, &d, &added));
  d.result = MemberResult(added ? CommandResult::Kind::kCreated : CommandResult::Kind::kChanged,
                          who.org.id, a.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrgWithOwner& c) {
  if (!m.site_admin) {
    return Status::Forbidden("only site admins may create organizations", "site_admin_only");
  }
  Decision d;
  Standing founder;  // a site admin's standing in the org being made
  founder.site_admin = true;
  ORGD_RETURN_IF_ERROR(DecideNewOrg(s, m, c.org, &d, &founder.org));
  const CommandResult org_result = d.result;
  CreateAccount account = c.owner;
  account.site_admin = false;
  ORGD_RETURN_IF_ERROR(DecideNewAccount(s, m, account, &d, &founder.org));
  AccountRecord a;
  a.id = account.account_id;
  a.email = NormalizeEmail(account.email);
  a.first_name = account.first_name;
  a.last_name = account.last_name;
  a.home_org_id = founder.org.id;
  MemberChange change{std::string(kOwnerRole), std::nullopt, std::nullopt, std::nullopt, false,
                      "founder"};
  Pending pending;
  bool added = false;
  ORGD_RETURN_IF_ERROR(DecideUpsert(s, m, founder, a, change, &pending, &d, &added));
  d.result = org_result;
  return d;
}

}  // namespace orgd
