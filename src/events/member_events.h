// The membership events: who belongs to an org, with which role and
// permissions, and the org's own roles and departments.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). Every event here is on the org's membership stream
// "members-<org id>". MemberAdded carries a copy of what the member list
// shows of the account (names, email, home org) so the read model renders a
// page without reading the accounts model; AccountUpdated keeps that copy
// current. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "src/events/registry.h"

namespace orgd {

// A role the org defined for itself (a built-in name cannot be redefined).
// A second RoleDefined of the same name replaces it.
struct RoleDefined {
  static constexpr std::string_view kType = "RoleDefined";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string name;
  std::vector<std::string> capabilities;  // names from docs/permissions.md
  uint64_t rank = 0;
  std::string defined_by;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &RoleDefined::org_id), Field("name", &RoleDefined::name),
      Field("capabilities", &RoleDefined::capabilities), Field("rank", &RoleDefined::rank),
      Field("defined_by", &RoleDefined::defined_by));
};

struct RoleRemoved {
  static constexpr std::string_view kType = "RoleRemoved";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string name;
  static constexpr auto kFields =
      std::make_tuple(Field("org_id", &RoleRemoved::org_id), Field("name", &RoleRemoved::name));
};

// A department and the defaults its new members get.
struct DepartmentCreated {
  static constexpr std::string_view kType = "DepartmentCreated";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string name;
  std::string default_role;  // empty: the member's role is left as it is
  std::string content_permission;
  std::string members_permission;
  std::string created_by;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &DepartmentCreated::org_id), Field("name", &DepartmentCreated::name),
      Field("default_role", &DepartmentCreated::default_role),
      Field("content_permission", &DepartmentCreated::content_permission),
      Field("members_permission", &DepartmentCreated::members_permission),
      Field("created_by", &DepartmentCreated::created_by));
};

// Only the fields present change.
struct DepartmentUpdated {
  static constexpr std::string_view kType = "DepartmentUpdated";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string name;
  std::optional<std::string> default_role;
  std::optional<std::string> content_permission;
  std::optional<std::string> members_permission;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &DepartmentUpdated::org_id), Field("name", &DepartmentUpdated::name),
      Field("default_role", &DepartmentUpdated::default_role),
      Field("content_permission", &DepartmentUpdated::content_permission),
      Field("members_permission", &DepartmentUpdated::members_permission));
};

struct DepartmentDeleted {
  static constexpr std::string_view kType = "DepartmentDeleted";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string name;
  static constexpr auto kFields = std::make_tuple(Field("org_id", &DepartmentDeleted::org_id),
                                                  Field("name", &DepartmentDeleted::name));
};

// An account joined the org. via: "" (added directly), "batch",
// "invitation", "auto_join", "org_account" (created by an org admin).
struct MemberAdded {
  static constexpr std::string_view kType = "MemberAdded";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string org_name;
  std::string account_id;
  std::string role;
  std::string content_permission;  // none/view/report/control/modify/grant/admin
  std::string members_permission;  // none/department/organization
  std::string department;          // empty: none
  bool notify = false;             // the member gets a notification
  std::string via;
  std::string added_by;
  // The account as the member list shows it, as of this event.
  std::string first_name;
  std::string last_name;
  std::string email;
  uint64_t home_org_id = 0;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &MemberAdded::org_id), Field("org_name", &MemberAdded::org_name),
      Field("account_id", &MemberAdded::account_id), Field("role", &MemberAdded::role),
      Field("content_permission", &MemberAdded::content_permission),
      Field("members_permission", &MemberAdded::members_permission),
      Field("department", &MemberAdded::department), Field("notify", &MemberAdded::notify),
      Field("via", &MemberAdded::via), Field("added_by", &MemberAdded::added_by),
      Field("first_name", &MemberAdded::first_name), Field("last_name", &MemberAdded::last_name),
      Field("email", &MemberAdded::email), Field("home_org_id", &MemberAdded::home_org_id));
};

// Only the fields present change; an empty department clears it.
struct MemberUpdated {
  static constexpr std::string_view kType = "MemberUpdated";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string account_id;
  std::optional<std::string> role;
  std::optional<std::string> content_permission;
  std::optional<std::string> members_permission;
  std::optional<std::string> department;
  std::string updated_by;
  static constexpr auto kFields = std::make_tuple(
      Field("org_id", &MemberUpdated::org_id), Field("account_id", &MemberUpdated::account_id),
      Field("role", &MemberUpdated::role),
      Field("content_permission", &MemberUpdated::content_permission),
      Field("members_permission", &MemberUpdated::members_permission),
      Field("department", &MemberUpdated::department),
      Field("updated_by", &MemberUpdated::updated_by));
};

struct MemberRemoved {
  static constexpr std::string_view kType = "MemberRemoved";
  static constexpr uint32_t kVersion = 1;
  uint64_t org_id = 0;
  std::string account_id;
  std::string removed_by;
  static constexpr auto kFields = std::make_tuple(Field("org_id", &MemberRemoved::org_id),
                                                  Field("account_id", &MemberRemoved::account_id),
                                                  Field("removed_by", &MemberRemoved::removed_by));
};

// "members-<org id>": the stream of an org's memberships, roles and
// departments. Written to disk.
std::string MembersStream(uint64_t org_id);
inline constexpr std::string_view kMembersStreamPrefix = "members-";

void RegisterMemberEvents(EventRegistry& r);

}  // namespace orgd
