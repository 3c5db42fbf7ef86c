#include "src/queries/user_search_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "src/queries/user_search_query.h"

namespace orgd {
namespace {

using Ids = std::vector<std::string>;

class UserSearchIndexTest : public testing::Test {
 protected:
  void Add(const std::string& id, const std::string& first, const std::string& last,
           const std::string& username, int64_t created_ms = 1000, int64_t last_active_ms = 0) {
    index_.Upsert({id, first, last, username, created_ms, last_active_ms});
  }
  // The ids the index returns for a query as a user would type it.
  Ids Search(std::string_view query, size_t limit = 100) const {
    return index_.Match(ParseUserSearch(query).terms, limit);
  }
  // The same ids, sorted, for tests that do not care about the order.
  std::set<std::string> Found(std::string_view query) const {
    Ids ids = Search(query);
    return {ids.begin(), ids.end()};
  }

  UserSearchIndex index_;
};

TEST_F(UserSearchIndexTest, WordMatchesSubstringOfFirstLastOrUsername) {
  Add("a", "Hamilton", "Jones", "hammy");
  Add("b", "Ann", "Milton", "");
  Add("c", "Zed", "Zee", "zmilt9");
  EXPECT_EQ(Found("milt"), (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Found("JONES"), (std::set<std::string>{"a"}));
  EXPECT_EQ(Found("lt9"), (std::set<std::string>{"c"}));
  EXPECT_EQ(Found("nothing"), (std::set<std::string>{}));
}

TEST_F(UserSearchIndexTest, AtPrefixMatchesOnlyTheStartOfAUsername) {
  Add("starts", "Bob", "Smith", "annie1");
  Add("inside", "Bob", "Smith", "joann");
  Add("first-name-only", "Ann", "Smith", "");
  EXPECT_EQ(Found("@ann"), (std::set<std::string>{"starts"}));
  EXPECT_EQ(Found("ann"), (std::set<std::string>{"starts", "inside", "first-name-only"}));
  // An account without a username has no "@" text at all.
  EXPECT_EQ(Found("@"), (std::set<std::string>{"starts", "inside"}));
}

TEST_F(UserSearchIndexTest, WordsOfATermAreAndedAndTermsAreOred) {
  Add("ann-smith", "Ann", "Smith", "");
  Add("ann-jones", "Ann", "Jones", "");
  Add("bob-smith", "Bob", "Smith", "");
  EXPECT_EQ(Found("ann smith"), (std::set<std::string>{"ann-smith"}));
  EXPECT_EQ(Found("smith ann"), (std::set<std::string>{"ann-smith"}));
  EXPECT_EQ(Found("ann jones, bob"), (std::set<std::string>{"ann-jones", "bob-smith"}));
  EXPECT_EQ(Found("ann smith; bob smith"), (std::set<std::string>{"ann-smith", "bob-smith"}));
}

TEST_F(UserSearchIndexTest, WordNeverSpansTwoFields) {
  Add("x", "ab", "cd", "ef");
  EXPECT_EQ(Found("bc"), (std::set<std::string>{}));
  EXPECT_EQ(Found("abcd"), (std::set<std::string>{}));
  EXPECT_EQ(Found("d@e"), (std::set<std::string>{}));
  EXPECT_EQ(Found("d@"), (std::set<std::string>{}));
  EXPECT_EQ(Found("@ef"), (std::set<std::string>{"x"}));
  EXPECT_EQ(index_.Match({{std::string("b\0c", 3)}}, 10), Ids{});
}

TEST_F(UserSearchIndexTest, NulInAFieldIsIndexedAsASpace) {
  Add("x", std::string("mary\0ann", 8), "Smith", "");
  EXPECT_EQ(index_.Match({{"mary ann"}}, 10), Ids{"x"});
  EXPECT_EQ(Found("ann"), (std::set<std::string>{"x"}));
}

TEST_F(UserSearchIndexTest, AccountMatchingSeveralTermsAppearsOnce) {
  Add("a", "Ann", "Annson", "annie");
  Add("b", "Bob", "Ann", "");
  EXPECT_EQ(Search("ann, annie, @ann, son"), (Ids{"a", "b"}));
}

TEST_F(UserSearchIndexTest, OrdersByActivityThenCreatedThenId) {
  Add("old-active", "Ann", "A", "", /*created=*/100, /*last_active=*/9000);
  Add("new-idle", "Ann", "B", "", 5000, 0);
  Add("older-idle", "Ann", "C", "", 4000, 0);
  Add("tie-b", "Ann", "D", "", 3000, 6000);
  Add("tie-a", "Ann", "E", "", 3000, 6000);
  Add("tie-created", "Ann", "F", "", 3500, 6000);
  EXPECT_EQ(Search("ann"),
            (Ids{"old-active", "tie-created", "tie-a", "tie-b", "new-idle", "older-idle"}));
}

TEST_F(UserSearchIndexTest, TouchRaisesActivityAndNeverLowersIt) {
  Add("a", "Ann", "A", "", 1000, 2000);
  Add("b", "Ann", "B", "", 1000, 3000);
  EXPECT_EQ(Search("ann"), (Ids{"b", "a"}));
  index_.Touch("a", 4000);
  EXPECT_EQ(Search("ann"), (Ids{"a", "b"}));
  index_.Touch("a", 1);
  index_.Touch("b", 3500);
  EXPECT_EQ(Search("ann"), (Ids{"a", "b"}));
  index_.Touch("unknown", 99999);
  EXPECT_EQ(index_.size(), 2u);
}

TEST_F(UserSearchIndexTest, UpsertReplacesTextAndTimes) {
  Add("a", "Hamilton", "Jones", "hammy", 1000, 5000);
  Add("b", "Hannah", "Jones", "", 1000, 4000);
  Add("a", "Zelda", "Quinn", "zq", 1000, 3000);
  EXPECT_EQ(Found("hamil"), (std::set<std::string>{}));
  EXPECT_EQ(Found("@ham"), (std::set<std::string>{}));
  EXPECT_EQ(Found("jones"), (std::set<std::string>{"b"}));
  EXPECT_EQ(Found("elda"), (std::set<std::string>{"a"}));
  EXPECT_EQ(Found("@zq"), (std::set<std::string>{"a"}));
  // Shared one-letter grams ("n") still hold both; the times were replaced.
  EXPECT_EQ(Search("n"), (Ids{"b", "a"}));
  EXPECT_EQ(index_.size(), 2u);
}

TEST_F(UserSearchIndexTest, RemovedAccountIsNeverMatchedUntilUpsertedAgain) {
  Add("a", "Ann", "Smith", "annie");
  Add("b", "Ann", "Jones", "");
  index_.Remove("a");
  index_.Remove("a");
  index_.Remove("never-there");
  EXPECT_EQ(index_.size(), 1u);
  EXPECT_EQ(Found("ann"), (std::set<std::string>{"b"}));
  EXPECT_EQ(Found("s"), (std::set<std::string>{"b"}));
  EXPECT_EQ(Found("@annie"), (std::set<std::string>{}));
  index_.Touch("a", 99999);  // no effect on a removed account
  Add("a", "Carl", "Smith", "");
  EXPECT_EQ(Found("ann"), (std::set<std::string>{"b"}));
  EXPECT_EQ(Found("carl"), (std::set<std::string>{"a"}));
  EXPECT_EQ(index_.size(), 2u);
}

TEST_F(UserSearchIndexTest, LimitKeepsTheBest) {
  for (int i = 0; i < 50; ++i) Add("id" + std::to_string(i), "Ann", "X", "", 1000 + i, 0);
  EXPECT_EQ(Search("ann", 3), (Ids{"id49", "id48", "id47"}));
  EXPECT_EQ(Search("a", 1), (Ids{"id49"}));
  EXPECT_EQ(Search("ann", 0), Ids{});
  EXPECT_EQ(Search("ann", 1000).size(), 50u);
}

TEST_F(UserSearchIndexTest, OneAndTwoLetterWordsAreAnswered) {
  Add("a", "Al", "Bo", "");
  Add("b", "Ed", "Ox", "xy");
  EXPECT_EQ(Found("l"), (std::set<std::string>{"a"}));
  EXPECT_EQ(Found("o"), (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(Found("al"), (std::set<std::string>{"a"}));
  EXPECT_EQ(Found("@x"), (std::set<std::string>{"b"}));
  EXPECT_EQ(Found("d o"), (std::set<std::string>{"b"}));
  EXPECT_EQ(Found("la"), (std::set<std::string>{}));
}

TEST_F(UserSearchIndexTest, LowerCasesAsciiOnlyAndKeepsOtherBytes) {
  Add("e", "\xC3\x89MILE", "Zola", "");  // "ÉMILE"
  EXPECT_EQ(Found("\xC3\x89mile"), (std::set<std::string>{"e"}));
  EXPECT_EQ(Found("\xC3\x89MILE"), (std::set<std::string>{"e"}));  // the parser lower-cases ASCII
  EXPECT_EQ(Found("\xC3\xA9mile"), (std::set<std::string>{}));     // "émile" differs
  EXPECT_EQ(Found("\xC3"), (std::set<std::string>{"e"}));
}

TEST_F(UserSearchIndexTest, LongWordIsConfirmedBeyondItsIndexedGrams) {
  std::string prefix(UserSearchIndex::kMaxWordGramBytes, 'q');
  Add("long", prefix + "tail-one", "X", "");
  Add("other", prefix + "tail-two", "X", "");
  EXPECT_EQ(Found(prefix + "tail-one"), (std::set<std::string>{"long"}));
  EXPECT_EQ(Found(prefix), (std::set<std::string>{"long", "other"}));
}

TEST_F(UserSearchIndexTest, TermWithEmptyWordMatchesNothing) {
  Add("a", "Ann", "X", "");
  EXPECT_EQ(index_.Match({{"ann", ""}}, 10), Ids{});
  EXPECT_EQ(index_.Match({{}}, 10), Ids{});
  EXPECT_EQ(index_.Match({{}, {"ann"}}, 10), Ids{"a"});
}

TEST_F(UserSearchIndexTest, UpsertManyBuildsAndMemoryGrows) {
  size_t empty = index_.MemoryBytes();
  std::vector<SearchAccount> batch;
  for (int i = 0; i < 5000; ++i) {
    batch.push_back({"id" + std::to_string(i), "First" + std::to_string(i % 97), "Last",
                     "user" + std::to_string(i), i, 0});
  }
  index_.UpsertMany(batch);
  EXPECT_EQ(index_.size(), 5000u);
  EXPECT_GT(index_.MemoryBytes(), empty + 5000 * 20);
  EXPECT_EQ(Search("first42 @user42", 10), (Ids{"id4213", "id42"}));
  EXPECT_EQ(Search("@user4999", 10), (Ids{"id4999"}));
  EXPECT_EQ(Search("first5", 3), (Ids{"id4999", "id4998", "id4997"}));
}

// ---- concurrency --------------------------------------------------------------

// One writer flips accounts between two names and touches them while readers
// match: every Match sees each Upsert whole, never half of one.
TEST_F(UserSearchIndexTest, ConcurrentWritesAndMatchesStayConsistent) {
  constexpr int kStable = 200, kFlip = 50;
  for (int i = 0; i < kStable; ++i) Add("stable" + std::to_string(i), "Steady", "Eddy", "", i);
  for (int i = 0; i < kFlip; ++i) Add("flip" + std::to_string(i), "Alpha", "Flip", "", i);
  Ids stable = Search("steady", 1000);
  ASSERT_EQ(stable.size(), static_cast<size_t>(kStable));

  std::atomic<bool> done{false};
  std::atomic<int> readers_started{0};
  std::thread writer([&] {
    while (readers_started < 2) std::this_thread::yield();  // overlap the readers
    for (int round = 0; round < 1500; ++round) {
      int i = round % kFlip;
      std::string name = (round / kFlip) % 2 == 0 ? "Omega" : "Alpha";
      index_.Upsert({"flip" + std::to_string(i), name, "Flip", "", i, round});
      index_.Touch("flip" + std::to_string((i + 7) % kFlip), round + 1);
    }
    done = true;
  });
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      ++readers_started;
      do {
        if (Search("steady", 1000) != stable) ++failures;
        Ids both = Search("alpha, omega", 1000);
        std::set<std::string> unique(both.begin(), both.end());
        if (both.size() != static_cast<size_t>(kFlip) || unique.size() != both.size()) ++failures;
        Ids flips = Search("flip", 1000);
        if (flips.size() != static_cast<size_t>(kFlip)) ++failures;
        if (index_.size() != static_cast<size_t>(kStable + kFlip)) ++failures;
      } while (!done);
    });
  }
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// ---- against a brute-force reference -----------------------------------------

std::string AsciiLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Match's contract written out naively over every account.
Ids ReferenceMatch(const std::map<std::string, SearchAccount>& accounts,
                   const std::vector<std::vector<std::string>>& terms, size_t limit) {
  std::vector<const SearchAccount*> hits;
  for (const auto& [id, a] : accounts) {
    std::string first = AsciiLower(a.first_name), last = AsciiLower(a.last_name);
    std::string user = a.username.empty() ? "" : "@" + AsciiLower(a.username);
    auto word_matches = [&](const std::string& w) {
      return first.find(w) != std::string::npos || last.find(w) != std::string::npos ||
             (!user.empty() && user.find(w) != std::string::npos);
    };
    bool any = std::any_of(terms.begin(), terms.end(), [&](const auto& words) {
      return !words.empty() && std::all_of(words.begin(), words.end(), word_matches);
    });
    if (any) hits.push_back(&a);
  }
  std::sort(hits.begin(), hits.end(), [](const SearchAccount* x, const SearchAccount* y) {
    int64_t rx = std::max(x->created_ms, x->last_active_ms);
    int64_t ry = std::max(y->created_ms, y->last_active_ms);
    if (rx != ry) return rx > ry;
    if (x->created_ms != y->created_ms) return x->created_ms > y->created_ms;
    return x->account_id < y->account_id;
  });
  Ids out;
  for (size_t i = 0; i < hits.size() && i < limit; ++i) out.push_back(hits[i]->account_id);
  return out;
}

class RandomAccounts {
 public:
  explicit RandomAccounts(uint32_t seed) : rng_(seed) {}
  std::string Text(size_t max_len, std::string_view alphabet) {
    std::string s(Uniform(0, max_len), ' ');
    for (char& c : s) c = alphabet[Uniform(0, alphabet.size() - 1)];
    return s;
  }
  SearchAccount Account(const std::string& id) {
    return {id,
            Text(8, kAlphabet),
            Text(8, kAlphabet),
            Uniform(0, 3) == 0 ? "" : Text(6, kUser),
            static_cast<int64_t>(Uniform(0, 50)),
            static_cast<int64_t>(Uniform(0, 60))};
  }
  std::string Word() {
    return AsciiLower(Uniform(0, 5) == 0 ? "@" + Text(3, kUser) : Text(5, kAlphabet));
  }
  size_t Uniform(size_t lo, size_t hi) {
    return std::uniform_int_distribution<size_t>(lo, hi)(rng_);
  }

 private:
  static constexpr std::string_view kAlphabet = "abcdeAB \xC3\xA9";
  static constexpr std::string_view kUser = "abcd12";
  std::mt19937 rng_;
};

TEST(UserSearchIndexReferenceTest, RandomAccountsAndWritesMatchBruteForce) {
  RandomAccounts gen(20240611);
  UserSearchIndex index;
  std::map<std::string, SearchAccount> model;
  std::vector<SearchAccount> initial;
  for (int i = 0; i < 3000; ++i) initial.push_back(gen.Account("id" + std::to_string(i)));
  index.UpsertMany(initial);
  for (const auto& a : initial) model[a.account_id] = a;

  for (int round = 0; round < 20; ++round) {
    for (int op = 0; op < 100; ++op) {
      std::string id = "id" + std::to_string(gen.Uniform(0, 3500));
      switch (gen.Uniform(0, 3)) {
        case 0:
          index.Remove(id);
          model.erase(id);
          break;
        case 1:
          if (auto it = model.find(id); it != model.end()) {
            int64_t t = static_cast<int64_t>(gen.Uniform(0, 80));
            index.Touch(id, t);
            it->second.last_active_ms = std::max(it->second.last_active_ms, t);
          }
          break;
        default:
          SearchAccount a = gen.Account(id);
          index.Upsert(a);
          model[id] = a;
      }
    }
    ASSERT_EQ(index.size(), model.size());
    for (int q = 0; q < 40; ++q) {
      std::vector<std::vector<std::string>> terms(gen.Uniform(1, 3));
      for (auto& words : terms) {
        words.resize(gen.Uniform(1, 2));
        for (auto& w : words) {
          do w = gen.Word();
          while (w.empty());
        }
      }
      size_t limit = gen.Uniform(1, 40);
      ASSERT_EQ(index.Match(terms, limit), ReferenceMatch(model, terms, limit))
          << "round " << round << " query " << q << " first word '" << terms[0][0] << "'";
    }
  }
}

// Accounts that arrive in creation order (as from the log), many sharing a
// creation time (a batch), some active since: the walk that stops early must
// find exactly what the brute force finds.
TEST(UserSearchIndexReferenceTest, AccountsInCreationOrderMatchBruteForce) {
  RandomAccounts gen(20261202);
  UserSearchIndex index;
  std::map<std::string, SearchAccount> model;
  int next = 0;
  auto fresh = [&] {
    SearchAccount a = gen.Account("id" + std::to_string(next));
    a.created_ms = 1000 + next / 7;  // ties, as in a batch
    a.last_active_ms =
        gen.Uniform(0, 4) == 0 ? a.created_ms + static_cast<int64_t>(gen.Uniform(1, 900)) : 0;
    ++next;
    return a;
  };
  std::vector<SearchAccount> initial;
  for (int i = 0; i < 3000; ++i) initial.push_back(fresh());
  index.UpsertMany(initial);
  for (const auto& a : initial) model[a.account_id] = a;

  for (int round = 0; round < 20; ++round) {
    for (int op = 0; op < 100; ++op) {
      auto it = model.begin();
      std::advance(it, gen.Uniform(0, model.size() - 1));
      const std::string id = it->first;
      switch (gen.Uniform(0, 4)) {
        case 0:  // removed (a deactivation), sometimes back later with its times
          index.Remove(id);
          model.erase(id);
          break;
        case 1: {  // active now
          const int64_t t = 1000 + next / 7 + static_cast<int64_t>(gen.Uniform(0, 50));
          index.Touch(id, t);
          it->second.last_active_ms = std::max(it->second.last_active_ms, t);
          break;
        }
        case 2: {  // renamed: same times
          SearchAccount a = gen.Account(id);
          a.created_ms = it->second.created_ms;
          a.last_active_ms = it->second.last_active_ms;
          index.Upsert(a);
          it->second = a;
          break;
        }
        default: {  // a new account
          SearchAccount a = fresh();
          index.Upsert(a);
          model[a.account_id] = a;
        }
      }
    }
    ASSERT_EQ(index.size(), model.size());
    for (int q = 0; q < 40; ++q) {
      std::vector<std::vector<std::string>> terms(gen.Uniform(1, 3));
      for (auto& words : terms) {
        words.resize(gen.Uniform(1, 2));
        for (auto& w : words) {
          do w = gen.Word();
          while (w.empty());
        }
      }
      const size_t limit = gen.Uniform(1, 40);
      const std::vector<std::string> expected = ReferenceMatch(model, terms, limit);
      ASSERT_EQ(index.Match(terms, limit), expected)
          << "round " << round << " query " << q << " first word '" << terms[0][0] << "'";
      // The same page with the accounts as they were given.
      const std::vector<SearchAccount> page = index.MatchAccounts(terms, limit);
      ASSERT_EQ(page.size(), expected.size());
      for (size_t i = 0; i < page.size(); ++i) {
        const SearchAccount& want = model.at(expected[i]);
        EXPECT_EQ(page[i].account_id, want.account_id);
        EXPECT_EQ(page[i].first_name, want.first_name);
        EXPECT_EQ(page[i].last_name, want.last_name);
        EXPECT_EQ(page[i].username, want.username);
        EXPECT_EQ(page[i].created_ms, want.created_ms);
        EXPECT_EQ(page[i].last_active_ms, want.last_active_ms);
      }
    }
  }
}

TEST_F(UserSearchIndexTest, MatchAccountsKeepsTheCaseOfNamesAndUsernames) {
  index_.Upsert({"a1", "Ann-Marie", "O'Neil", "AnnieO", 5, 9});
  index_.Upsert({"a2", "ANN", "Smith", "", 6, 0});
  auto page = index_.MatchAccounts({{"ann"}}, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].account_id, "a1");
  EXPECT_EQ(page[0].first_name, "Ann-Marie");
  EXPECT_EQ(page[0].last_name, "O'Neil");
  EXPECT_EQ(page[0].username, "AnnieO");
  EXPECT_EQ(page[0].last_active_ms, 9);
  EXPECT_EQ(page[1].first_name, "ANN");
  EXPECT_EQ(page[1].username, "");
  // A change of case only is a change of what is shown.
  index_.Upsert({"a2", "Ann", "Smith", "", 6, 0});
  EXPECT_EQ(index_.MatchAccounts({{"smith"}}, 10).at(0).first_name, "Ann");
}

}  // namespace
}  // namespace orgd
