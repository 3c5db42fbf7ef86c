// The stateless checks of the group, project and collaborator commands:
// shapes and sizes, before the command is queued.
#include "common/random.h"
#include "src/commands/projects/commands.h"
#include "src/projections/projects/project_projection.h"

namespace orgd {
namespace {

constexpr size_t kMaxGroupName = 100;
constexpr size_t kMaxProjectName = 200;
constexpr size_t kMaxDescription = 4000;

Status CheckOrgRef(std::string_view org) {
  if (org.empty() || org.size() > 64)
    return Status::InvalidArgument("bad org reference", "bad_org");
  return Status::OK();
}

// An id from a path: looked up, so only its size is checked here.
Status CheckId(std::string_view id, std::string_view what) {
  if (id.empty() || id.size() > 64) {
    return Status::InvalidArgument("bad " + std::string(what) + " id", "bad_id");
  }
  return Status::OK();
}

Status CheckNewId(std::string_view id, std::string_view what) {
  if (!IsUuid(id)) {
    return Status::InvalidArgument("a new " + std::string(what) + " needs a uuid", "invalid_uuid");
  }
  return Status::OK();
}

Status CheckAccountRef(std::string_view account) {
  if (account.empty() || account.size() > 254) {
    return Status::InvalidArgument("bad account reference", "bad_account");
  }
  return Status::OK();
}

// 1 to max bytes, one line.
Status CheckName(std::string_view name, size_t max, std::string_view what) {
  if (name.empty() || name.size() > max) {
    return Status::InvalidArgument(
        "a " + std::string(what) + "'s name must be 1-" + std::to_string(max) + " characters",
        "bad_field");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("a " + std::string(what) + "'s name must be one line",
                                     "bad_field");
    }
  }
  return Status::OK();
}

// At most kMaxDescription bytes; lines and tabs allowed, other control characters not.
Status CheckDescription(std::string_view d) {
  if (d.size() > kMaxDescription) {
    return Status::InvalidArgument(
        "description must be at most " + std::to_string(kMaxDescription) + " bytes", "bad_field");
  }
  for (unsigned char c : d) {
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
      return Status::InvalidArgument("description holds a control character", "bad_field");
    }
  }
  return Status::OK();
}

Status CheckOwner(const OwnerRef& o) {
  if (!IsOwnerKind(o.kind)) {
    return Status::InvalidArgument("owner.kind must be org, group or account", "bad_owner");
  }
  if (o.kind != kOwnerOrg && o.id.empty()) {
    return Status::InvalidArgument("owner.id is required for a " + o.kind + " owner", "bad_owner");
  }
  if (o.id.size() > 254) return Status::InvalidArgument("owner.id is too long", "bad_owner");
  return Status::OK();
}

}  // namespace

Status Validate(const CreateGroup& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckNewId(c.group_id, "group"));
  return CheckName(c.name, kMaxGroupName, "group");
}

Status Validate(const UpdateGroup& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckId(c.group_id, "group"));
  if (!c.name) return Status::InvalidArgument("nothing to change: give name", "empty_update");
  return CheckName(*c.name, kMaxGroupName, "group");
}

Status Validate(const DeleteGroup& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return CheckId(c.group_id, "group");
}

Status Validate(const CreateProject& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckNewId(c.project_id, "project"));
  ORGD_RETURN_IF_ERROR(CheckName(c.name, kMaxProjectName, "project"));
  ORGD_RETURN_IF_ERROR(CheckDescription(c.description));
  return c.owner ? CheckOwner(*c.owner) : Status::OK();
}

Status Validate(const UpdateProject& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckId(c.project_id, "project"));
  if (!c.name && !c.description && !c.owner) {
    return Status::InvalidArgument(
        "nothing to change: give at least one of name, description, owner", "empty_update");
  }
  if (c.name) ORGD_RETURN_IF_ERROR(CheckName(*c.name, kMaxProjectName, "project"));
  if (c.description) ORGD_RETURN_IF_ERROR(CheckDescription(*c.description));
  return c.owner ? CheckOwner(*c.owner) : Status::OK();
}

Status Validate(const DeleteProject& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return CheckId(c.project_id, "project");
}

Status Validate(const SetCollaborator& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckId(c.project_id, "project"));
  ORGD_RETURN_IF_ERROR(CheckAccountRef(c.account));
  if (!IsCollaboratorRole(c.role)) {
    return Status::InvalidArgument("role must be owner, editor or viewer", "unknown_role");
  }
  return Status::OK();
}

Status Validate(const RemoveCollaborator& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckId(c.project_id, "project"));
  return CheckAccountRef(c.account);
}

}  // namespace orgd
