// Groups, projects and collaborators over real HTTP (issue 15, item 4):
// every route, bad input, who may (outsiders 404, members without the
// capability 403), pages without a hidden cap, collaborators who are not
// members showing as external in the member list, and what an org's
// deletion takes with it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "src/projections/core/projection.h"
#include "src/projections/core/rebuild.h"
#include "src/projections/members/member_projection.h"
#include "src/projections/projects/project_projection.h"
#include "storage/event_store.h"
#include "storage/keys.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

class ProjectsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data"), [](http::ServiceOptions& o) {
      o.api.credential_use_interval_ms = 0;  // positions tell whether anything was written
    }));
    client_ = server_.NewClient();
    auto acme = client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"acme"})");
    ASSERT_TRUE(HasStatus(acme, 201));
    acme_id_ = BodyOf(acme)["id"].get<uint64_t>();
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
  // A new account that is a member of acme with role; its Authorization value.
  std::string Member(const std::string& email, const std::string& role, std::string* id) {
    std::string auth = Person(email, id);
    EXPECT_TRUE(HasStatus(
        client_->AsAdmin("PUT", "/api/v1/orgs/acme/members/" + *id, json{{"role", role}}.dump()),
        201));
    return auth;
  }
  std::string Auth(std::string_view auth) {
    return auth.empty() ? Bearer(kTestAdminKey) : std::string(auth);
  }
  std::optional<RawResponse> Get(const std::string& target, std::string_view auth = {}) {
    return client_->Call("GET", target, {}, Auth(auth));
  }
  std::optional<RawResponse> Send(std::string_view method, const std::string& target,
                                  const json& body, std::string_view auth = {}) {
    return client_->Call(method, target, body.dump(), Auth(auth));
  }
  // POST a group or project in acme; its id.
  std::string NewGroup(const std::string& name) {
    auto r = Send("POST", "/api/v1/orgs/acme/groups", json{{"name", name}});
    EXPECT_TRUE(HasStatus(r, 201));
    return BodyOf(r).value("id", "");
  }
  std::string NewProject(json body, const std::string& org = "acme") {
    auto r = Send("POST", "/api/v1/orgs/" + org + "/projects", body);
    EXPECT_TRUE(HasStatus(r, 201));
    return BodyOf(r).value("id", "");
  }
  std::string Collaborators(const std::string& project, const std::string& org = "acme") {
    return "/api/v1/orgs/" + org + "/projects/" + project + "/collaborators";
  }
  // The entry of account in acme's member list; null when it has none.
  json ListedMember(const std::string& account) {
    auto r = Get("/api/v1/orgs/acme/members?limit=1000");
    EXPECT_TRUE(HasStatus(r, 200));
    const json body = BodyOf(r);
    for (const auto& m : body["members"]) {
      if (m["account_id"] == account) return m;
    }
    return nullptr;
  }
  // The ids of every page of target (a list route) at page size limit.
  std::vector<std::string> AllPages(const std::string& target, const std::string& field,
                                    size_t limit, int* pages) {
    std::vector<std::string> ids;
    std::string next;
    *pages = 0;
    do {
      const std::string sep = target.find('?') == std::string::npos ? "?" : "&";
      auto r = Get(target + sep + "limit=" + std::to_string(limit) +
                   (next.empty() ? "" : "&after=" + next));
      EXPECT_TRUE(HasStatus(r, 200));
      if (!r || r->status != 200) break;
      json body = BodyOf(r);
      EXPECT_LE(body[field].size(), limit);
      for (const auto& e : body[field]) ids.push_back(e.value("id", e.value("account_id", "")));
      next = body["next"].is_string() ? body["next"].get<std::string>() : "";
      ++*pages;
    } while (!next.empty() && *pages < 100);
    return ids;
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  uint64_t acme_id_ = 0;
};

TEST_F(ProjectsTest, AGroupIsCreatedReadRenamedAndDeleted) {
  auto made = Send("POST", "/api/v1/orgs/acme/groups", json{{"name", "Staff"}});
  ASSERT_TRUE(HasStatus(made, 201));
  json g = BodyOf(made);
  const std::string id = g["id"];
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(g["name"], "Staff");
  EXPECT_TRUE(g["creator"].is_string());
  EXPECT_TRUE(g["created_at"].is_string());

  auto listed = Get("/api/v1/orgs/acme/groups");
  ASSERT_TRUE(HasStatus(listed, 200));
  ASSERT_EQ(BodyOf(listed)["groups"].size(), 1u);
  EXPECT_EQ(BodyOf(listed)["groups"][0], g);
  EXPECT_EQ(BodyOf(listed)["total"], 1);
  EXPECT_TRUE(BodyOf(listed)["next"].is_null());
  auto one = Get("/api/v1/orgs/acme/groups/" + id);
  ASSERT_TRUE(HasStatus(one, 200));
  EXPECT_EQ(BodyOf(one), g);
  // Another org does not see it.
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/beta/groups/" + id), 404, "unknown_group"));
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/beta/groups"))["groups"].size(), 0u);

  auto renamed = Send("PATCH", "/api/v1/orgs/acme/groups/" + id, json{{"name", "Faculty"}});
  ASSERT_TRUE(HasStatus(renamed, 200));
  EXPECT_EQ(BodyOf(renamed)["name"], "Faculty");
  EXPECT_EQ(BodyOf(renamed)["created_at"], g["created_at"]);
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/groups/" + id))["name"], "Faculty");

  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/groups/" + id), 204));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/groups/" + id), 404, "unknown_group"));
  EXPECT_TRUE(
      IsError(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/groups/" + id), 404, "unknown_group"));
  EXPECT_TRUE(IsError(Send("PATCH", "/api/v1/orgs/acme/groups/" + id, json{{"name", "X"}}), 404,
                      "unknown_group"));
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/groups"))["total"], 0);
}

TEST_F(ProjectsTest, AGroupOwningAProjectCannotBeDeleted) {
  const std::string group = NewGroup("Staff");
  const std::string project =
      NewProject(json{{"name", "P"}, {"owner", {{"kind", "group"}, {"id", group}}}});
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/groups/" + group), 409,
                      "group_has_projects"));
  EXPECT_TRUE(HasStatus(Get("/api/v1/orgs/acme/groups/" + group), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/projects/" + project), 204));
  EXPECT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/groups/" + group), 204));
}

TEST_F(ProjectsTest, GroupsAndProjectsArePagedWithoutAHiddenCap) {
  std::set<std::string> made;
  for (int i = 0; i < 130; ++i) made.insert(NewGroup("G" + std::to_string(i)));
  int pages = 0;
  std::vector<std::string> seen = AllPages("/api/v1/orgs/acme/groups", "groups", 50, &pages);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 130u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), made);
  auto first = Get("/api/v1/orgs/acme/groups");
  EXPECT_EQ(BodyOf(first)["groups"].size(), 100u);  // the default page
  EXPECT_EQ(BodyOf(first)["total"], 130);
  EXPECT_TRUE(BodyOf(first)["next"].is_string());

  std::set<std::string> projects;
  for (int i = 0; i < 105; ++i)
    projects.insert(NewProject(json{{"name", "P" + std::to_string(i)}}));
  seen = AllPages("/api/v1/orgs/acme/projects", "projects", 40, &pages);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), projects);
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/projects"))["total"], 105);

  const std::string p = *projects.begin();
  std::set<std::string> people;
  for (int i = 0; i < 30; ++i) {
    std::string id = client_->CreateAccount("c" + std::to_string(i) + "@x.org");
    people.insert(id);
    ASSERT_TRUE(HasStatus(Send("PUT", Collaborators(p) + "/" + id, json{{"role", "viewer"}}), 201));
  }
  seen = AllPages(Collaborators(p), "collaborators", 7, &pages);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), people);
}

TEST_F(ProjectsTest, AProjectIsCreatedWithEachOwnerKindFilteredChangedAndDeleted) {
  std::string ann;
  Member("ann@example.com", "member", &ann);
  const std::string group = NewGroup("Staff");

  auto made = Send("POST", "/api/v1/orgs/acme/projects", json{{"name", "Thesis"}});
  ASSERT_TRUE(HasStatus(made, 201));
  json p = BodyOf(made);
  const std::string by_org = p["id"];
  EXPECT_EQ(p["name"], "Thesis");
  EXPECT_EQ(p["description"], "");
  EXPECT_EQ(p["owner"], json({{"kind", "org"}, {"id", std::to_string(acme_id_)}}));
  EXPECT_TRUE(p["created_by"].is_string());
  EXPECT_TRUE(p["created_at"].is_string());
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/projects/" + by_org)), p);

  auto grouped = Send("POST", "/api/v1/orgs/acme/projects",
                      json{{"name", "Lab"},
                           {"description", "line one\nline two"},
                           {"owner", {{"kind", "group"}, {"id", group}}}});
  ASSERT_TRUE(HasStatus(grouped, 201));
  const std::string by_group = BodyOf(grouped)["id"];
  EXPECT_EQ(BodyOf(grouped)["description"], "line one\nline two");
  EXPECT_EQ(BodyOf(grouped)["owner"], json({{"kind", "group"}, {"id", group}}));
  // An account owner may be named by email; it is recorded by id.
  auto owned =
      Send("POST", "/api/v1/orgs/acme/projects",
           json{{"name", "Mine"}, {"owner", {{"kind", "account"}, {"id", "ANN@example.com"}}}});
  ASSERT_TRUE(HasStatus(owned, 201));
  const std::string by_ann = BodyOf(owned)["id"];
  EXPECT_EQ(BodyOf(owned)["owner"], json({{"kind", "account"}, {"id", ann}}));
  // The org named explicitly, by number.
  NewProject(json{{"name", "Org's"}, {"owner", {{"kind", "org"}, {"id", acme_id_}}}});

  auto ids = [&](const std::string& query) {
    auto r = Get("/api/v1/orgs/acme/projects" + query);
    EXPECT_TRUE(HasStatus(r, 200));
    std::set<std::string> out;
    const json body = BodyOf(r);
    for (const auto& e : body["projects"]) out.insert(e["id"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids("").size(), 4u);
  EXPECT_EQ(ids("?owner_kind=group&owner_id=" + group), std::set<std::string>{by_group});
  EXPECT_EQ(ids("?owner_kind=account&owner_id=" + ann), std::set<std::string>{by_ann});
  EXPECT_EQ(ids("?owner_kind=account&owner_id=ann%40example.com"), std::set<std::string>{by_ann});
  EXPECT_EQ(ids("?owner_kind=org").size(), 2u);
  EXPECT_EQ(ids("?owner_kind=group&owner_id=" + by_org).size(), 0u);
  EXPECT_FALSE(BodyOf(Get("/api/v1/orgs/acme/projects?owner_kind=org")).contains("total"));

  // PATCH: name, description, owner; the owner index follows.
  auto changed = Send("PATCH", "/api/v1/orgs/acme/projects/" + by_org,
                      json{{"name", "Thesis 2"},
                           {"description", "new"},
                           {"owner", {{"kind", "group"}, {"id", group}}}});
  ASSERT_TRUE(HasStatus(changed, 200));
  EXPECT_EQ(BodyOf(changed)["name"], "Thesis 2");
  EXPECT_EQ(BodyOf(changed)["description"], "new");
  EXPECT_EQ(BodyOf(changed)["created_at"], p["created_at"]);
  EXPECT_EQ(ids("?owner_kind=group&owner_id=" + group), (std::set<std::string>{by_org, by_group}));
  // Unchanged: 200, nothing appended.
  const uint64_t before = server_.position();
  ASSERT_TRUE(HasStatus(
      Send("PATCH", "/api/v1/orgs/acme/projects/" + by_org, json{{"name", "Thesis 2"}}), 200));
  EXPECT_EQ(server_.position(), before);

  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/projects/" + by_org), 204));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/projects/" + by_org), 404, "unknown_project"));
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/projects/" + by_org), 404,
                      "unknown_project"));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/projects/not-a-project"), 404, "unknown_project"));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/beta/projects/" + by_group), 404, "unknown_project"));
  EXPECT_EQ(ids("").size(), 3u);
}

TEST_F(ProjectsTest, BadInputIsRefusedWith400AndChangesNothing) {
  std::string out;
  Person("out@example.com", &out);
  const std::string group = NewGroup("Staff");
  const std::string project = NewProject(json{{"name", "P"}});
  const uint64_t before = server_.position();
  const std::string groups = "/api/v1/orgs/acme/groups";
  const std::string projects = "/api/v1/orgs/acme/projects";
  EXPECT_TRUE(IsError(Send("POST", groups, json::object()), 400, "missing_field"));
  EXPECT_TRUE(IsError(Send("POST", groups, json{{"name", 7}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(Send("POST", groups, json{{"name", ""}}), 400, "bad_field"));
  EXPECT_TRUE(
      IsError(Send("POST", groups, json{{"name", std::string(101, 'x')}}), 400, "bad_field"));
  EXPECT_TRUE(
      IsError(Send("POST", groups, json{{"name", "G"}, {"color", "red"}}), 400, "unknown_field"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", groups, "[1]"), 400, "bad_body"));
  EXPECT_TRUE(IsError(client_->AsAdmin("POST", groups, "{"), 400, "malformed_json"));
  EXPECT_TRUE(IsError(Send("PATCH", groups + "/" + group, json::object()), 400, "empty_update"));
  EXPECT_TRUE(
      IsError(Send("PATCH", groups + "/" + group, json{{"name", "a\nb"}}), 400, "bad_field"));

  EXPECT_TRUE(IsError(Send("POST", projects, json{{"description", "d"}}), 400, "missing_field"));
  EXPECT_TRUE(
      IsError(Send("POST", projects, json{{"name", "P"}, {"description", 3}}), 400, "bad_field"));
  EXPECT_TRUE(
      IsError(Send("POST", projects, json{{"name", "P"}, {"description", std::string(4001, 'd')}}),
              400, "bad_field"));
  EXPECT_TRUE(
      IsError(Send("POST", projects, json{{"name", "P"}, {"owner", "org"}}), 400, "bad_field"));
  EXPECT_TRUE(IsError(Send("POST", projects, json{{"name", "P"}, {"owner", {{"kind", "team"}}}}),
                      400, "bad_owner"));
  EXPECT_TRUE(IsError(Send("POST", projects, json{{"name", "P"}, {"owner", {{"id", group}}}}), 400,
                      "bad_owner"));
  EXPECT_TRUE(IsError(Send("POST", projects, json{{"name", "P"}, {"owner", {{"kind", "group"}}}}),
                      400, "bad_owner"));
  EXPECT_TRUE(IsError(
      Send("POST", projects, json{{"name", "P"}, {"owner", {{"kind", "group"}, {"id", project}}}}),
      400, "unknown_group"));
  EXPECT_TRUE(IsError(
      Send("POST", projects, json{{"name", "P"}, {"owner", {{"kind", "account"}, {"id", out}}}}),
      400, "not_a_member"));
  EXPECT_TRUE(IsError(
      Send("POST", projects,
           json{{"name", "P"}, {"owner", {{"kind", "account"}, {"id", "nobody@example.com"}}}}),
      400, "unknown_account"));
  EXPECT_TRUE(IsError(
      Send("POST", projects, json{{"name", "P"}, {"owner", {{"kind", "org"}, {"id", "beta"}}}}),
      400, "bad_owner"));
  EXPECT_TRUE(IsError(
      Send("POST", projects, json{{"name", "P"}, {"owner", {{"kind", "org"}, {"extra", 1}}}}), 400,
      "unknown_field"));
  EXPECT_TRUE(
      IsError(Send("PATCH", projects + "/" + project, json::object()), 400, "empty_update"));
  EXPECT_TRUE(
      IsError(Send("PATCH", projects + "/" + project, json{{"id", "x"}}), 400, "unknown_field"));

  EXPECT_TRUE(IsError(Get(projects + "?owner_kind=team"), 400, "bad_owner"));
  EXPECT_TRUE(IsError(Get(projects + "?owner_id=" + group), 400, "bad_owner"));
  EXPECT_TRUE(IsError(Get(projects + "?owner_kind=group"), 400, "bad_owner"));
  EXPECT_TRUE(IsError(Get(projects + "?limit=0"), 400, "bad_pagination"));
  EXPECT_TRUE(IsError(Get(groups + "?limit=1001"), 400, "bad_pagination"));
  EXPECT_TRUE(IsError(Get(groups + "?after=" + std::string(65, 'a')), 400, "bad_cursor"));

  const std::string collaborator = Collaborators(project) + "/" + out;
  EXPECT_TRUE(IsError(Send("PUT", collaborator, json::object()), 400, "missing_field"));
  EXPECT_TRUE(IsError(Send("PUT", collaborator, json{{"role", "admin"}}), 400, "unknown_role"));
  EXPECT_TRUE(IsError(Send("PUT", collaborator, json{{"role", 1}}), 400, "bad_field"));
  EXPECT_TRUE(
      IsError(Send("PUT", collaborator, json{{"role", "viewer"}, {"x", 1}}), 400, "unknown_field"));
  EXPECT_TRUE(
      IsError(Send("PUT", Collaborators(project) + "/nobody@example.com", json{{"role", "viewer"}}),
              404, "unknown_account"));
  EXPECT_TRUE(IsError(Send("PUT", Collaborators(group) + "/" + out, json{{"role", "viewer"}}), 404,
                      "unknown_project"));
  EXPECT_TRUE(
      IsError(Send("POST", "/api/v1/orgs/nope/projects", json{{"name", "P"}}), 404, "unknown_org"));
  EXPECT_EQ(server_.position(), before);
}

TEST_F(ProjectsTest, OutsidersGet404AndMembersNeedTheCapability) {
  std::string out, viewer, member, editor;
  const std::string out_auth = Person("out@example.com", &out);
  const std::string viewer_auth = Member("viewer@example.com", "viewer", &viewer);
  const std::string member_auth = Member("member@example.com", "member", &member);
  const std::string editor_auth = Member("editor@example.com", "editor", &editor);
  const std::string group = NewGroup("Staff");
  const std::string project = NewProject(json{{"name", "P"}});
  const std::string groups = "/api/v1/orgs/acme/groups";
  const std::string projects = "/api/v1/orgs/acme/projects";

  // An outsider learns nothing of the org, even when it collaborates on a project.
  ASSERT_TRUE(
      HasStatus(Send("PUT", Collaborators(project) + "/" + out, json{{"role", "editor"}}), 201));
  for (const std::string& target :
       {groups, groups + "/" + group, projects, projects + "/" + project, Collaborators(project)}) {
    EXPECT_TRUE(IsError(Get(target, out_auth), 404, "unknown_org")) << target;
  }
  EXPECT_TRUE(IsError(Send("POST", groups, json{{"name", "G"}}, out_auth), 404, "unknown_org"));
  EXPECT_TRUE(IsError(Send("POST", projects, json{{"name", "P"}}, out_auth), 404, "unknown_org"));
  EXPECT_TRUE(
      IsError(client_->Call("DELETE", projects + "/" + project, {}, out_auth), 404, "unknown_org"));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/beta/projects", editor_auth), 404, "unknown_org"));

  // viewer: neither reads nor writes; member: reads only; editor: both.
  EXPECT_TRUE(IsError(Get(projects, viewer_auth), 403, "missing_capability"));
  EXPECT_TRUE(IsError(Get(groups, viewer_auth), 403, "missing_capability"));
  EXPECT_TRUE(HasStatus(Get(projects, member_auth), 200));
  EXPECT_TRUE(HasStatus(Get(groups + "/" + group, member_auth), 200));
  EXPECT_TRUE(HasStatus(Get(Collaborators(project), member_auth), 200));
  const uint64_t before = server_.position();
  EXPECT_TRUE(
      IsError(Send("POST", groups, json{{"name", "G"}}, member_auth), 403, "missing_capability"));
  EXPECT_TRUE(IsError(Send("PATCH", groups + "/" + group, json{{"name", "G"}}, member_auth), 403,
                      "missing_capability"));
  EXPECT_TRUE(IsError(client_->Call("DELETE", groups + "/" + group, {}, member_auth), 403,
                      "missing_capability"));
  EXPECT_TRUE(
      IsError(Send("POST", projects, json{{"name", "P"}}, member_auth), 403, "missing_capability"));
  EXPECT_TRUE(IsError(Send("PATCH", projects + "/" + project, json{{"name", "Q"}}, member_auth),
                      403, "missing_capability"));
  EXPECT_TRUE(IsError(client_->Call("DELETE", projects + "/" + project, {}, member_auth), 403,
                      "missing_capability"));
  EXPECT_TRUE(IsError(
      Send("PUT", Collaborators(project) + "/" + member, json{{"role", "owner"}}, member_auth), 403,
      "missing_capability"));
  EXPECT_TRUE(IsError(client_->Call("DELETE", Collaborators(project) + "/" + out, {}, member_auth),
                      403, "missing_capability"));
  EXPECT_EQ(server_.position(), before);

  auto made = Send("POST", projects, json{{"name", "E"}}, editor_auth);
  ASSERT_TRUE(HasStatus(made, 201));
  EXPECT_EQ(BodyOf(made)["created_by"].get<std::string>().rfind("key:", 0), 0u);
  EXPECT_TRUE(HasStatus(Send("POST", groups, json{{"name", "E"}}, editor_auth), 201));
  EXPECT_TRUE(HasStatus(
      Send("PUT", Collaborators(project) + "/" + member, json{{"role", "owner"}}, editor_auth),
      201));
  EXPECT_TRUE(HasStatus(client_->Call("DELETE", projects + "/" + project, {}, editor_auth), 204));
}

TEST_F(ProjectsTest, CollaboratorsAreSetChangedListedAndRemoved) {
  std::string bob, viewer;
  Person("bob@example.com", &bob);
  const std::string viewer_auth = Member("reader@example.com", "member", &viewer);
  const std::string project = NewProject(json{{"name", "P"}});
  // By email: 201 for a new collaborator with the account's copy.
  auto added = Send("PUT", Collaborators(project) + "/BOB@example.com", json{{"role", "viewer"}});
  ASSERT_TRUE(HasStatus(added, 201));
  json c = BodyOf(added);
  EXPECT_EQ(c["account_id"], bob);
  EXPECT_EQ(c["project_id"], project);
  EXPECT_EQ(c["role"], "viewer");
  EXPECT_EQ(c["first_name"], "F");
  EXPECT_EQ(c["last_name"], "bob@example.com");
  EXPECT_EQ(c["email"], "bob@example.com");
  EXPECT_TRUE(c["home_org_id"].is_null());
  EXPECT_TRUE(c["added_at"].is_string());
  // The same role again: 200, nothing appended; another role: 200.
  const uint64_t before = server_.position();
  ASSERT_TRUE(
      HasStatus(Send("PUT", Collaborators(project) + "/" + bob, json{{"role", "viewer"}}), 200));
  EXPECT_EQ(server_.position(), before);
  auto changed = Send("PUT", Collaborators(project) + "/" + bob, json{{"role", "editor"}});
  ASSERT_TRUE(HasStatus(changed, 200));
  EXPECT_EQ(BodyOf(changed)["role"], "editor");
  EXPECT_EQ(BodyOf(changed)["added_at"], c["added_at"]);

  auto listed = Get(Collaborators(project));
  ASSERT_TRUE(HasStatus(listed, 200));
  ASSERT_EQ(BodyOf(listed)["collaborators"].size(), 1u);
  EXPECT_EQ(BodyOf(listed)["collaborators"][0]["role"], "editor");
  EXPECT_EQ(BodyOf(listed)["collaborators"][0]["email"], "bob@example.com");
  // A member without view_emails sees no email.
  auto as_member = Get(Collaborators(project), viewer_auth);
  ASSERT_TRUE(HasStatus(as_member, 200));
  EXPECT_FALSE(BodyOf(as_member)["collaborators"][0].contains("email"));

  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", Collaborators(project) + "/" + bob), 204));
  EXPECT_TRUE(IsError(client_->AsAdmin("DELETE", Collaborators(project) + "/" + bob), 404,
                      "not_a_collaborator"));
  EXPECT_EQ(BodyOf(Get(Collaborators(project)))["collaborators"].size(), 0u);
  EXPECT_TRUE(IsError(Get(Collaborators("not-a-project")), 404, "unknown_project"));
}

TEST_F(ProjectsTest, ACollaboratorWhoIsNotAMemberIsListedAsExternal) {
  std::string out, ann;
  Person("out@example.com", &out);
  Member("ann@example.com", "member", &ann);
  const std::string p1 = NewProject(json{{"name", "P1"}});
  const std::string p2 = NewProject(json{{"name", "P2"}});
  EXPECT_TRUE(ListedMember(out).is_null());
  ASSERT_TRUE(HasStatus(Send("PUT", Collaborators(p1) + "/" + out, json{{"role", "editor"}}), 201));
  ASSERT_TRUE(HasStatus(Send("PUT", Collaborators(p2) + "/" + out, json{{"role", "viewer"}}), 201));
  ASSERT_TRUE(HasStatus(Send("PUT", Collaborators(p1) + "/" + ann, json{{"role", "owner"}}), 201));
  json entry = ListedMember(out);
  ASSERT_FALSE(entry.is_null());
  EXPECT_EQ(entry["role"], "external");
  EXPECT_EQ(entry["external"], true);
  EXPECT_EQ(entry["last_name"], "out@example.com");
  EXPECT_EQ(ListedMember(ann)["role"], "member");  // a member keeps its role
  // Still external while one collaboration remains; gone with the last.
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", Collaborators(p1) + "/" + out), 204));
  EXPECT_EQ(ListedMember(out)["role"], "external");
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/projects/" + p2), 204));
  EXPECT_TRUE(ListedMember(out).is_null());
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/projects/" + p1), 204));
  EXPECT_EQ(ListedMember(ann)["role"], "member");
}

TEST_F(ProjectsTest, DeletingAnOrgTakesItsGroupsProjectsAndCollaboratorsAlong) {
  std::string out;
  Person("out@example.com", &out);
  const std::string group = NewGroup("Staff");
  const std::string project =
      NewProject(json{{"name", "P"}, {"owner", {{"kind", "group"}, {"id", group}}}});
  ASSERT_TRUE(
      HasStatus(Send("PUT", Collaborators(project) + "/" + out, json{{"role", "editor"}}), 201));
  const std::string kept = NewProject(json{{"name", "B"}}, "beta");
  ASSERT_TRUE(HasStatus(
      Send("PUT", Collaborators(kept, "beta") + "/" + out, json{{"role", "viewer"}}), 201));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme"), 204));

  // A new org of the same name has none of it.
  auto again = client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"acme"})");
  ASSERT_TRUE(HasStatus(again, 201));
  EXPECT_NE(BodyOf(again)["id"], acme_id_);
  auto projects = Get("/api/v1/orgs/acme/projects");
  ASSERT_TRUE(HasStatus(projects, 200));
  EXPECT_EQ(BodyOf(projects)["projects"].size(), 0u);
  EXPECT_EQ(BodyOf(projects)["total"], 0);
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/groups"))["groups"].size(), 0u);
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/projects/" + project), 404, "unknown_project"));
  EXPECT_TRUE(IsError(Get("/api/v1/orgs/acme/groups/" + group), 404, "unknown_group"));
  EXPECT_TRUE(ListedMember(out).is_null());
  // beta keeps its own.
  EXPECT_EQ(BodyOf(Get(Collaborators(kept, "beta")))["collaborators"].size(), 1u);

  // And the model holds no key of the deleted org.
  ModelId model = server_.store()->FindModel(ColumnFamilyName(ProjectProjection::kName));
  ASSERT_TRUE(model);
  auto reader = server_.store()->ReadModel(model);
  auto it = reader->NewIterator();
  size_t keys = 0;
  for (it->Seek(""); it->Valid(); it->Next()) {
    const std::string_view k = it->key();
    if (k.empty() || k[0] == '\0') continue;  // checkpoint, schema
    ++keys;
    const size_t at = k[0] == 'a' ? 1 + 36 : 1;
    ASSERT_GE(k.size(), at + 8);
    EXPECT_NE(storage::DecodeBE64(k.substr(at, 8)), acme_id_) << "key of tag " << k[0];
  }
  ASSERT_OK(it->status());
  EXPECT_EQ(keys, 5u);  // beta's project, owner index, count, collaborator, account index
}

// The ETag of every write here is the version of the org's projects stream;
// If-Match is checked against it, and Idempotency-Key replays a write.
TEST_F(ProjectsTest, IfMatchAndIdempotencyKeyHoldForProjectWrites) {
  auto made = Send("POST", "/api/v1/orgs/acme/projects", json{{"name", "P"}});
  ASSERT_TRUE(HasStatus(made, 201));
  const std::string id = BodyOf(made)["id"];
  const std::optional<std::string> tag = made->Header("ETag");
  ASSERT_TRUE(tag.has_value());
  EXPECT_EQ(*tag, "\"1\"");
  const std::string target = "/api/v1/orgs/acme/projects/" + id;
  EXPECT_TRUE(IsError(client_->Call("PATCH", target, R"({"name":"Q"})", Bearer(kTestAdminKey),
                                    {{"If-Match", "\"7\""}}),
                      412, "version_mismatch"));
  auto changed = client_->Call("PATCH", target, R"({"name":"Q"})", Bearer(kTestAdminKey),
                               {{"If-Match", *tag}});
  ASSERT_TRUE(HasStatus(changed, 200));
  EXPECT_EQ(changed->Header("ETag"), "\"2\"");
  // The old tag no longer holds, for any write of the org's projects.
  EXPECT_TRUE(
      IsError(client_->Call("DELETE", target, {}, Bearer(kTestAdminKey), {{"If-Match", *tag}}), 412,
              "version_mismatch"));

  const Headers keyed = {{"Idempotency-Key", "group-1"}};
  auto first = client_->Call("POST", "/api/v1/orgs/acme/groups", R"({"name":"G"})",
                             Bearer(kTestAdminKey), keyed);
  ASSERT_TRUE(HasStatus(first, 201));
  const uint64_t before = server_.position();
  auto again = client_->Call("POST", "/api/v1/orgs/acme/groups", R"({"name":"G"})",
                             Bearer(kTestAdminKey), keyed);
  ASSERT_TRUE(HasStatus(again, 201));
  EXPECT_EQ(again->Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(BodyOf(again)["id"], BodyOf(first)["id"]);
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(BodyOf(Get("/api/v1/orgs/acme/groups"))["total"], 1);
}

// The projects (and members) models the server kept live equal the ones
// rebuilt from its log alone, after every kind of event they fold.
TEST_F(ProjectsTest, TheModelsRebuiltFromTheLogEqualTheLiveOnes) {
  std::string ann, bob, cat;
  Member("ann@example.com", "member", &ann);
  Person("bob@example.com", &bob);
  Person("cat@example.com", &cat);
  const std::string group = NewGroup("Staff");
  const std::string spare = NewGroup("Spare");
  ASSERT_TRUE(
      HasStatus(Send("PATCH", "/api/v1/orgs/acme/groups/" + spare, json{{"name", "S"}}), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/groups/" + spare), 204));
  const std::string p1 =
      NewProject(json{{"name", "P1"}, {"owner", {{"kind", "group"}, {"id", group}}}});
  const std::string p2 =
      NewProject(json{{"name", "P2"}, {"owner", {{"kind", "account"}, {"id", ann}}}});
  const std::string p3 = NewProject(json{{"name", "P3"}});
  const std::string b1 = NewProject(json{{"name", "B1"}}, "beta");
  ASSERT_TRUE(
      HasStatus(Send("PATCH", "/api/v1/orgs/acme/projects/" + p3,
                     json{{"description", "d"}, {"owner", {{"kind", "group"}, {"id", group}}}}),
                200));
  for (const auto& [project, who] : std::vector<std::pair<std::string, std::string>>{
           {p1, bob}, {p1, cat}, {p1, ann}, {p2, bob}, {p3, cat}}) {
    ASSERT_TRUE(
        HasStatus(Send("PUT", Collaborators(project) + "/" + who, json{{"role", "viewer"}}), 201));
  }
  ASSERT_TRUE(
      HasStatus(Send("PUT", Collaborators(b1, "beta") + "/" + bob, json{{"role", "owner"}}), 201));
  ASSERT_TRUE(HasStatus(Send("PUT", Collaborators(p1) + "/" + bob, json{{"role", "editor"}}), 200));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", Collaborators(p1) + "/" + cat), 204));
  ASSERT_TRUE(
      HasStatus(Send("PATCH", "/api/v1/accounts/" + bob, json{{"first_name", "Robert"}}), 200));
  EXPECT_EQ(BodyOf(Get(Collaborators(p2)))["collaborators"][0]["first_name"], "Robert");
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/projects/" + p2), 204));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + cat), 204));
  EXPECT_EQ(BodyOf(Get(Collaborators(p3)))["collaborators"].size(), 0u);
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/beta"), 204));
  ASSERT_OK(server_.Stop());

  std::unique_ptr<EventStore> store;
  ASSERT_OK(EventStore::Open(DomainStoreOptions(dir_.Sub("data")), &store));
  for (const auto& p : AllProjections()) {
    if (p->name() != ProjectProjection::kName && p->name() != MemberProjection::kName) continue;
    const std::string scratch = "scratch." + std::string(p->name());
    ASSERT_OK(RebuildInto(store.get(), *p, scratch));
    std::string difference;
    ASSERT_OK(
        CompareColumnFamilies(store.get(), ColumnFamilyName(p->name()), scratch, &difference));
    EXPECT_EQ(difference, "") << p->name();
  }
  ASSERT_OK(store->Close());
}

}  // namespace
}  // namespace orgd::test
