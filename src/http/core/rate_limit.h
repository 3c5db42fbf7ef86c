// SignInLimiter: counts failed sign-ins per key and locks a key out for a
// while after too many. A SignInLimiter is safe for concurrent use from many
// threads without external synchronization (its keys are split over shards,
// each with its own mutex).
//
// Keys are opaque strings; the caller uses one per account
// ("acct:<account id or normalised email>") and one per client address
// ("addr:<client ip>"), checks every key of an attempt before verifying the
// password, and answers 429 with Retry-After (RetryAfterMs rounded up to
// seconds) when any is locked.
//
// Policy, per key:
//  - Failures are counted in a fixed window that opens at the first failure
//    and lasts window_ms; a failure after the window has closed opens a new
//    one and counts as its first.
//  - The max_failures-th failure within one window locks the key for
//    lockout_ms. While locked, RetryAfterMs is the time left.
//  - After its first lockout the key is "prone": every further failure locks
//    it again at once, for twice the previous lockout (lockout_ms * 2^n after
//    n earlier lockouts), capped at max_lockout_ms. A failure recorded while
//    locked (attempts that were checked before the lock and finished after)
//    counts the same way and extends the lockout.
//  - A key is forgotten, prone or not, once window_ms has passed since both
//    its last failure and the end of its last lockout; RecordSuccess forgets
//    it at once.
//  With the defaults that allows 5 guesses, then one after each lockout of 1,
//  2, 4, 8 and then 15 minutes; waiting 15 quiet minutes to be forgotten and
//  starting over gives at most 9 guesses per 45 minutes, so about 12 an hour
//  per key. An honest user is locked out for at most 15 minutes at a time.
//
// Memory is bounded: at most max_keys keys are tracked. When a shard is full,
// the key whose last failure is oldest is evicted (forgotten) to make room, and
// forgotten keys are dropped as new failures arrive. A key longer than
// kMaxStoredKeyBytes is kept as its SHA-256, so each entry is small.
//
// Caveats for the caller:
//  - RetryAfterMs then RecordFailure is not atomic: attempts on one key that
//    run at the same time all pass the check, so a key can see more failures
//    than max_failures, bounded by the attempts in flight (the work pool's
//    size); each extra one extends the lockout.
//  - Do not RecordSuccess the address key: an attacker could then reset their
//    address's count by signing in to an account of their own between guesses.
//  - Anyone can lock an account key by failing on purpose; the cap bounds how
//    long, and the address key bounds how many accounts one address can lock.
//
// now_ms is any millisecond clock that does not jump (steady_clock), the same
// one in every call. If it goes backwards, keys only stay longer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/thread_annotations.h"

namespace orgd::http {

struct SignInLimitOptions {
  uint32_t max_failures = 5;  // per key within window_ms before it is locked; 0 acts as 1
  int64_t window_ms =
      15 * 60 * 1000;              // the failure-counting window, and how long a key is remembered
  int64_t lockout_ms = 60 * 1000;  // the first lockout; doubles with each further one
  int64_t max_lockout_ms = 15 * 60 * 1000;  // the cap on one lockout
  size_t max_keys = 100000;  // keys tracked at most (0 acts as 1); the oldest are evicted
};

// Longest key kept as given; longer ones are kept as their SHA-256.
inline constexpr size_t kMaxStoredKeyBytes = 256;

class SignInLimiter {
 public:
  explicit SignInLimiter(SignInLimitOptions o = {});
  ~SignInLimiter();
  SignInLimiter(const SignInLimiter&) = delete;
  SignInLimiter& operator=(const SignInLimiter&) = delete;

  // 0 when key may try now, else the milliseconds until it may.
  int64_t RetryAfterMs(std::string_view key, int64_t now_ms) const;
  // Counts a failed sign-in of key at now_ms (see the policy above).
  void RecordFailure(std::string_view key, int64_t now_ms);
  // Forgets key: a successful sign-in clears its failures and lockouts.
  void RecordSuccess(std::string_view key);

  // Keys tracked now (locked, prone, or counting failures); at most max_keys.
  size_t tracked_keys() const;

 private:
  struct Shard;

  Shard& ShardFor(std::string_view stored_key) const;

  // Constant after construction.
  const SignInLimitOptions options_;
  const size_t shard_count_;
  const std::unique_ptr<Shard[]> shards_;  // each guards its own state
};

}  // namespace orgd::http
