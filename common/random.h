// Random identifiers and secrets from libsodium's CSPRNG. Thread-safe.
#pragma once

#include <string>

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

// True for a canonical UUID (8-4-4-4-12 hex digits, any case).
bool IsUuid(std::string_view s);

}  // namespace orgd
