// Authentication of API requests: "Authorization: Bearer <key>".
//
// Only the SHA-256 of a key is stored; a presented key is hashed and looked up
// in the credentials read model. An Authenticator is immutable after
// construction and safe to use from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace rocksdb {
class ColumnFamilyHandle;
}

namespace orgd {
class EventStore;
}

namespace orgd::http {

// Who is calling, once authenticated.
struct Principal {
  std::string key_id;
  std::string account_id;
  bool site_admin = false;

  // The actor recorded in events: "key:<key_id>".
  std::string Actor() const { return "key:" + key_id; }
};

// Longest credential accepted, in bytes.
inline constexpr size_t kMaxCredentialBytes = 256;

// Extracts the key from an Authorization header value. The scheme is matched
// case-insensitively; the key must be 1..kMaxCredentialBytes visible ASCII
// characters. Unauthenticated (with a reason) otherwise.
Status ParseBearer(std::string_view header, std::string_view* key);

class Authenticator {
 public:
  // "*store" must outlive the authenticator. clock: ms since the epoch.
  Authenticator(const EventStore* store, std::function<int64_t()> clock);

  // Unauthenticated when the header is missing, malformed, unknown or expired.
  Status Authenticate(std::optional<std::string_view> authorization, Principal* out) const;

 private:
  const EventStore* const store_;
  rocksdb::ColumnFamilyHandle* const credentials_cf_;
  const std::function<int64_t()> clock_;
};

}  // namespace orgd::http
