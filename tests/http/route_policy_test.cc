#include "src/http/core/auth.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/random.h"
#include "common/sha256.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/core/command.h"
#include "src/commands/core/writer.h"
#include "src/commands/credentials/commands.h"
#include "src/http/core/api.h"
#include "src/http/service.h"
#include "storage/event_store.h"
#include "tests/test_util.h"

// Who may call what: every registered route's policy, walked through a real
// Service (Api::Handle, no socket), and Authorize() for each kind of access.

namespace orgd::http {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kAdminKey[] = "sk-test-admin-key-0123456789";
constexpr char kMemberKey[] = "sk-test-member-key-0123456789";
constexpr char kMemberAccount[] = "7d3f0c1e-5a2b-4c6d-8e9f-0a1b2c3d4e5f";

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return "<absent>";
}

// Passes when r is status with the native error shape
// {"error":{"code":<not empty>,"message":<not empty>}}.
::testing::AssertionResult IsNativeError(const HttpResponse& r, int status) {
  json j = json::parse(r.body, nullptr, false);
  const bool shaped = j.is_object() && j.size() == 1 && j.contains("error") &&
                      j["error"].is_object() && j["error"].contains("code") &&
                      j["error"]["code"].is_string() &&
                      !j["error"]["code"].get<std::string>().empty() &&
                      j["error"].contains("message") && j["error"]["message"].is_string() &&
                      !j["error"]["message"].get<std::string>().empty();
  if (r.status == status && shaped && r.content_type == "application/json") {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected " << status << " with the native error shape, got "
                                       << r.status << " (" << r.content_type << ") " << r.body;
}

// "/api/v1/orgs/{org}" -> "/api/v1/orgs/x".
std::string Concrete(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      const size_t close = pattern.find('}', i);
      out += 'x';
      if (close == std::string_view::npos) break;
      i = close;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

std::string Describe(const Api::RouteInfo& r) { return r.method + " " + r.pattern; }

// A Service on a fresh store with a bootstrapped site-admin key and, issued
// through the writer as the bootstrap is, a key that is no site admin.
class RoutePolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions options;
    options.data_dir = dir_.Sub("data");
    options.control_socket = false;
    // Positions tell whether a refused request wrote anything: no use records.
    options.api.credential_use_interval_ms = 0;
    ASSERT_OK(Service::Open(options, &service_));
    ASSERT_OK(service_->Bootstrap(std::string(kAdminKey)));
    ASSERT_NO_FATAL_FAILURE(IssueMemberKey());
    ASSERT_EQ(Position(), 3u);
    ASSERT_FALSE(service_->api()->routes().empty());
  }
  void TearDown() override {
    if (service_) {
      EXPECT_OK(service_->Close());
    }
  }

  // An account that is no site admin, and a key of it.
  void IssueMemberKey() {
    CreateAccount account;
    account.account_id = kMemberAccount;
    account.email = "member@example.com";
    IssueApiKey issue;
    issue.key_id = RandomBase62(16);
    issue.key_sha256 = ToHex(Sha256Of(kMemberKey));
    issue.account_id = kMemberAccount;
    issue.scope = "account";
    issue.label = "a member's key";
    CommandMeta meta;
    meta.actor = "system";
    meta.request_id = "test-member-key";
    for (Command cmd : {Command{meta, std::move(account)}, Command{meta, std::move(issue)}}) {
      std::promise<CommandOutcome> done;
      ASSERT_OK(service_->writer()->Submit(std::move(cmd), [&done](CommandOutcome o) {
        done.set_value(std::move(o));
      }));
      CommandOutcome o = done.get_future().get();
      ASSERT_OK(o.error);
    }
  }

  uint64_t Position() const { return service_->store()->last_position(); }

  HttpResponse Send(std::string method, std::string target, Headers headers = {},
                    std::string body = "") {
    auto done = std::make_shared<std::promise<HttpResponse>>();
    auto reply = done->get_future();
    service_->api()->Handle(
        HttpRequest{std::move(method), std::move(target), std::move(headers), std::move(body), {}},
        [done](HttpResponse r) { done->set_value(std::move(r)); });
    if (reply.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "no reply within 10 s";
      return HttpResponse{};
    }
    return reply.get();
  }
  HttpResponse SendWithKey(const Api::RouteInfo& route, std::string_view key) {
    return Send(route.method, Concrete(route.pattern),
                {{"Authorization", "Bearer " + std::string(key)}});
  }

  test::TempDir dir_;
  std::unique_ptr<Service> service_;
};

// A compat surface's answer to a request without a valid credential, in its
// product's form (docs/compat.md): CoCalc's hub answers every failure with
// 200 and {"error": text}; SeaTable with {"detail": text} (403 without a
// credential, 401 for a bad one, as Django REST framework); EduBase with 401
// and the EduBase-API-Error header; AI & Analytics Engine as grpc-gateway
// (401, {"code": 16, "message"}).
bool IsCompatRefusal(const Api::RouteInfo& route, const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  if (route.surface == "cocalc") {
    return r.status == 200 && j.is_object() &&
           j.value("error", "") ==
               "must be signed in and MUST provide an api key (cookies are not allowed)";
  }
  if (route.surface == "seatable") {
    return (r.status == 401 || r.status == 403) && j.is_object() && j.contains("detail") &&
           j.size() == 1;
  }
  if (route.surface == "edubase") {
    return r.status == 401 && HeaderOf(r, "EduBase-API-Error") != "<absent>";
  }
  if (route.surface == "aiae") {
    return r.status == 401 && j.is_object() && j.value("code", 0) == 16 && j.contains("message");
  }
  return false;  // a surface this test does not know yet
}

// The surface a path belongs to: each compat surface owns its product's
// prefixes, and the native API the rest.
std::string SurfaceOfPath(std::string_view path) {
  if (path.starts_with("/api/conat/")) return "cocalc";
  if (path.starts_with("/api/v2.1/admin/") || path.starts_with("/api2/")) return "seatable";
  for (std::string_view base : {"/", "/api/"}) {
    if (!path.starts_with(base)) continue;
    std::string_view rest = path.substr(base.size());
    if (rest.starts_with("organization") || rest.starts_with("user:")) return "edubase";
  }
  if (path.starts_with("/aiae/")) return "aiae";
  return "native";
}

TEST_F(RoutePolicyTest, EveryRouteButThePublicOnesWantsACredential) {
  for (const Api::RouteInfo& route : service_->api()->routes()) {
    HttpResponse r = Send(route.method, Concrete(route.pattern));
    if (route.policy.access == RoutePolicy::Access::kPublic) {
      EXPECT_NE(r.status, 401) << Describe(route);
      continue;
    }
    if (route.surface != "native") {  // a compat surface answers in its product's form
      EXPECT_TRUE(IsCompatRefusal(route, r)) << Describe(route) << ": " << r.body;
      continue;
    }
    EXPECT_TRUE(IsNativeError(r, 401)) << Describe(route);
    EXPECT_EQ(json::parse(r.body, nullptr, false)["error"].value("code", ""), "missing_credentials")
        << Describe(route);
    EXPECT_EQ(HeaderOf(r, "WWW-Authenticate"), "Bearer realm=\"orgd\"") << Describe(route);
  }
  EXPECT_EQ(Position(), 3u) << "a request without a credential wrote something";
}

TEST_F(RoutePolicyTest, AnUnknownKeyGets401OnEveryRouteThatIsNotPublic) {
  for (const Api::RouteInfo& route : service_->api()->routes()) {
    if (route.policy.access == RoutePolicy::Access::kPublic) continue;
    HttpResponse r = SendWithKey(route, "sk-nobody-has-this-key-0123456789");
    if (route.surface != "native") {
      EXPECT_TRUE(IsCompatRefusal(route, r)) << Describe(route) << ": " << r.body;
      continue;
    }
    EXPECT_TRUE(IsNativeError(r, 401)) << Describe(route);
  }
  EXPECT_EQ(Position(), 3u);
}

TEST_F(RoutePolicyTest, ThePublicRoutesAreExactlyTheOperationsEndpointsAndSignIn) {
  std::set<std::string> public_routes;
  for (const Api::RouteInfo& route : service_->api()->routes()) {
    if (route.policy.access == RoutePolicy::Access::kPublic) {
      public_routes.insert(route.method + " " + route.pattern);
    }
  }
  EXPECT_EQ(public_routes, (std::set<std::string>{"GET /healthz", "GET /readyz", "GET /metrics",
                                                  "POST /api/v1/auth/login",
                                                  "GET /auth/impersonate",
                                                  // the token in the path is the secret
                                                  "GET /api/v1/invitations/{token}",
                                                  // the API's own description
                                                  "GET /api/v1/openapi.json",
                                                  // SeaTable's sign-in
                                                  "POST /api2/auth-token/"}));
}

TEST_F(RoutePolicyTest, EverySiteAdminRouteAnswers403ToAKeyThatIsNoSiteAdmin) {
  size_t admin_routes = 0;
  for (const Api::RouteInfo& route : service_->api()->routes()) {
    if (route.policy.access != RoutePolicy::Access::kSiteAdmin) continue;
    ++admin_routes;
    HttpResponse r = SendWithKey(route, kMemberKey);
    if (route.surface != "native") {  // in its product's form
      EXPECT_EQ(r.status, 403) << Describe(route) << ": " << r.body;
      continue;
    }
    EXPECT_TRUE(IsNativeError(r, 403)) << Describe(route);
    EXPECT_EQ(HeaderOf(r, "WWW-Authenticate"), "<absent>") << Describe(route);
  }
  EXPECT_GE(admin_routes, 7u) << "the orgs and keys routes are for site admins";
  EXPECT_EQ(Position(), 3u) << "a forbidden request wrote something";
}

TEST_F(RoutePolicyTest, ASiteAdminIsNeitherUnauthenticatedNorForbiddenAnywhere) {
  for (const Api::RouteInfo& route : service_->api()->routes()) {
    HttpResponse r = SendWithKey(route, kAdminKey);
    EXPECT_NE(r.status, 401) << Describe(route) << ": " << r.body;
    EXPECT_NE(r.status, 403) << Describe(route) << ": " << r.body;
  }
}

// Each route is of the surface its path belongs to (SurfaceOfPath).
TEST_F(RoutePolicyTest, EveryRouteIsOfTheSurfaceItsPathBelongsTo) {
  for (const Api::RouteInfo& route : service_->api()->routes()) {
    EXPECT_EQ(route.surface, SurfaceOfPath(route.pattern)) << Describe(route);
  }
}

// ------------------------------------------------------------- Authorize

Principal Admin() { return Principal{"admin-key", "", true, "api_key", ""}; }
Principal Member() { return Principal{"member-key", "acc-1", false, "api_key", ""}; }

// An in-memory members model: org "acme" where acc-1 holds manage_members
// only. Authorize is a pure function of it.
class FixedMemberships final : public MembershipLookup {
 public:
  Status Holds(std::string_view org, std::string_view account, std::string_view capability,
               bool* member, bool* holds) const override {
    if (org != "acme") return Status::NotFound("no org");
    *member = account == "acc-1";
    *holds = *member && capability == "manage_members";
    return Status::OK();
  }
};
const FixedMemberships kMemberships;

TEST(AuthorizeTest, AnyCredentialAdmitsEveryPrincipal) {
  const RoutePolicy policy = RoutePolicy::AnyCredential();
  EXPECT_OK(Authorize(Admin(), policy, {}, kMemberships));
  EXPECT_OK(Authorize(Member(), policy, {}, kMemberships));
  EXPECT_OK(Authorize(Principal{}, policy, {"x"}, kMemberships));
}

TEST(AuthorizeTest, SiteAdminAdmitsOnlySiteAdmins) {
  const RoutePolicy policy = RoutePolicy::SiteAdmin();
  EXPECT_OK(Authorize(Admin(), policy, {}, kMemberships));
  Status s = Authorize(Member(), policy, {}, kMemberships);
  EXPECT_TRUE(s.IsForbidden()) << s.ToString();
  EXPECT_TRUE(Authorize(Principal{}, policy, {}, kMemberships).IsForbidden());
}

TEST(AuthorizeTest, AnOrgCapabilityAdmitsSiteAdminsAndMembersHoldingIt) {
  EXPECT_OK(Authorize(Admin(), RoutePolicy::OrgCapability("manage_org"), {"acme"}, kMemberships));
  EXPECT_OK(
      Authorize(Member(), RoutePolicy::OrgCapability("manage_members"), {"acme"}, kMemberships));
}

TEST(AuthorizeTest, AMemberLackingTheCapabilityIsForbidden) {
  Status s = Authorize(Member(), RoutePolicy::OrgCapability("manage_org"), {"acme"}, kMemberships);
  EXPECT_TRUE(s.IsForbidden()) << s.ToString();
  EXPECT_EQ(s.reason(), "missing_capability");
  EXPECT_NE(s.message().find("manage_org"), std::string::npos) << s.message();
}

TEST(AuthorizeTest, AnOrgIsHiddenFromOutsidersAndSiteKeysOfNoAccount) {
  const RoutePolicy policy = RoutePolicy::OrgCapability("manage_members");
  Principal outsider{"other-key", "acc-2", false, "api_key", ""};
  Status s = Authorize(outsider, policy, {"acme"}, kMemberships);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();  // not Forbidden: the org's existence stays hidden
  EXPECT_NE(s.message().find("acme"), std::string::npos) << s.message();
  EXPECT_TRUE(Authorize(Principal{}, policy, {"acme"}, kMemberships).IsNotFound());
  // An org that does not exist looks the same as one the caller may not see.
  Status missing = Authorize(Member(), policy, {"nope"}, kMemberships);
  EXPECT_TRUE(missing.IsNotFound()) << missing.ToString();
  EXPECT_EQ(missing.reason(), s.reason());
}

TEST(AuthorizeTest, AnOrgCapabilityNamesTheOrgOfItsPathParameter) {
  const RoutePolicy policy = RoutePolicy::OrgCapability("manage_members", 1);
  EXPECT_OK(Authorize(Member(), policy, {"alice", "acme"}, kMemberships));
  Status s = Authorize(Member(), policy, {"acme", "nope"}, kMemberships);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find("'nope'"), std::string::npos) << s.message();
  EXPECT_OK(Authorize(Admin(), policy, {"alice", "acme"}, kMemberships));
  // A parameter index beyond the path's parameters still refuses.
  EXPECT_TRUE(
      Authorize(Member(), RoutePolicy::OrgCapability("x", 5), {"acme"}, kMemberships).IsNotFound());
}

TEST(AuthorizeTest, PolicyFactoriesSayWhatTheyAre) {
  EXPECT_EQ(RoutePolicy::Public().access, RoutePolicy::Access::kPublic);
  EXPECT_EQ(RoutePolicy::AnyCredential().access, RoutePolicy::Access::kAnyCredential);
  EXPECT_EQ(RoutePolicy::SiteAdmin().access, RoutePolicy::Access::kSiteAdmin);
  const RoutePolicy org = RoutePolicy::OrgCapability("manage_org", 2);
  EXPECT_EQ(org.access, RoutePolicy::Access::kOrgCapability);
  EXPECT_EQ(org.capability, "manage_org");
  EXPECT_EQ(org.org_param, 2u);
  EXPECT_EQ(RoutePolicy{}.access, RoutePolicy::Access::kSiteAdmin) << "the default is the strictest";
}

}  // namespace
}  // namespace orgd::http
