// The permission matrix (issue 15, item 9): every registered route, sent over
// real HTTP by each kind of caller — site admin, owner, admin, member,
// external collaborator, outsider, an account of another org — answers as
// its policy says, and docs/permissions.md shows exactly that table.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "src/http/core/api.h"
#include "src/projections/members/roles.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

#ifndef ORGD_SOURCE_DIR
#error "ORGD_SOURCE_DIR must name the source tree"
#endif

namespace orgd::test {
namespace {

using nlohmann::json;
using http::RoutePolicy;

// The kinds of caller, in the table's column order.
enum Caller { kSiteAdmin, kOwner, kAdmin, kMember, kExternal, kOutsider, kOtherOrg, kCallers };
constexpr const char* kCallerNames[] = {"site admin", "owner",   "admin",    "member",
                                        "external",   "outsider", "other org"};
// The built-in role each member caller holds.
constexpr const char* kCallerRoles[] = {"", "owner", "admin", "member", "", "", ""};

// What a route's policy should answer a caller.
std::string Expected(const RoutePolicy& p, Caller c) {
  using A = RoutePolicy::Access;
  switch (p.access) {
    case A::kPublic: return "✓";
    case A::kAnyCredential: return "cmd";
    case A::kSiteAdmin: return c == kSiteAdmin ? "✓" : "403";
    case A::kOrgCapability: {
      if (c == kSiteAdmin) return "✓";
      if (c == kExternal || c == kOutsider || c == kOtherOrg) return "404";
      const RoleDef* role = FindBuiltinRole(kCallerRoles[c]);
      return role && (role->capabilities & CapabilityBit(p.capability)) ? "✓" : "403";
    }
  }
  return "?";
}

class PermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data")));
    client_ = server_.NewClient();
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"beta"})"), 201));
    for (int c = kOwner; c < kCallers; ++c) {
      ids_[c] = client_->CreateAccount(std::string("caller") + std::to_string(c) + "@example.com");
      auth_[c] = Bearer(client_->IssueKey(ids_[c]).value("key", ""));
    }
    auth_[kSiteAdmin] = Bearer(kTestAdminKey);
    ASSERT_TRUE(HasStatus(client_->AsAdmin("PUT", "/api/v1/orgs/beta/members/" + ids_[kOtherOrg],
                                           R"({"role":"owner"})"),
                          201));
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // A fresh org holding the member callers, a target account, a custom role,
  // a department and (when the projects routes exist) a project whose
  // collaborator is the external caller. Returns the path parameters' values.
  std::map<std::string, std::string> Fixture() {
    const std::string org = "org-" + std::to_string(++fixtures_);
    std::map<std::string, std::string> v;
    v["org"] = org;
    EXPECT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", json{{"name", org}}.dump()), 201));
    for (int c = kOwner; c <= kMember; ++c) {
      EXPECT_TRUE(HasStatus(client_->AsAdmin("PUT", "/api/v1/orgs/" + org + "/members/" + ids_[c],
                                             json{{"role", kCallerRoles[c]}}.dump()),
                            201));
    }
    v["account"] = client_->CreateAccount("target" + std::to_string(fixtures_) + "@example.com",
                                          json{{"home_org", org}});
    EXPECT_TRUE(HasStatus(client_->AsAdmin("PUT", "/api/v1/orgs/" + org + "/members/" + v["account"],
                                           R"({"role":"viewer"})"),
                          201));
    EXPECT_TRUE(HasStatus(client_->AsAdmin("PUT", "/api/v1/orgs/" + org + "/roles/grader",
                                           R"({"capabilities":["view_org"],"rank":50})"),
                          201));
    EXPECT_TRUE(HasStatus(
        client_->AsAdmin("POST", "/api/v1/orgs/" + org + "/departments", R"({"name":"Dept"})"), 201));
    auto project = client_->AsAdmin("POST", "/api/v1/orgs/" + org + "/projects", R"({"name":"P"})");
    if (project && project->status == 201) {
      v["project"] = BodyOf(project).value("id", "x");
      EXPECT_TRUE(HasStatus(client_->AsAdmin("PUT", "/api/v1/orgs/" + org + "/projects/" +
                                                        v["project"] + "/collaborators/" +
                                                        ids_[kExternal],
                                                    R"({"role":"editor"})"),
                            201));
    }
    return v;
  }

  // The pattern with each {param} replaced by a fixture value.
  static std::string Target(const std::string& pattern, std::map<std::string, std::string>& v) {
    std::string out;
    size_t i = 0;
    while (i < pattern.size()) {
      if (pattern[i] != '{') {
        out += pattern[i++];
        continue;
      }
      const size_t end = pattern.find('}', i);
      const std::string name = pattern.substr(i + 1, end - i - 1);
      std::string value = "x";
      if (name == "org" || name == "account") value = v[name];
      if (name == "name") value = pattern.find("/roles/") != std::string::npos ? "grader" : "Dept";
      if (name == "id" && pattern.find("/projects/") != std::string::npos && v.count("project")) {
        value = v["project"];
      }
      if (name == "domain") value = "example.org";
      out += value;
      i = end + 1;
    }
    return out;
  }

  // What the policy answered: "✓" when it let the request through.
  std::string Observed(const std::optional<RawResponse>& r) {
    if (!r) return "no reply";
    json body = BodyOf(r);
    const std::string code =
        body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
    const std::string message =
        body.is_object() && body.contains("error") ? body["error"].value("message", "") : "";
    if (r->status == 401) return "401";
    if (r->status == 404 && code == "unknown_org") return "404";
    // The policy's own refusals (a decision's 403 reads differently).
    if (r->status == 403 && (message.starts_with("your role in org") ||
                             message == "only site admins may do this")) {
      return "403";
    }
    return "✓";
  }

  std::optional<RawResponse> Send(const http::Api::RouteInfo& route, Caller c,
                                  std::map<std::string, std::string>& v) {
    const std::string body = route.method == "GET" || route.method == "DELETE" ? "" : "{}";
    return client_->Call(route.method, Target(route.pattern, v), body, auth_[c]);
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::string ids_[kCallers];
  std::string auth_[kCallers];
  int fixtures_ = 0;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(PermissionsTest, EveryRouteAnswersEveryCallerAsItsPolicySaysAndTheDocsShowIt) {
  std::string table = "| route |";
  for (const char* name : kCallerNames) table += std::string(" ") + name + " |";
  table += "\n|---|";
  for (int c = 0; c < kCallers; ++c) table += "---|";
  table += "\n";
  int checked = 0;
  for (const http::Api::RouteInfo& route : server_.service()->api()->routes()) {
    if (route.surface != "native") continue;
    std::string row = "| `" + route.method + " " + route.pattern + "` |";
    std::map<std::string, std::string> shared = Fixture();
    for (int c = kCallers - 1; c >= 0; --c) {  // the least privileged first
      const std::string want = Expected(route.policy, static_cast<Caller>(c));
      std::map<std::string, std::string> fresh;
      // A caller the policy admits may change what it reaches: it gets a fixture of its own.
      std::map<std::string, std::string>& v = want == "✓" || want == "cmd" ? (fresh = Fixture()) : shared;
      const std::string got = Observed(Send(route, static_cast<Caller>(c), v));
      const std::string as_policy = want == "cmd" ? "✓" : want;
      if (route.policy.access != RoutePolicy::Access::kAnyCredential || got == "401") {
        EXPECT_EQ(got, as_policy) << route.method << " " << route.pattern << " as "
                                  << kCallerNames[c];
      }
      ++checked;
    }
    for (int c = 0; c < kCallers; ++c) {
      row += " " + Expected(route.policy, static_cast<Caller>(c)) + " |";
    }
    table += row + "\n";
  }
  EXPECT_GT(checked, 7 * 40);

  const std::string path = std::string(ORGD_SOURCE_DIR) + "/docs/permissions.md";
  const std::string begin = "<!-- permissions-matrix:begin -->\n";
  const std::string end = "<!-- permissions-matrix:end -->";
  std::string doc = ReadFile(path);
  const size_t b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos) << path;
  ASSERT_NE(e, std::string::npos) << path;
  const std::string documented = doc.substr(b + begin.size(), e - b - begin.size());
  if (std::getenv("ORGD_WRITE_PERMISSIONS") != nullptr) {
    doc.replace(b + begin.size(), e - b - begin.size(), table);
    std::ofstream(path) << doc;
  } else {
    EXPECT_EQ(documented, table)
        << "docs/permissions.md is out of date: run this test with ORGD_WRITE_PERMISSIONS=1";
  }
}

}  // namespace
}  // namespace orgd::test
