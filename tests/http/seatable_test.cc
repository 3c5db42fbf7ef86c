// The SeaTable admin organizations adapter over real HTTP (issue #16): seed
// 004's own sample requests (Token credentials, curl's --form bodies as
// multipart), SeaTable's field names, error bodies and texts, and that what
// it changes is what the native API shows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/http/test_server.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

constexpr char kBoundary[] = "------------------------d74496d66958873e";

// A body as `curl --form k=v ...` sends it: multipart/form-data.
std::pair<std::string, Headers> Multipart(const std::vector<std::pair<std::string, std::string>>& f) {
  std::string body;
  for (const auto& [k, v] : f) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + k +
            "\"\r\n\r\n" + v + "\r\n";
  }
  body += std::string("--") + kBoundary + "--\r\n";
  return {body, {{"Content-Type", std::string("multipart/form-data; boundary=") + kBoundary}}};
}

std::string Token(const std::string& key) { return "Token " + key; }

class SeatableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data")));
    client_ = server_.NewClient();
    admin_ = Token(kTestAdminKey);
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  std::optional<RawResponse> Send(const std::string& method, const std::string& target,
                                  const std::vector<std::pair<std::string, std::string>>& form = {},
                                  std::string auth = "") {
    if (auth.empty()) auth = admin_;
    if (form.empty()) return client_->Call(method, target, "", auth);
    auto [body, headers] = Multipart(form);
    return client_->Call(method, target, body, auth, headers);
  }
  json Ok(const std::string& method, const std::string& target,
          const std::vector<std::pair<std::string, std::string>>& form = {}) {
    auto r = Send(method, target, form);
    EXPECT_TRUE(HasStatus(r, 200)) << method << " " << target;
    return BodyOf(r);
  }
  // seed 004's "Add An Organization", with a password orgd accepts.
  json AddOrg(const std::string& name, const std::string& email, const std::string& admin = "") {
    std::vector<std::pair<std::string, std::string>> form = {
        {"org_name", name}, {"admin_email", email}, {"password", "correct horse"}};
    if (!admin.empty()) form.emplace_back("admin_name", admin);
    return Ok("POST", "/api/v2.1/admin/organizations/", form);
  }
  std::string Url(uint64_t org_id, const std::string& rest = "") {
    return "/api/v2.1/admin/organizations/" + std::to_string(org_id) + "/" + rest;
  }
  json Native(const std::string& target) { return BodyOf(client_->AsAdmin("GET", target)); }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::string admin_;
};

::testing::AssertionResult SaysError(const std::optional<RawResponse>& r, int status,
                                     const std::string& key, const std::string& text) {
  if (!r) return ::testing::AssertionFailure() << "no response";
  json j = BodyOf(r);
  if (r->status != status || !j.is_object() || j.size() != 1 || j.value(key, "") != text) {
    return ::testing::AssertionFailure() << r->status << " " << r->body;
  }
  return ::testing::AssertionSuccess();
}

TEST_F(SeatableTest, TheSeedsAddOrganizationSampleMakesTheOrgItsAdminAndItsOwner) {
  // Verbatim but for the password: orgd keeps its 8-byte minimum (docs/compat.md).
  auto short_password = Send("POST", "/api/v2.1/admin/organizations/",
                             {{"org_name", "org-for-add"},
                              {"admin_email", "for-add@seafile.com"},
                              {"admin_name", "for-add"},
                              {"password", "123"}});
  EXPECT_TRUE(SaysError(short_password, 400, "error_msg", "password invalid."));
  const uint64_t before = server_.position();
  json org = AddOrg("org-for-add", "for-add@seafile.com", "for-add");
  for (const char* key : {"org_id", "org_name", "ctime", "org_url_prefix", "role", "creator_email",
                          "creator_name", "creator_contact_email", "quota", "storage_usage",
                          "storage_quota", "max_user_number", "rows_count", "row_limit"}) {
    EXPECT_TRUE(org.contains(key)) << key << " in " << org;
  }
  EXPECT_TRUE(org["org_id"].is_number_unsigned());
  EXPECT_EQ(org["org_name"], "org-for-add");
  EXPECT_EQ(org["role"], "org_default");
  EXPECT_EQ(org["creator_name"], "for-add");
  EXPECT_EQ(org["creator_contact_email"], "for-add@seafile.com");
  const std::string creator = org["creator_email"];
  EXPECT_TRUE(creator.ends_with("@auth.local")) << creator;
  EXPECT_EQ(creator.size(), 32 + std::string("@auth.local").size());
  EXPECT_EQ(org["quota"], -2);
  const std::string prefix = org["org_url_prefix"];
  EXPECT_TRUE(prefix.starts_with("org_") && prefix.size() == 24) << prefix;
  const std::string ctime = org["ctime"];
  EXPECT_TRUE(ctime.ends_with("+00:00") && ctime.size() == 25) << ctime;
  EXPECT_GT(server_.position(), before);
  // Natively: the org (slug from the title), the admin at home there as owner.
  const std::string id = std::to_string(org["org_id"].get<uint64_t>());
  json native = Native("/api/v1/orgs/" + id);
  EXPECT_EQ(native["name"], "org-for-add");
  EXPECT_EQ(native["title"], "org-for-add");
  json account = Native("/api/v1/accounts/for-add@seafile.com");
  EXPECT_EQ(account["home_org"], "org-for-add");
  json members = Native("/api/v1/orgs/" + id + "/members");
  ASSERT_EQ(members["members"].size(), 1u) << members;
  EXPECT_EQ(members["members"][0]["role"], "owner");
  // The admin signs in with SeaTable's auth-token and its password.
  auto token = client_->Call("POST", "/api2/auth-token/",
                             "username=for-add%40seafile.com&password=correct+horse", "",
                             {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(HasStatus(token, 200));
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(BodyOf(token)["token"].get<std::string>())), 200);
}

TEST_F(SeatableTest, CreateChecksItsFieldsInSeatablesOrderAndLeavesNothingOnError) {
  AddOrg("first", "taken@example.com");
  const uint64_t before = server_.position();
  const std::string url = "/api/v2.1/admin/organizations/";
  EXPECT_TRUE(SaysError(Send("POST", url, {{"admin_email", "x@example.com"}, {"password", "p"}}),
                        400, "error_msg", "org_name invalid."));
  EXPECT_TRUE(SaysError(Send("POST", url, {{"org_name", "x"}, {"admin_email", "no-at-sign"},
                                            {"password", "correct horse"}}),
                        400, "error_msg", "admin_email invalid."));
  EXPECT_TRUE(SaysError(Send("POST", url, {{"org_name", "x"}, {"admin_email", "x@example.com"}}),
                        400, "error_msg", "password invalid."));
  EXPECT_TRUE(SaysError(Send("POST", url, {{"org_name", "x"}, {"admin_email", "taken@example.com"},
                                            {"password", "correct horse"}}),
                        400, "error_msg", "User taken@example.com already exists."));
  EXPECT_EQ(server_.position(), before) << "a refused create wrote something";
  EXPECT_EQ(Ok("GET", url)["count"], 1);
}

TEST_F(SeatableTest, OrgNamesNeedNotBeUniqueTheSlugsAre) {
  json a = AddOrg("School 0", "a@example.com");
  json b = AddOrg("School 0", "b@example.com");
  EXPECT_EQ(a["org_name"], "School 0");
  EXPECT_EQ(b["org_name"], "School 0");
  EXPECT_EQ(Native("/api/v1/orgs/" + std::to_string(a["org_id"].get<uint64_t>()))["name"],
            "school-0");
  EXPECT_EQ(Native("/api/v1/orgs/" + std::to_string(b["org_id"].get<uint64_t>()))["name"],
            "school-0-2");
  // JSON bodies work too (SeaTable 6.1's OpenAPI and the n8n node send them).
  auto json_body = client_->Call("POST", "/api/v2.1/admin/organizations/",
                                 R"({"org_name":"School 0","admin_email":"c@example.com",)"
                                 R"("password":"correct horse","with_workspace":false})",
                                 admin_);
  ASSERT_TRUE(HasStatus(json_body, 200));
  EXPECT_EQ(Native("/api/v1/orgs/school-0-3")["title"], "School 0");
}

TEST_F(SeatableTest, TheListPagesWithSeatablesDefaultsAndCountsEveryOrg) {
  for (int i = 0; i < 30; ++i) AddOrg("Org " + std::to_string(i), std::to_string(i) + "@ex.com");
  // seed 004's "List Organizations" sample, verbatim.
  auto r = client_->Call("GET", "/api/v2.1/admin/organizations/?page=1&per_page=2", "",
                         "Token " + std::string(kTestAdminKey));
  ASSERT_TRUE(HasStatus(r, 200));
  json two = BodyOf(r);
  ASSERT_EQ(two["organizations"].size(), 2u);
  EXPECT_EQ(two["count"], 30);
  EXPECT_EQ(two["organizations"][0]["org_name"], "Org 0");
  EXPECT_EQ(two["organizations"][1]["org_name"], "Org 1");
  EXPECT_EQ(two["organizations"][1]["creator_contact_email"], "1@ex.com");
  // Defaults: page 1, 25 per page; bad values silently become the defaults.
  EXPECT_EQ(Ok("GET", "/api/v2.1/admin/organizations/")["organizations"].size(), 25u);
  json bad = Ok("GET", "/api/v2.1/admin/organizations/?page=x&per_page=-3");
  EXPECT_EQ(bad["organizations"].size(), 25u);
  json last = Ok("GET", "/api/v2.1/admin/organizations/?page=2");
  ASSERT_EQ(last["organizations"].size(), 5u);
  EXPECT_EQ(last["organizations"][4]["org_name"], "Org 29");
  EXPECT_TRUE(Ok("GET", "/api/v2.1/admin/organizations/?page=9")["organizations"].empty());
  // The role filter (SeaTable's OpenAPI): counted and paged after filtering.
  Ok("PUT", Url(3), {{"role", "guest"}});
  Ok("PUT", Url(7), {{"role", "guest"}});
  json guests = Ok("GET", "/api/v2.1/admin/organizations/?role=guest&per_page=1&page=2");
  EXPECT_EQ(guests["count"], 2);
  ASSERT_EQ(guests["organizations"].size(), 1u);
  EXPECT_EQ(guests["organizations"][0]["org_id"], 7);
}

TEST_F(SeatableTest, BasicInfoKeepsTheRequestsOrderAndSkipsWhatItCannotRead) {
  AddOrg("Test-Admin", "a@example.com");
  AddOrg("Testteam", "b@example.com");
  // seed 004's sample (its curl has "-header": the header as meant).
  json info = Ok("GET", "/api/v2.1/admin/organizations-basic-info/?org_ids=1&org_ids=2");
  EXPECT_EQ(info, (json{{"organization_list",
                         {{{"org_id", 1}, {"org_name", "Test-Admin"}},
                          {{"org_id", 2}, {"org_name", "Testteam"}}}}}));
  json reversed =
      Ok("GET", "/api/v2.1/admin/organizations-basic-info/?org_ids=2&org_ids=x&org_ids=99&org_ids=1");
  ASSERT_EQ(reversed["organization_list"].size(), 2u);
  EXPECT_EQ(reversed["organization_list"][0]["org_id"], 2);
  EXPECT_EQ(reversed["organization_list"][1]["org_id"], 1);
  EXPECT_EQ(Ok("GET", "/api/v2.1/admin/organizations-basic-info/?org_ids=2,1")["organization_list"]
                .size(),
            2u);
  EXPECT_TRUE(Ok("GET", "/api/v2.1/admin/organizations-basic-info/")["organization_list"].empty());
}

TEST_F(SeatableTest, UpdateAppliesTheSeedsFieldsAndAnUnknownRoleChangesNothing) {
  AddOrg("Org", "a@example.com");
  // seed 004's "Update Organization" sample, verbatim.
  json org = Ok("PUT", Url(1), {{"org_name", "rename-org"}, {"role", "guest"}, {"row_limit", "100"}});
  EXPECT_EQ(org["org_name"], "rename-org");
  EXPECT_EQ(org["role"], "guest");
  EXPECT_EQ(org["row_limit"], 100);
  json native = Native("/api/v1/orgs/1");
  EXPECT_EQ(native["title"], "rename-org");
  EXPECT_EQ(native["name"], "org") << "the slug stays";
  EXPECT_EQ(native["quotas"]["row_limit"], 100);
  org = Ok("PUT", Url(1), {{"max_user_number", "5"}, {"quota", "1000"}, {"asset_quota_mb", "7"}});
  EXPECT_EQ(org["max_user_number"], 5);
  EXPECT_EQ(org["quota"], 1000);
  EXPECT_EQ(org["storage_quota"], 1000000000);
  EXPECT_EQ(org["asset_quota_mb"], 7);
  const uint64_t before = server_.position();
  EXPECT_TRUE(SaysError(Send("PUT", Url(1), {{"org_name", "again"}, {"role", "standard"}}), 400,
                        "error_msg", "Role standard invalid."));
  EXPECT_TRUE(SaysError(Send("PUT", Url(1), {{"max_user_number", "0x"}}), 400, "error_msg",
                        "max_user_number invalid."));
  EXPECT_TRUE(SaysError(Send("PUT", Url(1), {{"quota", "-1"}}), 400, "error_msg", "quota invalid."));
  EXPECT_EQ(server_.position(), before) << "all fields are checked before any is applied";
  EXPECT_EQ(Native("/api/v1/orgs/1")["title"], "rename-org");
  // GET adds the counts.
  json got = Ok("GET", Url(1));
  EXPECT_EQ(got["users_count"], 1);
  EXPECT_EQ(got["active_users_count"], 1);
  EXPECT_EQ(got["groups_count"], 0);
}

TEST_F(SeatableTest, UnknownAndMalformedOrgIdsGetSeatablesAnswers) {
  EXPECT_TRUE(SaysError(Send("DELETE", "/api/v2.1/admin/organizations/999/"), 404, "error_msg",
                        "Organization 999 not found."));
  EXPECT_TRUE(SaysError(Send("GET", Url(190, "users/")), 404, "error_msg",
                        "Organization 190 not found."));
  EXPECT_TRUE(SaysError(Send("GET", Url(0)), 400, "error_msg", "org_id invalid."));
  EXPECT_TRUE(HasStatus(Send("GET", "/api/v2.1/admin/organizations/acme/"), 404));
}

TEST_F(SeatableTest, AuthenticationAndPermissionFailuresAreDrfsDetail) {
  const std::string url = "/api/v2.1/admin/organizations/";
  EXPECT_TRUE(SaysError(client_->Call("GET", url), 403, "detail",
                        "Authentication credentials were not provided."));
  EXPECT_TRUE(SaysError(client_->Call("GET", url, "", "Token 64b9ee55dc4ab902ff36763ef5c604a76d52875e"),
                        401, "detail", "Invalid token"));
  EXPECT_TRUE(SaysError(client_->Call("GET", url, "", "Token"), 401, "detail",
                        "Invalid token header. No credentials provided."));
  EXPECT_TRUE(SaysError(client_->Call("GET", url, "", "Token a b"), 401, "detail",
                        "Invalid token header. Token string should not contain spaces."));
  // Bearer works too, and the keyword in any case.
  EXPECT_TRUE(HasStatus(client_->Call("GET", url, "", Bearer(kTestAdminKey)), 200));
  EXPECT_TRUE(HasStatus(client_->Call("GET", url, "", "token " + std::string(kTestAdminKey)), 200));
  // An account that is no site admin.
  const std::string ann = client_->CreateAccount("ann@example.com");
  const std::string key = client_->IssueKey(ann).value("key", "");
  EXPECT_TRUE(SaysError(client_->Call("GET", url, "", Token(key)), 403, "detail",
                        "You do not have permission to perform this action."));
  EXPECT_TRUE(SaysError(Send("POST", url, {{"org_name", "x"}}, Token(key)), 403, "detail",
                        "You do not have permission to perform this action."));
  // A deactivated account's key.
  EXPECT_TRUE(HasStatus(
      client_->AsAdmin("PATCH", "/api/v1/accounts/" + ann, R"({"active":false})"), 200));
  EXPECT_TRUE(SaysError(client_->Call("GET", url, "", Token(key)), 401, "detail",
                        "User inactive or deleted"));
}

TEST_F(SeatableTest, OrgUsersAreListedAddedUpdatedAndDeleted) {
  json org = AddOrg("Team", "lead@example.com", "Max Teamleiter");
  const uint64_t id = org["org_id"];
  json added = Ok("POST", Url(id, "users/"),
                  {{"email", "mitarbeiter@seatable.de"}, {"password", "correct horse"},
                   {"name", "Robert Mitarbeiter"}});
  EXPECT_EQ(added["contact_email"], "mitarbeiter@seatable.de");
  EXPECT_EQ(added["name"], "Robert Mitarbeiter");
  EXPECT_EQ(added["is_org_admin"], false);
  const std::string user = added["email"];
  json users = Ok("GET", Url(id, "users/"))["users"];
  ASSERT_EQ(users.size(), 2u) << users;
  for (const json& u : users) {
    for (const char* key : {"org_id", "email", "name", "contact_email", "quota_total",
                            "quota_usage", "create_time", "last_login", "active"}) {
      EXPECT_TRUE(u.contains(key)) << key << " in " << u;
    }
    EXPECT_EQ(u["org_id"], id);
    EXPECT_EQ(u["last_login"], "");
  }
  // Errors of add.
  EXPECT_TRUE(SaysError(Send("POST", Url(id, "users/"), {{"email", "bad"}, {"password", "correct horse"}}),
                        400, "error_msg", "email invalid."));
  EXPECT_TRUE(SaysError(Send("POST", Url(id, "users/"),
                             {{"email", "mitarbeiter@seatable.de"}, {"password", "correct horse"}}),
                        400, "error_msg", "User mitarbeiter@seatable.de already exists."));
  EXPECT_TRUE(SaysError(Send("POST", Url(id, "users/"), {{"email", "n@example.com"},
                                                          {"password", "correct horse"},
                                                          {"active", "maybe"}}),
                        400, "error_msg", "active invalid."));
  // Update by the virtual id: name, admin flag, active.
  json changed = Ok("PUT", Url(id, "users/" + user + "/"),
                    {{"name", "Robert M."}, {"is_admin", "true"}, {"active", "false"}});
  EXPECT_EQ(changed["name"], "Robert M.");
  EXPECT_EQ(changed["is_org_admin"], true);
  EXPECT_EQ(changed["active"], false);
  json native = Native("/api/v1/accounts/mitarbeiter@seatable.de");
  EXPECT_EQ(native["first_name"], "Robert M.");
  EXPECT_EQ(native["active"], false);
  EXPECT_TRUE(SaysError(Send("PUT", Url(id, "users/" + user + "/"), {{"active", "yes"}}), 400,
                        "error_msg", "active invalid, should be 'true' or 'false'."));
  // Delete: the creator is refused, an unknown user is 404, another org's is 400.
  const std::string lead = org["creator_email"];
  EXPECT_TRUE(SaysError(Send("DELETE", Url(id, "users/" + lead + "/")), 403, "error_msg",
                        "Failed to delete: " + lead + " is an organization creator."));
  EXPECT_TRUE(SaysError(Send("DELETE", Url(id, "users/nobody@example.com/")), 404, "error_msg",
                        "User nobody@example.com not found."));
  AddOrg("Other", "other@example.com");
  EXPECT_TRUE(SaysError(Send("DELETE", Url(id, "users/other@example.com/")), 400, "error_msg",
                        "User other@example.com is not member of organization " +
                            std::to_string(id) + "."));
  EXPECT_EQ(Ok("DELETE", Url(id, "users/" + user + "/")), (json{{"success", true}}));
  EXPECT_TRUE(HasStatus(client_->AsAdmin("GET", "/api/v1/accounts/mitarbeiter@seatable.de"), 404));
  EXPECT_EQ(Ok("GET", Url(id, "users/"))["users"].size(), 1u);
}

TEST_F(SeatableTest, DeletingAnOrgDetachesItsMembersAndKeepsTheirAccounts) {
  json org = AddOrg("Doomed", "lead@example.com");
  const uint64_t id = org["org_id"];
  Ok("POST", Url(id, "users/"), {{"email", "m@example.com"}, {"password", "correct horse"}});
  // seed 004's "Delete Organization" sample's answer.
  EXPECT_EQ(Ok("DELETE", Url(id)), (json{{"success", true}}));
  EXPECT_TRUE(HasStatus(client_->AsAdmin("GET", "/api/v1/orgs/" + std::to_string(id)), 404));
  for (const char* email : {"lead@example.com", "m@example.com"}) {
    json a = Native(std::string("/api/v1/accounts/") + email);
    EXPECT_EQ(a["email"], email);
    EXPECT_TRUE(a["home_org"].is_null()) << a;
  }
  EXPECT_TRUE(SaysError(Send("DELETE", Url(id)), 404, "error_msg",
                        "Organization " + std::to_string(id) + " not found."));
}

TEST_F(SeatableTest, GroupsAndBasesAreTheOrgsGroupsAndProjects) {
  json org = AddOrg("Org", "lead@example.com");
  const uint64_t id = org["org_id"];
  const std::string slug = "/api/v1/orgs/" + std::to_string(id);
  EXPECT_EQ(Ok("GET", Url(id, "groups/")), (json{{"group_list", json::array()}}));
  auto g = client_->AsAdmin("POST", slug + "/groups", R"({"name":"t2"})");
  ASSERT_TRUE(HasStatus(g, 201));
  const std::string group_id = BodyOf(g)["id"];
  auto p = client_->AsAdmin("POST", slug + "/projects", R"({"name":"base1"})");
  ASSERT_TRUE(HasStatus(p, 201));
  json groups = Ok("GET", Url(id, "groups/"))["group_list"];
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0]["group_name"], "t2");
  EXPECT_EQ(groups[0]["group_id"], group_id);
  EXPECT_TRUE(groups[0].contains("created_at") && groups[0].contains("creator_email"));
  json bases = Ok("GET", Url(id, "dtables/"));
  EXPECT_EQ(bases["count"], 1);
  ASSERT_EQ(bases["dtable_list"].size(), 1u);
  EXPECT_EQ(bases["dtable_list"][0]["name"], "base1");
  EXPECT_EQ(bases["dtable_list"][0]["workspace_id"], id);
  EXPECT_TRUE(Ok("GET", Url(id, "dtables/?page=2&per_page=1"))["dtable_list"].empty());
  // seed 004's "Delete Organization Group": an unknown id still succeeds.
  EXPECT_EQ(Ok("DELETE", "/api/v2.1/admin/groups/1/"), (json{{"success", true}}));
  EXPECT_EQ(Ok("DELETE", "/api/v2.1/admin/groups/" + group_id + "/"), (json{{"success", true}}));
  EXPECT_TRUE(Ok("GET", Url(id, "groups/"))["group_list"].empty());
  EXPECT_EQ(Ok("GET", Url(id))["groups_count"], 0);
}

TEST_F(SeatableTest, AuthTokenSignsInByFormAndRefusesAsDrf) {
  AddOrg("Org", "lead@example.com");
  auto missing = client_->Call("POST", "/api2/auth-token/", "username=lead%40example.com", "",
                               {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_TRUE(HasStatus(missing, 400));
  EXPECT_EQ(BodyOf(missing), (json{{"password", {"This field is required."}}}));
  auto [body, headers] = Multipart({{"username", "lead@example.com"}, {"password", "wrong pass"}});
  auto wrong = client_->Call("POST", "/api2/auth-token/", body, "", headers);
  ASSERT_TRUE(HasStatus(wrong, 400));
  EXPECT_EQ(BodyOf(wrong),
            (json{{"non_field_errors", {"Unable to log in with provided credentials."}}}));
  auto [good, good_headers] =
      Multipart({{"username", "lead@example.com"}, {"password", "correct horse"}});
  auto ok = client_->Call("POST", "/api2/auth-token/", good, "", good_headers);
  ASSERT_TRUE(HasStatus(ok, 200));
  const std::string token = BodyOf(ok)["token"];
  // The token is a credential of SeaTable's form; this account is no site admin.
  EXPECT_TRUE(SaysError(client_->Call("GET", "/api/v2.1/admin/organizations/", "", Token(token)),
                        403, "detail", "You do not have permission to perform this action."));
}

}  // namespace
}  // namespace orgd::test
