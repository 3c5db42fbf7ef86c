#include "src/projections/members/roles.h"

#include <array>

namespace orgd {
namespace {

constexpr std::array<std::string_view, 15> kCapabilityNames = {
    "view_org",        // see the org's record and metadata
    "view_members",    // list members, their roles and departments
    "view_emails",     // see members' email addresses in the list
    "manage_org",      // change the org's attributes and metadata
    "delete_org",      // delete the org
    "manage_members",  // add, change and remove members; org accounts and their tokens
    "manage_roles",    // define and delete the org's own roles
    "manage_departments",
    "manage_projects",  // groups, projects and collaborators
    "invite",           // create, resend and revoke invitations
    "message",          // send a message to every member
    "view_audit",       // read the org's audit trail
    "manage_domains",   // claim domains and set auto-join
    "check_permissions",  // ask what other members may do (POST /check)
    "view_projects",      // list groups and projects
};

CapabilitySet Caps(std::initializer_list<std::string_view> names) {
  CapabilitySet set = 0;
  for (auto n : names) set |= CapabilityBit(n);
  return set;
}

std::vector<RoleDef> MakeBuiltins() {
  const CapabilitySet all = (CapabilitySet{1} << kCapabilityNames.size()) - 1;
  return {
      {"owner", all, 1000, true},
      {"admin", all & ~CapabilityBit("delete_org"), 900, true},
      {"supervisor",
       Caps({"view_org", "view_members", "view_emails", "manage_members", "manage_departments",
             "manage_projects", "invite", "message", "view_audit", "check_permissions",
             "view_projects"}),
       700, true},
      {"editor", Caps({"view_org", "view_members", "manage_projects", "message", "view_projects"}),
       500, true},
      {"teacher",
       Caps({"view_org", "view_members", "view_emails", "invite", "message", "manage_projects",
             "view_projects"}),
       400, true},
      {"reporter", Caps({"view_org", "view_members", "view_audit", "view_projects"}), 300, true},
      {"member", Caps({"view_org", "view_members", "view_projects"}), 200, true},
      {"viewer", Caps({"view_org"}), 100, true},
  };
}

bool NameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

const std::vector<std::string_view>& AllCapabilities() {
  static const std::vector<std::string_view> names(kCapabilityNames.begin(),
                                                   kCapabilityNames.end());
  return names;
}

CapabilitySet CapabilityBit(std::string_view name) {
  for (size_t i = 0; i < kCapabilityNames.size(); ++i) {
    if (kCapabilityNames[i] == name) return CapabilitySet{1} << i;
  }
  return 0;
}

Status ParseCapabilities(const std::vector<std::string>& names, CapabilitySet* out) {
  CapabilitySet set = 0;
  for (const auto& n : names) {
    const CapabilitySet bit = CapabilityBit(n);
    if (bit == 0) {
      return Status::InvalidArgument("unknown capability '" + n + "'; see docs/permissions.md",
                                     "unknown_capability");
    }
    set |= bit;
  }
  *out = set;
  return Status::OK();
}

std::vector<std::string> CapabilityNames(CapabilitySet set) {
  std::vector<std::string> out;
  for (size_t i = 0; i < kCapabilityNames.size(); ++i) {
    if (set & (CapabilitySet{1} << i)) out.emplace_back(kCapabilityNames[i]);
  }
  return out;
}

const std::vector<RoleDef>& BuiltinRoles() {
  static const std::vector<RoleDef> roles = MakeBuiltins();
  return roles;
}

const RoleDef* FindBuiltinRole(std::string_view name) {
  for (const auto& r : BuiltinRoles()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Status ValidateRoleName(std::string_view name, std::string_view field) {
  if (name.empty() || name.size() > 64) {
    return Status::InvalidArgument("'" + std::string(field) + "' must be 1-64 characters",
                                   "bad_field");
  }
  for (char c : name) {
    if (!NameChar(c)) {
      return Status::InvalidArgument(
          "'" + std::string(field) + "' may hold only a-z, 0-9, '_' and '-'", "bad_field");
    }
  }
  return Status::OK();
}

Status ValidateContentPermission(std::string_view v) {
  for (auto ok : {"none", "view", "report", "control", "modify", "grant", "admin"}) {
    if (v == ok) return Status::OK();
  }
  return Status::InvalidArgument(
      "content_permission must be one of none, view, report, control, modify, grant, admin",
      "bad_field");
}

Status ValidateMembersPermission(std::string_view v) {
  for (auto ok : {"none", "department", "organization"}) {
    if (v == ok) return Status::OK();
  }
  return Status::InvalidArgument(
      "members_permission must be one of none, department, organization", "bad_field");
}

}  // namespace orgd
