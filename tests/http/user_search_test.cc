#include "src/queries/user_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/http/test_server.h"
#include "tests/test_util.h"

// User search over real HTTP, GET /api/v1/accounts?query=&limit= (issue 14,
// "User search"): CoCalc's semantics, ordering, limits, what a non-admin may
// see, and read-your-writes.

namespace orgd::test {
namespace {

using nlohmann::json;

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Accounts with known names, a non-admin searcher, and a clock that moves a
// second between creations so "newest" is well defined.
class UserSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data")));
    client_ = server_.NewClient();
    searcher_id_ = client_->CreateAccount("searcher@example.com",
                                          {{"first_name", "Zz"}, {"last_name", "Watcher"}});
    searcher_ = Bearer(client_->IssueKey(searcher_id_).value("key", ""));
    // The key's first use (recorded once) happens here, not amid a test.
    ASSERT_EQ(client_->WhoAmIStatus(searcher_), 200);
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // A new account one second after the previous one.
  std::string Given(const std::string& email, const std::string& first, const std::string& last,
                    const std::string& username = "", const std::string& password = "") {
    server_.clock().Advance(1000);
    json extra{{"first_name", first}, {"last_name", last}};
    if (!username.empty()) extra["username"] = username;
    if (!password.empty()) extra["password"] = password;
    return client_->CreateAccount(email, extra);
  }

  // The accounts the query finds for auth, as the reply lists them.
  json Search(const std::string& query, std::string_view auth, const std::string& limit = "") {
    std::string target = "/api/v1/accounts?query=" + UrlEncode(query);
    if (!limit.empty()) target += "&limit=" + limit;
    auto r = client_->Call("GET", target, {}, auth);
    EXPECT_TRUE(HasStatus(r, 200)) << query;
    json list = BodyOf(r).value("accounts", json::array());
    return list;
  }
  static std::vector<std::string> Ids(const json& list) {
    std::vector<std::string> ids;
    for (const auto& a : list) ids.push_back(a.value("id", ""));
    return ids;
  }
  std::vector<std::string> AdminIds(const std::string& query, const std::string& limit = "") {
    return Ids(Search(query, Bearer(kTestAdminKey), limit));
  }
  std::vector<std::string> UserIds(const std::string& query, const std::string& limit = "") {
    return Ids(Search(query, searcher_, limit));
  }
  static std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }

  // Ann Lee, Ann Smith and Bob Lee, created in that order.
  void GivenTheLeesAndSmiths() {
    ann_lee_ = Given("ann.lee@example.com", "Ann", "Lee", "annie");
    ann_smith_ = Given("ann.smith@example.com", "Ann", "Smith", "joann");
    bob_lee_ = Given("bob.lee@example.com", "Bob", "Lee", "bobby");
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::string searcher_id_, searcher_;
  std::string ann_lee_, ann_smith_, bob_lee_;
};

TEST_F(UserSearchTest, AWholeUuidFindsThatAccount) {
  GivenTheLeesAndSmiths();
  json found = Search(ann_smith_, searcher_);
  ASSERT_EQ(Ids(found), std::vector<std::string>{ann_smith_});
  EXPECT_EQ(found[0]["first_name"], "Ann");
  EXPECT_EQ(found[0]["last_name"], "Smith");
  EXPECT_EQ(found[0]["username"], "joann");
  EXPECT_FALSE(found[0].contains("email")) << found;
  std::string upper = ann_smith_;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(UserIds(upper), std::vector<std::string>{ann_smith_});
  EXPECT_TRUE(UserIds("00000000-0000-4000-8000-000000000000").empty());
}

TEST_F(UserSearchTest, AWholeEmailFindsTheExactMatchAndOnlyThenShowsTheEmail) {
  GivenTheLeesAndSmiths();
  json found = Search("  Ann.Lee@EXAMPLE.com ", searcher_);
  ASSERT_EQ(Ids(found), std::vector<std::string>{ann_lee_});
  EXPECT_EQ(found[0]["email"], "ann.lee@example.com");
  EXPECT_TRUE(UserIds("ann.lee@example.org").empty());
  // Part of an email is words, and names do not hold it.
  EXPECT_TRUE(UserIds("ann.lee@example").empty());
  // Among alternatives an email still finds its account, without showing the email.
  json mixed = Search("ann.lee@example.com, bob", searcher_);
  EXPECT_EQ(Sorted(Ids(mixed)), Sorted({ann_lee_, bob_lee_}));
  for (const auto& a : mixed) EXPECT_FALSE(a.contains("email")) << a;
}

TEST_F(UserSearchTest, TheWordsOfATermMustAllMatch) {
  GivenTheLeesAndSmiths();
  EXPECT_EQ(UserIds("ann lee"), std::vector<std::string>{ann_lee_});
  EXPECT_EQ(UserIds("LEE ANN"), std::vector<std::string>{ann_lee_});
  EXPECT_EQ(UserIds("an  le"), std::vector<std::string>{ann_lee_});
  EXPECT_EQ(Sorted(UserIds("ann")), Sorted({ann_lee_, ann_smith_}));
  EXPECT_EQ(Sorted(UserIds("lee")), Sorted({ann_lee_, bob_lee_}));
  EXPECT_TRUE(UserIds("ann bob").empty());
}

TEST_F(UserSearchTest, TermsSplitOnCommaSemicolonOrNewlineAreAlternatives) {
  GivenTheLeesAndSmiths();
  EXPECT_EQ(Sorted(UserIds("ann lee, bob")), Sorted({ann_lee_, bob_lee_}));
  EXPECT_EQ(Sorted(UserIds("smith;bob")), Sorted({ann_smith_, bob_lee_}));
  EXPECT_EQ(Sorted(UserIds("smith\nann lee")), Sorted({ann_smith_, ann_lee_}));
  EXPECT_EQ(Sorted(UserIds("nobody, smith")), std::vector<std::string>{ann_smith_});
  EXPECT_EQ(Sorted(UserIds("ann, lee")), Sorted({ann_lee_, ann_smith_, bob_lee_}));
}

TEST_F(UserSearchTest, AWordMatchesASubstringOfTheFirstOrLastNameIgnoringCase) {
  GivenTheLeesAndSmiths();
  EXPECT_EQ(UserIds("MIT"), std::vector<std::string>{ann_smith_});
  EXPECT_EQ(Sorted(UserIds("o")), Sorted({bob_lee_, ann_smith_}));  // Bob, and @joann
  EXPECT_EQ(UserIds("ob"), std::vector<std::string>{bob_lee_});
  EXPECT_EQ(Sorted(UserIds("e")), Sorted({ann_lee_, bob_lee_, searcher_id_}));
  // A word lies within one name: it does not span first and last.
  EXPECT_TRUE(UserIds("annlee").empty());
  EXPECT_TRUE(UserIds("ann.smith").empty());
}

TEST_F(UserSearchTest, AnAtWordMatchesTheStartOfAUsername) {
  GivenTheLeesAndSmiths();
  EXPECT_EQ(UserIds("@ann"), std::vector<std::string>{ann_lee_});
  EXPECT_EQ(UserIds("@JOANN"), std::vector<std::string>{ann_smith_});
  EXPECT_EQ(UserIds("@bob lee"), std::vector<std::string>{bob_lee_});
  EXPECT_TRUE(UserIds("@oann").empty());
  EXPECT_TRUE(UserIds("@lee").empty());
}

TEST_F(UserSearchTest, TheMostRecentlyActiveComeFirstThenTheNewest) {
  const std::string one = Given("o1@example.com", "Order", "One", "", "order one pw");
  const std::string two = Given("o2@example.com", "Order", "Two");
  const std::string three = Given("o3@example.com", "Order", "Three");
  EXPECT_EQ(UserIds("order"), (std::vector<std::string>{three, two, one}));

  server_.clock().Advance(5000);
  client_->Login("o1@example.com", "order one pw");
  EXPECT_EQ(UserIds("order"), (std::vector<std::string>{one, three, two}));

  server_.clock().Advance(5000);
  const std::string key = client_->IssueKey(two).value("key", "");
  ASSERT_EQ(client_->WhoAmIStatus(Bearer(key)), 200);
  // A key's use is recorded after its reply: wait (bounded) for it.
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i) {
    ids = UserIds("order");
    if (!ids.empty() && ids[0] == two) break;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{two, one, three}));
  // Active accounts show when they were last active.
  json found = Search(two, searcher_);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(found[0]["last_active"].is_null()) << found;
}

TEST_F(UserSearchTest, LimitsAre20ByDefault50ForNonAdminsAnd1000ForSiteAdmins) {
  for (int batch = 0; batch < 2; ++batch) {
    json list = json::array();
    for (int i = 0; i < (batch == 0 ? 1000 : 100); ++i) {
      const std::string n = std::to_string(batch * 1000 + i);
      list.push_back(
          {{"email", "many" + n + "@example.com"}, {"first_name", "Many"}, {"last_name", "P" + n}});
    }
    ASSERT_TRUE(HasStatus(
        client_->AsAdmin("POST", "/api/v1/accounts:batch", json{{"accounts", list}}.dump()), 201));
  }
  EXPECT_EQ(UserIds("many").size(), 20u);
  EXPECT_EQ(AdminIds("many").size(), 20u);
  EXPECT_EQ(UserIds("many", "7").size(), 7u);
  EXPECT_EQ(UserIds("many", "50").size(), 50u);
  EXPECT_EQ(UserIds("many", "51").size(), 50u);
  EXPECT_EQ(UserIds("many", "1000").size(), 50u);
  EXPECT_EQ(AdminIds("many", "51").size(), 51u);
  EXPECT_EQ(AdminIds("many", "1000").size(), 1000u);
  EXPECT_EQ(AdminIds("many", "5000").size(), 1000u);
  for (const char* bad : {"0", "-1", "abc", "", "10x"}) {
    auto r = client_->Call("GET", std::string("/api/v1/accounts?query=many&limit=") + bad, {},
                           searcher_);
    EXPECT_TRUE(IsError(r, 400, "bad_limit")) << bad;
  }
}

TEST_F(UserSearchTest, EmailsAreHiddenFromNonAdminsAndShownToSiteAdmins) {
  GivenTheLeesAndSmiths();
  json as_user = Search("ann", searcher_);
  ASSERT_EQ(as_user.size(), 2u);
  for (const auto& a : as_user) {
    EXPECT_FALSE(a.contains("email")) << a;
    EXPECT_EQ(a.dump().find("@example.com"), std::string::npos) << a;
  }
  EXPECT_FALSE(Search(ann_lee_, searcher_)[0].contains("email"));
  json as_admin = Search("ann", Bearer(kTestAdminKey));
  ASSERT_EQ(as_admin.size(), 2u);
  for (const auto& a : as_admin) EXPECT_TRUE(a.value("email", "").ends_with("@example.com")) << a;
  EXPECT_EQ(Search(ann_lee_, Bearer(kTestAdminKey))[0]["email"], "ann.lee@example.com");
}

TEST_F(UserSearchTest, DeactivatedAndDeletedAccountsAreNotFoundByNonAdmins) {
  GivenTheLeesAndSmiths();
  ASSERT_TRUE(HasStatus(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + ann_smith_, json{{"active", false}}.dump()),
      200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + bob_lee_), 204));

  EXPECT_EQ(UserIds("ann"), std::vector<std::string>{ann_lee_});
  EXPECT_EQ(UserIds("lee"), std::vector<std::string>{ann_lee_});
  for (const std::string& q :
       {ann_smith_, std::string("ann.smith@example.com"), bob_lee_,
        std::string("bob.lee@example.com"), std::string("@bobby"), std::string("@joann")}) {
    EXPECT_TRUE(UserIds(q).empty()) << q;
  }
  // A site admin finds the deactivated one by id or email; the deleted one is gone.
  EXPECT_EQ(AdminIds(ann_smith_), std::vector<std::string>{ann_smith_});
  EXPECT_EQ(AdminIds("ann.smith@example.com"), std::vector<std::string>{ann_smith_});
  EXPECT_TRUE(AdminIds(bob_lee_).empty());
  EXPECT_TRUE(AdminIds("bob").empty());
  EXPECT_TRUE(AdminIds("bob.lee@example.com").empty());
}

TEST_F(UserSearchTest, ASearchRightAfterAWriteSeesIt) {
  const std::string id = Given("rw@example.com", "Quentin", "Blake", "qblake");
  EXPECT_EQ(UserIds("quentin"), std::vector<std::string>{id});
  ASSERT_TRUE(
      HasStatus(client_->AsAdmin("PATCH", "/api/v1/accounts/" + id,
                                 json{{"first_name", "Roald"}, {"username", "rdahl"}}.dump()),
                200));
  EXPECT_TRUE(UserIds("quentin").empty());
  EXPECT_TRUE(UserIds("@qblake").empty());
  EXPECT_EQ(UserIds("roald blake"), std::vector<std::string>{id});
  EXPECT_EQ(UserIds("@rdahl"), std::vector<std::string>{id});
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PATCH", "/api/v1/accounts/" + id,
                                         json{{"email", "new@example.com"}}.dump()),
                        200));
  EXPECT_EQ(UserIds("new@example.com"), std::vector<std::string>{id});
  EXPECT_TRUE(UserIds("rw@example.com").empty());
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + id), 204));
  EXPECT_TRUE(UserIds("roald").empty());
  EXPECT_TRUE(AdminIds("roald").empty());
}

TEST_F(UserSearchTest, ABadSearchIs400AndAnonymousIs401) {
  EXPECT_TRUE(
      IsError(client_->Call("GET", "/api/v1/accounts", {}, searcher_), 400, "missing_query"));
  EXPECT_TRUE(IsError(
      client_->Call("GET", "/api/v1/accounts?query=" + std::string(1001, 'a'), {}, searcher_), 400,
      "query_too_long"));
  EXPECT_TRUE(HasStatus(client_->Call("GET", "/api/v1/accounts?query=ann"), 401));
  EXPECT_TRUE(UserIds("").empty());
  EXPECT_TRUE(UserIds(" , ;").empty());
}

}  // namespace
}  // namespace orgd::test
