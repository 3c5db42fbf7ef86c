#include "src/http/core/rate_limit.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "common/sha256.h"

namespace orgd::http {
namespace {

// Up to this many shards, each holding at least kMinKeysPerShard keys, so a
// small limiter is one shard and evicts exactly its oldest key.
constexpr size_t kMaxShards = 16;
constexpr size_t kMinKeysPerShard = 1024;
// lockouts stops counting here; 2^kMaxLockouts * lockout_ms is past any cap.
constexpr uint32_t kMaxLockouts = 62;

size_t ShardCount(size_t max_keys) {
  return std::clamp<size_t>(max_keys / kMinKeysPerShard, 1, kMaxShards);
}

// The key as kept: itself, or "#" and its SHA-256 in hex (in *buf) when it
// is long.
std::string_view StoredKey(std::string_view key, std::string* buf) {
  if (key.size() <= kMaxStoredKeyBytes) return key;
  *buf = "#" + ToHex(Sha256Of(key));
  return *buf;
}

}  // namespace

// One shard: its keys in order of last failure, most recent first, with an
// index into that list. The index's string_views point at the list nodes'
// keys, which std::list never moves.
struct SignInLimiter::Shard {
  struct Entry {
    uint32_t failures = 0;  // in the window that opened at window_start
    uint32_t lockouts = 0;  // lockouts so far; > 0: the key is prone
    int64_t window_start = 0;
    int64_t last_failure = 0;
    int64_t locked_until = 0;  // 0: never locked
  };
  struct Node {
    std::string key;
    Entry entry;
  };
  using List = std::list<Node>;

  // The entry's key may be forgotten at now.
  static bool Forgettable(const Entry& e, int64_t now, const SignInLimitOptions& o) {
    return now >= e.locked_until && now - std::max(e.last_failure, e.locked_until) >= o.window_ms;
  }

  // Drops forgettable keys from the old end of the list.
  void DropForgotten(int64_t now, const SignInLimitOptions& o) EXCLUSIVE_LOCKS_REQUIRED(mu) {
    while (!lru.empty() && Forgettable(lru.back().entry, now, o)) Erase(std::prev(lru.end()));
  }

  void Erase(List::iterator it) EXCLUSIVE_LOCKS_REQUIRED(mu) {
    index.erase(std::string_view(it->key));
    lru.erase(it);
  }

  // key's entry, moved to the front of the list; a fresh one when key is new
  // or forgettable, evicting the oldest key when the shard is full.
  Entry& Touch(std::string_view key, int64_t now, const SignInLimitOptions& o, size_t capacity)
      EXCLUSIVE_LOCKS_REQUIRED(mu) {
    if (auto it = index.find(key); it != index.end()) {
      lru.splice(lru.begin(), lru, it->second);
      if (Forgettable(it->second->entry, now, o)) it->second->entry = Entry{};
      return it->second->entry;
    }
    while (!lru.empty() && lru.size() >= capacity) Erase(std::prev(lru.end()));
    lru.push_front(Node{std::string(key), Entry{}});
    index.emplace(std::string_view(lru.front().key), lru.begin());
    return lru.front().entry;
  }

  mutable Mutex mu;
  List lru GUARDED_BY(mu);
  std::unordered_map<std::string_view, List::iterator> index GUARDED_BY(mu);
};

SignInLimiter::SignInLimiter(SignInLimitOptions o)
    : options_(o),
      shard_count_(ShardCount(o.max_keys)),
      shards_(std::make_unique<Shard[]>(shard_count_)) {}

SignInLimiter::~SignInLimiter() = default;

SignInLimiter::Shard& SignInLimiter::ShardFor(std::string_view stored_key) const {
  return shards_[std::hash<std::string_view>{}(stored_key) % shard_count_];
}

int64_t SignInLimiter::RetryAfterMs(std::string_view key, int64_t now_ms) const {
  std::string buf;
  const std::string_view stored = StoredKey(key, &buf);
  Shard& shard = ShardFor(stored);
  MutexLock lock(&shard.mu);
  auto it = shard.index.find(stored);
  if (it == shard.index.end()) return 0;
  return std::max<int64_t>(0, it->second->entry.locked_until - now_ms);
}

void SignInLimiter::RecordFailure(std::string_view key, int64_t now_ms) {
  std::string buf;
  const std::string_view stored = StoredKey(key, &buf);
  Shard& shard = ShardFor(stored);
  const size_t capacity = std::max<size_t>(1, options_.max_keys / shard_count_);
  const uint32_t max_failures = std::max<uint32_t>(1, options_.max_failures);

  MutexLock lock(&shard.mu);
  shard.DropForgotten(now_ms, options_);
  Shard::Entry& e = shard.Touch(stored, now_ms, options_, capacity);
  if (e.failures == 0 || now_ms - e.window_start >= options_.window_ms) {
    e.failures = 0;
    e.window_start = now_ms;
  }
  e.last_failure = now_ms;
  ++e.failures;
  if (e.lockouts == 0 && e.failures < max_failures) return;

  // Locks (again): lockout_ms doubled for each earlier lockout, capped.
  const int64_t cap = options_.max_lockout_ms;
  int64_t lockout = std::min(options_.lockout_ms, cap);
  for (uint32_t i = 0; i < e.lockouts && lockout < cap; ++i) {
    lockout = lockout > cap / 2 ? cap : lockout * 2;
  }
  const int64_t until = now_ms > std::numeric_limits<int64_t>::max() - lockout
                            ? std::numeric_limits<int64_t>::max()
                            : now_ms + lockout;
  e.locked_until = std::max(e.locked_until, until);
  e.lockouts = std::min(e.lockouts + 1, kMaxLockouts);
  e.failures = 0;
}

void SignInLimiter::RecordSuccess(std::string_view key) {
  std::string buf;
  const std::string_view stored = StoredKey(key, &buf);
  Shard& shard = ShardFor(stored);
  MutexLock lock(&shard.mu);
  if (auto it = shard.index.find(stored); it != shard.index.end()) shard.Erase(it->second);
}

size_t SignInLimiter::tracked_keys() const {
  size_t n = 0;
  for (size_t i = 0; i < shard_count_; ++i) {
    Shard& shard = shards_[i];
    MutexLock lock(&shard.mu);
    n += shard.lru.size();
  }
  return n;
}

}  // namespace orgd::http
