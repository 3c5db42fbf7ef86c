// The parser of a user-search query string (CoCalc's `system.userSearch`,
// `parse_user_search` in its src/packages/util/misc.ts). A pure function,
// safe from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace orgd {

struct UserSearchQuery {
  enum class Kind {
    kAccountId,  // the whole query is a UUID: exact account_id lookup
    kEmail,      // the whole query is a valid email: exact email lookup
    kTerms,      // substring search (terms OR-ed, words AND-ed) and/or exact emails
    kEmpty,      // nothing to search for
  };
  Kind kind = Kind::kEmpty;
  // kAccountId: the lower-cased UUID; kEmail: the email as NormalizeEmail
  // gives it (trimmed, lower-cased).
  std::string value;
  // kTerms: lower-cased, non-empty words; a term matches when all of its
  // words do, the query when any term does (UserSearchIndex::Match).
  std::vector<std::vector<std::string>> terms;
  // kTerms: terms that were one word that is a valid email, to be matched
  // exactly by email instead of by substring. No duplicates.
  std::vector<std::string> emails;
};

// At most this many terms (substring terms and emails together) are kept and
// at most this many words per term; the rest of the query is ignored.
inline constexpr size_t kMaxSearchTerms = 16;
inline constexpr size_t kMaxSearchWords = 16;

// Parses query: trimmed; a whole UUID (8-4-4-4-12 hex, any case) gives
// kAccountId; a whole valid email (common/email.h) gives kEmail; otherwise
// the query is lower-cased (ASCII) and split into terms on ',', ';' and
// newline, each term into words on ASCII whitespace, empty ones dropped, a
// one-word term that is a valid email moved to `emails`; nothing left gives
// kEmpty. Work is linear in query.size(); bounding that size (the HTTP
// surface allows at most 1000 bytes) is the caller's job.
UserSearchQuery ParseUserSearch(std::string_view query);

}  // namespace orgd
