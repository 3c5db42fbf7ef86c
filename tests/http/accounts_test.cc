#include "src/http/native/native.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "common/time_util.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

// Accounts over real HTTP: create, read, change and delete, who may do
// which, atomic batches and names by id (issue 14, "Accounts").

namespace orgd::test {
namespace {

using nlohmann::json;

// A lower-case 8-4-4-4-12 hex UUID (std::regex trips GCC 12's
// -Wmaybe-uninitialized under the sanitizer builds).
bool LooksLikeUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
      return false;
    }
  }
  return true;
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data")));
    client_ = server_.NewClient();
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // A new account with an account-scoped API key; the key's Authorization value.
  std::string GivenAccountWithKey(const std::string& email, std::string* id,
                                  json extra = json::object()) {
    *id = client_->CreateAccount(email, std::move(extra));
    json key = client_->IssueKey(*id);
    return Bearer(key.value("key", ""));
  }

  std::optional<RawResponse> GetAccount(const std::string& ref, std::string_view auth = {}) {
    return client_->Call("GET", "/api/v1/accounts/" + ref, {},
                         auth.empty() ? Bearer(kTestAdminKey) : std::string(auth));
  }

  // The names of ids, as POST /api/v1/accounts:names answers them.
  json Names(const std::vector<std::string>& ids) {
    auto r = client_->AsAdmin("POST", "/api/v1/accounts:names", json{{"ids", ids}}.dump());
    EXPECT_TRUE(HasStatus(r, 200));
    return BodyOf(r);
  }

  // The ids an admin search for query finds.
  std::vector<std::string> SearchIds(const std::string& query) {
    auto r = client_->AsAdmin("GET", "/api/v1/accounts?query=" + query);
    EXPECT_TRUE(HasStatus(r, 200));
    std::vector<std::string> ids;
    for (const auto& a : BodyOf(r).value("accounts", json::array())) ids.push_back(a["id"]);
    return ids;
  }

  // {"accounts":[{"email": e}, ...]}
  static std::string BatchOf(const std::vector<std::string>& emails) {
    json list = json::array();
    for (const auto& e : emails) list.push_back({{"email", e}});
    return json{{"accounts", list}}.dump();
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(AccountsTest, CreateAnswers201WithTheWholeAccount) {
  auto r = client_->AsAdmin("POST", "/api/v1/accounts",
                            json{{"email", "  Alice.Smith@Example.COM "},
                                 {"first_name", "Alice"},
                                 {"last_name", "Smith"},
                                 {"username", "alice"}}
                                .dump());
  ASSERT_TRUE(HasStatus(r, 201));
  json a = BodyOf(*r);
  ASSERT_TRUE(a.is_object()) << r->body;
  EXPECT_TRUE(LooksLikeUuid(a.value("id", ""))) << a;
  EXPECT_EQ(a["email"], "alice.smith@example.com");
  EXPECT_EQ(a["first_name"], "Alice");
  EXPECT_EQ(a["last_name"], "Smith");
  EXPECT_EQ(a["username"], "alice");
  EXPECT_EQ(a["site_admin"], false);
  EXPECT_TRUE(a["home_org"].is_null());
  EXPECT_EQ(a["created_at"], FormatIsoMs(server_.clock().now()));
  EXPECT_TRUE(a["last_active"].is_null());
  EXPECT_EQ(a["email_verified"], false);
  EXPECT_EQ(a["active"], true);
  EXPECT_TRUE(r->Header("ETag").has_value());
}

TEST_F(AccountsTest, EmailsAreUniqueIgnoringCaseAndSurroundingSpace) {
  client_->CreateAccount("bob@example.com");
  const uint64_t before = server_.position();
  for (const char* again : {"bob@example.com", "BOB@Example.Com", "  bob@example.com\t"}) {
    auto r = client_->AsAdmin("POST", "/api/v1/accounts", json{{"email", again}}.dump());
    EXPECT_TRUE(IsError(r, 409, "email_taken")) << again;
  }
  EXPECT_EQ(server_.position(), before);
}

TEST_F(AccountsTest, AnInvalidOrMissingEmailIs400) {
  for (const char* bad : {"no-at-sign", "two@@example.com", "a@nodot", "a b@example.com",
                          "@example.com", "a@example."}) {
    auto r = client_->AsAdmin("POST", "/api/v1/accounts", json{{"email", bad}}.dump());
    EXPECT_TRUE(IsError(r, 400, "invalid_email")) << bad;
  }
  EXPECT_TRUE(
      IsError(client_->AsAdmin("POST", "/api/v1/accounts", json{{"first_name", "X"}}.dump()), 400,
              "invalid_email"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts", json{{"email", 7}}.dump()), 400,
                      "bad_field"));
}

TEST_F(AccountsTest, AnUnknownFieldIs400) {
  auto r = client_->AsAdmin("POST", "/api/v1/accounts",
                            json{{"email", "carol@example.com"}, {"nickname", "c"}}.dump());
  EXPECT_TRUE(IsError(r, 400, "unknown_field"));
  EXPECT_TRUE(IsError(GetAccount("carol@example.com"), 404, "unknown_account"));
}

TEST_F(AccountsTest, UsernamesAreUniqueIgnoringCase) {
  client_->CreateAccount("dan@example.com", {{"username", "dan"}});
  auto r = client_->AsAdmin("POST", "/api/v1/accounts",
                            json{{"email", "dan2@example.com"}, {"username", "DAN"}}.dump());
  EXPECT_TRUE(IsError(r, 409, "username_taken"));
  const std::string other = client_->CreateAccount("dan3@example.com");
  EXPECT_TRUE(IsError(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + other, json{{"username", "Dan"}}.dump()), 409,
      "username_taken"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts",
                                       json{{"email", "e@example.com"}, {"username", "-x"}}.dump()),
                      400, "invalid_username"));
}

TEST_F(AccountsTest, GetFindsAnAccountByIdAndByEmailInAnyCase) {
  const std::string id = client_->CreateAccount("Erin@Example.com", {{"first_name", "Erin"}});
  for (const std::string& ref :
       {id, std::string("erin@example.com"), std::string("ERIN@EXAMPLE.COM")}) {
    auto r = GetAccount(ref);
    ASSERT_TRUE(HasStatus(r, 200)) << ref;
    EXPECT_EQ(BodyOf(*r)["id"], id) << ref;
    EXPECT_EQ(BodyOf(*r)["first_name"], "Erin") << ref;
    EXPECT_EQ(BodyOf(*r)["email"], "erin@example.com") << ref;
  }
  EXPECT_TRUE(IsError(GetAccount("nobody@example.com"), 404, "unknown_account"));
  EXPECT_TRUE(IsError(GetAccount("00000000-0000-4000-8000-000000000000"), 404, "unknown_account"));
}

TEST_F(AccountsTest, PatchHonoursIfMatch) {
  const std::string id = client_->CreateAccount("fay@example.com", {{"first_name", "Fay"}});
  auto got = GetAccount(id);
  ASSERT_TRUE(HasStatus(got, 200));
  const std::string etag = got->Header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());

  auto changed = client_->AsAdmin("PATCH", "/api/v1/accounts/" + id,
                                  json{{"first_name", "Faye"}}.dump(), {{"If-Match", etag}});
  ASSERT_TRUE(HasStatus(changed, 200));
  EXPECT_EQ(BodyOf(*changed)["first_name"], "Faye");
  EXPECT_NE(changed->Header("ETag").value_or(etag), etag);

  const uint64_t before = server_.position();
  auto stale = client_->AsAdmin("PATCH", "/api/v1/accounts/" + id,
                                json{{"first_name", "Old"}}.dump(), {{"If-Match", etag}});
  EXPECT_TRUE(IsError(stale, 412, "version_mismatch"));
  auto two_tags =
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, json{{"first_name", "Old"}}.dump(),
                       {{"If-Match", "\"1\", \"2\""}});
  EXPECT_TRUE(IsError(two_tags, 400, "bad_if_match"));
  auto bad_body = client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, json{{"age", 3}}.dump());
  EXPECT_TRUE(IsError(bad_body, 400, "unknown_field"));
  auto not_json = client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, "{first_name:");
  EXPECT_TRUE(HasStatus(not_json, 400));
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(BodyOf(GetAccount(id))["first_name"], "Faye");
}

TEST_F(AccountsTest, PatchChangesTheEmailAndKeepsItUnique) {
  const std::string id = client_->CreateAccount("gus@example.com");
  client_->CreateAccount("taken@example.com");
  auto r = client_->AsAdmin("PATCH", "/api/v1/accounts/" + id,
                            json{{"email", " GUS2@example.com"}}.dump());
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["email"], "gus2@example.com");
  EXPECT_TRUE(HasStatus(GetAccount("gus2@example.com"), 200));
  EXPECT_TRUE(IsError(GetAccount("gus@example.com"), 404, "unknown_account"));
  EXPECT_TRUE(IsError(client_->AsAdmin("PATCH", "/api/v1/accounts/" + id,
                                       json{{"email", "Taken@Example.com"}}.dump()),
                      409, "email_taken"));
  EXPECT_TRUE(IsError(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, json{{"email", "not-an-email"}}.dump()),
      400, "invalid_email"));
}

TEST_F(AccountsTest, ANonAdminCannotSeeOrChangeAnotherAccount) {
  std::string a, b;
  const std::string as_a = GivenAccountWithKey("hal@example.com", &a);
  b = client_->CreateAccount("ivy@example.com", {{"first_name", "Ivy"}});
  const uint64_t before = server_.position() + 1;  // + the key's first-use event
  EXPECT_TRUE(IsError(GetAccount(b, as_a), 404, "unknown_account"));
  EXPECT_TRUE(IsError(GetAccount("ivy@example.com", as_a), 404, "unknown_account"));
  EXPECT_TRUE(IsError(
      client_->Call("PATCH", "/api/v1/accounts/" + b, json{{"first_name", "X"}}.dump(), as_a), 404,
      "unknown_account"));
  EXPECT_TRUE(IsError(
      client_->Call("PATCH", "/api/v1/accounts/" + b, json{{"site_admin", true}}.dump(), as_a), 404,
      "unknown_account"));
  EXPECT_TRUE(IsError(client_->Call("PUT", "/api/v1/accounts/" + b + "/password",
                                    json{{"password", "long enough pw"}}.dump(), as_a),
                      404, "unknown_account"));
  EXPECT_TRUE(IsError(client_->Call("GET", "/api/v1/accounts/" + b + "/keys", {}, as_a), 404,
                      "unknown_account"));
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/accounts/" + b + "/keys", "{}", as_a), 404,
                      "unknown_account"));
  EXPECT_TRUE(HasStatus(client_->Call("DELETE", "/api/v1/accounts/" + b, {}, as_a), 403));
  EXPECT_TRUE(HasStatus(
      client_->Call("POST", "/api/v1/accounts", json{{"email", "j@example.com"}}.dump(), as_a),
      403));
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(BodyOf(GetAccount(b))["first_name"], "Ivy");
}

TEST_F(AccountsTest, AnAccountChangesItsOwnNamesButNotItsPrivileges) {
  std::string id;
  const std::string self = GivenAccountWithKey("kim@example.com", &id, {{"first_name", "Kim"}});
  auto seen = GetAccount(id, self);
  ASSERT_TRUE(HasStatus(seen, 200));
  EXPECT_EQ(BodyOf(*seen)["email"], "kim@example.com");
  auto r = client_->Call(
      "PATCH", "/api/v1/accounts/" + id,
      json{{"first_name", "Kimberly"}, {"last_name", "Lee"}, {"username", "kimlee"}}.dump(), self);
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["first_name"], "Kimberly");
  EXPECT_EQ(BodyOf(*r)["last_name"], "Lee");
  EXPECT_EQ(BodyOf(*r)["username"], "kimlee");
  for (const json& privileged :
       {json{{"site_admin", true}}, json{{"active", false}}, json{{"home_org", "org-1"}}}) {
    EXPECT_TRUE(
        HasStatus(client_->Call("PATCH", "/api/v1/accounts/" + id, privileged.dump(), self), 403))
        << privileged;
  }
  auto after = BodyOf(GetAccount(id));
  EXPECT_EQ(after["site_admin"], false);
  EXPECT_EQ(after["active"], true);
  EXPECT_TRUE(after["home_org"].is_null());
}

TEST_F(AccountsTest, ASiteAdminChangesPrivilegesAndTheyTakeEffect) {
  std::string id;
  const std::string as_it = GivenAccountWithKey("lou@example.com", &id);
  ASSERT_TRUE(
      HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", json{{"name", "org-1"}}.dump()), 201));

  auto r = client_->AsAdmin("PATCH", "/api/v1/accounts/" + id,
                            json{{"site_admin", true}, {"home_org", "org-1"}}.dump());
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["site_admin"], true);
  EXPECT_EQ(BodyOf(*r)["home_org"], "org-1");
  auto who = client_->Call("GET", "/api/v1/whoami", {}, as_it);
  ASSERT_TRUE(HasStatus(who, 200));
  EXPECT_EQ(BodyOf(*who)["site_admin"], true);
  // Now a site admin, it sees others.
  const std::string other = client_->CreateAccount("mo@example.com");
  EXPECT_TRUE(HasStatus(GetAccount(other, as_it), 200));

  EXPECT_TRUE(IsError(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, json{{"home_org", "no-such-org"}}.dump()),
      400, "unknown_org"));
  ASSERT_TRUE(HasStatus(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, json{{"active", false}}.dump()), 200));
  EXPECT_EQ(BodyOf(GetAccount(id))["active"], false);
  EXPECT_TRUE(HasStatus(client_->Call("GET", "/api/v1/whoami", {}, as_it), 401));
}

TEST_F(AccountsTest, DeleteAnonymisesTheAccountAndCutsItsCredentialsAtOnce) {
  std::string id;
  const std::string key = GivenAccountWithKey("ned@example.com", &id,
                                              {{"first_name", "Nedward"},
                                               {"last_name", "Quux"},
                                               {"username", "nedq"},
                                               {"password", "ned's password"}});
  const std::string session = client_->Login("ned@example.com", "ned's password");
  ASSERT_EQ(client_->WhoAmIStatus(key), 200);
  ASSERT_EQ(client_->WhoAmIStatus(Bearer(session)), 200);
  ASSERT_EQ(SearchIds("nedward"), std::vector<std::string>{id});
  // The credentials' first uses are recorded after their replies; a write
  // queued behind them lets them commit before the delete (see the test
  // AnAccountDeletedInTheBatchOfACredentialUseKeepsTheServerUp for the delete
  // sharing their batch).
  ASSERT_TRUE(HasStatus(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, json{{"last_name", "Quuz"}}.dump()),
      200));

  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + id), 204));

  EXPECT_EQ(client_->WhoAmIStatus(key), 401);
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(session)), 401);
  EXPECT_TRUE(HasStatus(
      client_->Call("GET", "/api/v1/whoami", {}, {}, {{"Cookie", "orgd_session=" + session}}),
      401));
  EXPECT_TRUE(HasStatus(GetAccount(id), 404));
  EXPECT_TRUE(HasStatus(GetAccount("ned@example.com"), 404));
  EXPECT_EQ(Names({id})[id], (json{{"first_name", "Deleted"}, {"last_name", "User"}}));
  EXPECT_TRUE(SearchIds("nedward").empty());
  EXPECT_TRUE(SearchIds("@nedq").empty());
  EXPECT_TRUE(SearchIds(id).empty());
  EXPECT_TRUE(SearchIds("ned@example.com").empty());
  EXPECT_TRUE(IsError(
      client_->Call("POST", "/api/v1/auth/login",
                    json{{"email", "ned@example.com"}, {"password", "ned's password"}}.dump()),
      401, "invalid_credentials"));
  EXPECT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + id), 404));

  // Its email and username are free again, for a new account with a new id.
  const std::string again = client_->CreateAccount("NED@example.com", {{"username", "nedq"}});
  EXPECT_FALSE(again.empty());
  EXPECT_NE(again, id);
}

TEST_F(AccountsTest, ABatchCreatesEveryAccountInOneCommand) {
  auto r = client_->AsAdmin(
      "POST", "/api/v1/accounts:batch",
      json{{"accounts",
            json::array({json{{"email", "Ola@Example.com"}, {"first_name", "Ola"}},
                         json{{"email", "pia@example.com"}, {"username", "pia"}},
                         json{{"email", "quin@example.com"}, {"password", "quin's password"}}})}}
          .dump());
  ASSERT_TRUE(HasStatus(r, 201));
  json body = BodyOf(*r);
  EXPECT_EQ(body["created"], 3);
  ASSERT_EQ(body["accounts"].size(), 3u) << body;
  EXPECT_EQ(body["accounts"][0]["email"], "ola@example.com");
  for (const auto& a : body["accounts"]) {
    auto got = GetAccount(a["id"].get<std::string>());
    ASSERT_TRUE(HasStatus(got, 200));
    EXPECT_EQ(BodyOf(*got)["email"], a["email"]);
  }
  EXPECT_EQ(BodyOf(GetAccount("ola@example.com"))["first_name"], "Ola");
  EXPECT_FALSE(client_->Login("quin@example.com", "quin's password").empty());
}

TEST_F(AccountsTest, ABatchWithADuplicateEmailInsideItCreatesNothing) {
  const uint64_t before = server_.position();
  auto r = client_->AsAdmin("POST", "/api/v1/accounts:batch",
                            BatchOf({"rae@example.com", "sam@example.com", " RAE@example.com"}));
  ASSERT_TRUE(IsError(r, 409, "email_taken"));
  EXPECT_NE(BodyOf(*r)["error"]["message"].get<std::string>().find("accounts[2]"),
            std::string::npos)
      << r->body;
  EXPECT_EQ(server_.position(), before);
  EXPECT_TRUE(HasStatus(GetAccount("rae@example.com"), 404));
  EXPECT_TRUE(HasStatus(GetAccount("sam@example.com"), 404));
}

TEST_F(AccountsTest, ABatchWithAnExistingEmailCreatesNothing) {
  client_->CreateAccount("tia@example.com");
  const uint64_t before = server_.position();
  auto r = client_->AsAdmin("POST", "/api/v1/accounts:batch",
                            BatchOf({"uma@example.com", "TIA@example.com", "vic@example.com"}));
  ASSERT_TRUE(IsError(r, 409, "email_taken"));
  EXPECT_NE(BodyOf(*r)["error"]["message"].get<std::string>().find("accounts[1]"),
            std::string::npos)
      << r->body;
  EXPECT_EQ(server_.position(), before);
  EXPECT_TRUE(HasStatus(GetAccount("uma@example.com"), 404));
  EXPECT_TRUE(HasStatus(GetAccount("vic@example.com"), 404));
}

TEST_F(AccountsTest, ABatchWithAnInvalidEntryNamesItAndCreatesNothing) {
  const uint64_t before = server_.position();
  auto r = client_->AsAdmin(
      "POST", "/api/v1/accounts:batch",
      BatchOf({"wes@example.com", "xan@example.com", "yul@example.com", "not-an-email"}));
  ASSERT_TRUE(IsError(r, 400, "invalid_email"));
  EXPECT_NE(BodyOf(*r)["error"]["message"].get<std::string>().find("accounts[3]"),
            std::string::npos)
      << r->body;
  EXPECT_EQ(server_.position(), before);
  EXPECT_TRUE(HasStatus(GetAccount("wes@example.com"), 404));
}

TEST_F(AccountsTest, ABatchHoldsOneToAThousandAccounts) {
  std::vector<std::string> emails;
  for (int i = 0; i < 1001; ++i) emails.push_back("user" + std::to_string(i) + "@example.com");
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts:batch", BatchOf(emails)), 400,
                      "invalid_batch"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts:batch", BatchOf({})), 400,
                      "invalid_batch"));
  EXPECT_TRUE(
      IsError(client_->AsAdmin("POST", "/api/v1/accounts:batch", json{{"accounts", 1}}.dump()), 400,
              "bad_body"));
  EXPECT_EQ(server_.position(), before);

  emails.pop_back();
  auto r = client_->AsAdmin("POST", "/api/v1/accounts:batch", BatchOf(emails));
  ASSERT_TRUE(HasStatus(r, 201));
  EXPECT_EQ(BodyOf(*r)["created"], 1000);
  EXPECT_EQ(server_.position(), before + 1000);
  EXPECT_TRUE(HasStatus(GetAccount("user0@example.com"), 200));
  EXPECT_TRUE(HasStatus(GetAccount("user999@example.com"), 200));
}

TEST_F(AccountsTest, NamesAnswersEveryIdAndDeletedUserForUnknownOnes) {
  const std::string zed =
      client_->CreateAccount("zed@example.com", {{"first_name", "Zed"}, {"last_name", "Zulu"}});
  const std::string unknown = "00000000-0000-4000-8000-000000000001";
  json names = Names({zed, unknown});
  EXPECT_EQ(names.size(), 2u) << names;
  EXPECT_EQ(names[zed], (json{{"first_name", "Zed"}, {"last_name", "Zulu"}}));
  EXPECT_EQ(names[unknown], (json{{"first_name", "Deleted"}, {"last_name", "User"}}));

  // Any credential may ask.
  std::string self;
  const std::string as_self = GivenAccountWithKey("amy@example.com", &self);
  auto r = client_->Call("POST", "/api/v1/accounts:names", json{{"ids", json::array({zed})}}.dump(),
                         as_self);
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)[zed]["first_name"], "Zed");
  EXPECT_TRUE(HasStatus(
      client_->Call("POST", "/api/v1/accounts:names", json{{"ids", json::array({zed})}}.dump()),
      401));
}

TEST_F(AccountsTest, NamesRefusesOverAThousandIdsAndBadIds) {
  std::vector<std::string> ids;
  for (int i = 0; i < 1001; ++i) {
    char id[40];
    std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
    ids.push_back(id);
  }
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts:names", json{{"ids", ids}}.dump()),
                      400, "too_many_ids"));
  ids.pop_back();
  auto thousand = client_->AsAdmin("POST", "/api/v1/accounts:names", json{{"ids", ids}}.dump());
  ASSERT_TRUE(HasStatus(thousand, 200));
  EXPECT_EQ(BodyOf(*thousand).size(), 1000u);
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/accounts:names",
                                       json{{"ids", json::array({"not-a-uuid"})}}.dump()),
                      400, "bad_id"));
  EXPECT_TRUE(IsError(
      client_->AsAdmin("POST", "/api/v1/accounts:names", json{{"ids", json::array({7})}}.dump()),
      400, "bad_id"));
  EXPECT_TRUE(IsError(
      client_->AsAdmin("POST", "/api/v1/accounts:names", json{{"id", json::array()}}.dump()), 400,
      "bad_body"));
}

// Regression: an AccountDeleted applied in the same writer batch as a
// credential's first-use event once killed the server. ApplyAccountDeleted
// walks "a<id>/" with an upper bound, but a pending batch's iterator does not
// apply the bound to the batch's own writes, so the pending "u<key id>" of the
// use came back (the walk now checks the prefix). Each DELETE here follows
// the first uses of the account's key and session, whose events are queued
// after their replies and often share the DELETE's batch.
TEST_F(AccountsTest, AnAccountDeletedInTheBatchOfACredentialUseKeepsTheServerUp) {
  for (int i = 0; i < 40; ++i) {
    const std::string email = "doomed" + std::to_string(i) + "@example.com";
    std::string id;
    const std::string key = GivenAccountWithKey(email, &id, {{"password", "doomed password"}});
    const std::string session = client_->Login(email, "doomed password");
    ASSERT_EQ(client_->WhoAmIStatus(key), 200);
    ASSERT_EQ(client_->WhoAmIStatus(Bearer(session)), 200);
    ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + id), 204)) << i;
    ASSERT_TRUE(HasStatus(GetAccount(id), 404)) << i;
    ASSERT_EQ(client_->WhoAmIStatus(key), 401) << i;
  }
}

// Regression: the same on a restart that folds the credentials model anew (a
// schema change; here its "\0schema" key is set to another version behind the
// store's back): CatchUpOne applies many events per batch, so
// ApplyAccountDeleted met the pending writes of the account's earlier
// credential events and Service::Open died.
TEST_F(AccountsTest, AStoreWithADeletedAccountReopensWhenTheCredentialsModelIsFoldedAnew) {
  std::string id;
  const std::string key =
      GivenAccountWithKey("gone@example.com", &id, {{"password", "gone password"}});
  const std::string session = client_->Login("gone@example.com", "gone password");
  ASSERT_EQ(client_->WhoAmIStatus(key), 200);
  ASSERT_EQ(client_->WhoAmIStatus(Bearer(session)), 200);
  ASSERT_TRUE(HasStatus(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + id, json{{"last_name", "G"}}.dump()), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + id), 204));
  client_.reset();
  ASSERT_OK(server_.Stop());
  {
    rocksdb::Options options;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir_.Sub("data"), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.Sub("data"), descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    bool found = false;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] != "proj.credentials") continue;
      found = true;
      const char version[8] = {0, 0, 0, 0, 0, 0, 0, 99};
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[i], rocksdb::Slice("\0schema", 7),
                          rocksdb::Slice(version, 8))
                      .ok());
    }
    EXPECT_TRUE(found);
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  ASSERT_OK(server_.Start(dir_.Sub("data")));
  client_ = server_.NewClient();
  EXPECT_EQ(client_->WhoAmIStatus(key), 401);
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(session)), 401);
  EXPECT_TRUE(HasStatus(GetAccount(id), 404));
}

}  // namespace
}  // namespace orgd::test
