#include "src/events/project_events.h"

namespace orgd {

std::string ProjectsStream(uint64_t org_id) {
  return std::string(kProjectsStreamPrefix) + std::to_string(org_id);
}

void RegisterProjectEvents(EventRegistry& r) {
  r.Add<GroupCreated>();
  r.Add<GroupUpdated>();
  r.Add<GroupDeleted>();
  r.Add<ProjectCreated>();
  r.Add<ProjectUpdated>();
  r.Add<ProjectDeleted>();
  r.Add<ProjectCollaboratorSet>();
  r.Add<ProjectCollaboratorRemoved>();
}

}  // namespace orgd
