// UserSearch: the user search of the native API and of CoCalc's
// system.userSearch, over the in-memory UserSearchIndex (user_search_index.h)
// and the accounts model.
//
// The index is a read model kept in memory: built from the committed accounts
// model when the service opens (Load), then fed by the writer with each
// batch's events once they are durable and before any of its replies
// (Apply, from WriterOptions::after_commit), so a search after a write's
// reply sees the write and never sees anything uncommitted.
//
// Thread safety: Search from any number of threads; Load and Apply from one
// thread at a time (the composition root, then the writer).
#pragma once

#include <atomic>
#include <cstddef>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "src/queries/read_views.h"
#include "src/queries/user_search_index.h"
#include "storage/log/record.h"

namespace orgd {

struct SearchHit {
  AccountRecord account;
  bool email_visible = false;  // the caller may see account.email
};

class UserSearch {
 public:
  // Result sizes: the default, and the most a non-admin or a site admin gets.
  static constexpr size_t kDefaultLimit = 20;
  static constexpr size_t kMaxLimit = 50;
  static constexpr size_t kMaxAdminLimit = 1000;
  static constexpr size_t kMaxQueryBytes = 1000;

  // "*views" must outlive the search.
  explicit UserSearch(const ReadViews* views) : views_(views) {}

  // Indexes every live account; until it returns, ready() is false.
  Status Load();
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  // Folds committed events into the index.
  void Apply(const std::vector<EventEnvelope>& events);

  // CoCalc's semantics: a whole UUID finds that account, a whole email the
  // account with that email (case-insensitively; the only case in which a
  // non-admin sees an email); otherwise terms split on , ; or newline (OR),
  // words on spaces (AND), each word a substring of the first name, the last
  // name or "@" + username; most recently active first, then newest. Deleted
  // accounts are never found; deactivated ones only by site admins, and only
  // by id or email (the index holds active accounts only). limit is
  // clamped to the caller's maximum (0: the default). Unavailable while the
  // index loads; InvalidArgument for a query over kMaxQueryBytes.
  Status Search(std::string_view query, size_t limit, bool site_admin,
                std::vector<SearchHit>* out) const;

  const UserSearchIndex& index() const { return index_; }

 private:
  // The live account, or false when it is gone or the caller may not see it.
  bool Visible(const AccountRecord& a, bool site_admin) const;

  const ReadViews* const views_;
  UserSearchIndex index_;
  std::atomic<bool> ready_{false};
};

// The index's view of an account.
SearchAccount ToSearchAccount(const AccountRecord& a);

}  // namespace orgd
