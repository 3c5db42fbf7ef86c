// Random identifiers and secrets from libsodium's CSPRNG. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orgd {

// A random version-4 UUID in canonical lower-case form.
std::string NewUuid();

// n characters of [0-9A-Za-z], uniformly chosen.
std::string RandomBase62(size_t n);

// An id for a request: unique in practice, cheap (no random draw per call).
// Not a secret.
std::string NewRequestId();

// A new API key: "sk-" followed by 40 base62 characters (about 238 bits).
std::string NewApiKey();

// The shape of an API key given from outside (ORGD_ADMIN_KEY): "sk-" and
// then kMinApiKeyChars to kMaxApiKeyChars characters of [0-9A-Za-z]. 22
// base62 characters can carry 131 random bits, so a key of the right shape
// has room for at least 128. Every NewApiKey() key has it.
inline constexpr std::string_view kApiKeyPrefix = "sk-";
inline constexpr size_t kMinApiKeyChars = 22;
inline constexpr size_t kMaxApiKeyChars = 64;

// OK when key has that shape; otherwise InvalidArgument (reason
// "malformed_api_key") saying what is wrong, without repeating the key.
Status ValidateApiKey(std::string_view key);

// True for a canonical UUID (8-4-4-4-12 hex digits, any case).
bool IsUuid(std::string_view s);

}  // namespace orgd
