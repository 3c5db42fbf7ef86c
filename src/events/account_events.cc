#include "src/events/account_events.h"

namespace orgd {

std::string AccountStream(std::string_view account_id) {
  return std::string(kAccountStreamPrefix) + std::string(account_id);
}

void RegisterAccountEvents(EventRegistry& r) {
  r.Add<AccountCreated>();
  r.Add<AccountUpdated>();
  r.Add<AccountDeleted>();
  r.Add<AccountPasswordSet>();
}

}  // namespace orgd
