// Every aggregate's event types: one line per aggregate.
#include "src/events/account_events.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "src/events/registry.h"

namespace orgd {

const EventRegistry& EventRegistry::Get() {
  static const EventRegistry registry = [] {
    EventRegistry r;
    RegisterOrgEvents(r);
    RegisterCredentialEvents(r);
    RegisterAccountEvents(r);
    return r;
  }();
  return registry;
}
}  // namespace orgd
