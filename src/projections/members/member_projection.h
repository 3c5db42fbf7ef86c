// The members read model: who belongs to which org, with which role, plus
// each org's own roles and departments. Folds the membership events, the
// project collaborator events (a collaborator who is not a member is listed
// as external), AccountUpdated/AccountDeleted (the copy of the account each
// entry keeps) and OrgDeleted (everything of the org goes).
//
// Layout of "proj.members" (frozen; see docs/storage.md); org = BE64(org id),
// account = its 36-character UUID:
//   "m" org account        -> BE16(n) + the entry's JSON, whose first n bytes
//                             are the entry without its email (then "}" ends it)
//   "a" account org        -> the account's membership JSON (GET /accounts/{id}/orgs)
//   "r" org role 0 account -> ""   members by role
//   "d" org dept 0 account -> ""   members by department
//   "k" org account        -> BE64(projects the account collaborates on)
//   "R" org name           -> a custom role's JSON {name, capabilities, rank}
//   "D" org name           -> a department's JSON
//   "c" org                -> BE64(entries listed: members and external collaborators)
//   "q" org                -> BE64(members)
//   "o" org role           -> BE64(members holding the role)
//   "n" account            -> BE64(orgs the account is listed in)
// MemberProjection is immutable and shareable; a MemberReader is not shareable.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "src/projections/core/projection.h"
#include "src/projections/members/roles.h"
#include "storage/kv/model_store.h"

namespace orgd {

// One entry of an org's member list.
struct MemberRecord {
  uint64_t org_id = 0;
  std::string org_name;
  std::string account_id;
  std::string role;  // kExternalRole for a collaborator who is not a member
  std::string content_permission = "none";
  std::string members_permission = "none";
  std::string department;
  bool member = true;  // false: listed only as a project collaborator
  std::string first_name;
  std::string last_name;
  std::string email;
  uint64_t home_org_id = 0;
  int64_t added_ms = 0;
  std::string added_by;

  // A member whose home org is another org, or none; every non-member.
  bool external() const { return !member || home_org_id != org_id; }
};

struct DepartmentRecord {
  std::string name;
  std::string default_role;
  std::string content_permission;
  std::string members_permission;
  int64_t created_ms = 0;
  std::string created_by;
};

class MemberProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "members";
  // The entity kinds of its snapshots (the reply JSON): "member" with id
  // "<org id>/<account>", "role" and "department" with id "<org id>/<name>".
  static constexpr std::string_view kMemberEntity = "member";
  static constexpr std::string_view kRoleEntity = "role";
  static constexpr std::string_view kDepartmentEntity = "department";
  std::string_view name() const override { return kName; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

// The native JSON of things the model keeps.
std::string MemberJson(const MemberRecord& m, bool with_email);
std::string AccountOrgJson(const MemberRecord& m);
std::string RoleJson(const RoleDef& r);
std::string DepartmentJson(const DepartmentRecord& d);

// Queries over the members model; "r" must outlive the reader.
class MemberReader {
 public:
  explicit MemberReader(const ModelReader& r) : r_(r) {}

  // The entry of account in org (org_name left empty); NotFound when it has
  // none (an external collaborator has one, with member false).
  Status Find(uint64_t org_id, std::string_view account_id, MemberRecord* out) const;
  // What account may do in org, reading only its entry's role (and a custom
  // role's record): *member false (and no capabilities) when it is not a
  // member. The fast path of permission checks.
  Status CapabilitiesOf(uint64_t org_id, std::string_view account_id, bool* member,
                        CapabilitySet* capabilities) const;
  // A role by name: built-in, else the org's own. NotFound "unknown_role".
  Status FindRole(uint64_t org_id, std::string_view name, RoleDef* out) const;
  // The org's own roles, by name.
  Status CustomRoles(uint64_t org_id, std::vector<RoleDef>* out) const;
  Status FindDepartment(uint64_t org_id, std::string_view name, DepartmentRecord* out) const;
  Status Departments(uint64_t org_id, std::vector<DepartmentRecord>* out) const;
  // Members holding role; members in department (at most 1 counted when
  // only asked whether any).
  Status RoleCount(uint64_t org_id, std::string_view role, uint64_t* n) const;
  Status DepartmentHasMembers(uint64_t org_id, std::string_view department, bool* any) const;
  Status MemberCount(uint64_t org_id, uint64_t* n) const;  // members only
  Status EntryCount(uint64_t org_id, uint64_t* n) const;   // members and external collaborators
  Status OrgCount(std::string_view account_id, uint64_t* n) const;

  // A page of the org's list in account order after `after` (an account id;
  // empty: from the start), optionally only one role and/or department,
  // appended to *json as comma-separated rendered entries with no copy per
  // entry (the email only when with_email). *count: entries appended; *next:
  // the page's last account when more may follow, else empty.
  struct ListOptions {
    std::string role;
    std::string department;
    std::string after;
    size_t limit = 100;
    bool with_email = false;
  };
  Status ListInto(uint64_t org_id, const ListOptions& o, std::string* json, size_t* count,
                  std::string* next) const;
  // The account's orgs in org-id order after after_org (0: from the start).
  struct OrgsPage {
    std::vector<std::string> entries;  // AccountOrgJson
    uint64_t next = 0;                 // 0 at the end
  };
  Status AccountOrgs(std::string_view account_id, uint64_t after_org, size_t limit,
                     OrgsPage* out) const;
  // Appends the ids of the org's members with this role, in account-id order
  // (the role index: no entry is read).
  Status AccountsWithRole(uint64_t org_id, std::string_view role,
                          std::vector<std::string>* out) const;
  // Calls fn for every member (not the external collaborators) of the org.
  Status ForEachMember(uint64_t org_id,
                       const std::function<Status(const MemberRecord&)>& fn) const;

 private:
  const ModelReader& r_;
};

}  // namespace orgd
