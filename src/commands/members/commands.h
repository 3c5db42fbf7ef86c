// Commands on an org's members, roles and departments, their stateless
// checks and their decisions (see src/commands/core/command.h for the shape).
//
// Who may: a site admin anything; a member what its role's capabilities
// allow (docs/permissions.md), never above its own rank: nobody grants or
// defines a role ranked above their own (or with a capability they lack), or
// changes the membership of someone ranked above them, and the last owner
// stays. A caller who is not a member learns nothing of the org (NotFound).
// Plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/accounts/commands.h"
#include "src/commands/core/command.h"
#include "src/commands/orgs/commands.h"

namespace orgd {

struct DefineRole {
  static constexpr std::string_view kName = "DefineRole";
  std::string org;  // id or name
  std::string name;
  std::vector<std::string> capabilities;
  uint64_t rank = 0;
};

// Refused while a member holds it.
struct RemoveRole {
  static constexpr std::string_view kName = "RemoveRole";
  std::string org;
  std::string name;
};

struct CreateDepartment {
  static constexpr std::string_view kName = "CreateDepartment";
  std::string org;
  std::string name;
  std::string default_role;  // empty: none
  std::string content_permission;
  std::string members_permission;
};

struct UpdateDepartment {
  static constexpr std::string_view kName = "UpdateDepartment";
  std::string org;
  std::string name;
  std::optional<std::string> default_role;  // empty string: none
  std::optional<std::string> content_permission;
  std::optional<std::string> members_permission;
};

// Refused while it has members.
struct DeleteDepartment {
  static constexpr std::string_view kName = "DeleteDepartment";
  std::string org;
  std::string name;
};

// Adds the account to the org or changes its membership (an upsert). A new
// member gets role "member" and permissions "none" unless the request or its
// department says otherwise; a department's defaults apply to the fields the
// request leaves out.
struct PutMember {
  static constexpr std::string_view kName = "PutMember";
  std::string org;
  std::string account;  // id or email
  std::optional<std::string> role;
  std::optional<std::string> content_permission;
  std::optional<std::string> members_permission;
  std::optional<std::string> department;  // empty string: none
  bool notify = false;
};

// Removes a member (an account may also leave by itself).
struct RemoveMember {
  static constexpr std::string_view kName = "RemoveMember";
  std::string org;
  std::string account;
};

// Upserts every (org, user) pair in one atomic command: one bad org, user or
// value fails the whole batch, naming it.
struct BatchMemberships {
  static constexpr std::string_view kName = "BatchMemberships";
  static constexpr size_t kMaxPairs = 10'000;
  std::vector<std::string> orgs;
  std::vector<std::string> users;
  std::optional<std::string> role;
  std::optional<std::string> content_permission;
  std::optional<std::string> department;
  bool notify = false;
};

// An org admin creates an account whose home org is the org, as a member.
struct CreateOrgAccount {
  static constexpr std::string_view kName = "CreateOrgAccount";
  std::string org;
  CreateAccount account;  // home_org and site_admin are ignored
  std::string role = "member";
};

// Makes the org the account's home org and the account a member of it, in
// one decision: single-org membership as CoCalc has it (org.addUser moves an
// account, org.addAdmin makes one an admin). Site admins only. A new member
// gets role (default "member"); a member keeps its role unless role is
// given. With exclusive, an account whose home org is another org is refused
// (Conflict "member_of_another_org") and nothing changes.
struct JoinHomeOrg {
  static constexpr std::string_view kName = "JoinHomeOrg";
  std::string org;      // id or name
  std::string account;  // id or email
  std::optional<std::string> role;
  bool exclusive = false;
};

// An org founded with its first owner, in one decision: the org (as
// CreateOrg), a new account at home in it (as CreateAccount) and that
// account's membership as owner. Site admins only: SeaTable's "add an
// organization" with its admin, where a taken email must leave no org.
struct CreateOrgWithOwner {
  static constexpr std::string_view kName = "CreateOrgWithOwner";
  CreateOrg org;
  CreateAccount owner;  // home_org and site_admin are ignored
};

Status Validate(const DefineRole& c);
Status Validate(const RemoveRole& c);
Status Validate(const CreateDepartment& c);
Status Validate(const UpdateDepartment& c);
Status Validate(const DeleteDepartment& c);
Status Validate(const PutMember& c);
Status Validate(const RemoveMember& c);
Status Validate(const BatchMemberships& c);
Status Validate(const CreateOrgAccount& c);
Status Validate(const JoinHomeOrg& c);
Status Validate(const CreateOrgWithOwner& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DefineRole& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveRole& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateDepartment& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateDepartment& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteDepartment& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const PutMember& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveMember& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const BatchMemberships& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrgAccount& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const JoinHomeOrg& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrgWithOwner& c);

// 1-100 characters, one line, no '/'.
Status ValidateDepartmentName(std::string_view name);

}  // namespace orgd
