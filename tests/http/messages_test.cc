// Messages and inboxes over real HTTP (issue 15, item 7): an org message
// reaches the members of its moment, direct messages, notifications on
// member add, the inbox's boxes and cursor pages, unread counts under read,
// repeat read, removal and deletion, and who may do what.
#include "src/http/native/native.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "tests/http/test_server.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

using nlohmann::json;

class MessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(dir_.Sub("data"), [](http::ServiceOptions& o) {
      o.api.credential_use_interval_ms = 0;  // positions tell whether anything was written
    }));
    client_ = server_.NewClient();
    ASSERT_TRUE(HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", R"({"name":"acme"})"), 201));
  }
  void TearDown() override {
    client_.reset();
    EXPECT_OK(server_.Stop());
  }

  // A new account and the Authorization value of a key of it.
  std::string Person(const std::string& email, std::string* id) {
    *id = client_->CreateAccount(email);
    return Bearer(client_->IssueKey(*id).value("key", ""));
  }
  void Join(const std::string& id, const std::string& role, bool notify = false) {
    json body = {{"role", role}};
    if (notify) body["notify"] = true;
    ASSERT_TRUE(
        HasStatus(client_->AsAdmin("PUT", "/api/v1/orgs/acme/members/" + id, body.dump()), 201));
  }
  void Leave(const std::string& id) {
    ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/orgs/acme/members/" + id), 204));
  }
  std::optional<RawResponse> ToOrg(std::string_view auth, const std::string& subject,
                                   const std::string& org = "acme") {
    return client_->Call("POST", "/api/v1/orgs/" + org + "/messages",
                         json{{"subject", subject}, {"body", "# " + subject}}.dump(),
                         std::string(auth));
  }
  std::optional<RawResponse> ToAccounts(std::string_view auth, const std::vector<std::string>& to,
                                        const std::string& subject = "Hi") {
    return client_->Call("POST", "/api/v1/messages",
                         json{{"to", to}, {"subject", subject}, {"body", "hello *there*"}}.dump(),
                         std::string(auth));
  }
  // Uses each credential once, so that its first use (a CredentialUsed event,
  // appended without the request waiting for it) is in the log, then waits
  // for the writer: a later position change is the test's own doing.
  void Settle(const std::vector<std::string>& auths) {
    for (const auto& auth : auths) EXPECT_EQ(client_->WhoAmIStatus(auth), 200);
    const std::string name = "settle-" + std::to_string(++settled_);
    ASSERT_TRUE(
        HasStatus(client_->AsAdmin("POST", "/api/v1/orgs", json{{"name", name}}.dump()), 201));
  }
  // The message id of a 201 reply.
  uint64_t IdOf(const std::optional<RawResponse>& r) {
    EXPECT_TRUE(HasStatus(r, 201));
    return BodyOf(r).value("id", uint64_t{0});
  }
  std::optional<RawResponse> Read(std::string_view auth, uint64_t id) {
    return client_->Call("POST", "/api/v1/messages/" + std::to_string(id) + ":read", {},
                         std::string(auth));
  }
  // GET .../inbox?<query> as auth; the reply's JSON (the test fails unless 200).
  json Inbox(const std::string& id, std::string_view auth, const std::string& query = "") {
    auto r =
        client_->Call("GET", "/api/v1/accounts/" + id + "/inbox" + query, {}, std::string(auth));
    EXPECT_TRUE(HasStatus(r, 200));
    return BodyOf(r);
  }
  std::vector<uint64_t> Ids(const json& page) {
    std::vector<uint64_t> ids;
    for (const auto& m : page.value("messages", json::array())) ids.push_back(m["id"]);
    return ids;
  }

  TempDir dir_;
  TestServer server_;
  std::unique_ptr<TestClient> client_;
  int settled_ = 0;
};

TEST_F(MessagesTest, AnOrgMessageReachesEveryMemberButNotARemovedOrALaterOne) {
  std::string teacher, ann, bob, carl, out;
  const std::string teacher_auth = Person("teacher@example.com", &teacher);
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  const std::string carl_auth = Person("carl@example.com", &carl);
  const std::string out_auth = Person("out@example.com", &out);
  Join(teacher, "teacher");
  Join(ann, "member");
  Join(bob, "member");
  Leave(bob);  // removed before the message

  auto sent = ToOrg(teacher_auth, "Welcome");
  ASSERT_TRUE(HasStatus(sent, 201));
  const json reply = BodyOf(sent);
  const uint64_t id = reply["id"];
  EXPECT_GT(id, 0u);
  EXPECT_EQ(reply["subject"], "Welcome");
  EXPECT_EQ(reply["recipients"], 2);  // teacher and ann
  EXPECT_TRUE(reply["sent_at"].is_string());
  EXPECT_EQ(reply["org_id"], BodyOf(client_->AsAdmin("GET", "/api/v1/orgs/acme"))["id"]);
  Join(carl, "member");  // added after it

  json inbox = Inbox(ann, ann_auth);
  ASSERT_EQ(Ids(inbox), (std::vector<uint64_t>{id}));
  const json& m = inbox["messages"][0];
  EXPECT_EQ(m["from"], teacher);
  EXPECT_EQ(m["org_id"], reply["org_id"]);
  EXPECT_EQ(m["subject"], "Welcome");
  EXPECT_EQ(m["body"], "# Welcome");
  EXPECT_EQ(m["read"], false);
  EXPECT_EQ(m["sent_at"], reply["sent_at"]);
  EXPECT_EQ(inbox["unread"], 1);
  EXPECT_TRUE(Ids(Inbox(bob, bob_auth)).empty());
  EXPECT_TRUE(Ids(Inbox(carl, carl_auth)).empty());
  EXPECT_TRUE(Ids(Inbox(out, out_auth)).empty());
  // The sender has it as read, and in its sent box.
  json own = Inbox(teacher, teacher_auth);
  ASSERT_EQ(Ids(own), (std::vector<uint64_t>{id}));
  EXPECT_EQ(own["messages"][0]["read"], true);
  EXPECT_EQ(own["unread"], 0);
  EXPECT_EQ(Ids(Inbox(teacher, teacher_auth, "?type=sent")), (std::vector<uint64_t>{id}));
}

TEST_F(MessagesTest, TheOrgRouteTurnsAwayOutsidersAndMembersWithoutTheCapability) {
  std::string member, out, teacher;
  const std::string member_auth = Person("member@example.com", &member);
  const std::string out_auth = Person("out@example.com", &out);
  const std::string teacher_auth = Person("teacher@example.com", &teacher);
  Join(member, "member");
  Join(teacher, "teacher");
  Settle({member_auth, out_auth, teacher_auth});
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(ToOrg(out_auth, "Hi"), 404, "unknown_org"));
  EXPECT_TRUE(IsError(ToOrg(member_auth, "Hi"), 403, "missing_capability"));
  EXPECT_TRUE(IsError(ToOrg(teacher_auth, "Hi", "nope"), 404, "unknown_org"));
  EXPECT_EQ(server_.position(), before);
  // A site key sends as "system" and reaches both members.
  auto sent = ToOrg(Bearer(kTestAdminKey), "From the site");
  ASSERT_TRUE(HasStatus(sent, 201));
  EXPECT_EQ(BodyOf(sent)["recipients"], 2);
  json inbox = Inbox(member, member_auth);
  ASSERT_EQ(inbox["messages"].size(), 1u);
  EXPECT_EQ(inbox["messages"][0]["from"], "system");
}

TEST_F(MessagesTest, ADirectMessageReachesItsRecipientsWhoMustExist) {
  std::string ann, bob, carl;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  const std::string carl_auth = Person("carl@example.com", &carl);
  Settle({ann_auth});
  const uint64_t before = server_.position();
  EXPECT_TRUE(IsError(ToAccounts(ann_auth, {bob, "00000000-0000-4000-8000-000000000000"}), 400,
                      "unknown_recipient"));
  auto bad = ToAccounts(ann_auth, {bob, "nobody@example.com"});
  ASSERT_TRUE(IsError(bad, 400, "unknown_recipient"));
  EXPECT_NE(BodyOf(bad)["error"]["message"].get<std::string>().find("to[1]"), std::string::npos);
  EXPECT_EQ(server_.position(), before);

  auto sent = ToAccounts(ann_auth, {bob, "CARL@example.com", bob});
  ASSERT_TRUE(HasStatus(sent, 201));
  const json reply = BodyOf(sent);
  EXPECT_EQ(reply["recipients"], 2);
  EXPECT_TRUE(reply["sent_at"].is_string());
  EXPECT_FALSE(reply.contains("org_id"));
  const uint64_t id = reply["id"];
  for (const auto& [who, auth] : {std::pair{bob, bob_auth}, std::pair{carl, carl_auth}}) {
    json inbox = Inbox(who, auth);
    ASSERT_EQ(Ids(inbox), (std::vector<uint64_t>{id})) << who;
    EXPECT_EQ(inbox["messages"][0]["from"], ann);
    EXPECT_EQ(inbox["messages"][0]["to_count"], 2);
    EXPECT_EQ(inbox["messages"][0]["body"], "hello *there*");
    EXPECT_EQ(inbox["unread"], 1);
  }
  EXPECT_TRUE(Ids(Inbox(ann, ann_auth)).empty());
  EXPECT_EQ(Ids(Inbox(ann, ann_auth, "?type=sent")), (std::vector<uint64_t>{id}));
  // A site key without an account sends as "system".
  ASSERT_TRUE(HasStatus(ToAccounts(Bearer(kTestAdminKey), {ann}), 201));
  EXPECT_EQ(Inbox(ann, ann_auth)["messages"][0]["from"], "system");
}

TEST_F(MessagesTest, AMemberAddedWithNotifyGetsANotification) {
  std::string ann, bob;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  const uint64_t before = server_.position();
  Join(ann, "editor", /*notify=*/true);
  EXPECT_EQ(server_.position(), before + 1);  // the MemberAdded alone
  Join(bob, "member");
  json inbox = Inbox(ann, ann_auth);
  ASSERT_EQ(inbox["messages"].size(), 1u);
  const json& n = inbox["messages"][0];
  EXPECT_EQ(n["kind"], "notification");
  EXPECT_EQ(n["from"], "system");
  EXPECT_EQ(n["subject"], "You were added to acme");
  EXPECT_NE(n["body"].get<std::string>().find("editor"), std::string::npos);
  EXPECT_EQ(inbox["unread"], 1);
  EXPECT_TRUE(Ids(Inbox(bob, bob_auth)).empty());
  // It can be read like any message.
  auto read = Read(ann_auth, n["id"]);
  ASSERT_TRUE(HasStatus(read, 200));
  EXPECT_EQ(BodyOf(read)["unread"], 0);
}

TEST_F(MessagesTest, TheInboxHasReceivedUnreadAndSentBoxes) {
  std::string ann, bob;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  const uint64_t one = IdOf(ToAccounts(bob_auth, {ann}, "one"));
  const uint64_t two = IdOf(ToAccounts(bob_auth, {ann}, "two"));
  const uint64_t three = IdOf(ToAccounts(ann_auth, {bob}, "three"));
  ASSERT_TRUE(HasStatus(Read(ann_auth, one), 200));

  json received = Inbox(ann, ann_auth);
  EXPECT_EQ(received["type"], "received");
  EXPECT_EQ(Ids(received), (std::vector<uint64_t>{two, one}));
  EXPECT_EQ(received["messages"][0]["read"], false);
  EXPECT_EQ(received["messages"][1]["read"], true);
  EXPECT_EQ(received["unread"], 1);
  EXPECT_EQ(Ids(Inbox(ann, ann_auth, "?type=received")), (std::vector<uint64_t>{two, one}));
  json unread = Inbox(ann, ann_auth, "?type=unread");
  EXPECT_EQ(unread["type"], "unread");
  EXPECT_EQ(Ids(unread), (std::vector<uint64_t>{two}));
  json sent = Inbox(ann, ann_auth, "?type=sent");
  EXPECT_EQ(Ids(sent), (std::vector<uint64_t>{three}));
  EXPECT_EQ(sent["unread"], 1);  // always the account's received count
  EXPECT_EQ(Ids(Inbox(bob, bob_auth, "?type=sent")), (std::vector<uint64_t>{two, one}));
  EXPECT_EQ(Ids(Inbox(bob, bob_auth)), (std::vector<uint64_t>{three}));
  // By email, and by a site admin.
  EXPECT_EQ(Ids(Inbox("ann@example.com", ann_auth)), (std::vector<uint64_t>{two, one}));
  EXPECT_EQ(Ids(Inbox(ann, Bearer(kTestAdminKey))), (std::vector<uint64_t>{two, one}));
  // Anyone else learns nothing.
  EXPECT_TRUE(IsError(client_->Call("GET", "/api/v1/accounts/" + ann + "/inbox", {}, bob_auth), 404,
                      "unknown_account"));
  EXPECT_TRUE(HasStatus(client_->Call("GET", "/api/v1/accounts/" + ann + "/inbox", {}), 401));
  EXPECT_TRUE(
      IsError(client_->Call("GET", "/api/v1/accounts/" + ann + "/inbox?type=starred", {}, ann_auth),
              400, "bad_query"));
  EXPECT_TRUE(
      IsError(client_->Call("GET", "/api/v1/accounts/" + ann + "/inbox?after=x", {}, ann_auth), 400,
              "bad_cursor"));
  EXPECT_TRUE(
      IsError(client_->Call("GET", "/api/v1/accounts/" + ann + "/inbox?limit=0", {}, ann_auth), 400,
              "bad_pagination"));
}

TEST_F(MessagesTest, CursorPagesWalkEveryMessageNewestFirst) {
  std::string ann, bob;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  std::vector<uint64_t> sent;
  for (int i = 0; i < 8; ++i)
    sent.push_back(IdOf(ToAccounts(bob_auth, {ann}, "m" + std::to_string(i))));
  for (size_t i = 1; i < sent.size(); ++i) EXPECT_GT(sent[i], sent[i - 1]);
  for (const std::string type : {"received", "unread"}) {
    std::vector<uint64_t> seen;
    std::string after;
    int pages = 0;
    while (true) {
      json page = Inbox(ann, ann_auth, "?type=" + type + "&limit=3" + after);
      ++pages;
      ASSERT_LE(page["messages"].size(), 3u);
      for (uint64_t id : Ids(page)) seen.push_back(id);
      if (page["next"].is_null()) break;
      after = "&after=" + page["next"].get<std::string>();
      ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 3) << type;
    EXPECT_EQ(seen, std::vector<uint64_t>(sent.rbegin(), sent.rend())) << type;
  }
  // The sender's box pages the same way.
  json first = Inbox(bob, bob_auth, "?type=sent&limit=5");
  ASSERT_EQ(first["messages"].size(), 5u);
  json rest = Inbox(bob, bob_auth, "?type=sent&limit=5&after=" + first["next"].get<std::string>());
  EXPECT_EQ(rest["messages"].size(), 3u);
  EXPECT_TRUE(rest["next"].is_null());
}

TEST_F(MessagesTest, UnreadCountsStayRightUnderReadRepeatReadRemovalAndDeletion) {
  std::string teacher, ann, bob;
  const std::string teacher_auth = Person("teacher@example.com", &teacher);
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  Join(teacher, "teacher");
  Join(ann, "member");
  const uint64_t org1 = IdOf(ToOrg(teacher_auth, "first"));
  const uint64_t org2 = IdOf(ToOrg(teacher_auth, "second"));
  const uint64_t direct = IdOf(ToAccounts(bob_auth, {ann, teacher}));
  EXPECT_EQ(Inbox(ann, ann_auth)["unread"], 3);

  auto read = Read(ann_auth, org1);
  ASSERT_TRUE(HasStatus(read, 200));
  EXPECT_EQ(BodyOf(read), (json{{"id", org1}, {"read", true}, {"unread", 2}}));
  // Again: 200, no event, the count unchanged.
  const uint64_t before = server_.position();
  auto again = Read(ann_auth, org1);
  ASSERT_TRUE(HasStatus(again, 200));
  EXPECT_EQ(BodyOf(again)["unread"], 2);
  EXPECT_EQ(server_.position(), before);
  // Not a recipient, not a message, not a number, a site key: 404.
  EXPECT_TRUE(IsError(Read(bob_auth, org1), 404, "unknown_message"));
  EXPECT_TRUE(IsError(Read(ann_auth, direct + 100), 404, "unknown_message"));
  EXPECT_TRUE(IsError(Read(Bearer(kTestAdminKey), org1), 404, "unknown_message"));
  EXPECT_TRUE(
      IsError(client_->Call("POST", "/api/v1/messages/abc:read", {}, ann_auth), 404, "no_route"));
  EXPECT_TRUE(
      IsError(client_->Call("POST", "/api/v1/messages/1:unread", {}, ann_auth), 404, "no_route"));
  EXPECT_EQ(server_.position(), before);

  // A removed member keeps what it received, and gets nothing new.
  Leave(ann);
  const uint64_t org3 = IdOf(ToOrg(teacher_auth, "third"));
  json inbox = Inbox(ann, ann_auth);
  EXPECT_EQ(Ids(inbox), (std::vector<uint64_t>{direct, org2, org1}));
  EXPECT_EQ(inbox["unread"], 2);
  ASSERT_TRUE(HasStatus(Read(ann_auth, org2), 200));
  EXPECT_EQ(Inbox(ann, ann_auth)["unread"], 1);
  EXPECT_EQ(Ids(Inbox(teacher, teacher_auth)), (std::vector<uint64_t>{org3, direct, org2, org1}));
  EXPECT_EQ(Inbox(teacher, teacher_auth)["unread"], 1);  // only bob's

  // A deleted account's inbox is gone; what it sent stays with its recipients.
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + bob), 204));
  EXPECT_TRUE(IsError(client_->AsAdmin("GET", "/api/v1/accounts/" + bob + "/inbox"), 404,
                      "unknown_account"));
  EXPECT_EQ(Ids(Inbox(ann, ann_auth)), (std::vector<uint64_t>{direct, org2, org1}));
  ASSERT_TRUE(HasStatus(client_->AsAdmin("DELETE", "/api/v1/accounts/" + ann), 204));
  EXPECT_EQ(Inbox(teacher, teacher_auth)["unread"], 1);
  ASSERT_TRUE(HasStatus(Read(teacher_auth, direct), 200));
  EXPECT_EQ(Inbox(teacher, teacher_auth)["unread"], 0);
  // The org now has only the teacher.
  EXPECT_EQ(BodyOf(ToOrg(teacher_auth, "fourth"))["recipients"], 1);
}

TEST_F(MessagesTest, BadInputIsRefusedWithACodeAndChangesNothing) {
  std::string ann, bob;
  const std::string ann_auth = Person("ann@example.com", &ann);
  Person("bob@example.com", &bob);
  Join(ann, "teacher");
  Settle({ann_auth});
  const uint64_t before = server_.position();
  auto org = [&](const std::string& body) {
    return client_->Call("POST", "/api/v1/orgs/acme/messages", body, ann_auth);
  };
  auto direct = [&](const std::string& body) {
    return client_->Call("POST", "/api/v1/messages", body, ann_auth);
  };
  EXPECT_TRUE(IsError(org("not json"), 400, "malformed_json"));
  EXPECT_TRUE(IsError(org("[]"), 400, "bad_body"));
  EXPECT_TRUE(IsError(org(R"({"body":"b"})"), 400, "missing_field"));
  EXPECT_TRUE(IsError(org(R"({"subject":"s"})"), 400, "missing_field"));
  EXPECT_TRUE(IsError(org(R"({"subject":"s","body":"b","to":[]})"), 400, "unknown_field"));
  EXPECT_TRUE(IsError(org(R"({"subject":1,"body":"b"})"), 400, "bad_field"));
  EXPECT_TRUE(IsError(org(R"({"subject":"","body":"b"})"), 400, "bad_subject"));
  EXPECT_TRUE(IsError(org(json{{"subject", std::string(201, 's')}, {"body", ""}}.dump()), 400,
                      "bad_subject"));
  EXPECT_TRUE(IsError(org(R"({"subject":"a\nb","body":""})"), 400, "bad_subject"));
  EXPECT_TRUE(IsError(org(json{{"subject", "s"}, {"body", std::string(64 * 1024 + 1, 'b')}}.dump()),
                      400, "message_too_large"));
  EXPECT_TRUE(IsError(direct(R"({"subject":"s","body":"b"})"), 400, "missing_field"));
  EXPECT_TRUE(IsError(direct(R"({"to":[],"subject":"s","body":"b"})"), 400, "bad_recipients"));
  EXPECT_TRUE(IsError(direct(R"({"to":"x","subject":"s","body":"b"})"), 400, "bad_field"));
  EXPECT_TRUE(IsError(
      direct(json{{"to", std::vector<std::string>(1001, bob)}, {"subject", "s"}, {"body", "b"}}
                 .dump()),
      400, "bad_recipients"));
  EXPECT_EQ(server_.position(), before);
  // At the limits: 200 characters, 64 KiB, 1000 recipients.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
  EXPECT_TRUE(HasStatus(
      org(json{{"subject", accents}, {"body", std::string(64 * 1024, 'b')}}.dump()), 201));
  auto many = direct(
      json{{"to", std::vector<std::string>(1000, bob)}, {"subject", "s"}, {"body", "b"}}.dump());
  ASSERT_TRUE(HasStatus(many, 201));
  EXPECT_EQ(BodyOf(many)["recipients"], 1);
}

TEST_F(MessagesTest, ARetryWithTheSameIdempotencyKeySendsOnce) {
  std::string ann, bob;
  const std::string ann_auth = Person("ann@example.com", &ann);
  const std::string bob_auth = Person("bob@example.com", &bob);
  const std::string body = json{{"to", {bob}}, {"subject", "once"}, {"body", ""}}.dump();
  auto first =
      client_->Call("POST", "/api/v1/messages", body, ann_auth, {{"Idempotency-Key", "k1"}});
  auto second =
      client_->Call("POST", "/api/v1/messages", body, ann_auth, {{"Idempotency-Key", "k1"}});
  ASSERT_TRUE(HasStatus(first, 201));
  ASSERT_TRUE(HasStatus(second, 201));
  EXPECT_EQ(BodyOf(first), BodyOf(second));
  EXPECT_EQ(second->Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(Inbox(bob, bob_auth)["messages"].size(), 1u);
}

}  // namespace
}  // namespace orgd::test
