// Password hashing with libsodium's crypto_pwhash (Argon2id). Thread-safe: every
// function may be called from any thread at once.
//
// HashPassword and VerifyPassword are slow on purpose (tens of milliseconds and
// limits.memlimit bytes of memory each): run them on a worker thread
// (src/http/core/work_pool.h), never on the writer thread or an I/O thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace orgd {

// libsodium's crypto_pwhash_{OPS,MEM}LIMIT_{MIN,INTERACTIVE} for Argon2id,
// written out so that this header need not include sodium.h (password.cc
// static_asserts that they match).
inline constexpr uint64_t kPasswordOpsLimitMin = 1;
inline constexpr size_t kPasswordMemLimitMin = 8192;  // 8 KiB
inline constexpr uint64_t kPasswordOpsLimitInteractive = 2;
inline constexpr size_t kPasswordMemLimitInteractive = 64 << 20;  // 64 MiB

// The cost of one hash. Both are written into the hash string, so a hash made
// with some limits verifies under any other; changing them affects new hashes
// only.
struct PasswordLimits {
  uint64_t opslimit = kPasswordOpsLimitInteractive;  // passes over memory, >= kPasswordOpsLimitMin
  size_t memlimit = kPasswordMemLimitInteractive;    // bytes, >= kPasswordMemLimitMin
};

// A password is 8 to 1024 bytes, counted as given (no normalisation; any byte,
// NUL included, is allowed). 8 is NIST SP 800-63B's minimum for a chosen
// password; 1024 leaves room for any passphrase or manager-generated secret
// while bounding the input (Argon2id's cost does not depend on its length).
inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 1024;

// OK when password is kMinPasswordBytes to kMaxPasswordBytes long; otherwise
// InvalidArgument with reason "invalid_password" (the message gives the bounds
// and the length, never the password).
Status ValidatePassword(std::string_view password);

// An Argon2id hash string of password with a fresh random salt
// ("$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>", at most 127 characters).
// InvalidArgument ("invalid_password") when ValidatePassword fails; Internal
// when libsodium fails (out of memory, limits out of range).
Result<std::string> HashPassword(std::string_view password, const PasswordLimits& limits);

// True when hash is a hash string of password, checked in constant time by
// crypto_pwhash_str_verify (at the cost written in hash). False for a wrong
// password, a malformed hash, or a password longer than kMaxPasswordBytes.
bool VerifyPassword(std::string_view hash, std::string_view password);

// A hash of a random password with these limits, made on the first call for
// them and then kept for the life of the process (never stored anywhere).
// Verify against it when the account is unknown or has no password, so that
// an unknown email costs the same time as a wrong password; it never verifies.
// If libsodium fails the result is empty (VerifyPassword is then quick and
// false) and the next call tries again.
const std::string& DummyPasswordHash(const PasswordLimits& limits);

}  // namespace orgd
