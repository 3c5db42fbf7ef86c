#include "src/queries/user_search.h"

#include <algorithm>
#include <set>

#include "src/events/account_events.h"
#include "src/events/credential_events.h"
#include "src/queries/user_search_query.h"

namespace orgd {
namespace {

// Match's order: most recently active (or created) first, then newest, then id.
bool Before(const SearchHit& a, const SearchHit& b) {
  const int64_t ka = std::max(a.account.last_active_ms, a.account.created_ms);
  const int64_t kb = std::max(b.account.last_active_ms, b.account.created_ms);
  if (ka != kb) return ka > kb;
  if (a.account.created_ms != b.account.created_ms)
    return a.account.created_ms > b.account.created_ms;
  return a.account.id < b.account.id;
}

}  // namespace

SearchAccount ToSearchAccount(const AccountRecord& a) {
  return SearchAccount{a.id, a.first_name, a.last_name, a.username, a.created_ms, a.last_active_ms};
}

Status UserSearch::Load() {
  // In creation order, as the log would have fed them: the index's ordinals
  // then follow creation, which lets a search stop early.
  std::vector<SearchAccount> all;
  uint64_t n = 0;
  ORGD_RETURN_IF_ERROR(views_->CountAccounts(&n));
  all.reserve(n);
  ORGD_RETURN_IF_ERROR(views_->ForEachAccount([&](const AccountRecord& a) {
    if (a.active) all.push_back(ToSearchAccount(a));  // found only by id or email otherwise
    return Status::OK();
  }));
  std::sort(all.begin(), all.end(), [](const SearchAccount& a, const SearchAccount& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.account_id < b.account_id;
  });
  index_.UpsertMany(all);
  ready_.store(true, std::memory_order_release);
  return Status::OK();
}

void UserSearch::Apply(const std::vector<EventEnvelope>& events) {
  // The committed model already holds each account's state after the batch.
  // In the order of the log, so new accounts reach the index in creation
  // order (see UserSearchIndex: a search may then stop early).
  std::vector<std::string> changed;
  std::set<std::string> seen;
  for (const auto& e : events) {
    if (e.type == AccountCreated::kType || e.type == AccountUpdated::kType) {
      std::string id = e.stream_id.substr(kAccountStreamPrefix.size());
      if (seen.insert(id).second) changed.push_back(std::move(id));
    } else if (e.type == AccountDeleted::kType) {
      AccountDeleted d;
      if (DecodeAs(e, &d).ok()) {
        std::erase(changed, d.account_id);
        seen.erase(d.account_id);
        index_.Remove(d.account_id);
      }
    } else if (e.type == CredentialUsed::kType) {
      CredentialUsed u;
      if (DecodeAs(e, &u).ok() && !u.account_id.empty()) index_.Touch(u.account_id, u.at_ms);
    } else if (e.type == SessionStarted::kType) {
      SessionStarted s;
      if (DecodeAs(e, &s).ok()) index_.Touch(s.account_id, e.timestamp_ms);
    }
  }
  std::vector<SearchAccount> upserts;
  for (const auto& id : changed) {
    AccountRecord a;
    if (!views_->FindAccount(id, &a).ok()) continue;
    if (a.active) {
      upserts.push_back(ToSearchAccount(a));
    } else {
      index_.Remove(id);  // found only by id or email, by site admins
    }
  }
  if (!upserts.empty()) index_.UpsertMany(upserts);
}

bool UserSearch::Visible(const AccountRecord& a, bool site_admin) const {
  return a.active || site_admin;
}

Status UserSearch::Search(std::string_view query, size_t limit, bool site_admin,
                          std::vector<SearchHit>* out) const {
  if (!ready()) {
    return Status::Unavailable("the user search index is still loading; retry shortly",
                               "search_loading");
  }
  if (query.size() > kMaxQueryBytes) {
    return Status::InvalidArgument(
        "query must be at most " + std::to_string(kMaxQueryBytes) + " bytes", "query_too_long");
  }
  const size_t most = site_admin ? kMaxAdminLimit : kMaxLimit;
  limit = limit == 0 ? kDefaultLimit : std::min(limit, most);
  const UserSearchQuery q = ParseUserSearch(query);
  auto add = [&](std::string_view id, bool email_visible) {
    SearchHit h;
    Status s = views_->FindAccount(id, &h.account);
    if (s.IsNotFound()) return Status::OK();
    ORGD_RETURN_IF_ERROR(s);
    if (!Visible(h.account, site_admin)) return Status::OK();
    h.email_visible = email_visible || site_admin;
    out->push_back(std::move(h));
    return Status::OK();
  };
  switch (q.kind) {
    case UserSearchQuery::Kind::kEmpty:
      return Status::OK();
    case UserSearchQuery::Kind::kAccountId:
      return add(q.value, false);
    case UserSearchQuery::Kind::kEmail:
      return add(q.value, true);
    case UserSearchQuery::Kind::kTerms:
      break;
  }
  std::set<std::string> seen;
  for (const auto& email : q.emails) {
    AccountRecord a;
    if (views_->FindAccount(email, &a).ok() && seen.insert(a.id).second) {
      ORGD_RETURN_IF_ERROR(add(a.id, false));
    }
  }
  if (!q.terms.empty()) {
    // The index holds all a page shows but emails: only a site admin's page
    // reads the accounts model.
    for (SearchAccount& m : index_.MatchAccounts(q.terms, limit)) {
      if (seen.count(m.account_id)) continue;
      if (site_admin) {
        ORGD_RETURN_IF_ERROR(add(m.account_id, true));
        continue;
      }
      SearchHit h;
      h.account.id = std::move(m.account_id);
      h.account.first_name = std::move(m.first_name);
      h.account.last_name = std::move(m.last_name);
      h.account.username = std::move(m.username);
      h.account.created_ms = m.created_ms;
      h.account.last_active_ms = m.last_active_ms;
      h.account.email_verified = false;  // no verification flow yet: always false
      out->push_back(std::move(h));
    }
  }
  std::sort(out->begin(), out->end(), Before);
  if (out->size() > limit) out->resize(limit);
  return Status::OK();
}

}  // namespace orgd
