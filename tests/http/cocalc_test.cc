// The CoCalc hub adapter over real HTTP (issue #16): the calls the cocalc_api
// Python client makes (compat/cocalc.md §2) with the client's own framing
// (Basic key:, args as one object, getNames as a list), their results and
// CoCalc's error texts, its single-org membership, and that what the hub
// changes is what the native API shows.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/base64.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

std::string Basic(const std::string& key) { return "Basic " + Base64Encode(key + ":"); }

class CocalcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data")));
    client_ = server_.NewClient();
    root_ = client_->CreateAccount("root@example.com",
                                   json{{"first_name", "Root"}, {"site_admin", true}});
    root_key_ = client_->IssueKey(root_).value("key", "");
    ASSERT_FALSE(root_key_.empty());
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // POST /api/conat/hub as the cocalc_api client sends it; the reply's JSON.
  // Every reply is a 200, as CoCalc's.
  json Hub(const std::string& name, json args, const std::string& key, bool basic = true,
           const std::string& endpoint = "/api/conat/hub") {
    auto r = client_->Call("POST", endpoint, json{{"name", name}, {"args", args}}.dump(),
                           basic ? Basic(key) : Bearer(key));
    EXPECT_TRUE(HasStatus(r, 200)) << name;
    return BodyOf(r);
  }
  json Call(const std::string& name, json arg) { return Hub(name, json::array({arg}), root_key_); }
  // The error text of a call that must fail.
  std::string ErrorOf(const json& reply) {
    return reply.is_object() && reply.contains("error") ? reply["error"].get<std::string>()
                                                        : "(no error: " + reply.dump() + ")";
  }
  json Native(const std::string& target) { return BodyOf(client_->AsAdmin("GET", target)); }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  std::string root_, root_key_;
};

TEST_F(CocalcTest, TheHubSpeaksCocalcsFramingWithBasicOrBearerKeys) {
  json ping = Call("system.ping", json::object());
  EXPECT_TRUE(ping["now"].is_number_integer());
  json test = Hub("system.test", json::array({json::object()}), root_key_, /*basic=*/false);
  EXPECT_EQ(test["account_id"], root_);
  EXPECT_TRUE(test["server_time"].is_number_integer());
  // Errors are 200 with {"error"}: no key, a wrong key, an unknown function, a bad body.
  auto none = client_->Call("POST", "/api/conat/hub", R"({"name":"system.ping","args":[{}]})");
  ASSERT_TRUE(HasStatus(none, 200));
  EXPECT_EQ(ErrorOf(BodyOf(none)),
            "must be signed in and MUST provide an api key (cookies are not allowed)");
  EXPECT_EQ(ErrorOf(Hub("system.ping", json::array({json::object()}), "sk-wrongwrongwrongwrong01")),
            "must be signed in and MUST provide an api key (cookies are not allowed)");
  EXPECT_EQ(ErrorOf(Call("nope.nothing", json::object())), "Error: unknown function 'nope.nothing'");
  auto bad = client_->Call("POST", "/api/conat/hub", R"({"args":[]})", Basic(root_key_));
  EXPECT_TRUE(ErrorOf(BodyOf(bad)).starts_with("Error: the body must be"));
  // A project-scoped key is for the project endpoint only.
  std::string project_key =
      client_->IssueKey(root_, json{{"name", "p"}, {"scope", "project"}, {"project_id", "00000000-0000-4000-8000-0000000000aa"}})
          .value("key", "");
  ASSERT_FALSE(project_key.empty());
  EXPECT_TRUE(ErrorOf(Hub("system.ping", json::array({json::object()}), project_key))
                  .starts_with("project-scoped API keys cannot call the hub"));
  json project_ping =
      Hub("system.ping", json::array({json::object()}), project_key, true, "/api/conat/project");
  EXPECT_TRUE(project_ping["now"].is_number_integer());
  EXPECT_EQ(ErrorOf(Hub("org.getAll", json::array({json::object()}), root_key_, true,
                        "/api/conat/project")),
            "Error: unknown function 'org.getAll'");
}

TEST_F(CocalcTest, OrgsAreCreatedReadAndSetAndTheNativeApiSeesThem) {
  json uuid = Call("org.create", {{"name", "acme"}});
  ASSERT_TRUE(uuid.is_string()) << uuid;
  EXPECT_EQ(uuid.get<std::string>().size(), 36u);
  json org = Call("org.get", {{"name", "acme"}});
  EXPECT_EQ(org, (json{{"name", "acme"},
                       {"title", nullptr},
                       {"description", nullptr},
                       {"link", nullptr},
                       {"email_address", nullptr},
                       {"admin_account_ids", json::array()}}))
      << "the creator is not made a member or admin";
  EXPECT_TRUE(Call("org.set", {{"name", "acme"}, {"title", "Acme"}, {"link", "https://acme.test"}})
                  .is_null());
  EXPECT_EQ(Call("org.get", {{"name", "acme"}})["title"], "Acme");
  // org.get's reply is written by hand: the bytes are what a JSON library writes.
  Call("org.set", {{"name", "acme"}, {"description", "Say \"hi\" \u00fcber\ttabs"}});
  auto raw = client_->Call("POST", "/api/conat/hub",
                           R"({"name":"org.get","args":[{"name":"acme"}]})", Basic(root_key_));
  ASSERT_TRUE(HasStatus(raw, 200));
  EXPECT_EQ(raw->body, BodyOf(raw).dump());
  json native = Native("/api/v1/orgs/acme");
  EXPECT_EQ(native["title"], "Acme");
  EXPECT_EQ(native["link"], "https://acme.test");
  json all = Call("org.getAll", json::object());
  ASSERT_TRUE(all.is_array());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["name"], "acme");
  EXPECT_EQ(ErrorOf(Call("org.get", {{"name", "nope"}})), "Error: no org named 'nope'");
  EXPECT_EQ(ErrorOf(Call("org.create", {{"name", "acme"}})),
            "Error: name acme is already used by some account or organization");
  EXPECT_TRUE(ErrorOf(Call("org.create", {{"name", "Bad Name!"}})).starts_with("Error: name may"));
  EXPECT_TRUE(ErrorOf(Call("org.set", {{"name", "acme"}})).starts_with("Error: nothing to set"));

  // Not a site admin: no getAll, no create; another org's data is refused
  // even when the org does not exist.
  std::string ann = client_->CreateAccount("ann@example.com");
  std::string ann_key = client_->IssueKey(ann).value("key", "");
  EXPECT_EQ(ErrorOf(Hub("org.getAll", json::array({json::object()}), ann_key)),
            "Error: must be a site admin");
  EXPECT_EQ(ErrorOf(Hub("org.create", json::array({{{"name", "mine"}}}), ann_key)),
            "Error: only admins may create organizations");
  for (const char* name : {"acme", "nope"}) {
    EXPECT_EQ(ErrorOf(Hub("org.get", json::array({{{"name", name}}}), ann_key)),
              "Error: user must be an admin of the organization or site-admin");
  }
}

TEST_F(CocalcTest, MembershipIsOneHomeOrgAsInCocalc) {
  Call("org.create", {{"name", "acme"}});
  Call("org.create", {{"name", "beta"}});
  json ann = Call("org.createUser", {{"name", "acme"},
                                     {"email", "ann@example.com"},
                                     {"firstName", "Ann"},
                                     {"lastName", "Smith"}});
  ASSERT_TRUE(ann.is_string()) << ann;
  const std::string ann_id = ann.get<std::string>();
  json users = Call("org.getUsers", {{"name", "acme"}});
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["account_id"], ann_id);
  EXPECT_EQ(users[0]["email_address"], "ann@example.com");
  EXPECT_EQ(users[0]["first_name"], "Ann");
  EXPECT_TRUE(users[0].contains("last_active"));
  EXPECT_EQ(Native("/api/v1/accounts/" + ann_id)["home_org"], "acme");

  // addAdmin of an account at home elsewhere fails, and changes nothing.
  const uint64_t before = server_.position();
  EXPECT_EQ(ErrorOf(Call("org.addAdmin", {{"name", "beta"}, {"user", ann_id}})),
            "Error: User '" + ann_id + "' is already member of another organization");
  EXPECT_EQ(server_.position(), before);
  EXPECT_EQ(ErrorOf(Call("org.addAdmin", {{"name", "acme"}, {"user", "ghost@example.com"}})),
            "Error: no such account 'ghost@example.com'");
  // Made an admin at home: listed as one, and by email too.
  EXPECT_TRUE(Call("org.addAdmin", {{"name", "acme"}, {"user", "ann@example.com"}}).is_null());
  EXPECT_EQ(Call("org.get", {{"name", "acme"}})["admin_account_ids"], json::array({ann_id}));
  EXPECT_EQ(Native("/api/v1/orgs/acme/members/" + ann_id)["role"], "admin");
  // An admin cannot be removed; removeAdmin keeps the member.
  EXPECT_EQ(ErrorOf(Call("org.removeUser", {{"name", "acme"}, {"user", ann_id}})),
            "Error: admin cannot be removed from org; first remove them from being an admin");
  EXPECT_TRUE(Call("org.removeAdmin", {{"name", "acme"}, {"user", ann_id}}).is_null());
  EXPECT_EQ(Call("org.get", {{"name", "acme"}})["admin_account_ids"], json::array());
  EXPECT_EQ(Call("org.getUsers", {{"name", "acme"}}).size(), 1u);
  // addUser moves the account: at home in beta, listed there and not in acme.
  EXPECT_TRUE(Call("org.addUser", {{"name", "beta"}, {"user", ann_id}}).is_null());
  EXPECT_EQ(Native("/api/v1/accounts/" + ann_id)["home_org"], "beta");
  EXPECT_EQ(Call("org.getUsers", {{"name", "beta"}}).size(), 1u);
  EXPECT_EQ(Call("org.getUsers", {{"name", "acme"}}).size(), 0u);
  EXPECT_EQ(ErrorOf(Call("org.addUser", {{"name", "beta"}, {"user", "ghost"}})),
            "Error: cannot find user 'ghost'");
  // removeUser ends the membership.
  EXPECT_TRUE(Call("org.removeUser", {{"name", "beta"}, {"user", ann_id}}).is_null());
  EXPECT_EQ(Call("org.getUsers", {{"name", "beta"}}).size(), 0u);
  EXPECT_TRUE(HasStatus(client_->AsAdmin("GET", "/api/v1/orgs/beta/members/" + ann_id), 404));
  // A site admin may create a user in an org that does not exist yet: it is made.
  json carl = Call("org.createUser", {{"name", "gamma"}, {"email", "carl@example.com"}});
  ASSERT_TRUE(carl.is_string()) << carl;
  EXPECT_EQ(Call("org.getUsers", {{"name", "gamma"}})[0]["account_id"], carl);
}

TEST_F(CocalcTest, AnOrgAdminManagesItsOwnOrgOnly) {
  Call("org.create", {{"name", "acme"}});
  Call("org.create", {{"name", "beta"}});
  const std::string boss = Call("org.createUser", {{"name", "acme"}, {"email", "boss@example.com"}});
  Call("org.addAdmin", {{"name", "acme"}, {"user", boss}});
  const std::string key = client_->IssueKey(boss).value("key", "");
  auto as_boss = [&](const std::string& name, json arg) {
    return Hub(name, json::array({arg}), key);
  };
  json made = as_boss("org.createUser", {{"name", "acme"}, {"email", "new@example.com"},
                                        {"password", "correct horse battery"}});
  ASSERT_TRUE(made.is_string()) << made;
  EXPECT_EQ(as_boss("org.getUsers", {{"name", "acme"}}).size(), 2u);
  EXPECT_EQ(as_boss("org.get", {{"name", "acme"}})["admin_account_ids"], json::array({boss}));
  // The password signs in.
  EXPECT_TRUE(HasStatus(client_->Call("POST", "/api/v1/auth/login",
                                      R"({"email":"new@example.com","password":"correct horse battery"})"),
                        200));
  for (const char* name : {"org.get", "org.getUsers", "org.message"}) {
    EXPECT_EQ(ErrorOf(as_boss(name, {{"name", "beta"}, {"subject", "s"}, {"body", "b"}})),
              "Error: user must be an admin of the organization or site-admin")
        << name;
  }
  EXPECT_EQ(ErrorOf(as_boss("org.addUser", {{"name", "acme"}, {"user", made}})),
            "Error: only site admins can add/move a user to an org right now");
}

TEST_F(CocalcTest, TokensSignInUntilExpiredAndMessagesReachTheOrg) {
  Call("org.create", {{"name", "acme"}});
  const std::string ann = Call("org.createUser", {{"name", "acme"}, {"email", "ann@example.com"}});
  const std::string bob = Call("org.createUser", {{"name", "acme"}, {"email", "bob@example.com"}});
  json token = Call("org.createToken", {{"user", ann}});
  ASSERT_TRUE(token["token"].is_string()) << token;
  const std::string url = token["url"].get<std::string>();
  EXPECT_TRUE(url.starts_with("http://") || url.starts_with("https://")) << url;
  const std::string path = url.substr(url.find("/auth/impersonate"));
  auto signed_in = client_->Call("GET", path);
  ASSERT_TRUE(signed_in);
  EXPECT_TRUE(signed_in->status == 200 || signed_in->status == 302) << signed_in->status;
  EXPECT_TRUE(Call("org.expireToken", {{"token", token["token"]}}).is_null());
  auto refused = client_->Call("GET", path);
  ASSERT_TRUE(refused);
  EXPECT_GE(refused->status, 400);
  EXPECT_TRUE(Call("org.expireToken", {{"token", "no-such-token-at-all-000"}}).is_null())
      << "expiring an unknown token succeeds, as in CoCalc";
  std::string outsider = client_->CreateAccount("out@example.com");
  EXPECT_EQ(ErrorOf(Call("org.createToken", {{"user", outsider}})),
            "Error: user is not in an org");

  // org.message reaches every member; messages.send returns an integer id.
  EXPECT_TRUE(Call("org.message", {{"name", "acme"}, {"subject", "Hello"}, {"body", "*all*"}})
                  .is_null());
  json id = Call("messages.send", {{"subject", "Direct"}, {"body", "hi"}, {"to_ids", {bob}}});
  EXPECT_TRUE(id.is_number_unsigned()) << id;
  const std::string bob_key = client_->IssueKey(bob).value("key", "");
  json inbox = Hub("messages.get", json::array({{{"limit", 10}, {"type", "received"}}}), bob_key);
  ASSERT_TRUE(inbox.is_array()) << inbox;
  ASSERT_EQ(inbox.size(), 2u);
  EXPECT_EQ(inbox[0]["subject"], "Direct");
  EXPECT_EQ(inbox[1]["subject"], "Hello");
}

TEST_F(CocalcTest, NamesSearchAndProjects) {
  Call("org.create", {{"name", "acme"}});
  const std::string ann = Call("org.createUser", {{"name", "acme"},
                                                  {"email", "ann@example.com"},
                                                  {"firstName", "Ann"},
                                                  {"lastName", "Smith"}});
  const std::string gone = "00000000-0000-4000-8000-0000000000ff";
  json names = Hub("system.getNames", json::array({json::array({ann, gone})}), root_key_);
  EXPECT_EQ(names[ann]["first_name"], "Ann");
  EXPECT_EQ(names[ann]["last_name"], "Smith");
  EXPECT_EQ(names[gone], (json{{"first_name", "Deleted"}, {"last_name", "User"}, {"profile", nullptr}}));
  EXPECT_TRUE(ErrorOf(Hub("system.getNames", json::array({json::array({"x"})}), root_key_))
                  .starts_with("Error: "));
  json found = Call("system.userSearch", {{"query", "smith"}});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["account_id"], ann);
  EXPECT_FALSE(found[0].contains("email_address")) << "a word search shows no email";
  json by_email = Call("system.userSearch", {{"query", "ann@example.com"}});
  ASSERT_EQ(by_email.size(), 1u);
  EXPECT_EQ(by_email[0]["email_address"], "ann@example.com");

  // Projects live in the caller's home org.
  EXPECT_TRUE(ErrorOf(Call("projects.createProject", {{"title", "T"}})).find("home org") !=
              std::string::npos);
  Call("org.addUser", {{"name", "acme"}, {"user", root_}});
  json project = Call("projects.createProject", {{"title", "Thesis"}, {"description", "d"}});
  ASSERT_TRUE(project.is_string()) << project;
  EXPECT_TRUE(Call("projects.start", {{"project_id", project}}).is_null());
  EXPECT_EQ(Native("/api/v1/orgs/acme/projects/" + project.get<std::string>())["name"], "Thesis");
  EXPECT_TRUE(ErrorOf(Call("projects.start", {{"project_id", gone}})).starts_with("Error: no project"));
}

}  // namespace
}  // namespace orgd::test
