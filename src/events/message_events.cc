#include "src/events/message_events.h"

namespace orgd {

std::string MessageStream(uint64_t id) {
  return std::string(kMessageStreamPrefix) + std::to_string(id);
}

void RegisterMessageEvents(EventRegistry& r) {
  r.Add<OrgMessageSent>();
  r.Add<DirectMessageSent>();
  r.Add<MessageRead>();
}

}  // namespace orgd
