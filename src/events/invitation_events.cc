#include "src/events/invitation_events.h"

namespace orgd {

std::string InvitationStream(uint64_t id) {
  return std::string(kInvitationStreamPrefix) + std::to_string(id);
}

void RegisterInvitationEvents(EventRegistry& r) {
  r.Add<InvitationCreated>();
  r.Add<InvitationResent>();
  r.Add<InvitationRevoked>();
  r.Add<InvitationAccepted>();
  r.Add<InvitationDeclined>();
}

}  // namespace orgd
