// The decisions of the membership commands against a state held in memory
// (FoldedState): capabilities, the no-escalation rule on every path (add,
// update, batch, custom roles, department defaults), the last owner, quotas,
// atomic batches, and what the members model shows afterwards.
#include "src/commands/members/commands.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "src/commands/accounts/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/events/member_events.h"
#include "src/events/project_events.h"
#include "src/projections/accounts/account_projection.h"
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
    return ::testing::AssertionFailure() << "got " << d.status().ToString() << " ("
                                         << d.status().reason() << ")";
  }
  return ::testing::AssertionSuccess();
}

PutMember Put(const std::string& account, std::optional<std::string> role = std::nullopt) {
  PutMember p;
  p.org = "acme";
  p.account = account;
  p.role = std::move(role);
  return p;
}

class MemberDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Given(test::MakeCreateOrg("acme"));
    Given(test::MakeCreateOrg("beta"));
    for (const char* id : {kOwner, kAdmin, kTeacher, kAnn, kBob, kOut}) {
      CreateAccount a;
      a.account_id = id;
      a.email = std::string(id).substr(24) + "@example.com";
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
  // Decides and, when it succeeds, commits.
  Result<Decision> Try(const Command& c) {
    Result<Decision> d = Decide(c);
    if (d.ok()) {
      EXPECT_OK(state_.Commit(*d, c.meta));
    }
    return d;
  }
  uint64_t Org(const std::string& name) {
    OrgRecord o;
    EXPECT_OK(OrgReader(state_.model(OrgProjection::kName)).Find(name, &o));
    return o.id;
  }
  MemberReader Members() { return MemberReader(state_.model(MemberProjection::kName)); }
  Status Entry(const std::string& account, MemberRecord* m, const std::string& org = "acme") {
    return Members().Find(Org(org), account, m);
  }
  std::string RoleOf(const std::string& account) {
    MemberRecord m;
    Status s = Entry(account, &m);
    return s.ok() ? m.role : "(" + s.ToString() + ")";
  }

  FoldedState state_;
};

TEST_F(MemberDecisionTest, AnUpsertAddsThenChangesAndTheListShowsIt) {
  Result<Decision> added = Try(Command{As(kAdmin), Put(kAnn)});
  ASSERT_OK(added);
  EXPECT_EQ(added->result.kind, CommandResult::Kind::kCreated);
  ASSERT_EQ(added->events.size(), 1u);
  EXPECT_EQ(added->events[0].type, MemberAdded::kType);
  EXPECT_EQ(RoleOf(kAnn), "member");  // the default role
  Result<Decision> changed = Try(Command{As(kAdmin), Put(kAnn, "editor")});
  ASSERT_OK(changed);
  EXPECT_EQ(changed->result.kind, CommandResult::Kind::kChanged);
  EXPECT_EQ(RoleOf(kAnn), "editor");
  // The same upsert again changes nothing and appends nothing.
  Result<Decision> same = Try(Command{As(kAdmin), Put(kAnn, "editor")});
  ASSERT_OK(same);
  EXPECT_TRUE(same->events.empty());
  uint64_t n = 0;
  ASSERT_OK(Members().MemberCount(Org("acme"), &n));
  EXPECT_EQ(n, 4u);
  ASSERT_OK(Members().RoleCount(Org("acme"), "editor", &n));
  EXPECT_EQ(n, 1u);
}

TEST_F(MemberDecisionTest, AnOutsiderLearnsNothingAndAMemberNeedsTheCapability) {
  EXPECT_TRUE(Refused(Decide(Command{As(kOut), Put(kAnn)}), "unknown_org"));
  Given(Command{As(kAdmin), Put(kBob, "member")});
  EXPECT_TRUE(Refused(Decide(Command{As(kBob), Put(kAnn)}), "missing_capability"));
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), Put(kAnn)}), "missing_capability"));
}

TEST_F(MemberDecisionTest, NobodyGrantsARoleRankedAboveTheirOwn) {
  // A custom role holding manage_members, ranked between member and teacher.
  DefineRole r{"acme", "helper", {"view_org", "view_members", "manage_members"}, 250};
  Given(Command{As(kAdmin), r});
  Given(Command{As(kAdmin), Put(kAnn, "helper")});
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), Put(kBob, "teacher")}), "rank_too_high"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), Put(kBob, "admin")}), "rank_too_high"));
  ASSERT_OK(Try(Command{As(kAnn), Put(kBob, "viewer")}));
  // An admin cannot make anyone owner; a site admin can.
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), Put(kBob, "owner")}), "rank_too_high"));
  ASSERT_OK(Try(Command{Site(), Put(kBob, "owner")}));
}

TEST_F(MemberDecisionTest, NobodyChangesTheMembershipOfSomeoneRankedAbove) {
  DefineRole r{"acme", "helper", {"view_org", "manage_members"}, 250};
  Given(Command{As(kAdmin), r});
  Given(Command{As(kAdmin), Put(kAnn, "helper")});
  // The helper may not demote or remove the teacher (rank 400).
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), Put(kTeacher, "viewer")}), "rank_too_high"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), RemoveMember{"acme", kTeacher}}), "rank_too_high"));
  // The admin may not touch the owner.
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), Put(kOwner, "member")}), "rank_too_high"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), RemoveMember{"acme", kOwner}}), "rank_too_high"));
  EXPECT_EQ(RoleOf(kOwner), "owner");
}

TEST_F(MemberDecisionTest, NobodyDefinesARoleAboveTheirRankOrWithARightTheyLack) {
  Given(Command{As(kOwner), Put(kAnn, "supervisor")});
  DefineRole high{"acme", "boss", {"view_org"}, 800};
  DefineRole roles{"acme", "roles", {"manage_roles"}, 100};
  EXPECT_OK(Decide(Command{As(kAdmin), high}));  // the admin (900) may
  // A supervisor holds no manage_roles at all.
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), roles}), "missing_capability"));
  // Give a custom role manage_roles but not manage_org; its holder cannot pass on manage_org.
  Given(Command{As(kAdmin), DefineRole{"acme", "rolesmith", {"view_org", "manage_roles"}, 600}});
  Given(Command{As(kAdmin), Put(kBob, "rolesmith")});
  EXPECT_TRUE(Refused(Decide(Command{As(kBob), DefineRole{"acme", "x", {"manage_org"}, 10}}),
                      "rank_too_high"));
  EXPECT_TRUE(
      Refused(Decide(Command{As(kBob), DefineRole{"acme", "y", {"view_org"}, 601}}), "rank_too_high"));
  ASSERT_OK(Try(Command{As(kBob), DefineRole{"acme", "z", {"view_org"}, 600}}));
  // Built-in roles cannot be redefined.
  EXPECT_TRUE(Refused(Decide(Command{Site(), DefineRole{"acme", "admin", {}, 5}}), "builtin_role"));
}

TEST_F(MemberDecisionTest, ARoleHeldByAMemberCannotBeDeleted) {
  Given(Command{As(kAdmin), DefineRole{"acme", "grader", {"view_org"}, 150}});
  Given(Command{As(kAdmin), Put(kAnn, "grader")});
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), RemoveRole{"acme", "grader"}}), "role_in_use"));
  Given(Command{As(kAdmin), Put(kAnn, "member")});
  ASSERT_OK(Try(Command{As(kAdmin), RemoveRole{"acme", "grader"}}));
  RoleDef gone;
  EXPECT_TRUE(Members().FindRole(Org("acme"), "grader", &gone).IsNotFound());
  EXPECT_TRUE(Refused(Decide(Command{Site(), RemoveRole{"acme", "member"}}), "builtin_role"));
}

TEST_F(MemberDecisionTest, TheLastOwnerCannotBeRemovedOrDemoted) {
  EXPECT_TRUE(Refused(Decide(Command{Site(), Put(kOwner, "admin")}), "last_owner"));
  EXPECT_TRUE(Refused(Decide(Command{Site(), RemoveMember{"acme", kOwner}}), "last_owner"));
  EXPECT_TRUE(Refused(Decide(Command{As(kOwner), RemoveMember{"acme", kOwner}}), "last_owner"));
  Given(Command{As(kOwner), Put(kAnn, "owner")});
  ASSERT_OK(Try(Command{As(kOwner), RemoveMember{"acme", kOwner}}));  // leaving is fine now
  EXPECT_TRUE(Refused(Decide(Command{Site(), Put(kAnn, "member")}), "last_owner"));
  // A batch demoting both owners of an org at once is refused too.
  Given(Command{Site(), Put(kBob, "owner")});
  BatchMemberships b;
  b.orgs = {"acme"};
  b.users = {kAnn, kBob};
  b.role = "member";
  EXPECT_TRUE(Refused(Decide(Command{Site(), b}), "last_owner"));
}

TEST_F(MemberDecisionTest, AnyMemberMayLeaveButRemovingOthersTakesTheRight) {
  Given(Command{As(kAdmin), Put(kAnn, "viewer")});
  Given(Command{As(kAdmin), Put(kBob, "viewer")});
  EXPECT_TRUE(Refused(Decide(Command{As(kAnn), RemoveMember{"acme", kBob}}), "missing_capability"));
  ASSERT_OK(Try(Command{As(kAnn), RemoveMember{"acme", kAnn}}));
  MemberRecord m;
  EXPECT_TRUE(Entry(kAnn, &m).IsNotFound());
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), RemoveMember{"acme", kAnn}}), "not_a_member"));
}

TEST_F(MemberDecisionTest, MaxMembersIsEnforcedAndABatchCrossingItFailsWhole) {
  // Three members now, and room for one more.
  UpdateOrg u;
  u.org = "acme";
  u.max_members = 4;
  Given(Command{Site(), u});
  ASSERT_OK(Try(Command{As(kAdmin), Put(kAnn)}));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), Put(kBob)}), "quota_exceeded"));
  Given(Command{As(kAdmin), RemoveMember{"acme", kAnn}});
  BatchMemberships b;
  b.orgs = {"acme"};
  b.users = {kAnn, kBob};
  EXPECT_TRUE(Refused(Decide(Command{Site(), b}), "quota_exceeded"));
  MemberRecord m;
  EXPECT_TRUE(Entry(kAnn, &m).IsNotFound()) << "a failed batch changes nothing";
  b.users = {kAnn};
  ASSERT_OK(Try(Command{Site(), b}));
}

TEST_F(MemberDecisionTest, ABatchUpsertsEveryPairOrNoneAndNamesTheCulprit) {
  BatchMemberships b;
  b.orgs = {"acme", "beta"};
  b.users = {kAnn, "nobody@example.com", kBob};
  b.role = "editor";
  Result<Decision> bad = Decide(Command{Site(), b});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("users[1]"), std::string::npos) << bad.status().message();
  b.users = {kAnn, kBob};
  b.orgs = {"acme", "nope"};
  bad = Decide(Command{Site(), b});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("orgs[1]"), std::string::npos) << bad.status().message();
  b.orgs = {"acme", "beta"};
  Result<Decision> ok = Try(Command{Site(), b});
  ASSERT_OK(ok);
  EXPECT_EQ(ok->events.size(), 4u);
  EXPECT_EQ(RoleOf(kAnn), "editor");
  MemberRecord m;
  ASSERT_OK(Entry(kBob, &m, "beta"));
  EXPECT_EQ(m.role, "editor");
  // A batch by an org admin is refused for the org it does not administer.
  b.orgs = {"acme", "beta"};
  b.role = "viewer";
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), b}), "unknown_org"));
  // And a rank above the caller's fails the whole batch.
  b.orgs = {"acme"};
  b.role = "owner";
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), b}), "rank_too_high"));
}

TEST_F(MemberDecisionTest, ADepartmentsDefaultsApplyUnlessTheRequestSaysOtherwise) {
  CreateDepartment d;
  d.org = "acme";
  d.name = "Physics";
  d.default_role = "teacher";
  d.content_permission = "modify";
  d.members_permission = "department";
  Given(Command{As(kAdmin), d});
  PutMember p = Put(kAnn);
  p.department = "Physics";
  Given(Command{As(kAdmin), p});
  MemberRecord m;
  ASSERT_OK(Entry(kAnn, &m));
  EXPECT_EQ(m.role, "teacher");
  EXPECT_EQ(m.content_permission, "modify");
  EXPECT_EQ(m.members_permission, "department");
  EXPECT_EQ(m.department, "Physics");
  PutMember q = Put(kBob, "viewer");
  q.department = "Physics";
  q.content_permission = "view";
  Given(Command{As(kAdmin), q});
  ASSERT_OK(Entry(kBob, &m));
  EXPECT_EQ(m.role, "viewer");
  EXPECT_EQ(m.content_permission, "view");
  EXPECT_EQ(m.members_permission, "department");
  // A default role above the caller's rank escalates nothing: the grant is checked.
  Given(Command{Site(), CreateDepartment{"acme", "Board", "owner", "", ""}});
  PutMember r = Put(kOut);
  r.department = "Board";
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), r}), "rank_too_high"));
  // A department with members cannot be deleted; an unknown one is refused.
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), DeleteDepartment{"acme", "Physics"}}),
                      "department_not_empty"));
  PutMember unknown = Put(kOut);
  unknown.department = "Chemistry";
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), unknown}), "unknown_department"));
}

TEST_F(MemberDecisionTest, JoinHomeOrgMovesTheHomeOrgAndAddsTheMembershipInOneDecision) {
  auto home_of = [&](const std::string& id) {
    AccountRecord a;
    EXPECT_OK(AccountReader(state_.model(AccountProjection::kName)).Find(id, &a));
    return a.home_org_id;
  };
  JoinHomeOrg j{"acme", kAnn, std::nullopt, false};
  EXPECT_TRUE(Refused(Decide(Command{As(kOwner), j}), "site_admin_only"));
  ASSERT_OK(Try(Command{Site(), j}));
  EXPECT_EQ(home_of(kAnn), Org("acme"));
  MemberRecord m;
  ASSERT_OK(Entry(kAnn, &m));
  EXPECT_EQ(m.role, "member");
  EXPECT_FALSE(m.external());
  // Again: nothing to change, no event.
  Result<Decision> again = Decide(Command{Site(), j});
  ASSERT_OK(again);
  EXPECT_TRUE(again->events.empty());
  // Exclusive: another home org is refused and nothing changes; without it
  // the account moves, keeps its acme membership and becomes external there.
  JoinHomeOrg admin{"beta", kAnn, "admin", true};
  EXPECT_TRUE(Refused(Decide(Command{Site(), admin}), "member_of_another_org"));
  EXPECT_TRUE(Entry(kAnn, &m, "beta").IsNotFound());
  admin.exclusive = false;
  ASSERT_OK(Try(Command{Site(), admin}));
  EXPECT_EQ(home_of(kAnn), Org("beta"));
  ASSERT_OK(Entry(kAnn, &m, "beta"));
  EXPECT_EQ(m.role, "admin");
  ASSERT_OK(Entry(kAnn, &m));
  EXPECT_TRUE(m.external());
  // A member keeps its role unless one is given; unknown orgs and accounts are refused.
  ASSERT_OK(Try(Command{Site(), JoinHomeOrg{"acme", kTeacher, std::nullopt, true}}));
  EXPECT_EQ(RoleOf(kTeacher), "teacher");
  EXPECT_TRUE(Refused(Decide(Command{Site(), JoinHomeOrg{"nope", kBob, std::nullopt, false}}),
                      "unknown_org"));
  EXPECT_TRUE(Refused(
      Decide(Command{Site(), JoinHomeOrg{"acme", "nobody@example.com", std::nullopt, false}}),
      "unknown_account"));
}

CreateOrgWithOwner Founding(const std::string& title, const std::string& email) {
  CreateOrgWithOwner c;
  c.org.uuid = "00000000-0000-4000-8000-0000000000f1";
  c.org.title = title;
  c.org.derive_name = true;
  c.owner.account_id = "00000000-0000-4000-8000-0000000000f2";
  c.owner.email = email;
  c.owner.first_name = "Founder";
  return c;
}

TEST_F(MemberDecisionTest, AnOrgFoundedWithItsOwnerIsOneDecisionOrNothing) {
  EXPECT_TRUE(Refused(Decide(Command{As(kOwner), Founding("School 0", "f@example.com")}),
                      "site_admin_only"));
  // A taken email refuses the whole command: no org is left behind.
  const std::string taken = std::string(kAnn).substr(24) + "@example.com";
  EXPECT_TRUE(Refused(Decide(Command{Site(), Founding("School 0", taken)}), "email_taken"));
  Result<Decision> d = Try(Command{Site(), Founding("School 0", "F@Example.com")});
  ASSERT_OK(d);
  OrgRecord o;
  ASSERT_OK(OrgReader(state_.model(OrgProjection::kName)).Find("school-0", &o));
  EXPECT_EQ(o.title, "School 0");
  EXPECT_EQ(d->result.id, std::to_string(o.id));  // the result is the org
  AccountRecord a;
  ASSERT_OK(AccountReader(state_.model(AccountProjection::kName))
                .Find("00000000-0000-4000-8000-0000000000f2", &a));
  EXPECT_EQ(a.home_org_id, o.id);
  EXPECT_EQ(a.email, "f@example.com");
  MemberRecord m;
  ASSERT_OK(Members().Find(o.id, a.id, &m));
  EXPECT_EQ(m.role, "owner");
  EXPECT_FALSE(m.external());
}

TEST_F(MemberDecisionTest, ADerivedNameIsTheTitlesSlugWithTheFirstFreeSuffix) {
  EXPECT_EQ(SlugOfTitle("School 0"), "school-0");
  EXPECT_EQ(SlugOfTitle("  Über--Café!! 2024 "), "ber-caf-2024");
  EXPECT_EQ(SlugOfTitle("2024"), "org-2024");
  EXPECT_EQ(SlugOfTitle("!!!"), "org");
  EXPECT_EQ(SlugOfTitle(std::string(100, 'a')), std::string(32, 'a'));
  EXPECT_EQ(SlugOfTitle("abcdefghijklmnopqrstuvwxyz012345 6"), "abcdefghijklmnopqrstuvwxyz012345");
  auto create = [&](const std::string& uuid_tail, const std::string& title) {
    CreateOrg c;
    c.uuid = "00000000-0000-4000-8000-0000000001" + uuid_tail;
    c.title = title;
    c.derive_name = true;
    Result<Decision> d = Try(Command{Site(), c});
    EXPECT_OK(d);
    OrgRecord o;
    if (d.ok()) {
      EXPECT_OK(OrgReader(state_.model(OrgProjection::kName)).Find(d->result.id, &o));
    }
    return o.name;
  };
  EXPECT_EQ(create("01", "School 0"), "school-0");
  EXPECT_EQ(create("02", "school 0"), "school-0-2");
  EXPECT_EQ(create("03", "SCHOOL-0"), "school-0-3");
  EXPECT_EQ(create("04", "Acme"), "acme-2");  // "acme" is the fixture's
  // A freed name is taken again first.
  ASSERT_OK(Try(test::MakeDeleteOrg("school-0-2")));
  EXPECT_EQ(create("05", "School 0"), "school-0-2");
  // Derived names want a title and no name of their own.
  CreateOrg both;
  both.uuid = "00000000-0000-4000-8000-000000000199";
  both.name = "x";
  both.title = "X";
  both.derive_name = true;
  EXPECT_TRUE(Refused(Decide(Command{Site(), both}), "invalid_name"));
  both.name.clear();
  both.title.clear();
  EXPECT_TRUE(Refused(Decide(Command{Site(), both}), "invalid_title"));
}

TEST_F(MemberDecisionTest, HomeOrgDecidesExternalAndAnOrgAdminCreatesAccountsAtHome) {
  CreateOrgAccount c;
  c.org = "acme";
  c.account.account_id = "00000000-0000-4000-8000-000000000100";
  c.account.email = "New@Example.com";
  c.account.first_name = "New";
  c.role = "teacher";
  Result<Decision> d = Try(Command{As(kAdmin), c});
  ASSERT_OK(d);
  MemberRecord m;
  ASSERT_OK(Entry(c.account.account_id, &m));
  EXPECT_FALSE(m.external());
  EXPECT_EQ(m.email, "new@example.com");
  EXPECT_EQ(m.role, "teacher");
  ASSERT_OK(Entry(kAdmin, &m));
  EXPECT_TRUE(m.external()) << "a member whose home org is none is external";
  // A teacher (no manage_members) cannot; nor can an admin grant above itself.
  c.account.account_id = "00000000-0000-4000-8000-000000000101";
  c.account.email = "other@example.com";
  EXPECT_TRUE(Refused(Decide(Command{As(kTeacher), c}), "missing_capability"));
  c.role = "owner";
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), c}), "rank_too_high"));
  AccountRecord none;
  EXPECT_TRUE(AccountReader(state_.model(AccountProjection::kName))
                  .Find(c.account.account_id, &none)
                  .IsNotFound())
      << "a refused org account creates no account";
}

TEST_F(MemberDecisionTest, ACollaboratorWhoIsNotAMemberIsListedAsExternal) {
  const uint64_t acme = Org("acme");
  auto collab = [&](const std::string& project, const std::string& account) {
    Decision d;
    ProjectCollaboratorSet e;
    e.org_id = acme;
    e.project_id = project;
    e.account_id = account;
    e.role = "editor";
    e.first_name = "Out";
    e.email = "out@example.com";
    d.events.push_back(MakeEvent(ProjectsStream(acme), e));
    return d;
  };
  ASSERT_OK(state_.Commit(collab("p1", kOut), Site()));
  ASSERT_OK(state_.Commit(collab("p2", kOut), Site()));
  MemberRecord m;
  ASSERT_OK(Entry(kOut, &m));
  EXPECT_EQ(m.role, "external");
  EXPECT_TRUE(m.external());
  uint64_t entries = 0, members = 0;
  ASSERT_OK(Members().EntryCount(acme, &entries));
  ASSERT_OK(Members().MemberCount(acme, &members));
  EXPECT_EQ(entries, 4u);
  EXPECT_EQ(members, 3u);
  // Made a member, then removed: back to external while a collaboration lasts.
  Given(Command{As(kAdmin), Put(kOut, "viewer")});
  EXPECT_EQ(RoleOf(kOut), "viewer");
  Given(Command{As(kAdmin), RemoveMember{"acme", kOut}});
  EXPECT_EQ(RoleOf(kOut), "external");
  Decision removed;
  removed.events.push_back(
      MakeEvent(ProjectsStream(acme), ProjectCollaboratorRemoved{acme, "p1", kOut}));
  ASSERT_OK(state_.Commit(removed, Site()));
  EXPECT_EQ(RoleOf(kOut), "external");
  Decision gone;
  gone.events.push_back(MakeEvent(ProjectsStream(acme), ProjectDeleted{acme, "p2"}));
  ASSERT_OK(state_.Commit(gone, Site()));
  EXPECT_TRUE(Entry(kOut, &m).IsNotFound());
  ASSERT_OK(Members().EntryCount(acme, &entries));
  EXPECT_EQ(entries, 3u);
}

TEST_F(MemberDecisionTest, DeletingAnOrgOrAnAccountTakesItsEntriesAlong) {
  Given(Command{Site(), Put(kAnn)});
  PutMember beta = Put(kAnn);
  beta.org = "beta";
  Given(Command{Site(), beta});
  uint64_t n = 0;
  ASSERT_OK(Members().OrgCount(kAnn, &n));
  EXPECT_EQ(n, 2u);
  const uint64_t acme = Org("acme");
  Given(test::MakeDeleteOrg("acme"));
  ASSERT_OK(Members().OrgCount(kAnn, &n));
  EXPECT_EQ(n, 1u);
  ASSERT_OK(Members().MemberCount(acme, &n));
  EXPECT_EQ(n, 0u);
  MemberReader::OrgsPage page;
  ASSERT_OK(Members().AccountOrgs(kAnn, 0, 10, &page));
  ASSERT_EQ(page.entries.size(), 1u);
  EXPECT_NE(page.entries[0].find("\"org\":\"beta\""), std::string::npos) << page.entries[0];
  Given(Command{Site(), DeleteAccount{kAnn}});
  ASSERT_OK(Members().OrgCount(kAnn, &n));
  EXPECT_EQ(n, 0u);
  MemberRecord m;
  EXPECT_TRUE(Entry(kAnn, &m, "beta").IsNotFound());
}

TEST_F(MemberDecisionTest, AnAccountsNewNameReachesEveryEntryOfIt) {
  Given(Command{Site(), Put(kAnn)});
  UpdateAccount u;
  u.account = kAnn;
  u.first_name = "Anna";
  u.home_org = "acme";
  Given(Command{Site(), u});
  MemberRecord m;
  ASSERT_OK(Entry(kAnn, &m));
  EXPECT_EQ(m.first_name, "Anna");
  EXPECT_FALSE(m.external());
}

TEST_F(MemberDecisionTest, BadValuesAreRefusedBeforeDeciding) {
  PutMember p = Put(kAnn);
  p.content_permission = "everything";
  EXPECT_TRUE(Command(Site(), p).Validate().IsInvalidArgument());
  p = Put(kAnn, "Not A Role");
  EXPECT_TRUE(Command(Site(), p).Validate().IsInvalidArgument());
  EXPECT_TRUE(Refused(Decide(Command{Site(), Put(kAnn, "nosuchrole")}), "unknown_role"));
  EXPECT_TRUE(Refused(Decide(Command{Site(), Put(kAnn, "external")}), "unknown_role"));
  DefineRole r{"acme", "x", {"fly"}, 10};
  EXPECT_TRUE(Command(Site(), r).Validate().IsInvalidArgument());
  r = DefineRole{"acme", "x", {}, 0};
  EXPECT_TRUE(Command(Site(), r).Validate().IsInvalidArgument());
  BatchMemberships b;
  EXPECT_TRUE(Command(Site(), b).Validate().IsInvalidArgument());
}

}  // namespace
}  // namespace orgd
