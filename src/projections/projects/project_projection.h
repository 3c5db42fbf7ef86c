// The projects read model: each org's groups, its projects (owned by the org,
// one of its groups or one of its members) and each project's collaborators.
// Folds the group and project events (src/events/project_events.h),
// AccountUpdated (the copy of the account each collaborator keeps),
// AccountDeleted (the account's collaborations go) and OrgDeleted
// (everything of the org goes).
//
// Layout of "proj.projects" (frozen; see docs/storage.md); org = BE64(org id),
// group, project and account = their 36-character UUIDs, kind = "org",
// "group" or "account", owner = the group's or account's id (empty for the org):
//   "g" org group                 -> the group's JSON {id, name, creator, created_at}
//   "p" org project               -> the project's JSON {id, name, description,
//                                    owner {kind, id}, created_by, created_at}
//   "o" org kind 0 owner 0 project -> ""   projects by owner
//   "c" org project account       -> the collaborator's JSON {project_id, account_id,
//                                    role, first_name, last_name, email,
//                                    home_org_id, added_at, set_by}
//   "a" account org project       -> ""   an account's collaborations
//   "G" org                       -> BE64(groups)
//   "P" org                       -> BE64(projects)
// ProjectProjection is immutable and shareable; a ProjectReader is not shareable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/projections/core/projection.h"
#include "storage/kv/model_store.h"

namespace orgd {

// The owner kinds of a project, and the roles of a collaborator. Written to disk.
inline constexpr std::string_view kOwnerOrg = "org";
inline constexpr std::string_view kOwnerGroup = "group";
inline constexpr std::string_view kOwnerAccount = "account";
inline constexpr std::string_view kCollaboratorRoles[] = {"owner", "editor", "viewer"};

bool IsOwnerKind(std::string_view kind);
bool IsCollaboratorRole(std::string_view role);

struct GroupRecord {
  uint64_t org_id = 0;
  std::string id;
  std::string name;
  std::string creator;
  int64_t created_ms = 0;
};

struct ProjectRecord {
  uint64_t org_id = 0;
  std::string id;
  std::string name;
  std::string description;
  std::string owner_kind = std::string(kOwnerOrg);
  std::string owner_id;  // empty for the org
  std::string created_by;
  int64_t created_ms = 0;
};

struct CollaboratorRecord {
  uint64_t org_id = 0;
  std::string project_id;
  std::string account_id;
  std::string role;
  std::string first_name;
  std::string last_name;
  std::string email;
  uint64_t home_org_id = 0;  // 0: none
  int64_t added_ms = 0;      // when it first became a collaborator
  std::string set_by;
};

class ProjectProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "projects";
  // The entity kinds of its snapshots (the reply JSON): "group" with id
  // "<org id>/<group>", "project" with id "<org id>/<project>",
  // "collaborator" with id "<org id>/<project>/<account>".
  static constexpr std::string_view kGroupEntity = "group";
  static constexpr std::string_view kProjectEntity = "project";
  static constexpr std::string_view kCollaboratorEntity = "collaborator";
  std::string_view name() const override { return kName; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

// The native JSON of what the model keeps. A project owned by the org shows
// owner {"kind": "org", "id": "<org id>"}.
std::string GroupJson(const GroupRecord& g);
std::string ProjectJson(const ProjectRecord& p);
std::string CollaboratorJson(const CollaboratorRecord& c, bool with_email);

// Queries over the projects model; "r" must outlive the reader.
class ProjectReader {
 public:
  explicit ProjectReader(const ModelReader& r) : r_(r) {}

  // NotFound "unknown_group" / "unknown_project" / "not_a_collaborator".
  Status FindGroup(uint64_t org_id, std::string_view group_id, GroupRecord* out) const;
  Status FindProject(uint64_t org_id, std::string_view project_id, ProjectRecord* out) const;
  Status FindCollaborator(uint64_t org_id, std::string_view project_id, std::string_view account_id,
                          CollaboratorRecord* out) const;
  // Whether any project is owned by the group.
  Status GroupHasProjects(uint64_t org_id, std::string_view group_id, bool* any) const;
  Status GroupCount(uint64_t org_id, uint64_t* n) const;
  Status ProjectCount(uint64_t org_id, uint64_t* n) const;

  // A page in id order after `after` (an id; empty: from the start); next
  // is the last id of the page when more may follow, else empty.
  struct PageOptions {
    std::string after;
    size_t limit = 100;
  };
  template <typename T>
  struct Page {
    std::vector<T> items;
    std::string next;
  };
  Status ListGroups(uint64_t org_id, const PageOptions& o, Page<GroupRecord>* out) const;
  // Every project of the org, or (owner_kind set) only those of that owner.
  struct ProjectFilter {
    std::string owner_kind;  // empty: any owner
    std::string owner_id;    // with owner_kind group or account
  };
  Status ListProjects(uint64_t org_id, const ProjectFilter& f, const PageOptions& o,
                      Page<ProjectRecord>* out) const;
  // The project's collaborators in account order.
  Status ListCollaborators(uint64_t org_id, std::string_view project_id, const PageOptions& o,
                           Page<CollaboratorRecord>* out) const;

 private:
  const ModelReader& r_;
};

}  // namespace orgd
