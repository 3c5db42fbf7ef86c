#include "src/queries/credential_cache.h"

#include <cstring>
#include <string_view>

#include "src/events/account_events.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"

namespace orgd {

struct CredentialCache::Shard {
  struct Cached {
    AuthEntry entry;
    uint64_t epoch = 0;
  };
  mutable Mutex mu;
  std::unordered_map<std::string, Cached> entries GUARDED_BY(mu);
};

namespace {

std::string_view Bytes(const Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}

size_t ShardOf(const Digest& d) { return d[0] % CredentialCache::kShards; }

// Events after which a cached answer may be wrong. A new credential or a
// credential's use changes no answer already given. A deleted org takes its
// org-scoped keys with it.
bool Invalidates(std::string_view type) {
  return type == ApiKeyRevoked::kType || type == AccountUpdated::kType ||
         type == AccountDeleted::kType || type == OrgDeleted::kType;
}

}  // namespace

CredentialCache::CredentialCache(const ReadViews* views)
    : views_(views), shards_(new Shard[kShards]) {}

CredentialCache::~CredentialCache() = default;

Status CredentialCache::Read(const Digest& sha256, AuthEntry* out) const {
  ORGD_RETURN_IF_ERROR(views_->FindCredential(ToHex(sha256), &out->credential));
  out->has_account = !out->credential.account_id.empty();
  if (!out->has_account) return Status::OK();
  AccountRecord a;
  Status s = views_->FindAccount(out->credential.account_id, &a);
  if (!s.ok() && !s.IsNotFound()) return s;
  out->account_live = s.ok() && a.active;
  out->account_site_admin = s.ok() && a.site_admin;
  return Status::OK();
}

Status CredentialCache::Find(const Digest& sha256, AuthEntry* out) const {
  Shard& shard = shards_[ShardOf(sha256)];
  const uint64_t seen = epoch();
  {
    MutexLock lock(&shard.mu);
    auto it = shard.entries.find(std::string(Bytes(sha256)));
    if (it != shard.entries.end() && it->second.epoch == seen) {
      *out = it->second.entry;
      return Status::OK();
    }
  }
  // Tagged with the epoch seen before the read: if a commit that changes the
  // answer lands meanwhile, the entry is already old.
  ORGD_RETURN_IF_ERROR(Read(sha256, out));
  MutexLock lock(&shard.mu);
  if (shard.entries.size() >= kMaxPerShard) shard.entries.clear();
  shard.entries[std::string(Bytes(sha256))] = Shard::Cached{*out, seen};
  return Status::OK();
}

void CredentialCache::Apply(const std::vector<EventEnvelope>& events) {
  for (const auto& e : events) {
    if (Invalidates(e.type)) {
      epoch_.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
  }
}

}  // namespace orgd
