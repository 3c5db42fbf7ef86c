// The decisions of the invitation and domain commands against a state held
// in memory (FoldedState): an invitation's lifecycle (made, resent, revoked,
// accepted, declined, expired), the no-escalation rule when it is made and
// again when it is accepted (custom roles included), the quota, and what a
// deleted org takes with it; the one-verified-owner rule of domains and the
// exact-then-wildcard lookup other decisions use.
#include "src/commands/invitations/commands.h"

#include <gtest/gtest.h>

#include <string>

#include "common/sha256.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/domains/commands.h"
#include "src/commands/members/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/events/invitation_events.h"
#include "src/events/member_events.h"
#include "src/projections/domains/domain_projection.h"
#include "src/projections/invitations/invitation_projection.h"
#include "src/projections/members/member_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "tests/commands/folded_state.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

constexpr char kOwner[] = "00000000-0000-4000-8000-00000000000a";
constexpr char kAdmin[] = "00000000-0000-4000-8000-00000000000b";
constexpr char kTeacher[] = "00000000-0000-4000-8000-00000000000c";
constexpr char kAnn[] = "00000000-0000-4000-8000-00000000000d";
constexpr char kBob[] = "00000000-0000-4000-8000-00000000000e";
constexpr char kOut[] = "00000000-0000-4000-8000-00000000000f";

constexpr int64_t kNow = 1'750'000'000'000;
constexpr int64_t kDay = 24 * 3600 * 1000;

CommandMeta Site() { return test::AdminMeta("key:admin"); }
CommandMeta As(const std::string& id) {
  CommandMeta m;
  m.actor = "key:of-" + id;
  m.account_id = id;
  m.request_id = "req";
  return m;
}
std::string EmailOf(const std::string& id) { return id.substr(24) + "@example.com"; }
std::string Hash(const std::string& token) { return ToHex(Sha256Of(token)); }

::testing::AssertionResult Refused(const Result<Decision>& d, std::string_view reason) {
  if (d.ok()) return ::testing::AssertionFailure() << "decided OK";
  if (d.status().reason() != reason) {
    return ::testing::AssertionFailure()
           << "got " << d.status().ToString() << " (" << d.status().reason() << ")";
  }
  return ::testing::AssertionSuccess();
}

PutMember Put(const std::string& account, const std::string& role) {
  PutMember p;
  p.org = "acme";
  p.account = account;
  p.role = role;
  return p;
}

CreateInvitation Invite(const std::string& email, const std::string& role,
                        const std::string& token) {
  CreateInvitation c;
  c.org = "acme";
  c.email = email;
  c.role = role;
  c.token_sha256 = Hash(token);
  c.expires_ms = kNow + 7 * kDay;
  return c;
}

class InvitationDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Given(test::MakeCreateOrg("acme"));
    Given(test::MakeCreateOrg("beta"));
    for (const char* id : {kOwner, kAdmin, kTeacher, kAnn, kBob, kOut}) {
      CreateAccount a;
      a.account_id = id;
      a.email = EmailOf(id);
      a.first_name = "First";
      a.last_name = id;
      Given(Command{Site(), a});
    }
    Given(Command{Site(), Put(kOwner, "owner")});
    Given(Command{Site(), Put(kAdmin, "admin")});
    Given(Command{Site(), Put(kTeacher, "teacher")});
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
  Result<Decision> Try(const Command& c) {
    Result<Decision> d = Decide(c);
    if (d.ok()) {
      EXPECT_OK(state_.Commit(*d, c.meta));
    }
    return d;
  }
  // An invitation made by who; its id.
  uint64_t Invited(const CommandMeta& who, const CreateInvitation& c) {
    CommandResult r = Given(Command{who, c});
    return std::stoull(r.id.empty() ? "0" : r.id);
  }
  Result<Decision> Accept(const std::string& account, const std::string& token,
                          int64_t now = kNow) {
    return Try(Command{As(account), AcceptInvitation{Hash(token), now}});
  }
  uint64_t Org(const std::string& name) {
    OrgRecord o;
    EXPECT_OK(OrgReader(state_.model(OrgProjection::kName)).Find(name, &o));
    return o.id;
  }
  std::string RoleOf(const std::string& account) {
    MemberRecord m;
    Status s = MemberReader(state_.model(MemberProjection::kName)).Find(Org("acme"), account, &m);
    return s.ok() ? m.role : "(" + s.ToString() + ")";
  }
  InvitationRecord Stored(uint64_t id) {
    InvitationRecord r;
    EXPECT_OK(InvitationReader(state_.model(InvitationProjection::kName)).Find(id, &r));
    return r;
  }

  FoldedState state_;
};

TEST_F(InvitationDecisionTest, AnAcceptedInvitationMakesAMemberInTheSameDecision) {
  // Stored normalised: the acceptance compares case-insensitively.
  CreateInvitation c = Invite("00000000000D@Example.COM", "editor", "tok-ann");
  Result<Decision> made = Decide(Command{As(kAdmin), c});
  ASSERT_OK(made);
  EXPECT_EQ(made->result.kind, CommandResult::Kind::kCreated);
  ASSERT_EQ(made->events.size(), 1u);
  EXPECT_EQ(made->events[0].type, InvitationCreated::kType);
  EXPECT_EQ(made->events[0].stream_id, InvitationStream(1));
  EXPECT_EQ(made->events[0].payload.find("tok-ann"), std::string::npos) << "the token in clear";
  ASSERT_OK(state_.Commit(*made, As(kAdmin)));
  InvitationRecord r = Stored(1);
  EXPECT_EQ(r.email, EmailOf(kAnn)) << "stored normalised";
  EXPECT_EQ(r.status, "pending");
  EXPECT_EQ(r.inviter_account, kAdmin);

  Result<Decision> accepted = Accept(kAnn, "tok-ann");
  ASSERT_OK(accepted);
  ASSERT_EQ(accepted->events.size(), 2u);
  EXPECT_EQ(accepted->events[0].type, InvitationAccepted::kType);
  EXPECT_EQ(accepted->events[1].type, MemberAdded::kType);
  EXPECT_EQ(accepted->events[1].stream_id, MembersStream(Org("acme")));
  EXPECT_NE(accepted->events[1].payload.find("\"via\":\"invitation\""), std::string::npos);
  EXPECT_EQ(RoleOf(kAnn), "editor");
  MemberRecord m;
  ASSERT_OK(MemberReader(state_.model(MemberProjection::kName)).Find(Org("acme"), kAnn, &m));
  EXPECT_EQ(m.email, EmailOf(kAnn)) << "the account's copy is filled in";
  EXPECT_EQ(m.last_name, kAnn);
  EXPECT_EQ(Stored(1).status, "accepted");
  EXPECT_EQ(Stored(1).used_by, kAnn);
  // Used once: the second answer is refused, whoever gives it.
  EXPECT_TRUE(Refused(Accept(kAnn, "tok-ann"), "invitation_used"));
  EXPECT_TRUE(
      Refused(Try(Command{As(kAnn), DeclineInvitation{Hash("tok-ann"), kNow}}), "invitation_used"));
}

TEST_F(InvitationDecisionTest, OnlyTheInvitedEmailMayAnswerUnlessAnyEmail) {
  Invited(As(kAdmin), Invite(EmailOf(kAnn), "member", "t1"));
  EXPECT_TRUE(Refused(Accept(kBob, "t1"), "email_mismatch"));
  EXPECT_TRUE(
      Refused(Try(Command{As(kBob), DeclineInvitation{Hash("t1"), kNow}}), "email_mismatch"));
  EXPECT_TRUE(
      Refused(Try(Command{Site(), AcceptInvitation{Hash("t1"), kNow}}), "account_required"));
  EXPECT_TRUE(Refused(Accept(kAnn, "not-the-token"), "unknown_invitation"));
  CreateInvitation open = Invite("anyone@example.com", "viewer", "t2");
  open.any_email = true;
  Invited(As(kAdmin), open);
  ASSERT_OK(Accept(kBob, "t2"));
  EXPECT_EQ(RoleOf(kBob), "viewer");
}

TEST_F(InvitationDecisionTest, DeclineRevokeAndExpiryEachCloseAnInvitation) {
  const uint64_t a = Invited(As(kAdmin), Invite(EmailOf(kAnn), "member", "ta"));
  ASSERT_OK(Try(Command{As(kAnn), DeclineInvitation{Hash("ta"), kNow}}));
  EXPECT_EQ(Stored(a).status, "declined");
  EXPECT_TRUE(Refused(Accept(kAnn, "ta"), "invitation_used"));
  EXPECT_TRUE(Refused(Try(Command{As(kAdmin), RevokeInvitation{"acme", a}}), "invitation_used"));
  EXPECT_TRUE(RoleOf(kAnn).starts_with("(")) << "a declined invitation makes no member";

  const uint64_t b = Invited(As(kAdmin), Invite(EmailOf(kBob), "member", "tb"));
  Result<Decision> revoked = Try(Command{As(kAdmin), RevokeInvitation{"acme", b}});
  ASSERT_OK(revoked);
  EXPECT_EQ(revoked->result.kind, CommandResult::Kind::kDeleted);
  EXPECT_TRUE(Refused(Accept(kBob, "tb"), "invitation_revoked"));
  EXPECT_TRUE(Refused(Try(Command{As(kAdmin), RevokeInvitation{"acme", b}}), "invitation_revoked"));

  Invited(As(kAdmin), Invite(EmailOf(kOut), "member", "tc"));
  EXPECT_TRUE(Refused(Accept(kOut, "tc", kNow + 7 * kDay), "invitation_expired"));
  EXPECT_TRUE(Refused(Try(Command{As(kOut), DeclineInvitation{Hash("tc"), kNow + 8 * kDay}}),
                      "invitation_expired"));
  ASSERT_OK(Accept(kOut, "tc", kNow + 7 * kDay - 1));
}

TEST_F(InvitationDecisionTest, AResendGivesANewTokenAndExpiryAndKillsTheOldToken) {
  const uint64_t id = Invited(As(kAdmin), Invite(EmailOf(kAnn), "member", "old"));
  EXPECT_TRUE(Refused(Accept(kAnn, "old", kNow + 8 * kDay), "invitation_expired"));
  // An expired invitation may be sent again.
  ResendInvitation r{"acme", id, Hash("new"), kNow + 20 * kDay};
  ASSERT_OK(Try(Command{As(kAdmin), r}));
  EXPECT_EQ(Stored(id).expires_ms, kNow + 20 * kDay);
  EXPECT_TRUE(Refused(Accept(kAnn, "old", kNow + 10 * kDay), "unknown_invitation"));
  ASSERT_OK(Accept(kAnn, "new", kNow + 10 * kDay));
  ResendInvitation again{"acme", id, Hash("newer"), kNow + 30 * kDay};
  EXPECT_TRUE(Refused(Try(Command{As(kAdmin), again}), "invitation_used"));
  // Another org's invitation is unknown here.
  ResendInvitation elsewhere{"beta", id, Hash("x"), kNow + kDay};
  EXPECT_TRUE(Refused(Try(Command{Site(), elsewhere}), "unknown_invitation"));
}

TEST_F(InvitationDecisionTest, InvitingTakesTheCapabilityAndNeverARoleAboveYourOwn) {
  Given(Command{As(kAdmin), Put(kBob, "member")});
  EXPECT_TRUE(
      Refused(Decide(Command{As(kOut), Invite("x@example.com", "member", "o")}), "unknown_org"));
  EXPECT_TRUE(Refused(Decide(Command{As(kBob), Invite("x@example.com", "viewer", "b")}),
                      "missing_capability"));
  // The teacher (400) invites members, not editors (500) or admins.
  EXPECT_OK(Decide(Command{As(kTeacher), Invite("x@example.com", "member", "t1")}));
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), Invite("x@example.com", "editor", "t2")}),
                      "rank_too_high"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), Invite("x@example.com", "owner", "t3")}),
                      "rank_too_high"));
  EXPECT_OK(Decide(Command{Site(), Invite("x@example.com", "owner", "t4")}));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), Invite("x@example.com", "wizard", "t5")}),
                      "unknown_role"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), Invite("x@example.com", "external", "t6")}),
                      "unknown_role"));
  CreateInvitation dept = Invite("x@example.com", "member", "t7");
  dept.department = "Nope";
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), dept}), "unknown_department"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), Invite("not-an-email", "member", "t8")}),
                      "invalid_email"));
}

TEST_F(InvitationDecisionTest, CustomRolesCountForTheRuleAtCreation) {
  // A helper holds invite at rank 350 but few capabilities.
  Given(Command{As(kAdmin), DefineRole{"acme", "helper", {"view_org", "invite"}, 350}});
  Given(Command{As(kAdmin), Put(kBob, "helper")});
  EXPECT_OK(Decide(Command{As(kBob), Invite("x@example.com", "viewer", "v")}));
  // "member" ranks below the helper but holds view_members, which it lacks.
  EXPECT_TRUE(
      Refused(Decide(Command{As(kBob), Invite("x@example.com", "member", "m")}), "rank_too_high"));
  Given(Command{As(kAdmin), DefineRole{"acme", "grader", {"view_org"}, 360}});
  EXPECT_TRUE(
      Refused(Decide(Command{As(kBob), Invite("x@example.com", "grader", "g")}), "rank_too_high"));
}

TEST_F(InvitationDecisionTest, AtAcceptanceTheInviterMustStillBeAllowedToGiveTheRole) {
  Invited(As(kTeacher), Invite(EmailOf(kAnn), "member", "by-teacher"));
  Invited(As(kTeacher), Invite(EmailOf(kBob), "member", "by-teacher-2"));
  Invited(Site(), Invite(EmailOf(kOut), "admin", "by-site"));
  // The teacher is demoted below the invitation's role.
  Given(Command{As(kAdmin), Put(kTeacher, "viewer")});
  EXPECT_TRUE(Refused(Accept(kAnn, "by-teacher"), "inviter_lacks_rank"));
  EXPECT_TRUE(RoleOf(kAnn).starts_with("(")) << "a refused acceptance adds nobody";
  // Then leaves the org altogether.
  Given(Command{As(kTeacher), RemoveMember{"acme", kTeacher}});
  EXPECT_TRUE(Refused(Accept(kBob, "by-teacher-2"), "inviter_lacks_rank"));
  // Back as a teacher: the invitation holds again.
  Given(Command{Site(), Put(kTeacher, "teacher")});
  ASSERT_OK(Accept(kBob, "by-teacher-2"));
  // A site key's invitation always holds.
  ASSERT_OK(Accept(kOut, "by-site"));
  EXPECT_EQ(RoleOf(kOut), "admin");
}

TEST_F(InvitationDecisionTest, AtAcceptanceACustomRoleLoweredBelowTheInvitationFails) {
  Given(Command{As(kAdmin), DefineRole{"acme", "helper", {"view_org", "invite"}, 350}});
  Given(Command{As(kAdmin), Put(kBob, "helper")});
  Invited(As(kBob), Invite(EmailOf(kAnn), "viewer", "v"));
  Given(Command{As(kAdmin), DefineRole{"acme", "helper", {"view_org", "invite"}, 50}});
  EXPECT_TRUE(Refused(Accept(kAnn, "v"), "inviter_lacks_rank"));
  Given(Command{As(kAdmin), DefineRole{"acme", "helper", {"view_org", "invite"}, 100}});
  ASSERT_OK(Accept(kAnn, "v"));
}

TEST_F(InvitationDecisionTest, AMemberWhoAcceptsTakesTheRoleAndTheQuotaHolds) {
  Given(Command{As(kAdmin), Put(kAnn, "viewer")});
  Invited(As(kAdmin), Invite(EmailOf(kAnn), "editor", "up"));
  Result<Decision> d = Accept(kAnn, "up");
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 2u);
  EXPECT_EQ(d->events[1].type, MemberUpdated::kType);
  EXPECT_EQ(RoleOf(kAnn), "editor");
  // Four members; room for none more.
  UpdateOrg u;
  u.org = "acme";
  u.max_members = 4;
  Given(Command{Site(), u});
  const uint64_t full = Invited(As(kAdmin), Invite(EmailOf(kBob), "member", "full"));
  EXPECT_TRUE(Refused(Accept(kBob, "full"), "quota_exceeded"));
  EXPECT_EQ(Stored(full).status, "pending") << "a refused acceptance leaves it pending";
  // The last owner does not demote itself by accepting.
  Invited(Site(), Invite(EmailOf(kOwner), "member", "demote"));
  EXPECT_TRUE(Refused(Accept(kOwner, "demote"), "last_owner"));
}

TEST_F(InvitationDecisionTest, ADeletedOrgTakesItsInvitationsAndDomains) {
  const uint64_t id = Invited(As(kAdmin), Invite(EmailOf(kAnn), "member", "gone"));
  Given(Command{As(kAdmin), ClaimDomain{"acme", "acme.org", "orgd-verification=x"}});
  Given(Command{Site(), VerifyDomain{"acme", "acme.org"}});
  Given(test::MakeDeleteOrg("acme"));
  InvitationRecord r;
  EXPECT_TRUE(
      InvitationReader(state_.model(InvitationProjection::kName)).Find(id, &r).IsNotFound());
  EXPECT_TRUE(Refused(Accept(kAnn, "gone"), "unknown_invitation"));
  uint64_t org = 0;
  EXPECT_TRUE(FindOrgForEmailDomain(state_.model(DomainProjection::kName), "a@acme.org", &org)
                  .IsNotFound());
  // The name is free for another org.
  Given(Command{Site(), ClaimDomain{"beta", "acme.org", "orgd-verification=y"}});
  ASSERT_OK(Try(Command{Site(), VerifyDomain{"beta", "acme.org"}}));
  // Ids keep counting.
  CreateInvitation next = Invite(EmailOf(kAnn), "member", "next");
  next.org = "beta";
  EXPECT_EQ(Invited(Site(), next), id + 1);
}

// ------------------------------------------------------------------ domains

TEST_F(InvitationDecisionTest, AVerifiedDomainBelongsToOneOrg) {
  Given(Command{As(kAdmin), ClaimDomain{"acme", "example.com", "tok-a"}});
  // An unverified claim does not keep another org from claiming too.
  ASSERT_OK(Try(Command{Site(), ClaimDomain{"beta", "example.com", "tok-b"}}));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), ClaimDomain{"acme", "example.com", "t"}}),
                      "domain_exists"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), VerifyDomain{"acme", "example.com"}}),
                      "site_admin_required"));
  ASSERT_OK(Try(Command{Site(), VerifyDomain{"acme", "example.com"}}));
  EXPECT_TRUE(
      Refused(Decide(Command{Site(), VerifyDomain{"beta", "example.com"}}), "domain_taken"));
  Given(test::MakeCreateOrg("gamma"));
  EXPECT_TRUE(
      Refused(Decide(Command{Site(), ClaimDomain{"gamma", "example.com", "t"}}), "domain_taken"));
  // Released, the name is free to verify for the other claimant.
  ASSERT_OK(Try(Command{As(kAdmin), ReleaseDomain{"acme", "example.com"}}));
  ASSERT_OK(Try(Command{Site(), VerifyDomain{"beta", "example.com"}}));
  uint64_t org = 0;
  ASSERT_OK(FindOrgForEmailDomain(state_.model(DomainProjection::kName), "Who@EXAMPLE.com", &org));
  EXPECT_EQ(org, Org("beta"));
}

TEST_F(InvitationDecisionTest, AnEmailDomainResolvesExactlyThenByTheNearestWildcard) {
  Given(test::MakeCreateOrg("gamma"));
  for (auto [org, domain] : {std::pair{"acme", "*.example.com"}, std::pair{"beta", "a.example.com"},
                             std::pair{"gamma", "*.b.example.com"}}) {
    Given(Command{Site(), ClaimDomain{org, domain, "t"}});
    Given(Command{Site(), VerifyDomain{org, domain}});
  }
  Given(Command{Site(), ClaimDomain{"beta", "c.example.com", "t"}});  // never verified
  const ModelReader& model = state_.model(DomainProjection::kName);
  uint64_t org = 0;
  ASSERT_OK(FindOrgForEmailDomain(model, "x@a.example.com", &org));
  EXPECT_EQ(org, Org("beta"));
  ASSERT_OK(FindOrgForEmailDomain(model, "x@z.b.example.com", &org));
  EXPECT_EQ(org, Org("gamma"));
  ASSERT_OK(FindOrgForEmailDomain(model, "x@q.r.example.com", &org));
  EXPECT_EQ(org, Org("acme"));
  ASSERT_OK(FindOrgForEmailDomain(model, "x@c.example.com", &org));
  EXPECT_EQ(org, Org("acme")) << "an unverified exact claim does not count";
  EXPECT_TRUE(FindOrgForEmailDomain(model, "x@example.com", &org).IsNotFound());
  EXPECT_TRUE(FindOrgForEmailDomain(model, "x@other.org", &org).IsNotFound());
  EXPECT_TRUE(FindOrgForEmailDomain(model, "no-at-sign", &org).IsNotFound());
}

TEST_F(InvitationDecisionTest, DomainNamesAreCheckedAndLowerCased) {
  std::string out;
  ASSERT_OK(NormalizeDomain("Sub.Example.COM", true, &out));
  EXPECT_EQ(out, "sub.example.com");
  ASSERT_OK(NormalizeDomain("*.Example.com", true, &out));
  EXPECT_EQ(out, "*.example.com");
  ASSERT_OK(NormalizeDomain("*.com", true, &out));
  for (const char* bad : {"", "com", "-a.com", "a-.com", "a..com", ".a.com", "a.com.", "a_b.com",
                          "*.", "*", "a.*.com", "**.com", "a b.com"}) {
    EXPECT_TRUE(NormalizeDomain(bad, true, &out).IsInvalidArgument()) << bad;
  }
  EXPECT_TRUE(NormalizeDomain("*.example.com", false, &out).IsInvalidArgument());
  EXPECT_TRUE(NormalizeDomain(std::string(64, 'a') + ".com", true, &out).IsInvalidArgument());
  EXPECT_TRUE(
      Refused(Decide(Command{Site(), ClaimDomain{"acme", "Upper.com", "t"}}), "invalid_domain"));
}

}  // namespace
}  // namespace orgd
