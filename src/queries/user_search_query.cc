#include "src/queries/user_search_query.h"

#include <algorithm>

#include "common/email.h"
#include "common/random.h"

namespace orgd {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool IsTermSeparator(char c) { return c == ',' || c == ';' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The non-empty whitespace-separated words of term, at most kMaxSearchWords.
std::vector<std::string> SplitWords(std::string_view term) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < term.size() && words.size() < kMaxSearchWords) {
    while (i < term.size() && IsAsciiSpace(term[i])) ++i;
    size_t start = i;
    while (i < term.size() && !IsAsciiSpace(term[i])) ++i;
    if (i > start) words.emplace_back(term.substr(start, i - start));
  }
  return words;
}

void ParseTerms(std::string_view lowered, UserSearchQuery* q) {
  size_t kept = 0;
  size_t i = 0;
  while (i <= lowered.size() && kept < kMaxSearchTerms) {
    size_t end = i;
    while (end < lowered.size() && !IsTermSeparator(lowered[end])) ++end;
    std::vector<std::string> words = SplitWords(lowered.substr(i, end - i));
    i = end + 1;
    if (words.empty()) continue;
    ++kept;
    if (words.size() == 1 && IsValidEmail(words[0])) {
      if (std::find(q->emails.begin(), q->emails.end(), words[0]) == q->emails.end()) {
        q->emails.push_back(std::move(words[0]));
      }
    } else {
      q->terms.push_back(std::move(words));
    }
  }
}

}  // namespace

UserSearchQuery ParseUserSearch(std::string_view query) {
  UserSearchQuery q;
  std::string_view trimmed = Trim(query);
  if (IsUuid(trimmed)) {
    q.kind = UserSearchQuery::Kind::kAccountId;
    q.value = AsciiLower(trimmed);
    return q;
  }
  if (IsValidEmail(trimmed)) {
    q.kind = UserSearchQuery::Kind::kEmail;
    q.value = NormalizeEmail(trimmed);
    return q;
  }
  ParseTerms(AsciiLower(trimmed), &q);
  q.kind = q.terms.empty() && q.emails.empty() ? UserSearchQuery::Kind::kEmpty
                                               : UserSearchQuery::Kind::kTerms;
  return q;
}

}  // namespace orgd
