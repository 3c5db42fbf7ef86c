#include "src/events/member_events.h"

namespace orgd {

std::string MembersStream(uint64_t org_id) {
  return std::string(kMembersStreamPrefix) + std::to_string(org_id);
}

void RegisterMemberEvents(EventRegistry& r) {
  r.Add<RoleDefined>();
  r.Add<RoleRemoved>();
  r.Add<DepartmentCreated>();
  r.Add<DepartmentUpdated>();
  r.Add<DepartmentDeleted>();
  r.Add<MemberAdded>();
  r.Add<MemberUpdated>();
  r.Add<MemberRemoved>();
}

}  // namespace orgd
