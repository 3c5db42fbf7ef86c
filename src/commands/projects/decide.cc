// Decisions about groups, projects and collaborators: against state only
// (the stateless checks are in validate.cc and ran before the command was
// queued).
#include "src/commands/members/standing.h"
#include "src/commands/projects/commands.h"
#include "src/events/project_events.h"
#include "src/projections/projects/project_projection.h"

namespace orgd {
namespace {

// The org the command addresses, that the caller may manage its projects,
// and If-Match against the version of the org's projects stream (the ETag of
// every reply here).
Status LoadManager(const StateView& s, const CommandMeta& m, std::string_view org,
                   std::string_view what, Standing* who) {
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, org, who));
  ORGD_RETURN_IF_ERROR(Require(*who, "manage_projects", what));
  if (!m.if_match) return Status::OK();
  uint64_t version = 0;
  ORGD_RETURN_IF_ERROR(s.StreamVersion(ProjectsStream(who->org.id), &version));
  return CheckIfMatch(m, version, "the projects of org " + who->org.name);
}

ProjectReader Projects(const StateView& s) {
  return ProjectReader(s.model(ProjectProjection::kName));
}

CommandResult EntityResult(CommandResult::Kind kind, std::string_view entity, uint64_t org,
                           std::string_view id) {
  return CommandResult{kind,
                       std::string(entity),
                       std::to_string(org) + "/" + std::string(id),
                       ProjectsStream(org),
                       0,
                       0,
                       {}};
}

// An error about the owner a request names: 400, prefixed "owner: ".
Status OwnerError(const Status& s, std::string_view reason) {
  return Status::InvalidArgument("owner: " + s.message(), std::string(reason));
}

// The owner the request names, as the events record it: kind and id (the
// group's id, the member's account id, empty for the org).
Status ResolveOwner(const StateView& s, const Standing& who, const OwnerRef& ref, std::string* kind,
                    std::string* id) {
  *kind = ref.kind;
  id->clear();
  if (ref.kind == kOwnerOrg) {
    if (!ref.id.empty() && ref.id != std::to_string(who.org.id) && ref.id != who.org.name) {
      return Status::InvalidArgument("owner: '" + ref.id + "' is not this org", "bad_owner");
    }
    return Status::OK();
  }
  if (ref.kind == kOwnerGroup) {
    GroupRecord g;
    Status found = Projects(s).FindGroup(who.org.id, ref.id, &g);
    if (found.IsNotFound()) return OwnerError(found, "unknown_group");
    ORGD_RETURN_IF_ERROR(found);
    *id = g.id;
    return Status::OK();
  }
  AccountRecord a;
  Status found = FindAccount(s, ref.id, &a);
  if (found.IsNotFound()) return OwnerError(found, "unknown_account");
  ORGD_RETURN_IF_ERROR(found);
  MemberRecord entry;
  Status listed = MemberReader(s.model(MemberProjection::kName)).Find(who.org.id, a.id, &entry);
  if (listed.IsNotFound() || (listed.ok() && !entry.member)) {
    return Status::InvalidArgument(
        "owner: account " + a.id + " is not a member of org '" + who.org.name + "'",
        "not_a_member");
  }
  ORGD_RETURN_IF_ERROR(listed);
  *id = a.id;
  return Status::OK();
}

// The project a command names, in an org the caller may manage.
Status LoadProject(const StateView& s, const CommandMeta& m, std::string_view org,
                   std::string_view project_id, std::string_view what, Standing* who,
                   ProjectRecord* p) {
  ORGD_RETURN_IF_ERROR(LoadManager(s, m, org, what, who));
  return Projects(s).FindProject(who->org.id, project_id, p);
}

}  // namespace

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateGroup& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadManager(s, m, c.org, "create groups", &who));
  GroupRecord existing;
  Status found = Projects(s).FindGroup(who.org.id, c.group_id, &existing);
  if (found.ok()) return Status::Conflict("group " + c.group_id + " exists", "group_exists");
  if (!found.IsNotFound()) return found;
  Decision d;
  d.events.push_back(
      MakeEvent(ProjectsStream(who.org.id), GroupCreated{who.org.id, c.group_id, c.name, m.actor}));
  d.result = EntityResult(CommandResult::Kind::kCreated, ProjectProjection::kGroupEntity,
                          who.org.id, c.group_id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateGroup& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadManager(s, m, c.org, "change groups", &who));
  GroupRecord g;
  ORGD_RETURN_IF_ERROR(Projects(s).FindGroup(who.org.id, c.group_id, &g));
  Decision d;
  if (c.name && *c.name != g.name) {
    d.events.push_back(
        MakeEvent(ProjectsStream(who.org.id), GroupUpdated{who.org.id, g.id, c.name}));
  }
  d.result = EntityResult(CommandResult::Kind::kChanged, ProjectProjection::kGroupEntity,
                          who.org.id, g.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteGroup& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadManager(s, m, c.org, "delete groups", &who));
  ProjectReader projects = Projects(s);
  GroupRecord g;
  ORGD_RETURN_IF_ERROR(projects.FindGroup(who.org.id, c.group_id, &g));
  bool owns = false;
  ORGD_RETURN_IF_ERROR(projects.GroupHasProjects(who.org.id, g.id, &owns));
  if (owns) {
    return Status::Conflict("group '" + g.name + "' owns projects; move or delete them first",
                            "group_has_projects");
  }
  Decision d;
  d.events.push_back(MakeEvent(ProjectsStream(who.org.id), GroupDeleted{who.org.id, g.id}));
  d.result = EntityResult(CommandResult::Kind::kDeleted, ProjectProjection::kGroupEntity,
                          who.org.id, g.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateProject& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadManager(s, m, c.org, "create projects", &who));
  ProjectRecord existing;
  Status found = Projects(s).FindProject(who.org.id, c.project_id, &existing);
  if (found.ok()) return Status::Conflict("project " + c.project_id + " exists", "project_exists");
  if (!found.IsNotFound()) return found;
  ProjectCreated e;
  e.org_id = who.org.id;
  e.project_id = c.project_id;
  e.name = c.name;
  e.description = c.description;
  ORGD_RETURN_IF_ERROR(
      ResolveOwner(s, who, c.owner.value_or(OwnerRef{}), &e.owner_kind, &e.owner_id));
  e.created_by = m.actor;
  Decision d;
  d.events.push_back(MakeEvent(ProjectsStream(who.org.id), e));
  d.result = EntityResult(CommandResult::Kind::kCreated, ProjectProjection::kProjectEntity,
                          who.org.id, c.project_id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateProject& c) {
  Standing who;
  ProjectRecord p;
  ORGD_RETURN_IF_ERROR(LoadProject(s, m, c.org, c.project_id, "change projects", &who, &p));
  ProjectUpdated e;
  e.org_id = who.org.id;
  e.project_id = p.id;
  if (c.name && *c.name != p.name) e.name = c.name;
  if (c.description && *c.description != p.description) e.description = c.description;
  if (c.owner) {
    std::string kind, id;
    ORGD_RETURN_IF_ERROR(ResolveOwner(s, who, *c.owner, &kind, &id));
    if (kind != p.owner_kind || id != p.owner_id) {
      e.owner_kind = kind;
      e.owner_id = id;
    }
  }
  Decision d;
  if (e.name || e.description || e.owner_kind) {
    d.events.push_back(MakeEvent(ProjectsStream(who.org.id), e));
  }
  d.result = EntityResult(CommandResult::Kind::kChanged, ProjectProjection::kProjectEntity,
                          who.org.id, p.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteProject& c) {
  Standing who;
  ProjectRecord p;
  ORGD_RETURN_IF_ERROR(LoadProject(s, m, c.org, c.project_id, "delete projects", &who, &p));
  Decision d;
  d.events.push_back(MakeEvent(ProjectsStream(who.org.id), ProjectDeleted{who.org.id, p.id}));
  d.result = EntityResult(CommandResult::Kind::kDeleted, ProjectProjection::kProjectEntity,
                          who.org.id, p.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetCollaborator& c) {
  Standing who;
  ProjectRecord p;
  ORGD_RETURN_IF_ERROR(
      LoadProject(s, m, c.org, c.project_id, "change project collaborators", &who, &p));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(FindAccount(s, c.account, &a));
  CollaboratorRecord current;
  Status found = Projects(s).FindCollaborator(who.org.id, p.id, a.id, &current);
  if (!found.ok() && !found.IsNotFound()) return found;
  Decision d;
  if (!found.ok() || current.role != c.role) {
    ProjectCollaboratorSet e;
    e.org_id = who.org.id;
    e.project_id = p.id;
    e.account_id = a.id;
    e.role = c.role;
    e.set_by = m.actor;
    e.first_name = a.first_name;
    e.last_name = a.last_name;
    e.email = a.email;
    e.home_org_id = a.home_org_id;
    d.events.push_back(MakeEvent(ProjectsStream(who.org.id), e));
  }
  d.result =
      EntityResult(found.ok() ? CommandResult::Kind::kChanged : CommandResult::Kind::kCreated,
                   ProjectProjection::kCollaboratorEntity, who.org.id, p.id + "/" + a.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveCollaborator& c) {
  Standing who;
  ProjectRecord p;
  ORGD_RETURN_IF_ERROR(
      LoadProject(s, m, c.org, c.project_id, "change project collaborators", &who, &p));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(FindAccount(s, c.account, &a));
  CollaboratorRecord current;
  ORGD_RETURN_IF_ERROR(Projects(s).FindCollaborator(who.org.id, p.id, a.id, &current));
  Decision d;
  d.events.push_back(
      MakeEvent(ProjectsStream(who.org.id), ProjectCollaboratorRemoved{who.org.id, p.id, a.id}));
  d.result = EntityResult(CommandResult::Kind::kDeleted, ProjectProjection::kCollaboratorEntity,
                          who.org.id, p.id + "/" + a.id);
  return d;
}

}  // namespace orgd
