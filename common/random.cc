#include "common/random.h"

#include <sodium.h>

#include <cstdint>
#include <stdexcept>

namespace orgd {
namespace {

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string NewUuid() {
  EnsureSodium();
  uint8_t b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 0xf]);
  }
  return s;
}

std::string RandomBase62(size_t n) {
  EnsureSodium();
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // One draw of random bytes for the whole string (a draw may be a syscall);
  // bytes >= 248 are rejected so every character is uniform (248 = 4 * 62).
  std::string s;
  s.reserve(n);
  unsigned char buf[64];
  while (s.size() < n) {
    randombytes_buf(buf, sizeof buf);
    for (unsigned char b : buf) {
      if (b < 248 && s.size() < n) s.push_back(kAlphabet[b % 62]);
    }
  }
  return s;
}

std::string NewRequestId() {
  // A random per-thread prefix and a counter: unique without a draw per call.
  thread_local const std::string prefix = RandomBase62(12);
  thread_local uint64_t counter = 0;
  return prefix + "-" + std::to_string(++counter);
}

std::string NewApiKey() { return std::string(kApiKeyPrefix) + RandomBase62(40); }

Status ValidateApiKey(std::string_view key) {
  auto malformed = [](const std::string& what) {
    return Status::InvalidArgument(
        "an API key is \"sk-\" and then " + std::to_string(kMinApiKeyChars) + " to " +
            std::to_string(kMaxApiKeyChars) + " characters of [0-9A-Za-z]; this one " + what,
        "malformed_api_key");
  };
  if (!key.starts_with(kApiKeyPrefix)) return malformed("does not start with \"sk-\"");
  const std::string_view rest = key.substr(kApiKeyPrefix.size());
  if (rest.size() < kMinApiKeyChars || rest.size() > kMaxApiKeyChars) {
    return malformed("has " + std::to_string(rest.size()) + " after \"sk-\"");
  }
  for (size_t i = 0; i < rest.size(); ++i) {
    const char c = rest[i];
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      return malformed("has another character at position " +
                       std::to_string(kApiKeyPrefix.size() + i + 1));
    }
  }
  return Status::OK();
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace orgd
