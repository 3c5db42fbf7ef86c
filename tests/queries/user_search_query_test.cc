#include "src/queries/user_search_query.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/email.h"

namespace orgd {
namespace {

using Kind = UserSearchQuery::Kind;
using Terms = std::vector<std::vector<std::string>>;
using Emails = std::vector<std::string>;

TEST(UserSearchQueryTest, WholeUuidInAnyCaseIsAnAccountId) {
  UserSearchQuery q = ParseUserSearch("  3F1C2A9E-8f0b-4C53-9d7e-2B6A1C0D9E11\n");
  EXPECT_EQ(q.kind, Kind::kAccountId);
  EXPECT_EQ(q.value, "3f1c2a9e-8f0b-4c53-9d7e-2b6a1c0d9e11");
  EXPECT_TRUE(q.terms.empty());
}

TEST(UserSearchQueryTest, AlmostAUuidIsSearchedAsAWord) {
  UserSearchQuery q = ParseUserSearch("3f1c2a9e-8f0b-4c53-9d7e-2b6a1c0d9e1");
  EXPECT_EQ(q.kind, Kind::kTerms);
  EXPECT_EQ(q.terms, (Terms{{"3f1c2a9e-8f0b-4c53-9d7e-2b6a1c0d9e1"}}));
}

TEST(UserSearchQueryTest, WholeEmailIsTrimmedAndLowerCased) {
  UserSearchQuery q = ParseUserSearch(" \tAnn.Smith@Example.COM  ");
  EXPECT_EQ(q.kind, Kind::kEmail);
  EXPECT_EQ(q.value, "ann.smith@example.com");
}

TEST(UserSearchQueryTest, TermsSplitOnCommaSemicolonAndNewlineWordsOnWhitespace) {
  UserSearchQuery q = ParseUserSearch("Ann  Smith, bob;\tCarl\tJONES \n @dave\r\n,;");
  EXPECT_EQ(q.kind, Kind::kTerms);
  EXPECT_EQ(q.terms, (Terms{{"ann", "smith"}, {"bob"}, {"carl", "jones"}, {"@dave"}}));
  EXPECT_TRUE(q.emails.empty());
}

TEST(UserSearchQueryTest, OneWordEmailTermsAreMatchedByEmail) {
  UserSearchQuery q = ParseUserSearch("Ann@X.org, bob, ann@x.ORG; carl@y.io smith; @ann.b");
  EXPECT_EQ(q.kind, Kind::kTerms);
  EXPECT_EQ(q.emails, (Emails{"ann@x.org"}));
  EXPECT_EQ(q.terms, (Terms{{"bob"}, {"carl@y.io", "smith"}, {"@ann.b"}}));
}

TEST(UserSearchQueryTest, OnlyEmailTermsAreStillTerms) {
  UserSearchQuery q = ParseUserSearch("a@b.co, c@d.co");
  EXPECT_EQ(q.kind, Kind::kTerms);
  EXPECT_TRUE(q.terms.empty());
  EXPECT_EQ(q.emails, (Emails{"a@b.co", "c@d.co"}));
}

TEST(UserSearchQueryTest, NothingToSearchForIsEmpty) {
  EXPECT_EQ(ParseUserSearch("").kind, Kind::kEmpty);
  EXPECT_EQ(ParseUserSearch("   \t\n").kind, Kind::kEmpty);
  UserSearchQuery q = ParseUserSearch(" , ;\n ;; ,");
  EXPECT_EQ(q.kind, Kind::kEmpty);
  EXPECT_TRUE(q.terms.empty());
  EXPECT_TRUE(q.emails.empty());
}

TEST(UserSearchQueryTest, KeepsAtMostSixteenTermsOfSixteenWords) {
  std::string many_terms, many_words;
  for (int i = 0; i < 20; ++i) many_terms += "t" + std::to_string(i) + ",";
  for (int i = 0; i < 20; ++i) many_words += "w" + std::to_string(i) + " ";
  UserSearchQuery terms = ParseUserSearch(many_terms);
  ASSERT_EQ(terms.terms.size(), kMaxSearchTerms);
  EXPECT_EQ(terms.terms.back(), (std::vector<std::string>{"t15"}));
  UserSearchQuery words = ParseUserSearch(many_words);
  ASSERT_EQ(words.terms.size(), 1u);
  ASSERT_EQ(words.terms[0].size(), kMaxSearchWords);
  EXPECT_EQ(words.terms[0].back(), "w15");
}

TEST(UserSearchQueryTest, NonAsciiBytesAreKept) {
  UserSearchQuery q = ParseUserSearch("\xC3\x89MILE Zola");
  EXPECT_EQ(q.terms, (Terms{{"\xC3\x89mile", "zola"}}));
}

TEST(EmailTest, ShapeRule) {
  EXPECT_TRUE(IsValidEmail("a@b.c"));
  EXPECT_TRUE(IsValidEmail("first.last+tag@sub.example.org"));
  EXPECT_FALSE(IsValidEmail(""));
  EXPECT_FALSE(IsValidEmail("ab.c"));
  EXPECT_FALSE(IsValidEmail("@b.c"));
  EXPECT_FALSE(IsValidEmail("a@@b.c"));
  EXPECT_FALSE(IsValidEmail("a@b@c.d"));
  EXPECT_FALSE(IsValidEmail("a@.bc"));
  EXPECT_FALSE(IsValidEmail("a@bc."));
  EXPECT_FALSE(IsValidEmail("a@bc"));
  EXPECT_FALSE(IsValidEmail("a b@c.d"));
  EXPECT_FALSE(IsValidEmail("a@c.d\n"));
  EXPECT_FALSE(IsValidEmail("a\x7f@c.d"));
}

TEST(EmailTest, NormalizeTrimsAndLowerCasesAsciiOnly) {
  EXPECT_EQ(NormalizeEmail("  Ann@Example.COM\t"), "ann@example.com");
  EXPECT_EQ(NormalizeEmail("\xC3\x89@X.io"), "\xC3\x89@x.io");
  EXPECT_EQ(NormalizeEmail(" \n"), "");
}

}  // namespace
}  // namespace orgd
