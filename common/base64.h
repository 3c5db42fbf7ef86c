// Base64 (RFC 4648 section 4, with padding), through libsodium. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace orgd {

// False for anything but well-formed padded base64 (whitespace included).
bool Base64Decode(std::string_view in, std::string* out);
std::string Base64Encode(std::string_view in);

}  // namespace orgd
