// The decisions of the message commands against a state held in memory
// (FoldedState): the "message" capability, recipients checked, sizes, ids in
// order, reading once, and what the inbox model shows afterwards (delivery
// to the members of the moment, notifications, unread counts under removal
// and deletion).
#include "src/commands/messages/commands.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "src/commands/accounts/commands.h"
#include "src/commands/members/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/events/message_events.h"
#include "src/projections/inbox/inbox_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "tests/commands/folded_state.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

constexpr char kOwner[] = "00000000-0000-4000-8000-00000000000a";
constexpr char kTeacher[] = "00000000-0000-4000-8000-00000000000c";
constexpr char kAnn[] = "00000000-0000-4000-8000-00000000000d";
constexpr char kBob[] = "00000000-0000-4000-8000-00000000000e";
constexpr char kOut[] = "00000000-0000-4000-8000-00000000000f";

CommandMeta Site() { return test::AdminMeta("key:admin"); }
CommandMeta As(const std::string& id) {
  CommandMeta m;
  m.actor = "key:of-" + id;
  m.account_id = id;
  m.request_id = "req";
  return m;
}

::testing::AssertionResult Refused(const Result<Decision>& d, std::string_view reason) {
  if (d.ok()) return ::testing::AssertionFailure() << "decided OK";
  if (d.status().reason() != reason) {
    return ::testing::AssertionFailure()
           << "got " << d.status().ToString() << " (" << d.status().reason() << ")";
  }
  return ::testing::AssertionSuccess();
}

SendOrgMessage ToOrg(std::string subject = "Hello", std::string body = "**all** of you") {
  return SendOrgMessage{"acme", std::move(subject), std::move(body)};
}
SendDirectMessage ToAccounts(std::vector<std::string> to, std::string subject = "Hi") {
  return SendDirectMessage{std::move(to), std::move(subject), "a body"};
}
PutMember Put(const std::string& account, const std::string& role, bool notify = false) {
  PutMember p;
  p.org = "acme";
  p.account = account;
  p.role = role;
  p.notify = notify;
  return p;
}

class MessageDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Given(test::MakeCreateOrg("acme"));
    for (const char* id : {kOwner, kTeacher, kAnn, kBob, kOut}) {
      CreateAccount a;
      a.account_id = id;
      a.email = std::string(id).substr(24) + "@example.com";
      Given(Command{Site(), a});
    }
    Given(Command{Site(), Put(kOwner, "owner")});
    Given(Command{Site(), Put(kTeacher, "teacher")});
    Given(Command{Site(), Put(kAnn, "member")});
  }

  Result<Decision> Decide(const Command& c) {
    Status v = c.Validate();
    if (!v.ok()) return v;
    return c.Decide(state_);
  }
  CommandResult Given(const Command& c) {
    Result<Decision> d = Decide(c);
    EXPECT_OK(d) << c.name();
    if (!d.ok()) return {};
    EXPECT_OK(state_.Commit(*d, c.meta)) << c.name();
    return d->result;
  }
  uint64_t Sent(const Command& c) { return std::stoull(Given(c).id); }

  InboxReader Inbox() { return InboxReader(state_.model(InboxProjection::kName)); }
  // The ids in the account's box, newest first.
  std::vector<uint64_t> Ids(const std::string& account,
                            InboxReader::Box box = InboxReader::Box::kReceived) {
    InboxReader::ListOptions o;
    o.box = box;
    o.limit = 1000;
    InboxReader::Page page;
    EXPECT_OK(Inbox().List(account, o, &page));
    std::vector<uint64_t> ids;
    for (const auto& e : page.entries) ids.push_back(nlohmann::json::parse(e)["id"]);
    return ids;
  }
  uint64_t Unread(const std::string& account) {
    uint64_t n = 0;
    EXPECT_OK(Inbox().UnreadCount(account, &n));
    return n;
  }

  FoldedState state_;
};

TEST_F(MessageDecisionTest, AnOrgMessageTakesTheMessageCapability) {
  EXPECT_TRUE(Refused(Decide(Command{As(kOut), ToOrg()}), "unknown_org"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), ToOrg()}), "missing_capability"));
  Result<Decision> d = Decide(Command{As(kTeacher), ToOrg()});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].type, OrgMessageSent::kType);
  EXPECT_EQ(d->events[0].stream_id, MessageStream(1));
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kCreated);
  EXPECT_OK(Decide(Command{Site(), ToOrg()}));
}

TEST_F(MessageDecisionTest, AnOrgMessageReachesTheMembersOfThatMomentOnly) {
  const uint64_t first = Sent(Command{As(kTeacher), ToOrg()});
  Given(Command{Site(), Put(kBob, "member")});  // joins after the first message
  Given(Command{Site(), RemoveMember{"acme", kAnn}});
  const uint64_t second = Sent(Command{As(kOwner), ToOrg("Second")});
  EXPECT_LT(first, second);
  EXPECT_EQ(Ids(kAnn), (std::vector<uint64_t>{first}));
  EXPECT_EQ(Ids(kBob), (std::vector<uint64_t>{second}));
  EXPECT_EQ(Ids(kOwner), (std::vector<uint64_t>{second, first}));
  EXPECT_TRUE(Ids(kOut).empty());
  // The sender holds its own copy as read, and it is in its sent box.
  EXPECT_EQ(Unread(kTeacher), 1u);
  EXPECT_EQ(Unread(kOwner), 1u);
  EXPECT_EQ(Ids(kTeacher, InboxReader::Box::kSent), (std::vector<uint64_t>{first}));
  MessageRecord m;
  ASSERT_OK(Inbox().FindMessage(first, &m));
  EXPECT_EQ(m.recipients, 3u);
  EXPECT_EQ(m.from, kTeacher);
  ASSERT_OK(Inbox().FindMessage(second, &m));
  EXPECT_EQ(m.recipients, 3u);  // owner, teacher, bob
}

TEST_F(MessageDecisionTest, RecipientsMustBeAccountsAndCountOnce) {
  Result<Decision> d = Decide(Command{As(kAnn), ToAccounts({kBob, "nobody@example.com"})});
  EXPECT_TRUE(Refused(d, "unknown_recipient"));
  EXPECT_TRUE(d.status().IsInvalidArgument());
  EXPECT_NE(d.status().message().find("to[1]"), std::string::npos) << d.status().ToString();
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), ToAccounts({})}), "bad_recipients"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), ToAccounts(std::vector<std::string>(1001, kBob))}),
                      "bad_recipients"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), ToAccounts({""})}), "unknown_recipient"));

  // An id and the same account's email are one recipient.
  d = Decide(Command{As(kAnn), ToAccounts({kBob, "00000000000e@example.com", kOut})});
  ASSERT_OK(d);
  DirectMessageSent e;
  ASSERT_OK(FromPayload(d->events[0].payload, 1, &e));
  EXPECT_EQ(e.to, (std::vector<std::string>{kBob, kOut}));
  EXPECT_EQ(e.from_account, kAnn);
  // A site key without an account sends as "system".
  d = Decide(Command{Site(), ToAccounts({kBob})});
  ASSERT_OK(d);
  ASSERT_OK(FromPayload(d->events[0].payload, 1, &e));
  EXPECT_EQ(e.from_account, "system");
}

TEST_F(MessageDecisionTest, SubjectsAndBodiesHaveBounds) {
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), ToOrg("")}), "bad_subject"));
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), ToOrg(std::string(201, 'x'))}), "bad_subject"));
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), ToOrg("two\nlines")}), "bad_subject"));
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";  // 200 characters, 400 bytes
  EXPECT_OK(Decide(Command{As(kTeacher), ToOrg(accents)}));
  EXPECT_OK(Decide(Command{As(kTeacher), ToOrg("s", std::string(64 * 1024, 'b'))}));
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), ToOrg("s", std::string(64 * 1024 + 1, 'b'))}),
                      "message_too_large"));
  SendDirectMessage big = ToAccounts({kBob});
  big.body.assign(64 * 1024 + 1, 'b');
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), big}), "message_too_large"));
}

TEST_F(MessageDecisionTest, ARecipientReadsOnceAndOthersCannot) {
  const uint64_t id = Sent(Command{As(kAnn), ToAccounts({kBob, kOut})});
  EXPECT_EQ(Unread(kBob), 1u);
  Result<Decision> d = Decide(Command{As(kBob), MarkMessageRead{id}});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].type, MessageRead::kType);
  EXPECT_EQ(d->events[0].stream_id, MessageStream(id));
  ASSERT_OK(state_.Commit(*d, As(kBob)));
  EXPECT_EQ(Unread(kBob), 0u);
  EXPECT_EQ(Unread(kOut), 1u);
  d = Decide(Command{As(kBob), MarkMessageRead{id}});
  ASSERT_OK(d);
  EXPECT_TRUE(d->events.empty());
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kChanged);
  // The sender (not a recipient), an outsider, a site key and an unknown id: not found.
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), MarkMessageRead{id}}), "unknown_message"));
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), MarkMessageRead{id}}), "unknown_message"));
  EXPECT_TRUE(Refused(Decide(Command{Site(), MarkMessageRead{id}}), "unknown_message"));
  EXPECT_TRUE(Refused(Decide(Command{As(kBob), MarkMessageRead{id + 7}}), "unknown_message"));
  EXPECT_TRUE(Ids(kBob, InboxReader::Box::kUnread).empty());
  EXPECT_EQ(Ids(kOut, InboxReader::Box::kUnread), (std::vector<uint64_t>{id}));
}

TEST_F(MessageDecisionTest, ANotifiedNewMemberGetsANotificationThatTakesAnId) {
  const uint64_t before = Sent(Command{As(kAnn), ToAccounts({kOut})});
  Given(Command{Site(), Put(kBob, "member", /*notify=*/true)});
  Given(Command{Site(), Put(kOut, "member", /*notify=*/false)});
  const uint64_t after = Sent(Command{As(kAnn), ToAccounts({kBob})});
  const std::vector<uint64_t> bob = Ids(kBob);
  ASSERT_EQ(bob.size(), 2u);
  EXPECT_EQ(bob[0], after);
  EXPECT_GT(bob[1], before);
  EXPECT_LT(bob[1], after);
  MessageRecord m;
  ASSERT_OK(Inbox().FindMessage(bob[1], &m));
  EXPECT_EQ(m.kind, "notification");
  EXPECT_EQ(m.from, "system");
  EXPECT_EQ(m.subject, "You were added to acme");
  EXPECT_EQ(Unread(kBob), 2u);
  EXPECT_EQ(Ids(kOut), (std::vector<uint64_t>{before}));  // no notification asked for
}

TEST_F(MessageDecisionTest, ADeletedAccountTakesItsInboxAndLeavesTheOrgSet) {
  const uint64_t id = Sent(Command{As(kBob), ToAccounts({kAnn, kOut})});
  Given(Command{Site(), DeleteAccount{kAnn}});
  EXPECT_TRUE(Ids(kAnn).empty());
  EXPECT_EQ(Unread(kAnn), 0u);
  bool member = true;
  OrgRecord acme;
  ASSERT_OK(OrgReader(state_.model(OrgProjection::kName)).Find("acme", &acme));
  ASSERT_OK(Inbox().IsMember(acme.id, kAnn, &member));
  EXPECT_FALSE(member);
  MessageRecord m;
  ASSERT_OK(Inbox().FindMessage(id, &m));  // still held by kOut and its sender
  Given(Command{Site(), DeleteAccount{kOut}});
  Given(Command{Site(), DeleteAccount{kBob}});
  EXPECT_TRUE(Inbox().FindMessage(id, &m).IsNotFound());  // its last holder is gone
}

}  // namespace
}  // namespace orgd
