// An in-memory substring index over every account's first name, last name and
// username, answering CoCalc's `system.userSearch` word queries
// (docs: PERFORMANCE.md §4). A UserSearchIndex is safe for concurrent access
// from multiple threads without external synchronization: Match and the
// other readers share a lock, writers take it exclusively.
//
// Text is compared as bytes: ASCII letters are lower-cased, every other byte
// (UTF-8 included) is kept as it is, so "É" and "é" are different.
//
// Layout: each account gets a dense ordinal (uint32) on its first Upsert and
// keeps it for the index's life; Remove retires the ordinal and an Upsert of
// the same id later revives it, but no other account ever reuses it. A text
// arena holds, per ordinal, "first\0last\0@username" lower-cased; one Roaring
// bitmap per gram (every 1-, 2- and 3-byte substring of a field) lists the
// ordinals whose text holds that gram. Postings are kept exact on every write,
// so a word of up to 3 bytes is answered by one bitmap; a longer word
// intersects its trigrams and confirms each candidate on the arena.
#pragma once

#include <roaring/roaring.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/thread_annotations.h"

namespace orgd {

namespace search_internal {

// A reader/writer mutex the thread-safety analysis understands (the
// shared-mode counterpart of common/thread_annotations.h's Mutex).
struct RoaringFree {
  void operator()(roaring_bitmap_t* b) const { roaring_bitmap_free(b); }
};
using Bitmap = std::unique_ptr<roaring_bitmap_t, RoaringFree>;

}  // namespace search_internal

// What the index needs of one account. The index lower-cases itself.
struct SearchAccount {
  std::string account_id;                       // 36-char UUID (any string works)
  std::string first_name, last_name, username;  // as stored; username may be empty
  int64_t created_ms = 0;
  int64_t last_active_ms = 0;  // 0: never active
};

class UserSearchIndex {
 public:
  // Bytes of each field that are indexed and searchable; the rest of a
  // longer field is ignored (names are validated far shorter).
  static constexpr size_t kMaxFieldBytes = 1024;
  // A word longer than this still matches by substring, but only the
  // trigrams of its first kMaxWordGramBytes bytes select the candidates.
  static constexpr size_t kMaxWordGramBytes = 64;

  UserSearchIndex() = default;
  UserSearchIndex(const UserSearchIndex&) = delete;
  UserSearchIndex& operator=(const UserSearchIndex&) = delete;

  // Adds the account, or replaces its text and both times. A NUL byte in a
  // field is indexed as a space.
  void Upsert(const SearchAccount& a) LOCKS_EXCLUDED(mu_);
  // Upsert of each, in order, under one exclusive lock (the cold-start build).
  void UpsertMany(const std::vector<SearchAccount>& accounts) LOCKS_EXCLUDED(mu_);
  // The account is never matched again (until it is upserted again). No-op
  // for an unknown id.
  void Remove(std::string_view account_id) LOCKS_EXCLUDED(mu_);
  // Raises the account's last_active_ms to last_active_ms; never lowers it.
  // No-op for an unknown or removed id.
  void Touch(std::string_view account_id, int64_t last_active_ms) LOCKS_EXCLUDED(mu_);

  // The ids of live accounts matching `terms`, best first, at most `limit`.
  // terms is an OR of terms; each term an AND of words; words lower-cased and
  // non-empty (ParseUserSearch gives them). A word matches an account when it
  // is a substring of lower(first_name), of lower(last_name) or of
  // "@" + lower(username) (no "@" text without a username), never across two
  // of them. A term that is empty or holds an empty word or a word with a
  // NUL byte matches nothing. Each account appears once. Order:
  // max(last_active_ms, created_ms) descending, then created_ms descending,
  // then account_id ascending.
  std::vector<std::string> Match(const std::vector<std::vector<std::string>>& terms,
                                 size_t limit) const LOCKS_EXCLUDED(mu_);
  // The same matches with what the index holds of each: names as given (the
  // first kMaxFieldBytes of each field) and both times, so a result page
  // needs no other read.
  std::vector<SearchAccount> MatchAccounts(const std::vector<std::vector<std::string>>& terms,
                                           size_t limit) const LOCKS_EXCLUDED(mu_);

  // Accounts indexed and not removed.
  size_t size() const LOCKS_EXCLUDED(mu_);
  // Approximate heap bytes held (bitmaps, arenas, tables). O(number of grams).
  size_t MemoryBytes() const LOCKS_EXCLUDED(mu_);

 private:
  struct TermPlan;
  struct Scratch;
  class TopK;

  static constexpr uint32_t kNoOrdinal = UINT32_MAX;

  // Writers.
  void UpsertLocked(const SearchAccount& a, Scratch* scratch) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t InsertOrdinalLocked(std::string_view account_id) EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void GrowSlotsLocked() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetTextLocked(uint32_t ordinal, std::string_view text, std::string_view display)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CompactTextLocked() EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddPostingsLocked(uint32_t ordinal, const std::vector<uint32_t>& grams)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemovePostingsLocked(uint32_t ordinal, const std::vector<uint32_t>& grams)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetTimesLocked(uint32_t ordinal, int64_t created_ms, int64_t last_active_ms)
      EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Readers (shared lock or better).
  uint32_t FindOrdinal(std::string_view account_id) const SHARED_LOCKS_REQUIRED(mu_);
  std::string_view IdOf(uint32_t ordinal) const SHARED_LOCKS_REQUIRED(mu_);
  std::string_view TextOf(uint32_t ordinal) const SHARED_LOCKS_REQUIRED(mu_);
  std::string_view DisplayOf(uint32_t ordinal) const SHARED_LOCKS_REQUIRED(mu_);
  // Match's ordinals, best first.
  std::vector<uint32_t> MatchLocked(const std::vector<std::vector<std::string>>& terms,
                                    size_t limit) const SHARED_LOCKS_REQUIRED(mu_);
  const roaring_bitmap_t* Postings(uint32_t gram) const SHARED_LOCKS_REQUIRED(mu_);
  // lazy: the rarest posting list with the others as filters, instead of
  // their intersection.
  TermPlan PlanTerm(const std::vector<std::string>& words, bool lazy) const
      SHARED_LOCKS_REQUIRED(mu_);
  bool Confirmed(const TermPlan& plan, uint32_t ordinal) const SHARED_LOCKS_REQUIRED(mu_);
  // True when ordinal a sorts before b in Match's order.
  bool Before(uint32_t a, uint32_t b) const SHARED_LOCKS_REQUIRED(mu_);

  mutable SharedMutex mu_;

  // State below is protected by mu_. Per-ordinal vectors all have one entry
  // per ordinal ever assigned.
  std::string ids_ GUARDED_BY(mu_);               // every id, back to back
  std::vector<uint64_t> id_end_ GUARDED_BY(mu_);  // ordinal's id ends here in ids_
  std::vector<uint32_t> slots_ GUARDED_BY(mu_);   // open addressing: ordinal or kNoOrdinal
  std::string text_ GUARDED_BY(mu_);              // the text arena (lower case)
  std::string display_ GUARDED_BY(mu_);           // the same as given, at the same offsets
  std::vector<uint64_t> text_begin_ GUARDED_BY(mu_);
  std::vector<uint32_t> text_size_ GUARDED_BY(mu_);
  uint64_t text_garbage_ GUARDED_BY(mu_) = 0;  // bytes of text_ no ordinal points at
  std::vector<int64_t> created_ms_ GUARDED_BY(mu_);
  std::vector<int64_t> rank_ms_ GUARDED_BY(mu_);  // max(last_active_ms, created_ms)
  std::vector<int64_t> last_active_ms_ GUARDED_BY(mu_);
  std::vector<uint8_t> live_ GUARDED_BY(mu_);
  // Ordinals whose last activity is after their creation.
  search_internal::Bitmap active_ GUARDED_BY(mu_);
  // Creation times never fall as ordinals rise (true while accounts arrive
  // in creation order, as they do from the log and from Load): Match may
  // then stop early.
  bool created_ordered_ GUARDED_BY(mu_) = true;
  size_t live_count_ GUARDED_BY(mu_) = 0;
  // Gram key (GramKey in the .cc) to the ordinals whose text holds it. No
  // bitmap is empty.
  std::unordered_map<uint32_t, search_internal::Bitmap> postings_ GUARDED_BY(mu_);
};

}  // namespace orgd
