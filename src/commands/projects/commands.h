// Commands on an org's groups, projects and project collaborators, their
// stateless checks and their decisions (see src/commands/core/command.h for
// the shape).
//
// Who may: changing any of them takes manage_projects in the org (a site
// admin may anything); a caller who is not a member learns nothing of the
// org (NotFound), through Standing (src/commands/members/standing.h). A
// project is owned by the org, by one of its groups or by one of its
// members; a group cannot be deleted while it owns a project. Any live
// account may collaborate on a project: one who is not a member of the org
// shows in its member list as external. Every reply's version (its ETag) is
// that of the org's stream "projects-<org id>", which If-Match is checked
// against. Plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"

namespace orgd {

// id: a new UUID, chosen by the surface.
struct CreateGroup {
  static constexpr std::string_view kName = "CreateGroup";
  std::string org;  // id or name
  std::string group_id;
  std::string name;
};

struct UpdateGroup {
  static constexpr std::string_view kName = "UpdateGroup";
  std::string org;
  std::string group_id;
  std::optional<std::string> name;
};

// Refused while a project is owned by the group.
struct DeleteGroup {
  static constexpr std::string_view kName = "DeleteGroup";
  std::string org;
  std::string group_id;
};

// Who owns a project, as a caller names it: kind "org" (id empty, or the
// org's own id or name), "group" (the group's id) or "account" (a member's
// id or email).
struct OwnerRef {
  std::string kind = "org";
  std::string id;
};

// project_id: a new UUID, chosen by the surface. No owner: the org.
struct CreateProject {
  static constexpr std::string_view kName = "CreateProject";
  std::string org;
  std::string project_id;
  std::string name;
  std::string description;
  std::optional<OwnerRef> owner;
};

// Only the fields present change.
struct UpdateProject {
  static constexpr std::string_view kName = "UpdateProject";
  std::string org;
  std::string project_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<OwnerRef> owner;
};

// Its collaborators go with it.
struct DeleteProject {
  static constexpr std::string_view kName = "DeleteProject";
  std::string org;
  std::string project_id;
};

// Adds a collaborator (result kCreated) or changes its role (kChanged).
struct SetCollaborator {
  static constexpr std::string_view kName = "SetCollaborator";
  std::string org;
  std::string project_id;
  std::string account;  // id or email of any live account
  std::string role;     // owner, editor or viewer
};

struct RemoveCollaborator {
  static constexpr std::string_view kName = "RemoveCollaborator";
  std::string org;
  std::string project_id;
  std::string account;
};

Status Validate(const CreateGroup& c);
Status Validate(const UpdateGroup& c);
Status Validate(const DeleteGroup& c);
Status Validate(const CreateProject& c);
Status Validate(const UpdateProject& c);
Status Validate(const DeleteProject& c);
Status Validate(const SetCollaborator& c);
Status Validate(const RemoveCollaborator& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateGroup& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateGroup& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteGroup& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateProject& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateProject& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteProject& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetCollaborator& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveCollaborator& c);

}  // namespace orgd
