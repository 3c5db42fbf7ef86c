// Every aggregate's event types: one line per aggregate.
#include "src/events/account_events.h"
#include "src/events/credential_events.h"
#include "src/events/domain_events.h"
#include "src/events/invitation_events.h"
#include "src/events/member_events.h"
#include "src/events/message_events.h"
#include "src/events/org_events.h"
#include "src/events/project_events.h"
#include "src/events/registry.h"

namespace orgd {

const EventRegistry& EventRegistry::Get() {
  static const EventRegistry registry = [] {
    EventRegistry r;
    RegisterOrgEvents(r);
    RegisterCredentialEvents(r);
    RegisterAccountEvents(r);
    RegisterMemberEvents(r);
    RegisterMessageEvents(r);
    RegisterProjectEvents(r);
    RegisterInvitationEvents(r);
    RegisterDomainEvents(r);
    return r;
  }();
  return registry;
}
}  // namespace orgd
