// Roles and capabilities: what a member of an org may do.
//
// A capability is a named right (docs/permissions.md lists them); a role is a
// set of capabilities and a rank. The built-in roles are the same in every
// org; an org may define more at run time (RoleDefined), which the members
// model keeps. Ranks order roles for the no-escalation rule: nobody grants,
// invites with or defines a role ranked above their own, or changes the
// membership of someone ranked above them.
//
// Pure functions over constant tables; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orgd {

// A set of capabilities, one bit each (in memory only: events and models
// hold names).
using CapabilitySet = uint64_t;

// Every capability, by name. The bit of capability i is 1 << i.
const std::vector<std::string_view>& AllCapabilities();
// The bit of one capability; 0 when name is not one.
CapabilitySet CapabilityBit(std::string_view name);
// InvalidArgument "unknown_capability" naming the first unknown one.
Status ParseCapabilities(const std::vector<std::string>& names, CapabilitySet* out);
std::vector<std::string> CapabilityNames(CapabilitySet set);

inline constexpr CapabilitySet kAllCapabilities = ~CapabilitySet{0};

struct RoleDef {
  std::string name;
  CapabilitySet capabilities = 0;
  uint64_t rank = 0;
  bool builtin = false;
};

// The built-in roles, highest rank first: owner, admin, supervisor, editor,
// teacher, reporter, member, viewer.
const std::vector<RoleDef>& BuiltinRoles();
// nullptr when name is not a built-in role.
const RoleDef* FindBuiltinRole(std::string_view name);

// The role a project collaborator who is not a member shows with. It grants
// nothing and cannot be given.
inline constexpr std::string_view kExternalRole = "external";
inline constexpr std::string_view kOwnerRole = "owner";
// The highest rank a custom role may have (the owner's is above it).
inline constexpr uint64_t kMaxCustomRank = 999;

// 1-64 characters of [a-z0-9_-]: role and department names' shape.
Status ValidateRoleName(std::string_view name, std::string_view field);

// content_permission: none/view/report/control/modify/grant/admin;
// members_permission: none/department/organization.
Status ValidateContentPermission(std::string_view v);
Status ValidateMembersPermission(std::string_view v);

}  // namespace orgd
