// CredentialCache: what authentication reads on every request (the
// credential by the hash of its secret, and its account's state), kept in
// memory so a request costs no store read once its credential was seen.
//
// Coherence: the writer hands the cache every batch's events after the
// commit and before the batch's replies (WriterOptions::after_commit, as for
// the search index). A batch that revokes a credential, changes or deletes
// an account, or deletes an org (its org-scoped keys go) moves the cache to a
// new epoch, and entries of older epochs are
// never used again: a revocation or deletion cuts access before its reply. A
// reader that read the store before such a commit tags its entry with the
// epoch it saw before reading, so a stale read is never cached as current.
// Expiry is checked on every use. Unknown secrets are not cached.
//
// Thread safety: Find from any number of threads; Apply from the writer.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/sha256.h"
#include "common/thread_annotations.h"
#include "src/queries/read_views.h"
#include "storage/log/record.h"

namespace orgd {

// A live credential with what its account says at the moment.
struct AuthEntry {
  Credential credential;
  bool has_account = false;   // the credential belongs to an account
  bool account_live = false;  // that account exists and is active
  bool account_site_admin = false;
};

class CredentialCache {
 public:
  static constexpr size_t kShards = 16;
  // Entries per shard; a full shard starts afresh.
  static constexpr size_t kMaxPerShard = 1 << 14;

  // "*views" must outlive the cache.
  explicit CredentialCache(const ReadViews* views);
  ~CredentialCache();

  // The credential whose secret hashes to sha256; NotFound when none is live.
  Status Find(const Digest& sha256, AuthEntry* out) const;
  // Folds committed events: invalidates what they may have changed.
  void Apply(const std::vector<EventEnvelope>& events);

  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

 private:
  struct Shard;
  Status Read(const Digest& sha256, AuthEntry* out) const;

  const ReadViews* const views_;
  std::atomic<uint64_t> epoch_{1};
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace orgd
