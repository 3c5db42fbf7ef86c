// Verified domains over real HTTP (issue 15, item 6): claims by members
// holding manage_domains, verification by a site admin, one verified owner
// per name, several unverified claims side by side, the exact-then-wildcard
// lookup, release, what an org's deletion frees, and the error codes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/http/test_server.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

class DomainsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data"), [](http::ServiceOptions& o) {
      o.api.credential_use_interval_ms = 0;  // positions tell whether anything was written
    }));
    client_ = server_.NewClient();
    for (const char* name : {"acme", "beta", "gamma"}) {
      ASSERT_TRUE(
          HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", json{{"name", name}}.dump()), 201));
    }
    std::string id;
    admin_ = Person("admin@acme.test", &id);
    ASSERT_TRUE(HasStatus(
        client_->AsAdmin("PUT", "/api/v1/orgs/acme/members/" + id, R"({"role":"admin"})"), 201));
    editor_ = Person("editor@acme.test", &id);
    ASSERT_TRUE(HasStatus(
        client_->AsAdmin("PUT", "/api/v1/orgs/acme/members/" + id, R"({"role":"editor"})"), 201));
    outsider_ = Person("out@else.test", &id);
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  std::string Person(const std::string& email, std::string* id) {
    *id = client_->CreateAccount(email);
    return Bearer(client_->IssueKey(*id).value("key", ""));
  }
  std::optional<RawResponse> Claim(const std::string& org, const std::string& domain,
                                   std::string_view auth = {}) {
    return client_->Call("POST", "/api/v1/orgs/" + org + "/domains",
                         json{{"domain", domain}}.dump(),
                         auth.empty() ? Bearer(kTestAdminKey) : std::string(auth));
  }
  std::optional<RawResponse> Verify(const std::string& org, const std::string& domain,
                                    std::string_view auth = {}) {
    return client_->Call("POST", "/api/v1/orgs/" + org + "/domains/" + domain + ":verify", {},
                         auth.empty() ? Bearer(kTestAdminKey) : std::string(auth));
  }
  std::optional<RawResponse> Lookup(const std::string& domain, std::string_view auth = {}) {
    return client_->Call("GET", "/api/v1/domains/" + domain, {},
                         auth.empty() ? Bearer(kTestAdminKey) : std::string(auth));
  }
  void Owned(const std::string& org, const std::string& domain) {
    ASSERT_TRUE(HasStatus(Claim(org, domain), 201)) << domain;
    ASSERT_TRUE(HasStatus(Verify(org, domain), 200)) << domain;
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::string admin_, editor_, outsider_;
};

TEST_F(DomainsTest, AClaimIsUnverifiedUntilASiteAdminVerifiesIt) {
  auto claimed = Claim("acme", "Acme.Example.COM", admin_);
  ASSERT_TRUE(HasStatus(claimed, 201));
  json d = BodyOf(claimed);
  EXPECT_EQ(d["domain"], "acme.example.com");
  EXPECT_TRUE(d["org_id"].is_number_unsigned());
  EXPECT_EQ(d["verified"], false);
  EXPECT_TRUE(d["created_at"].is_string());
  const std::string token = d["verification_token"];
  EXPECT_TRUE(token.starts_with("orgd-verification=")) << token;
  // Unverified: it answers for nothing yet.
  EXPECT_TRUE(IsError(Lookup("acme.example.com"), 404, "unknown_domain"));
  // The org's own admin does not verify; a site admin does.
  EXPECT_TRUE(IsError(Verify("acme", "acme.example.com", admin_), 403, "forbidden"));
  auto verified = Verify("acme", "acme.example.com");
  ASSERT_TRUE(HasStatus(verified, 200));
  EXPECT_EQ(BodyOf(verified)["verified"], true);
  EXPECT_EQ(BodyOf(verified)["verification_token"], token);
  auto found = Lookup("ACME.example.com", outsider_);  // any credential
  ASSERT_TRUE(HasStatus(found, 200));
  EXPECT_EQ(BodyOf(found), (json{{"domain", "acme.example.com"},
                                 {"org_id", d["org_id"]},
                                 {"org", "acme"},
                                 {"matched", "acme.example.com"}}));
  auto list = client_->Call("GET", "/api/v1/orgs/acme/domains", {}, editor_);
  ASSERT_TRUE(HasStatus(list, 200));
  ASSERT_EQ(BodyOf(list)["domains"].size(), 1u);
  EXPECT_EQ(BodyOf(list)["domains"][0]["verified"], true);
  // Verifying again changes nothing.
  const uint64_t before = server_.position();
  ASSERT_TRUE(HasStatus(Verify("acme", "acme.example.com"), 200));
  EXPECT_EQ(server_.position(), before);
}

TEST_F(DomainsTest, AVerifiedDomainBelongsToOneOrgAndUnverifiedClaimsMayShareAName) {
  ASSERT_TRUE(HasStatus(Claim("acme", "shared.test", admin_), 201));
  ASSERT_TRUE(HasStatus(Claim("beta", "shared.test"), 201)) << "both may claim it unverified";
  EXPECT_TRUE(IsError(Claim("acme", "shared.test", admin_), 409, "domain_exists"));
  ASSERT_TRUE(HasStatus(Verify("beta", "shared.test"), 200));
  // Verified by beta: acme's claim cannot be verified, nobody else claims it.
  EXPECT_TRUE(IsError(Verify("acme", "shared.test"), 409, "domain_taken"));
  EXPECT_TRUE(IsError(Claim("gamma", "shared.test"), 409, "domain_taken"));
  EXPECT_EQ(BodyOf(Lookup("shared.test"))["org"], "beta");
  // Released by beta, the name is acme's to verify.
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/beta/domains/shared.test"), 204));
  EXPECT_TRUE(IsError(Lookup("shared.test"), 404, "unknown_domain"));
  ASSERT_TRUE(HasStatus(Verify("acme", "shared.test"), 200));
  EXPECT_EQ(BodyOf(Lookup("shared.test"))["org"], "acme");
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", "/api/v1/orgs/beta/domains/shared.test"), 404,
                      "unknown_domain"));
  EXPECT_TRUE(IsError(Verify("gamma", "never.test"), 404, "unknown_domain"));
}

TEST_F(DomainsTest, ALookupFindsTheExactNameThenTheNearestWildcard) {
  Owned("acme", "*.example.com");
  Owned("beta", "a.example.com");
  Owned("gamma", "*.b.example.com");
  ASSERT_TRUE(HasStatus(Claim("beta", "c.example.com"), 201));  // never verified
  auto match = [&](const std::string& host) {
    const json j = BodyOf(Lookup(host));
    return j.value("org", "") + " " + j.value("matched", "");
  };
  EXPECT_EQ(match("a.example.com"), "beta a.example.com");
  EXPECT_EQ(match("x.a.example.com"), "acme *.example.com");
  EXPECT_EQ(match("z.b.example.com"), "gamma *.b.example.com");
  EXPECT_EQ(match("y.z.b.example.com"), "gamma *.b.example.com");
  EXPECT_EQ(match("c.example.com"), "acme *.example.com");
  EXPECT_EQ(BodyOf(Lookup("x.a.example.com"))["domain"], "x.a.example.com");
  EXPECT_TRUE(IsError(Lookup("example.com"), 404, "unknown_domain"));
  EXPECT_TRUE(IsError(Lookup("example.org"), 404, "unknown_domain"));
  // *.com, the widest wildcard, comes last.
  Owned("gamma", "*.com");
  EXPECT_EQ(match("example.com"), "gamma *.com");
  EXPECT_EQ(match("q.example.com"), "acme *.example.com");
  EXPECT_TRUE(IsError(Lookup("*.example.com"), 400, "invalid_domain"));
  EXPECT_TRUE(IsError(Lookup("bad_name.com"), 400, "invalid_domain"));
  EXPECT_TRUE(
      IsError(client_->Call("GET", "/api/v1/domains/a.example.com"), 401, "missing_credentials"));
}

TEST_F(DomainsTest, WhoMayClaimListAndRelease) {
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(Claim("acme", "x.test", editor_), 403, "missing_capability"));
  EXPECT_TRUE(IsError(Claim("acme", "x.test", outsider_), 404, "unknown_org"));
  EXPECT_TRUE(IsError(client_->Call("GET", "/api/v1/orgs/acme/domains", {}, outsider_), 404,
                      "unknown_org"));
  EXPECT_TRUE(IsError(Verify("acme", "x.test", editor_), 403, "forbidden"));
  EXPECT_EQ(server_.position(), before);
  ASSERT_TRUE(HasStatus(Claim("acme", "x.test", admin_), 201));
  EXPECT_TRUE(IsError(client_->Call("DELETE", "/api/v1/orgs/acme/domains/x.test", {}, editor_), 403,
                      "missing_capability"));
  EXPECT_TRUE(IsError(client_->Call("DELETE", "/api/v1/orgs/acme/domains/x.test", {}, outsider_),
                      404, "unknown_org"));
  ASSERT_TRUE(
      HasStatus(client_->Call("DELETE", "/api/v1/orgs/acme/domains/X.test", {}, admin_), 204));
  EXPECT_EQ(BodyOf(client_->Call("GET", "/api/v1/orgs/acme/domains", {}, admin_))["domains"].size(),
            0u);
}

TEST_F(DomainsTest, BadNamesAreRefusedAndTheListPages) {
  const uint64_t before = server_.position();
  for (const char* bad :
       {"com", "-a.test", "a..test", "a_b.test", "*.", "a.*.test", "a b.test", "x.test."}) {
    EXPECT_TRUE(IsError(Claim("acme", bad), 400, "invalid_domain")) << bad;
  }
  EXPECT_TRUE(
      IsError(client_->AsAdmin("POST", "/api/v1/orgs/acme/domains", "{}"), 400, "missing_field"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/orgs/acme/domains",
                                       R"({"domain":"a.test","verified":true})"),
                      400, "unknown_field"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/orgs/acme/domains", R"({"domain":7})"), 400,
                      "bad_field"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/orgs/acme/domains/a.test:approve"), 404,
                      "no_route"));
  EXPECT_TRUE(
      IsError(client_->AsAdmin("GET", "/api/v1/orgs/acme/domains?limit=0"), 400, "bad_pagination"));
  EXPECT_EQ(server_.position(), before);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(HasStatus(Claim("acme", "d" + std::to_string(100 + i) + ".test"), 201));
  }
  std::vector<std::string> seen;
  std::string next;
  int pages = 0;
  do {
    auto r = client_->AsAdmin(
        "GET", "/api/v1/orgs/acme/domains?limit=5" + (next.empty() ? "" : "&after=" + next));
    ASSERT_TRUE(HasStatus(r, 200));
    const json page = BodyOf(r);
    for (const auto& d : page["domains"]) seen.push_back(d["domain"]);
    next = page["next"].is_null() ? "" : page["next"].get<std::string>();
    ++pages;
  } while (!next.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST_F(DomainsTest, ADeletedOrgFreesItsDomains) {
  ASSERT_TRUE(HasStatus(Claim("beta", "gone.test"), 201));
  Owned("acme", "gone.test");
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme"), 204));
  EXPECT_TRUE(IsError(Lookup("gone.test"), 404, "unknown_domain"));
  ASSERT_TRUE(HasStatus(Verify("beta", "gone.test"), 200));
  EXPECT_EQ(BodyOf(Lookup("gone.test"))["org"], "beta");
}

}  // namespace
}  // namespace orgd::test
