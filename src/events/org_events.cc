#include "src/events/org_events.h"

namespace orgd {

std::string OrgStream(uint64_t org_id) { return std::string(kOrgStreamPrefix) + std::to_string(org_id); }

void RegisterOrgEvents(EventRegistry& r) {
  r.Add<OrgCreated>();
  r.Add<OrgUpdated>();
  r.Add<OrgDeleted>();
  r.Add<OrgUsageSet>();
  r.Add<OrgMetadataSet>();
  r.Add<OrgMetadataRemoved>();
}

}  // namespace orgd
