// The stateless checks of the membership commands: shapes and sizes, before
// the command is queued.
#include "src/commands/members/commands.h"
#include "src/projections/members/roles.h"

namespace orgd {
namespace {

Status CheckOrgRef(std::string_view org) {
  if (org.empty() || org.size() > 64) return Status::InvalidArgument("bad org reference", "bad_org");
  return Status::OK();
}

Status CheckAccountRef(std::string_view account) {
  if (account.empty() || account.size() > 254) {
    return Status::InvalidArgument("bad account reference", "bad_account");
  }
  return Status::OK();
}

Status CheckOptional(const std::optional<std::string>& v, Status (*check)(std::string_view)) {
  return v ? check(*v) : Status::OK();
}

Status CheckRole(std::string_view role) { return ValidateRoleName(role, "role"); }

Status CheckDepartmentOrNone(std::string_view d) {
  return d.empty() ? Status::OK() : ValidateDepartmentName(d);
}

Status CheckDepartmentDefaults(const std::optional<std::string>& role,
                               const std::optional<std::string>& content,
                               const std::optional<std::string>& members) {
  if (role && !role->empty()) ORGD_RETURN_IF_ERROR(CheckRole(*role));
  if (content && !content->empty()) ORGD_RETURN_IF_ERROR(ValidateContentPermission(*content));
  if (members && !members->empty()) ORGD_RETURN_IF_ERROR(ValidateMembersPermission(*members));
  return Status::OK();
}

}  // namespace

Status ValidateDepartmentName(std::string_view name) {
  if (name.empty() || name.size() > 100) {
    return Status::InvalidArgument("a department's name must be 1-100 characters", "bad_field");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '/') {
      return Status::InvalidArgument("a department's name must be one line without '/'",
                                     "bad_field");
    }
  }
  return Status::OK();
}

Status Validate(const DefineRole& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(ValidateRoleName(c.name, "name"));
  CapabilitySet caps;
  ORGD_RETURN_IF_ERROR(ParseCapabilities(c.capabilities, &caps));
  if (c.rank < 1 || c.rank > kMaxCustomRank) {
    return Status::InvalidArgument("rank must be from 1 to " + std::to_string(kMaxCustomRank),
                                   "bad_field");
  }
  return Status::OK();
}

Status Validate(const RemoveRole& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return ValidateRoleName(c.name, "name");
}

Status Validate(const CreateDepartment& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(ValidateDepartmentName(c.name));
  return CheckDepartmentDefaults(c.default_role, c.content_permission, c.members_permission);
}

Status Validate(const UpdateDepartment& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(ValidateDepartmentName(c.name));
  return CheckDepartmentDefaults(c.default_role, c.content_permission, c.members_permission);
}

Status Validate(const DeleteDepartment& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return ValidateDepartmentName(c.name);
}

Status Validate(const PutMember& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckAccountRef(c.account));
  ORGD_RETURN_IF_ERROR(CheckOptional(c.role, CheckRole));
  ORGD_RETURN_IF_ERROR(CheckOptional(c.content_permission, ValidateContentPermission));
  ORGD_RETURN_IF_ERROR(CheckOptional(c.members_permission, ValidateMembersPermission));
  return CheckOptional(c.department, CheckDepartmentOrNone);
}

Status Validate(const RemoveMember& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return CheckAccountRef(c.account);
}

Status Validate(const BatchMemberships& c) {
  if (c.orgs.empty() || c.users.empty()) {
    return Status::InvalidArgument("'orgs' and 'users' must each name at least one", "bad_field");
  }
  if (c.orgs.size() * c.users.size() > BatchMemberships::kMaxPairs) {
    return Status::InvalidArgument("at most " + std::to_string(BatchMemberships::kMaxPairs) +
                                       " (org, user) pairs per batch",
                                   "batch_too_large");
  }
  for (size_t i = 0; i < c.orgs.size(); ++i) {
    Status s = CheckOrgRef(c.orgs[i]);
    if (!s.ok()) return s.Prefixed("orgs[" + std::to_string(i) + "]: ");
  }
  for (size_t i = 0; i < c.users.size(); ++i) {
    Status s = CheckAccountRef(c.users[i]);
    if (!s.ok()) return s.Prefixed("users[" + std::to_string(i) + "]: ");
  }
  ORGD_RETURN_IF_ERROR(CheckOptional(c.role, CheckRole));
  ORGD_RETURN_IF_ERROR(CheckOptional(c.content_permission, ValidateContentPermission));
  return CheckOptional(c.department, CheckDepartmentOrNone);
}

Status Validate(const JoinHomeOrg& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckAccountRef(c.account));
  return CheckOptional(c.role, CheckRole);
}

Status Validate(const CreateOrgWithOwner& c) {
  ORGD_RETURN_IF_ERROR(Validate(c.org));
  return Validate(c.owner);
}

Status Validate(const CreateOrgAccount& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckRole(c.role));
  return Validate(c.account);
}

}  // namespace orgd
