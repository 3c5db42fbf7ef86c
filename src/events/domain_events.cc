#include "src/events/domain_events.h"

namespace orgd {

std::string DomainStream(std::string_view domain) {
  return std::string(kDomainStreamPrefix) + std::string(domain);
}

void RegisterDomainEvents(EventRegistry& r) {
  r.Add<DomainClaimed>();
  r.Add<DomainVerified>();
  r.Add<DomainReleased>();
}

}  // namespace orgd
