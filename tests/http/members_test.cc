// Members, roles, departments and permission checks over real HTTP (issue
// 15, items 2, 3 and 8): upserts, pages without a hidden cap, who sees
// emails, who may do what, atomic batches, org accounts and their tokens.
#include <gtest/gtest.h>

#include <cctype>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/http/test_server.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

class MembersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data"), [](http::ServiceOptions& o) {
      o.api.credential_use_interval_ms = 0;  // positions tell whether anything was written
    }));
    client_ = server_.NewClient();
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"acme"})"), 201));
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"beta"})"), 201));
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // A new account and the Authorization value of a key of it.
  std::string Person(const std::string& email, std::string* id) {
    *id = client_->CreateAccount(email, json{{"first_name", "F"}, {"last_name", email}});
    return Bearer(client_->IssueKey(*id).value("key", ""));
  }
  std::optional<RawResponse> PutMember(const std::string& org, const std::string& who,
                                       json body = json::object(), std::string_view auth = {}) {
    return client_->Call("PUT", "/api/v1/orgs/" + org + "/members/" + who, body.dump(),
                         auth.empty() ? Bearer(kTestAdminKey) : std::string(auth));
  }
  std::optional<RawResponse> Get(const std::string& target, std::string_view auth = {}) {
    return client_->Call("GET", target, {},
                         auth.empty() ? Bearer(kTestAdminKey) : std::string(auth));
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
};

TEST_F(MembersTest, PutAddsWith201ThenUpdatesWith200AndDeleteRemoves) {
  std::string ann;
  Person("ann@example.com", &ann);
  auto added = PutMember("acme", ann, json{{"role", "editor"}});
  ASSERT_TRUE(HasStatus(added, 201));
  json m = BodyOf(added);
  EXPECT_EQ(m["account_id"], ann);
  EXPECT_EQ(m["role"], "editor");
  EXPECT_EQ(m["content_permission"], "none");
  EXPECT_EQ(m["members_permission"], "none");
  EXPECT_EQ(m["external"], true);  // no home org
  EXPECT_EQ(m["email"], "ann@example.com");
  EXPECT_TRUE(m["added_at"].is_string());
  // By email, a change.
  auto changed = PutMember("acme", "ANN@example.com", json{{"content_permission", "modify"}});
  ASSERT_TRUE(HasStatus(changed, 200));
  EXPECT_EQ(BodyOf(changed)["role"], "editor");
  EXPECT_EQ(BodyOf(changed)["content_permission"], "modify");
  // Unchanged: still 200, nothing appended.
  const uint64_t before = server_.position();
  ASSERT_TRUE(HasStatus(PutMember("acme", ann, json{{"role", "editor"}}), 200));
  EXPECT_EQ(server_.position(), before);
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/members/" + ann), 204));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/members/" + ann), 404, "not_a_member"));
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/members/" + ann), 404,
                      "not_a_member"));
}

TEST_F(MembersTest, BadInputIsRefusedAndChangesNothing) {
  std::string ann;
  Person("ann@example.com", &ann);
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(PutMember("acme", ann, json{{"role", 7}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(PutMember("acme", ann, json{{"rank", 1}}), 400, "unknown_field"));
  EXPECT_TRUE(IsError(PutMember("acme", ann, json{{"role", "wizard"}}), 400, "unknown_role"));
  EXPECT_TRUE(IsError(PutMember("acme", ann, json{{"content_permission", "all"}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(PutMember("acme", ann, json{{"members_permission", "x"}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(PutMember("acme", ann, json{{"department", "Nope"}}), 400,
                      "unknown_department"));
  EXPECT_TRUE(IsError(PutMember("acme", "nobody@example.com"), 404, "unknown_account"));
  EXPECT_TRUE(IsError(PutMember("nope", ann), 404, "unknown_org"));
  EXPECT_TRUE(IsError(client_->AsAdmin("PUT", "/api/v1/orgs/acme/members/" + ann, "[1]"), 400,
                      "bad_body"));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/members?limit=0"), 400, "bad_pagination"));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/members?limit=1001"), 400, "bad_pagination"));
  EXPECT_EQ(server_.position(), before);
}

TEST_F(MembersTest, ALargeOrgIsPagedWithoutAHiddenCapAndFiltered) {
  std::vector<std::string> ids;
  json accounts = json::array();
  for (int i = 0; i < 250; ++i) accounts.push_back({{"email", "p" + std::to_string(i) + "@x.org"}});
  auto made = client_->AsAdmin("POST", "/api/v1/accounts:batch", json{{"accounts", accounts}}.dump());
  ASSERT_TRUE(HasStatus(made, 201));
  const json made_body = BodyOf(made);
  for (const auto& a : made_body["accounts"]) ids.push_back(a["id"]);
  ASSERT_EQ(ids.size(), 250u);
  std::vector<std::string> teachers(ids.begin(), ids.begin() + 40);
  std::vector<std::string> rest(ids.begin() + 40, ids.end());
  ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/memberships:batch",
                                         json{{"orgs", {"acme"}}, {"users", rest}}.dump()),
                        201));
  ASSERT_TRUE(HasStatus(
      client_->AsAdmin("POST", "/api/v1/memberships:batch",
                       json{{"orgs", {"acme"}}, {"users", teachers}, {"role", "teacher"}}.dump()),
      201));
  std::set<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    auto r = Get("/api/v1/orgs/acme/members?limit=100" + (next.empty() ? "" : "&after=" + next));
    ASSERT_TRUE(HasStatus(r, 200));
    json page = BodyOf(r);
    EXPECT_EQ(page["total"], 250);
    EXPECT_LE(page["members"].size(), 100u);
    for (const auto& m : page["members"]) EXPECT_TRUE(seen.insert(m["account_id"]).second);
    next = page["next"].is_null() ? "" : page["next"].get<std::string>();
    ++pages;
  } while (!next.empty() && pages < 10);
  EXPECT_EQ(seen.size(), 250u);
  EXPECT_EQ(pages, 3);
  // By role, across pages too.
  std::set<std::string> found;
  next.clear();
  do {
    auto r = Get("/api/v1/orgs/acme/members?role=teacher&limit=15" +
                 (next.empty() ? "" : "&after=" + next));
    ASSERT_TRUE(HasStatus(r, 200));
    const json page = BodyOf(r);
    for (const auto& m : page["members"]) {
      EXPECT_EQ(m["role"], "teacher");
      found.insert(m["account_id"]);
    }
    next = page["next"].is_null() ? "" : page["next"].get<std::string>();
  } while (!next.empty());
  EXPECT_EQ(found, std::set<std::string>(teachers.begin(), teachers.end()));
}

TEST_F(MembersTest, EmailsShowOnlyToThoseAllowedToSeeThem) {
  std::string ann, bob;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  ASSERT_TRUE(HasStatus(PutMember("acme", ann, json{{"role", "member"}}), 201));
  ASSERT_TRUE(HasStatus(PutMember("acme", bob, json{{"role", "supervisor"}}), 201));
  json as_member = BodyOf(Get("/api/v1/orgs/acme/members", ann_auth));
  ASSERT_EQ(as_member["members"].size(), 2u);
  for (const auto& m : as_member["members"]) EXPECT_FALSE(m.contains("email")) << m;
  json as_supervisor = BodyOf(Get("/api/v1/orgs/acme/members", bob_auth));
  for (const auto& m : as_supervisor["members"]) EXPECT_TRUE(m.contains("email")) << m;
  // One's own entry shows one's own email.
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/members/" + ann, ann_auth))["email"], "ann@example.com");
}

TEST_F(MembersTest, OutsidersGet404AndMembersLackingTheRightGet403) {
  std::string ann, out;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string out_auth = Person("out@example.com", &out);
  ASSERT_TRUE(HasStatus(PutMember("acme", ann, json{{"role", "viewer"}}), 201));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/members", out_auth), 404, "unknown_org"));
  EXPECT_TRUE(IsError(PutMember("acme", out, json::object(), out_auth), 404, "unknown_org"));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/members", ann_auth), 403, "missing_capability"));
  EXPECT_TRUE(IsError(PutMember("acme", out, json::object(), ann_auth), 403, "missing_capability"));
  // Another org's member sees nothing of this one.
  ASSERT_TRUE(HasStatus(PutMember("beta", out, json{{"role", "owner"}}), 201));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/roles", out_auth), 404, "unknown_org"));
  // A member may leave.
  ASSERT_TRUE(HasStatus(client_->Call("DELETE", "/api/v1/orgs/acme/members/" + ann, {}, ann_auth),
                        204));
}

TEST_F(MembersTest, NoEscalationOverHttpAndTheLastOwnerStays) {
  std::string owner, admin, ann;
  const std::string owner_auth = Person("owner@example.com", &owner);
  const std::string admin_auth = Person("admin@example.com", &admin);
  Person("ann@example.com", &ann);
  ASSERT_TRUE(HasStatus(PutMember("acme", owner, json{{"role", "owner"}}), 201));
  ASSERT_TRUE(HasStatus(PutMember("acme", admin, json{{"role", "admin"}}, owner_auth), 201));
  EXPECT_TRUE(IsError(PutMember("acme", ann, json{{"role", "owner"}}, admin_auth), 403,
                      "rank_too_high"));
  EXPECT_TRUE(IsError(PutMember("acme", owner, json{{"role", "member"}}, admin_auth), 403,
                      "rank_too_high"));
  EXPECT_TRUE(IsError(PutMember("acme", owner, json{{"role", "admin"}}, owner_auth), 409,
                      "last_owner"));
  EXPECT_TRUE(IsError(client_->Call("DELETE", "/api/v1/orgs/acme/members/" + owner, {}, owner_auth),
                      409, "last_owner"));
  // Custom roles: defined at run time, capped by the definer's rank.
  auto defined = client_->Call("PUT", "/api/v1/orgs/acme/roles/grader",
                               R"({"capabilities":["view_org","view_members"],"rank":150})",
                               admin_auth);
  ASSERT_TRUE(HasStatus(defined, 201));
  EXPECT_EQ(BodyOf(defined)["rank"], 150);
  EXPECT_TRUE(IsError(client_->Call("PUT", "/api/v1/orgs/acme/roles/boss",
                                    R"({"capabilities":["view_org"],"rank":950})", admin_auth),
                      403, "rank_too_high"));
  EXPECT_TRUE(IsError(client_->Call("PUT", "/api/v1/orgs/acme/roles/x",
                                    R"({"capabilities":["fly"],"rank":5})", admin_auth),
                      400, "unknown_capability"));
  EXPECT_TRUE(IsError(client_->Call("PUT", "/api/v1/orgs/acme/roles/admin",
                                    R"({"capabilities":[],"rank":5})", admin_auth),
                      409, "builtin_role"));
  ASSERT_TRUE(HasStatus(PutMember("acme", ann, json{{"role", "grader"}}, admin_auth), 201));
  json roles = BodyOf(Get("/api/v1/orgs/acme/roles", admin_auth));
  EXPECT_EQ(roles["roles"].size(), 9u);
  EXPECT_TRUE(IsError(client_->Call("DELETE", "/api/v1/orgs/acme/roles/grader", {}, admin_auth),
                      409, "role_in_use"));
  ASSERT_TRUE(HasStatus(client_->Call("DELETE", "/api/v1/orgs/acme/members/" + ann, {}, admin_auth),
                        204));
  ASSERT_TRUE(
      HasStatus(client_->Call("DELETE", "/api/v1/orgs/acme/roles/grader", {}, admin_auth), 204));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/roles/grader", admin_auth), 404, "unknown_role"));
}

TEST_F(MembersTest, DepartmentsCarryDefaults) {
  auto made = client_->AsAdmin(
      "POST", "/api/v1/orgs/acme/departments",
      R"({"name":"Physics","default_role":"teacher","content_permission":"modify"})");
  ASSERT_TRUE(HasStatus(made, 201));
  EXPECT_EQ(BodyOf(made)["default_role"], "teacher");
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/orgs/acme/departments",
                                       R"({"name":"Physics"})"),
                      409, "department_exists"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/orgs/acme/departments",
                                       R"({"name":"X","default_role":"wizard"})"),
                      400, "unknown_role"));
  std::string ann;
  Person("ann@example.com", &ann);
  auto added = PutMember("acme", ann, json{{"department", "Physics"}});
  ASSERT_TRUE(HasStatus(added, 201));
  EXPECT_EQ(BodyOf(added)["role"], "teacher");
  EXPECT_EQ(BodyOf(added)["content_permission"], "modify");
  EXPECT_EQ(BodyOf(added)["department"], "Physics");
  json in_dept = BodyOf(Get("/api/v1/orgs/acme/members?department=Physics"));
  ASSERT_EQ(in_dept["members"].size(), 1u);
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PATCH", "/api/v1/orgs/acme/departments/Physics",
                                         R"({"default_role":null})"),
                        200));
  EXPECT_TRUE(BodyOf(Get("/api/v1/orgs/acme/departments/Physics"))["default_role"].is_null());
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/departments/Physics"), 409,
                      "department_not_empty"));
  ASSERT_TRUE(HasStatus(PutMember("acme", ann, json{{"department", nullptr}}), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/departments/Physics"), 204));
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/departments"))["departments"].size(), 0u);
}

TEST_F(MembersTest, ABatchFailsWholeNamingTheCulpritAndRespectsTheQuota) {
  std::string ann, bob;
  Person("ann@example.com", &ann);
  Person("bob@example.com", &bob);
  const uint64_t before = server_.position();
  auto bad = client_->AsAdmin(
      "POST", "/api/v1/memberships:batch",
      json{{"orgs", {"acme", "beta"}}, {"users", {ann, "ghost@example.com"}}}.dump());
  ASSERT_TRUE(IsError(bad, 404, "unknown_account"));
  EXPECT_NE(BodyOf(bad)["error"]["message"].get<std::string>().find("users[1]"), std::string::npos);
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/memberships:batch",
                                       json{{"orgs", {"acme"}}, {"users", {ann}}, {"role", "x!"}}
                                           .dump()),
                      400, "bad_field"));
  EXPECT_EQ(server_.position(), before);
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PATCH", "/api/v1/orgs/acme", R"({"max_members":1})"), 200));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/memberships:batch",
                                       json{{"orgs", {"acme"}}, {"users", {ann, bob}}}.dump()),
                      409, "quota_exceeded"));
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/members"))["total"], 0);
  auto ok = client_->AsAdmin("POST", "/api/v1/memberships:batch",
                             json{{"orgs", {"acme", "beta"}}, {"users", {ann}}}.dump());
  ASSERT_TRUE(HasStatus(ok, 201));
  EXPECT_EQ(BodyOf(ok)["added"].size(), 2u);
  EXPECT_TRUE(IsError(PutMember("acme", bob), 409, "quota_exceeded"));
  json usage = BodyOf(Get("/api/v1/orgs/acme/usage"));
  EXPECT_EQ(usage["members"], json({{"used", 1}, {"quota", 1}}));
  EXPECT_TRUE(usage["rows"]["quota"].is_null());
}

TEST_F(MembersTest, AnAccountsOrgsArePagedAndShowExternal) {
  std::string ann;
  const std::string ann_auth = Person("ann@example.com", &ann);
  for (int i = 0; i < 5; ++i) {
    const std::string org = "org-" + std::to_string(i);
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", json{{"name", org}}.dump()), 201));
    ASSERT_TRUE(HasStatus(PutMember(org, ann, json{{"role", "viewer"}}), 201));
  }
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PATCH", "/api/v1/accounts/" + ann, R"({"home_org":"org-2"})"),
                        200));
  std::vector<json> all;
  std::string next;
  do {
    auto r = Get("/api/v1/accounts/" + ann + "/orgs?limit=2" + (next.empty() ? "" : "&after=" + next),
                 ann_auth);
    ASSERT_TRUE(HasStatus(r, 200));
    EXPECT_EQ(BodyOf(r)["total"], 5);
    const json page = BodyOf(r);
    for (const auto& o : page["orgs"]) all.push_back(o);
    next = BodyOf(r)["next"].is_null() ? "" : BodyOf(r)["next"].get<std::string>();
  } while (!next.empty() && all.size() < 10);
  ASSERT_EQ(all.size(), 5u);
  for (const auto& o : all) {
    EXPECT_EQ(o["role"], "viewer");
    EXPECT_EQ(o["external"], o["org"] != "org-2") << o;
  }
  std::string bob;
  const std::string bob_auth = Person("bob@example.com", &bob);
  EXPECT_TRUE(IsError(Get("/api/v1/accounts/" + ann + "/orgs", bob_auth), 404, "unknown_account"));
}

TEST_F(MembersTest, CapabilitiesAndChecksAnswerFromTheMembersModel) {
  std::string ann, bob;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  ASSERT_TRUE(HasStatus(PutMember("acme", ann, json{{"role", "teacher"}}), 201));
  ASSERT_TRUE(HasStatus(PutMember("acme", bob, json{{"role", "viewer"}}), 201));
  json caps = BodyOf(Get("/api/v1/orgs/acme/members/" + ann + "/capabilities"));
  EXPECT_EQ(caps["role"], "teacher");
  EXPECT_EQ(caps["rank"], 400);
  std::set<std::string> names(caps["capabilities"].begin(), caps["capabilities"].end());
  EXPECT_TRUE(names.count("invite"));
  EXPECT_FALSE(names.count("manage_members"));
  json checks = {{"checks",
                  {{{"account", ann}, {"org", "acme"}, {"capability", "invite"}},
                   {{"account", ann}, {"org", "acme"}, {"capability", "manage_members"}},
                   {{"account", "bob@example.com"}, {"org", "acme"}, {"capability", "view_org"}},
                   {{"account", bob}, {"org", "beta"}, {"capability", "view_org"}},
                   {{"account", ann}, {"org", "no-such-org"}, {"capability", "view_org"}}}}};
  auto r = client_->AsAdmin("POST", "/api/v1/check", checks.dump());
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(r)["results"], json({true, false, true, false, false}));
  // An account may check itself; others only with check_permissions.
  json self = {{"checks", {{{"account", ann}, {"org", "acme"}, {"capability", "invite"}}}}};
  EXPECT_EQ(BodyOf(client_->Call("POST", "/api/v1/check", self.dump(), ann_auth))["results"],
            json({true}));
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/check", self.dump(), bob_auth), 403,
                      "missing_capability"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/check", R"({"checks":[]})"), 400, "bad_body"));
  EXPECT_TRUE(IsError(
      client_->AsAdmin("POST", "/api/v1/check",
                       R"({"checks":[{"account":"a","org":"acme","capability":"fly"}]})"),
      400, "unknown_capability"));

  // An id in capitals is the same account (for itself too); an unknown
  // email or id, or a deleted account, holds nothing.
  std::string upper = ann;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string cat;
  Person("cat@example.com", &cat);
  ASSERT_TRUE(HasStatus(PutMember("acme", cat, json{{"role", "owner"}}), 201));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + cat), 204));
  json more = {{"checks",
                {{{"account", upper}, {"org", "acme"}, {"capability", "invite"}},
                 {{"account", "nobody@example.com"}, {"org", "acme"}, {"capability", "view_org"}},
                 {{"account", "00000000-0000-4000-8000-000000000000"}, {"org", "acme"},
                  {"capability", "view_org"}},
                 {{"account", cat}, {"org", "acme"}, {"capability", "view_org"}}}}};
  EXPECT_EQ(BodyOf(client_->AsAdmin("POST", "/api/v1/check", more.dump()))["results"],
            json({true, false, false, false}));
  json upper_self = {{"checks", {{{"account", upper}, {"org", "acme"}, {"capability", "invite"}}}}};
  EXPECT_EQ(BodyOf(client_->Call("POST", "/api/v1/check", upper_self.dump(), ann_auth))["results"],
            json({true}));
}

TEST_F(MembersTest, AnOrgAdminCreatesHomeAccountsAndIssuesTheirTokens) {
  std::string admin, owner;
  const std::string admin_auth = Person("admin@example.com", &admin);
  const std::string owner_auth = Person("owner@example.com", &owner);
  ASSERT_TRUE(HasStatus(PutMember("acme", admin, json{{"role", "admin"}}), 201));
  auto made = client_->Call("POST", "/api/v1/orgs/acme/accounts",
                            R"({"email":"kid@example.com","first_name":"Kid","role":"member"})",
                            admin_auth);
  ASSERT_TRUE(HasStatus(made, 201));
  const std::string kid = BodyOf(made)["id"];
  json entry = BodyOf(Get("/api/v1/orgs/acme/members/" + kid));
  EXPECT_EQ(entry["role"], "member");
  EXPECT_EQ(entry["external"], false);
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/orgs/acme/accounts",
                                    R"({"email":"x@example.com","role":"owner"})", admin_auth),
                      403, "rank_too_high"));
  auto token = client_->Call("POST", "/api/v1/accounts/" + kid + "/access-tokens", {}, admin_auth);
  ASSERT_TRUE(HasStatus(token, 201));
  EXPECT_TRUE(BodyOf(token)["url"].is_string());
  // Not for an account of no home org, nor for one ranked above the admin.
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/accounts/" + owner + "/access-tokens", {},
                                    admin_auth),
                      404, "unknown_account"));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PATCH", "/api/v1/accounts/" + owner, R"({"home_org":"acme"})"),
                        200));
  ASSERT_TRUE(HasStatus(PutMember("acme", owner, json{{"role", "owner"}}), 201));
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/accounts/" + owner + "/access-tokens", {},
                                    admin_auth),
                      403, "rank_too_high"));
}

TEST_F(MembersTest, NewAccountsOfAVerifiedDomainAutoJoinAnOrgThatOptedIn) {
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PATCH", "/api/v1/orgs/acme",
                                         R"({"auto_join":true,"auto_join_role":"viewer"})"),
                        200));
  for (const char* domain : {"school.edu", "*.uni.edu"}) {
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/acme/domains",
                                           json{{"domain", domain}}.dump()),
                          201));
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", std::string("/api/v1/orgs/acme/domains/") +
                                                       domain + ":verify"),
                          200));
  }
  // beta claims a domain too, verified, but did not opt in.
  ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/beta/domains",
                                         R"({"domain":"beta.org"})"),
                        201));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs/beta/domains/beta.org:verify"), 200));
  const std::string pupil = client_->CreateAccount("pupil@School.edu");
  const std::string prof = client_->CreateAccount("prof@cs.uni.edu");
  const std::string other = client_->CreateAccount("x@beta.org");
  const std::string none = client_->CreateAccount("y@elsewhere.com");
  auto entry = Get("/api/v1/orgs/acme/members/" + pupil);
  ASSERT_TRUE(HasStatus(entry, 200));
  EXPECT_EQ(BodyOf(entry)["role"], "viewer");
  EXPECT_TRUE(HasStatus(Get("/api/v1/orgs/acme/members/" + prof), 200)) << "a wildcard domain";
  EXPECT_EQ(BodyOf(Get("/api/v1/accounts/" + other + "/orgs"))["total"], 0);
  EXPECT_EQ(BodyOf(Get("/api/v1/accounts/" + none + "/orgs"))["total"], 0);
  // A full org lets the account be made, without the membership.
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PATCH", "/api/v1/orgs/acme", R"({"max_members":2})"), 200));
  const std::string late = client_->CreateAccount("late@school.edu");
  EXPECT_FALSE(late.empty());
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/members/" + late), 404, "not_a_member"));
}

}  // namespace
}  // namespace orgd::test
