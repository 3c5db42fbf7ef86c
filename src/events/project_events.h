// Groups and projects of an org, and the collaborators of a project.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). Every event here is on the org's stream
// "projects-<org id>". A collaborator who is not a member of the org shows
// in its member list as external (the members model folds the collaborator
// events), so ProjectCollaboratorSet carries what that list shows of the
// account. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "src/events/registry.h"

namespace orgd {

struct GroupCreated {
  static constexpr std::string_view kType = "GroupCreated";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string group_id;  // a UUID
  std::string name;
  std::string created_by;
  static constexpr auto kFields =
      std::make_tuple(Field("org_id", &GroupCreated::org_id),
                      Field("group_id", &GroupCreated::group_id), Field("name", &GroupCreated::name),
                      Field("created_by", &GroupCreated::created_by));
};

struct GroupUpdated {
  static constexpr std::string_view kType = "GroupUpdated";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string group_id;
  std::optional<std::string> name;
  static constexpr auto kFields =
      std::make_tuple(Field("org_id", &GroupUpdated::org_id),
                      Field("group_id", &GroupUpdated::group_id), Field("name", &GroupUpdated::name));
};

struct GroupDeleted {
  static constexpr std::string_view kType = "GroupDeleted";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string group_id;
  static constexpr auto kFields = std::make_tuple(Field("org_id", &GroupDeleted::org_id),
                                                  Field("group_id", &GroupDeleted::group_id));
};

// owner_kind: "org", "group" or "account"; owner_id: the group's or the
// account's id (empty for the org).
struct ProjectCreated {
  static constexpr std::string_view kType = "ProjectCreated";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string project_id;  // a UUID
  std::string name;
  std::string description;
  std::string owner_kind;
  std::string owner_id;
  std::string created_by;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &ProjectCreated::org_id), Field("project_id", &ProjectCreated::project_id),
      Field("name", &ProjectCreated::name), Field("description", &ProjectCreated::description),
      Field("owner_kind", &ProjectCreated::owner_kind),
      Field("owner_id", &ProjectCreated::owner_id),
      Field("created_by", &ProjectCreated::created_by));
};

// Only the fields present change.
struct ProjectUpdated {
  static constexpr std::string_view kType = "ProjectUpdated";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string project_id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> owner_kind;
  std::optional<std::string> owner_id;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &ProjectUpdated::org_id), Field("project_id", &ProjectUpdated::project_id),
      Field("name", &ProjectUpdated::name), Field("description", &ProjectUpdated::description),
      Field("owner_kind", &ProjectUpdated::owner_kind),
      Field("owner_id", &ProjectUpdated::owner_id));
};

// The project's collaborators go with it (each gets no event of its own).
struct ProjectDeleted {
  static constexpr std::string_view kType = "ProjectDeleted";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string project_id;
  static constexpr auto kFields = std::make_tuple(Field("org_id", &ProjectDeleted::org_id),
                                                  Field("project_id", &ProjectDeleted::project_id));
};

// Adds a collaborator or changes its role (owner/editor/viewer).
struct ProjectCollaboratorSet {
  static constexpr std::string_view kType = "ProjectCollaboratorSet";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string project_id;
  std::string account_id;
  std::string role;
  std::string set_by;
  // The account as the org's member list shows it, as of this event.
  std::string first_name;
  std::string last_name;
  std::string email;
  uint64_t home_org_id = 0;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &ProjectCollaboratorSet::org_id),
      Field("project_id", &ProjectCollaboratorSet::project_id),
      Field("account_id", &ProjectCollaboratorSet::account_id),
      Field("role", &ProjectCollaboratorSet::role), Field("set_by", &ProjectCollaboratorSet::set_by),
      Field("first_name", &ProjectCollaboratorSet::first_name),
      Field("last_name", &ProjectCollaboratorSet::last_name),
      Field("email", &ProjectCollaboratorSet::email),
      Field("home_org_id", &ProjectCollaboratorSet::home_org_id));
};

struct ProjectCollaboratorRemoved {
  static constexpr std::string_view kType = "ProjectCollaboratorRemoved";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string project_id;
  std::string account_id;
  static constexpr auto kFields =
      std::make_tuple(Field("org_id", &ProjectCollaboratorRemoved::org_id),
                      Field("project_id", &ProjectCollaboratorRemoved::project_id),
                      Field("account_id", &ProjectCollaboratorRemoved::account_id));
};

// "projects-<org id>": the stream of an org's groups and projects. Written to disk.
std::string ProjectsStream(uint64_t org_id);
inline constexpr std::string_view kProjectsStreamPrefix = "projects-";

void RegisterProjectEvents(EventRegistry& r);

}  // namespace orgd
