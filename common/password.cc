#include "common/password.h"

#include <sodium.h>

#include <map>
#include <utility>

#include "common/random.h"
#include "common/thread_annotations.h"

namespace orgd {

static_assert(kPasswordOpsLimitMin == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kPasswordMemLimitMin == crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(kPasswordOpsLimitInteractive == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(kPasswordMemLimitInteractive == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(kMaxPasswordBytes <= crypto_pwhash_argon2id_PASSWD_MAX);
static_assert(crypto_pwhash_argon2id_STRBYTES == 128);

namespace {

bool SodiumReady() {
  // sodium_init() is idempotent and thread-safe; it also picks Argon2's fastest
  // implementation for this CPU.
  static const bool ok = sodium_init() >= 0;
  return ok;
}

// The dummy hashes, one per limits, kept for the life of the process. Never
// destroyed, so a worker still verifying at exit does not race destruction.
struct DummyHashes {
  Mutex mu;
  std::map<std::pair<uint64_t, size_t>, std::string> by_limits GUARDED_BY(mu);
};

DummyHashes& Dummies() {
  static DummyHashes* const d = new DummyHashes;
  return *d;
}

}  // namespace

Status ValidatePassword(std::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("a password is " + std::to_string(kMinPasswordBytes) + " to " +
                                       std::to_string(kMaxPasswordBytes) +
                                       " bytes long; this one has " +
                                       std::to_string(password.size()),
                                   "invalid_password");
  }
  return Status::OK();
}

Result<std::string> HashPassword(std::string_view password, const PasswordLimits& limits) {
  ORGD_RETURN_IF_ERROR(ValidatePassword(password));
  if (!SodiumReady()) return Status::Internal("libsodium failed to initialise");
  char out[crypto_pwhash_argon2id_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), limits.opslimit, limits.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal(
        "Argon2id failed (out of memory, or limits opslimit=" + std::to_string(limits.opslimit) +
        " memlimit=" + std::to_string(limits.memlimit) + " out of range)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  // crypto_pwhash_str_verify reads a NUL-terminated string of fewer than
  // STRBYTES bytes; anything longer or with an inner NUL is no hash of ours.
  if (hash.empty() || hash.size() >= crypto_pwhash_argon2id_STRBYTES ||
      hash.find('\0') != std::string_view::npos) {
    return false;
  }
  if (!SodiumReady()) return false;
  char str[crypto_pwhash_argon2id_STRBYTES] = {};
  hash.copy(str, hash.size());
  return crypto_pwhash_str_verify(str, password.data(), password.size()) == 0;
}

const std::string& DummyPasswordHash(const PasswordLimits& limits) {
  static const std::string kNone;
  DummyHashes& d = Dummies();
  MutexLock lock(&d.mu);
  const auto key = std::make_pair(limits.opslimit, limits.memlimit);
  auto it = d.by_limits.find(key);
  if (it == d.by_limits.end()) {
    if (!SodiumReady()) return kNone;
    // 32 base62 characters: about 190 bits, so nothing anyone sends matches.
    Result<std::string> hash = HashPassword(RandomBase62(32), limits);
    if (!hash.ok()) return kNone;
    it = d.by_limits.emplace(key, std::move(hash).value()).first;
  }
  return it->second;
}

}  // namespace orgd
