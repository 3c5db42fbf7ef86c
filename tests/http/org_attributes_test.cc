#include "src/http/native/native.h"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/http/test_server.h"
#include "tests/test_util.h"

// An organization's attributes and lifecycle over real HTTP (issue 15, item
// 1): the plan catalog, quotas and usage, the subscription that blocks
// deletion, auto-join settings, metadata, and what an org's deletion takes
// with it (its accounts' home org, its org-scoped keys).

namespace orgd::test {
namespace {

using nlohmann::json;

class OrgAttributesTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(); }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // Credential use is not recorded: the tests read positions to tell whether
  // a request appended anything.
  void StartServer(const TestServer::Tweak& tweak = {}) {
    ASSERT_OK(server_.Start(dir_.Sub("data"), [&tweak](http::ServiceOptions& o) {
      o.api.credential_use_interval_ms = 0;
      if (tweak) tweak(o);
    }));
    client_ = server_.NewClient();
  }
  void RestartServer(const TestServer::Tweak& tweak = {}) {
    client_.reset();
    ASSERT_OK(server_.Stop());
    StartServer(tweak);
  }

  static std::string OrgPath(const std::string& org) { return "/api/v1/orgs/" + org; }
  static std::string MetadataPath(const std::string& org, const std::string& key) {
    return OrgPath(org) + "/metadata/" + key;
  }

  std::optional<RawResponse> CreateOrg(json body) {
    return client_->AsAdmin("POST", "/api/v1/orgs", body.dump());
  }
  // An org named name with the extra fields; its JSON (empty when refused).
  json GivenOrg(const std::string& name, json extra = json::object()) {
    extra["name"] = name;
    auto r = CreateOrg(extra);
    EXPECT_TRUE(HasStatus(r, 201)) << name;
    return r ? BodyOf(*r) : json();
  }
  std::optional<RawResponse> Patch(const std::string& org, json body) {
    return client_->AsAdmin("PATCH", OrgPath(org), body.dump());
  }
  json GetOrg(const std::string& org) {
    auto r = client_->AsAdmin("GET", OrgPath(org));
    EXPECT_TRUE(HasStatus(r, 200)) << org;
    return r ? BodyOf(*r) : json();
  }
  std::optional<RawResponse> PutMetadata(const std::string& org, const std::string& key,
                                         const std::string& value) {
    return client_->AsAdmin("PUT", MetadataPath(org, key), json{{"value", value}}.dump());
  }
  std::optional<RawResponse> PutUsage(const std::string& org, json body) {
    return client_->AsAdmin("PUT", OrgPath(org) + "/usage", body.dump());
  }
  // A site key of org from POST /api/v1/keys; its Authorization value.
  std::string GivenOrgKey(const json& org) {
    auto r = client_->AsAdmin("POST", "/api/v1/keys", json{{"org", org}}.dump());
    EXPECT_TRUE(HasStatus(r, 201));
    return r ? Bearer(BodyOf(*r).value("key", "")) : std::string();
  }
  // An account that is no site admin, with an account key; its Authorization value.
  // A new account's key (its id in *id when asked); it is a member of nothing yet.
  std::string GivenMemberKey(const std::string& email, std::string* id = nullptr) {
    const std::string made = client_->CreateAccount(email);
    if (id) *id = made;
    return Bearer(client_->IssueKey(made).value("key", ""));
  }
  json GetAccount(const std::string& id) {
    auto r = client_->AsAdmin("GET", "/api/v1/accounts/" + id);
    EXPECT_TRUE(HasStatus(r, 200)) << id;
    return r ? BodyOf(*r) : json();
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
};

// ------------------------------------------------------------- the org JSON

TEST_F(OrgAttributesTest, ANewOrgShowsEveryAttributeWithItsDefault) {
  json org = GivenOrg("acme");
  EXPECT_EQ(org["role"], "default");
  EXPECT_EQ(org["quotas"], json::parse(R"({"max_members":null,"row_limit":null,
                                           "storage_quota":null,"asset_quota_mb":null})"));
  EXPECT_EQ(org["usage"], json::parse(R"({"rows":0,"storage":0,"assets_mb":0})"));
  EXPECT_EQ(org["subscription"], "none");
  EXPECT_EQ(org["auto_join"], false);
  EXPECT_EQ(org["auto_join_role"], "member");
  EXPECT_EQ(GetOrg("acme"), org);  // the reply is what GET shows
}

TEST_F(OrgAttributesTest, CreateAcceptsEveryAttribute) {
  json org = GivenOrg("acme", {{"role", "guest"},
                               {"max_members", 25},
                               {"row_limit", 1000},
                               {"storage_quota", 0},
                               {"asset_quota_mb", nullptr},
                               {"subscription", "active"},
                               {"auto_join", true},
                               {"auto_join_role", "viewer"}});
  EXPECT_EQ(org["role"], "guest");
  EXPECT_EQ(org["quotas"]["max_members"], 25);
  EXPECT_EQ(org["quotas"]["row_limit"], 1000);
  EXPECT_TRUE(org["quotas"]["storage_quota"].is_null()) << "0 is unlimited";
  EXPECT_TRUE(org["quotas"]["asset_quota_mb"].is_null());
  EXPECT_EQ(org["subscription"], "active");
  EXPECT_EQ(org["auto_join"], true);
  EXPECT_EQ(org["auto_join_role"], "viewer");
  EXPECT_EQ(GetOrg("acme"), org);
}

// ------------------------------------------------------------- plans

TEST_F(OrgAttributesTest, TheBuiltInPlansAreTheCatalog) {
  EXPECT_EQ(GivenOrg("a", {{"role", "default"}})["role"], "default");
  EXPECT_EQ(GivenOrg("b", {{"role", "guest"}})["role"], "guest");
  EXPECT_EQ(GivenOrg("c", {{"role", "org_default"}})["role"], "org_default");
  const uint64_t before = server_.position();
  auto r = CreateOrg({{"name", "d"}, {"role", "gold"}});
  ASSERT_TRUE(IsError(r, 400, "unknown_plan"));
  const std::string message = BodyOf(*r)["error"]["message"];
  EXPECT_NE(message.find("default, guest, org_default"), std::string::npos) << message;
  EXPECT_TRUE(IsError(CreateOrg({{"name", "d"}, {"role", ""}}), 400, "invalid_plan"));
  EXPECT_TRUE(IsError(CreateOrg({{"name", "d"}, {"role", 3}}), 400, "bad_field"));
  EXPECT_EQ(server_.position(), before) << "nothing was written";
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", OrgPath("d")), 404, "unknown_org"));
}

TEST_F(OrgAttributesTest, PatchChangesThePlanWithinTheCatalog) {
  GivenOrg("acme");
  auto r = Patch("acme", {{"role", "org_default"}});
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["role"], "org_default");
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(Patch("acme", {{"role", "platinum"}}), 400, "unknown_plan"));
  EXPECT_TRUE(IsError(Patch("acme", {{"role", nullptr}}), 400, "bad_field"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(GetOrg("acme")["role"], "org_default");
}

TEST_F(OrgAttributesTest, AConfiguredCatalogReplacesTheBuiltInOne) {
  RestartServer([](http::ServiceOptions& o) { o.api.org_plans = {"free", "pro"}; });
  EXPECT_EQ(GivenOrg("a")["role"], "free") << "the first plan is the default";
  EXPECT_EQ(GivenOrg("b", {{"role", "pro"}})["role"], "pro");
  auto r = CreateOrg({{"name", "c"}, {"role", "default"}});
  ASSERT_TRUE(IsError(r, 400, "unknown_plan"));
  const std::string message = BodyOf(*r)["error"]["message"];
  EXPECT_NE(message.find("free, pro"), std::string::npos) << message;
  EXPECT_TRUE(IsError(Patch("b", {{"role", "guest"}}), 400, "unknown_plan"));
  EXPECT_TRUE(HasStatus(Patch("b", {{"role", "free"}}), 200));
}

// ------------------------------------------------------------- quotas and usage

TEST_F(OrgAttributesTest, QuotasAreSetAndClearedWithNull) {
  GivenOrg("acme", {{"max_members", 10}, {"storage_quota", 500}});
  auto r = Patch("acme", {{"max_members", nullptr}, {"row_limit", 7}, {"asset_quota_mb", 3}});
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["quotas"], json::parse(R"({"max_members":null,"row_limit":7,
                                                  "storage_quota":500,"asset_quota_mb":3})"));
  // The nested form GET shows is accepted too; 0 is unlimited as null is.
  r = Patch("acme", {{"quotas", {{"storage_quota", 0}, {"max_members", 4}}}});
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["quotas"], json::parse(R"({"max_members":4,"row_limit":7,
                                                  "storage_quota":null,"asset_quota_mb":3})"));
  EXPECT_EQ(GetOrg("acme")["quotas"], BodyOf(*r)["quotas"]);
}

TEST_F(OrgAttributesTest, ABadQuotaIs400AndChangesNothing) {
  GivenOrg("acme", {{"max_members", 10}});
  const uint64_t before = server_.position();
  for (const json& bad : {json(-1), json(2.5), json("10"), json(true), json::array()}) {
    EXPECT_TRUE(IsError(Patch("acme", {{"max_members", bad}}), 400, "bad_field")) << bad;
    EXPECT_TRUE(IsError(CreateOrg({{"name", "b"}, {"row_limit", bad}}), 400, "bad_field")) << bad;
  }
  EXPECT_TRUE(IsError(Patch("acme", {{"storage_quota", uint64_t{1} << 60}}), 400, "invalid_quota"));
  EXPECT_TRUE(IsError(Patch("acme", {{"quotas", {{"seats", 3}}}}), 400, "unknown_field"));
  EXPECT_TRUE(IsError(Patch("acme", {{"quotas", 3}}), 400, "bad_field"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(GetOrg("acme")["quotas"]["max_members"], 10);
}

TEST_F(OrgAttributesTest, UsageIsReportedBySiteAdmins) {
  GivenOrg("acme");
  auto r = PutUsage("acme", {{"rows", 120}, {"storage", 4096}, {"assets_mb", 12}});
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["usage"], json::parse(R"({"rows":120,"storage":4096,"assets_mb":12})"));
  EXPECT_EQ(BodyOf(*r)["name"], "acme") << "the reply is the org";
  EXPECT_EQ(r->Header("ETag"), "\"2\"");
  // Only the counters given change.
  r = PutUsage("acme", {{"rows", 0}});
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["usage"], json::parse(R"({"rows":0,"storage":4096,"assets_mb":12})"));
  EXPECT_EQ(GetOrg("acme")["usage"], BodyOf(*r)["usage"]);
}

TEST_F(OrgAttributesTest, BadUsageIs400AndChangesNothing) {
  GivenOrg("acme");
  const std::string member = GivenMemberKey("ann@example.com");
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(PutUsage("acme", json::object()), 400, "empty_update"));
  EXPECT_TRUE(IsError(PutUsage("acme", {{"rows", -3}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(PutUsage("acme", {{"rows", nullptr}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(PutUsage("acme", {{"members", 3}}), 400, "unknown_field"));
  EXPECT_TRUE(IsError(PutUsage("acme", {{"rows", uint64_t{1} << 60}}), 400, "invalid_usage"));
  EXPECT_TRUE(IsError(PutUsage("nope", {{"rows", 1}}), 404, "unknown_org"));
  EXPECT_TRUE(
      IsError(client_->Call("PUT", OrgPath("acme") + "/usage", json{{"rows", 1}}.dump(), member),
              403, "forbidden"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(GetOrg("acme")["usage"]["rows"], 0);
}

// ------------------------------------------------------------- subscription

TEST_F(OrgAttributesTest, AnActiveSubscriptionBlocksDeletionUntilCancelled) {
  GivenOrg("acme", {{"subscription", "active"}});
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", OrgPath("acme")), 409, "active_subscription"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(GetOrg("acme")["subscription"], "active");

  auto r = Patch("acme", {{"subscription", "cancelled"}});
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["subscription"], "cancelled");
  EXPECT_TRUE(HasStatus(client_->AsAdmin("DELETE", OrgPath("acme")), 204));
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", OrgPath("acme")), 404, "unknown_org"));
}

TEST_F(OrgAttributesTest, AnUnknownSubscriptionStateIs400) {
  GivenOrg("acme");
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(Patch("acme", {{"subscription", "paused"}}), 400, "invalid_subscription"));
  EXPECT_TRUE(
      IsError(CreateOrg({{"name", "b"}, {"subscription", "ACTIVE"}}), 400, "invalid_subscription"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_TRUE(HasStatus(Patch("acme", {{"subscription", "none"}}), 200));
}

// ------------------------------------------------------------- auto-join

TEST_F(OrgAttributesTest, AutoJoinAndItsRoleAreSetOnCreateAndPatch) {
  GivenOrg("acme", {{"auto_join", true}});
  auto r = Patch("acme", {{"auto_join", false}, {"auto_join_role", "student_2"}});
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["auto_join"], false);
  EXPECT_EQ(BodyOf(*r)["auto_join_role"], "student_2");
  const uint64_t before = server_.position();
  for (const std::string& bad :
       {std::string(), std::string("Admin"), std::string("two words"), std::string(65, 'a')}) {
    EXPECT_TRUE(IsError(Patch("acme", {{"auto_join_role", bad}}), 400, "invalid_auto_join_role"))
        << bad;
  }
  EXPECT_TRUE(IsError(Patch("acme", {{"auto_join", "yes"}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(Patch("acme", {{"auto_join_role", nullptr}}), 400, "bad_field"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(GetOrg("acme")["auto_join_role"], "student_2");
}

// ------------------------------------------------------------- metadata

TEST_F(OrgAttributesTest, MetadataIsCreatedReplacedReadListedAndDeleted) {
  GivenOrg("acme");
  auto r = PutMetadata("acme", "billing.id", "cus_123");
  ASSERT_TRUE(HasStatus(r, 201));
  EXPECT_EQ(BodyOf(*r), json::parse(R"({"key":"billing.id","value":"cus_123"})"));
  EXPECT_EQ(r->Header("ETag"), "\"2\"") << "the org's version moves";
  r = PutMetadata("acme", "billing.id", "cus_456");
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["value"], "cus_456");
  ASSERT_TRUE(HasStatus(PutMetadata("acme", "Region_1-a", "eu \"west\"\n"), 201));

  r = client_->AsAdmin("GET", MetadataPath("acme", "billing.id"));
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r), json::parse(R"({"key":"billing.id","value":"cus_456"})"));
  r = client_->AsAdmin("GET", OrgPath("1") + "/metadata");  // by id as well as by name
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r),
            json({{"metadata", {{"billing.id", "cus_456"}, {"Region_1-a", "eu \"west\"\n"}}}}));
  EXPECT_EQ(GetOrg("acme").count("metadata"), 0u) << "metadata is not part of the org's JSON";

  EXPECT_TRUE(HasStatus(client_->AsAdmin("DELETE", MetadataPath("acme", "billing.id")), 204));
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", MetadataPath("acme", "billing.id")), 404,
                      "unknown_metadata_key"));
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", MetadataPath("acme", "billing.id")), 404,
                      "unknown_metadata_key"));
  r = client_->AsAdmin("GET", OrgPath("acme") + "/metadata");
  EXPECT_EQ(BodyOf(*r), json({{"metadata", {{"Region_1-a", "eu \"west\"\n"}}}}));
  EXPECT_EQ(GetOrg("acme")["version"], 5);
}

TEST_F(OrgAttributesTest, MetadataOfAnUnknownOrgIs404) {
  EXPECT_TRUE(IsError(PutMetadata("nope", "k", "v"), 404, "unknown_org"));
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", MetadataPath("nope", "k")), 404, "unknown_org"));
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", OrgPath("nope") + "/metadata"), 404, "unknown_org"));
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", MetadataPath("nope", "k")), 404, "unknown_org"));
}

TEST_F(OrgAttributesTest, MetadataKeysAndValuesAreBounded) {
  GivenOrg("acme");
  const uint64_t before = server_.position();
  for (const std::string& bad : {std::string(65, 'k'), std::string("a%2Fb"), std::string("a%20b"),
                                 std::string("caf%C3%A9")}) {
    EXPECT_TRUE(IsError(PutMetadata("acme", bad, "v"), 400, "invalid_metadata_key")) << bad;
    EXPECT_TRUE(
        IsError(client_->AsAdmin("GET", MetadataPath("acme", bad)), 400, "invalid_metadata_key"))
        << bad;
  }
  EXPECT_TRUE(
      IsError(PutMetadata("acme", "k", std::string(4097, 'v')), 400, "metadata_value_too_long"));
  EXPECT_TRUE(IsError(client_->AsAdmin("PUT", MetadataPath("acme", "k"), R"({"value":7})"), 400,
                      "bad_field"));
  EXPECT_TRUE(
      IsError(client_->AsAdmin("PUT", MetadataPath("acme", "k"), R"({})"), 400, "missing_field"));
  EXPECT_TRUE(
      IsError(client_->AsAdmin("PUT", MetadataPath("acme", "k"), R"({"value":"v","ttl":3})"), 400,
              "unknown_field"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_TRUE(HasStatus(PutMetadata("acme", std::string(64, 'k'), std::string(4096, 'v')), 201));
}

TEST_F(OrgAttributesTest, AnOrgHoldsAtMostAHundredMetadataKeys) {
  GivenOrg("acme");
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(HasStatus(PutMetadata("acme", "k" + std::to_string(i), "v"), 201)) << i;
  }
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(PutMetadata("acme", "one-more", "v"), 409, "metadata_limit"));
  EXPECT_EQ(server_.position(), before);
  EXPECT_TRUE(HasStatus(PutMetadata("acme", "k7", "replaced"), 200)) << "replacing is no new key";
  EXPECT_TRUE(HasStatus(client_->AsAdmin("DELETE", MetadataPath("acme", "k0")), 204));
  EXPECT_TRUE(HasStatus(PutMetadata("acme", "one-more", "v"), 201));
  auto r = client_->AsAdmin("GET", OrgPath("acme") + "/metadata");
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["metadata"].size(), 100u);
}

TEST_F(OrgAttributesTest, MetadataIsTheOrgsManagersAndTheOperatorSetsPlansAndQuotas) {
  GivenOrg("acme");
  const std::string outsider = GivenMemberKey("out@example.com");
  EXPECT_TRUE(IsError(client_->Call("PUT", MetadataPath("acme", "k"), R"({"value":"v"})", outsider),
                      404, "unknown_org"));
  EXPECT_TRUE(IsError(client_->Call("GET", OrgPath("acme") + "/metadata", {}, outsider), 404,
                      "unknown_org"));
  // A viewer reads; an owner writes metadata and the org's own fields, but not plan or quotas.
  std::string viewer_id, owner_id;
  const std::string viewer = GivenMemberKey("viewer@example.com", &viewer_id);
  const std::string owner = GivenMemberKey("owner@example.com", &owner_id);
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PUT", OrgPath("acme") + "/members/" + viewer_id,
                                         R"({"role":"viewer"})"),
                        201));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("PUT", OrgPath("acme") + "/members/" + owner_id,
                                         R"({"role":"owner"})"),
                        201));
  EXPECT_TRUE(HasStatus(client_->Call("GET", OrgPath("acme") + "/metadata", {}, viewer), 200));
  EXPECT_TRUE(HasStatus(client_->Call("GET", OrgPath("acme"), {}, viewer), 200));
  EXPECT_TRUE(IsError(client_->Call("PUT", MetadataPath("acme", "k"), R"({"value":"v"})", viewer),
                      403, "missing_capability"));
  EXPECT_TRUE(HasStatus(
      client_->Call("PUT", MetadataPath("acme", "k"), R"({"value":"v"})", owner), 201));
  EXPECT_TRUE(HasStatus(client_->Call("PATCH", OrgPath("acme"), R"({"title":"Acme"})", owner), 200));
  EXPECT_TRUE(IsError(client_->Call("PATCH", OrgPath("acme"), R"({"max_members":9})", owner), 403,
                      "site_admin_only"));
  EXPECT_TRUE(IsError(client_->Call("PATCH", OrgPath("acme"), R"({"title":"X"})", viewer), 403,
                      "missing_capability"));
}

TEST_F(OrgAttributesTest, AttributesAndMetadataSurviveARestart) {
  GivenOrg("acme", {{"role", "guest"}, {"max_members", 3}, {"auto_join", true}});
  ASSERT_TRUE(HasStatus(PutUsage("acme", {{"storage", 99}}), 200));
  ASSERT_TRUE(HasStatus(PutMetadata("acme", "k", "v"), 201));
  const json before = GetOrg("acme");
  RestartServer();
  EXPECT_EQ(GetOrg("acme"), before);
  auto r = client_->AsAdmin("GET", MetadataPath("acme", "k"));
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r)["value"], "v");
}

// ------------------------------------------------------------- deletion cascade

TEST_F(OrgAttributesTest, ADeletedOrgsAccountsBecomeOrgLess) {
  GivenOrg("acme");
  GivenOrg("other");
  const std::string ann = client_->CreateAccount("ann@example.com", {{"home_org", "acme"}});
  const std::string bob = client_->CreateAccount("bob@example.com", {{"home_org", "acme"}});
  const std::string cat = client_->CreateAccount("cat@example.com", {{"home_org", "other"}});
  ASSERT_EQ(GetAccount(ann)["home_org"], "acme");

  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", OrgPath("acme")), 204));
  EXPECT_TRUE(GetAccount(ann)["home_org"].is_null());
  EXPECT_TRUE(GetAccount(bob)["home_org"].is_null());
  EXPECT_EQ(GetAccount(cat)["home_org"], "other");
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", OrgPath("acme")), 404, "unknown_org"));

  // A new org of the same name is another org: the accounts stay org-less.
  GivenOrg("acme");
  EXPECT_TRUE(GetAccount(ann)["home_org"].is_null());
  // And they may join it again.
  auto r = client_->AsAdmin("PATCH", "/api/v1/accounts/" + ann, json{{"home_org", "acme"}}.dump());
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(GetAccount(ann)["home_org"], "acme");
}

TEST_F(OrgAttributesTest, ADeletedOrgsMetadataGoesWithIt) {
  GivenOrg("acme");
  ASSERT_TRUE(HasStatus(PutMetadata("acme", "k", "v"), 201));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", OrgPath("acme")), 204));
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", MetadataPath("acme", "k")), 404, "unknown_org"));
  GivenOrg("acme");
  auto r = client_->AsAdmin("GET", OrgPath("acme") + "/metadata");
  ASSERT_TRUE(HasStatus(r, 200));
  EXPECT_EQ(BodyOf(*r), json::parse(R"({"metadata":{}})"));
}

TEST_F(OrgAttributesTest, OrgScopedKeysAuthenticateUntilTheirOrgIsDeleted) {
  const json acme = GivenOrg("acme");
  GivenOrg("other");
  auto issued = client_->AsAdmin("POST", "/api/v1/keys", json{{"org", "acme"}}.dump());
  ASSERT_TRUE(HasStatus(issued, 201));
  EXPECT_EQ(BodyOf(*issued)["org_id"], acme["id"]);
  EXPECT_EQ(BodyOf(*issued)["site_admin"], false);
  const std::string by_name = Bearer(BodyOf(*issued).value("key", ""));
  const std::string by_id = GivenOrgKey(acme["id"]);
  const std::string other = GivenOrgKey("other");

  for (const std::string& key : {by_name, by_id, other}) {
    auto who = client_->Call("GET", "/api/v1/whoami", {}, key);
    ASSERT_TRUE(HasStatus(who, 200));
    EXPECT_EQ(BodyOf(*who)["site_admin"], false);
    EXPECT_TRUE(IsError(client_->Call("GET", "/api/v1/orgs", {}, key), 403, "forbidden"))
        << "an org's key is no site admin";
  }

  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", OrgPath("acme")), 204));
  EXPECT_EQ(client_->WhoAmIStatus(by_name), 401);
  EXPECT_EQ(client_->WhoAmIStatus(by_id), 401);
  EXPECT_EQ(client_->WhoAmIStatus(other), 200);
  EXPECT_EQ(client_->WhoAmIStatus(Bearer(kTestAdminKey)), 200);
  // Also after a restart (the keys are gone from the model, not only the cache).
  RestartServer();
  EXPECT_EQ(client_->WhoAmIStatus(by_name), 401);
  EXPECT_EQ(client_->WhoAmIStatus(other), 200);
}

TEST_F(OrgAttributesTest, AnOrgKeyNeedsALiveOrgAndASiteAdmin) {
  GivenOrg("acme");
  const std::string member = GivenMemberKey("ann@example.com");
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/keys", json{{"org", "nope"}}.dump()), 404,
                      "unknown_org"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/keys", json{{"org", ""}}.dump()), 400,
                      "bad_field"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", "/api/v1/keys", json{{"org", true}}.dump()), 400,
                      "bad_field"));
  EXPECT_TRUE(IsError(client_->Call("POST", "/api/v1/keys", json{{"org", "acme"}}.dump(), member),
                      403, "forbidden"));
  EXPECT_EQ(server_.position(), before);
}

}  // namespace
}  // namespace orgd::test
