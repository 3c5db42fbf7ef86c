#include "src/events/credential_events.h"

namespace orgd {

std::string ApiKeyStream(std::string_view key_id) {
  return std::string(kApiKeyStreamPrefix) + std::string(key_id);
}

void RegisterCredentialEvents(EventRegistry& r) {
  r.Add<ApiKeyIssued>();
  r.Add<ApiKeyRevoked>();
  r.Add<SessionStarted>();
  r.Add<AccessTokenIssued>();
  r.Add<CredentialUsed>();
}

}  // namespace orgd
