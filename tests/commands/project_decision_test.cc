// The decisions of the group, project and collaborator commands against a
// state held in memory (FoldedState): who may (manage_projects), owner kinds,
// a group that owns projects, collaborator roles, and what the projects and
// members models show afterwards (external collaborators, the cascades of
// ProjectDeleted, AccountDeleted and OrgDeleted).
#include "src/commands/projects/commands.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "src/commands/accounts/commands.h"
#include "src/commands/members/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/events/project_events.h"
#include "src/projections/members/member_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "src/projections/projects/project_projection.h"
#include "storage/keys.h"
#include "tests/commands/folded_state.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

constexpr char kAdmin[] = "00000000-0000-4000-8000-00000000000a";
constexpr char kEditor[] = "00000000-0000-4000-8000-00000000000b";
constexpr char kMember[] = "00000000-0000-4000-8000-00000000000c";
constexpr char kOut[] = "00000000-0000-4000-8000-00000000000d";
constexpr char kGroup[] = "10000000-0000-4000-8000-000000000001";
constexpr char kProject[] = "20000000-0000-4000-8000-000000000001";
constexpr char kOther[] = "20000000-0000-4000-8000-000000000002";

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

CreateProject NewProject(const std::string& id, std::optional<OwnerRef> owner = std::nullopt,
                         const std::string& org = "acme") {
  CreateProject c;
  c.org = org;
  c.project_id = id;
  c.name = "Project " + id.substr(std::min<size_t>(id.size(), 30));
  c.description = "about it";
  c.owner = std::move(owner);
  return c;
}

class ProjectDecisionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Given(test::MakeCreateOrg("acme"));
    Given(test::MakeCreateOrg("beta"));
    for (const char* id : {kAdmin, kEditor, kMember, kOut}) {
      CreateAccount a;
      a.account_id = id;
      a.email = std::string(id).substr(24) + "@example.com";
      a.first_name = "First";
      a.last_name = id;
      Given(Command{Site(), a});
    }
    Given(Command{Site(), Put(kAdmin, "admin")});
    Given(Command{Site(), Put(kEditor, "editor")});
    Given(Command{Site(), Put(kMember, "member")});
  }

  static PutMember Put(const std::string& account, const std::string& role,
                       const std::string& org = "acme") {
    PutMember p;
    p.org = org;
    p.account = account;
    p.role = role;
    return p;
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
  ProjectReader Projects() { return ProjectReader(state_.model(ProjectProjection::kName)); }
  std::string RoleInList(const std::string& account, const std::string& org = "acme") {
    MemberRecord m;
    Status s = MemberReader(state_.model(MemberProjection::kName)).Find(Org(org), account, &m);
    return s.ok() ? m.role : "(" + std::string(s.reason()) + ")";
  }
  std::vector<std::string> ModelKeys() {
    std::vector<std::string> keys;
    auto it = state_.model(ProjectProjection::kName).NewIterator();
    for (it->Seek(""); it->Valid(); it->Next()) keys.emplace_back(it->key());
    return keys;
  }

  FoldedState state_;
};

TEST_F(ProjectDecisionTest, ChangingGroupsAndProjectsTakesManageProjects) {
  // A member without manage_projects is refused; an outsider learns nothing.
  EXPECT_TRUE(Refused(Decide(Command{As(kMember), CreateGroup{"acme", kGroup, "Staff"}}),
                      "missing_capability"));
  EXPECT_TRUE(Refused(Decide(Command{As(kMember), NewProject(kProject)}), "missing_capability"));
  EXPECT_TRUE(Refused(Decide(Command{As(kOut), NewProject(kProject)}), "unknown_org"));
  EXPECT_TRUE(Refused(Decide(Command{As(kEditor), NewProject(kProject, std::nullopt, "beta")}),
                      "unknown_org"));
  // The editor role holds it.
  CommandResult made = Given(Command{As(kEditor), NewProject(kProject)});
  EXPECT_EQ(made.kind, CommandResult::Kind::kCreated);
  EXPECT_EQ(made.entity, ProjectProjection::kProjectEntity);
  EXPECT_EQ(made.id, std::to_string(Org("acme")) + "/" + kProject);
  EXPECT_EQ(made.stream, ProjectsStream(Org("acme")));
  ProjectRecord p;
  ASSERT_OK(Projects().FindProject(Org("acme"), kProject, &p));
  EXPECT_EQ(p.owner_kind, "org");
  EXPECT_EQ(p.owner_id, "");
  EXPECT_EQ(p.created_by, "key:of-" + std::string(kEditor));

  UpdateProject rename{"acme", kProject, "Renamed", std::nullopt, std::nullopt};
  EXPECT_TRUE(Refused(Decide(Command{As(kMember), rename}), "missing_capability"));
  EXPECT_TRUE(
      Refused(Decide(Command{As(kMember), DeleteProject{"acme", kProject}}), "missing_capability"));
  EXPECT_TRUE(
      Refused(Decide(Command{As(kMember), SetCollaborator{"acme", kProject, kOut, "viewer"}}),
              "missing_capability"));
  EXPECT_TRUE(Refused(Decide(Command{As(kOut), DeleteProject{"acme", kProject}}), "unknown_org"));
  Given(Command{As(kAdmin), rename});
  ASSERT_OK(Projects().FindProject(Org("acme"), kProject, &p));
  EXPECT_EQ(p.name, "Renamed");
  // Unknown ids are NotFound; a change to nothing appends nothing.
  EXPECT_TRUE(
      Refused(Decide(Command{As(kAdmin), DeleteProject{"acme", kOther}}), "unknown_project"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), DeleteGroup{"acme", kGroup}}), "unknown_group"));
  Result<Decision> same = Decide(Command{As(kAdmin), rename});
  ASSERT_OK(same);
  EXPECT_TRUE(same->events.empty());
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), UpdateProject{"acme", kProject, std::nullopt,
                                                               std::nullopt, std::nullopt}}),
                      "empty_update"));
}

TEST_F(ProjectDecisionTest, AGroupCannotBeDeletedWhileItOwnsAProject) {
  Given(Command{As(kEditor), CreateGroup{"acme", kGroup, "Staff"}});
  EXPECT_TRUE(
      Refused(Decide(Command{As(kEditor), CreateGroup{"acme", kGroup, "Again"}}), "group_exists"));
  Given(Command{As(kEditor), NewProject(kProject, OwnerRef{"group", kGroup})});
  bool owns = false;
  ASSERT_OK(Projects().GroupHasProjects(Org("acme"), kGroup, &owns));
  EXPECT_TRUE(owns);
  EXPECT_TRUE(
      Refused(Decide(Command{As(kAdmin), DeleteGroup{"acme", kGroup}}), "group_has_projects"));
  // Moved to the org, the group owns nothing and may go.
  Given(Command{As(kEditor),
                UpdateProject{"acme", kProject, std::nullopt, std::nullopt, OwnerRef{"org", ""}}});
  ASSERT_OK(Projects().GroupHasProjects(Org("acme"), kGroup, &owns));
  EXPECT_FALSE(owns);
  CommandResult gone = Given(Command{As(kEditor), DeleteGroup{"acme", kGroup}});
  EXPECT_EQ(gone.kind, CommandResult::Kind::kDeleted);
  GroupRecord g;
  EXPECT_TRUE(Projects().FindGroup(Org("acme"), kGroup, &g).IsNotFound());
  uint64_t groups = 9;
  ASSERT_OK(Projects().GroupCount(Org("acme"), &groups));
  EXPECT_EQ(groups, 0u);
  // Deleting the owned project frees a group too.
  Given(Command{As(kEditor), CreateGroup{"acme", "10000000-0000-4000-8000-000000000002", "B"}});
  Given(Command{As(kEditor),
                NewProject(kOther, OwnerRef{"group", "10000000-0000-4000-8000-000000000002"})});
  Given(Command{As(kEditor), DeleteProject{"acme", kOther}});
  Given(Command{As(kEditor), DeleteGroup{"acme", "10000000-0000-4000-8000-000000000002"}});
}

TEST_F(ProjectDecisionTest, OwnerKindsAreValidated) {
  Given(Command{As(kAdmin), CreateGroup{"acme", kGroup, "Staff"}});
  // Stateless: the kind and its id.
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"team", "x"})}),
                      "bad_owner"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"group", ""})}),
                      "bad_owner"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"account", ""})}),
                      "bad_owner"));
  // Against state: the group must exist in this org, the account must be a member of it.
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"group", kOther})}),
                      "unknown_group"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"account", kOut})}),
                      "not_a_member"));
  EXPECT_TRUE(Refused(
      Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"account", "no@example.com"})}),
      "unknown_account"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"org", "beta"})}),
                      "bad_owner"));
  // A group of another org is unknown here.
  Given(Command{Site(), CreateGroup{"beta", "10000000-0000-4000-8000-0000000000bb", "Beta"}});
  EXPECT_TRUE(
      Refused(Decide(Command{As(kAdmin), NewProject(kProject, OwnerRef{"group",
                                                                       "10000000-0000-4000-8000-"
                                                                       "0000000000bb"})}),
              "unknown_group"));
  // Each valid kind; an account named by email is recorded by id.
  Given(Command{As(kAdmin), NewProject(kProject, OwnerRef{"account", "00000000000c@example.com"})});
  ProjectRecord p;
  ASSERT_OK(Projects().FindProject(Org("acme"), kProject, &p));
  EXPECT_EQ(p.owner_kind, "account");
  EXPECT_EQ(p.owner_id, kMember);
  Given(Command{As(kAdmin), NewProject(kOther, OwnerRef{"org", std::to_string(Org("acme"))})});
  ASSERT_OK(Projects().FindProject(Org("acme"), kOther, &p));
  EXPECT_EQ(p.owner_kind, "org");
  Given(Command{As(kAdmin), UpdateProject{"acme", kOther, std::nullopt, std::nullopt,
                                          OwnerRef{"group", kGroup}}});
  ProjectReader::Page<ProjectRecord> page;
  ASSERT_OK(Projects().ListProjects(Org("acme"), {"group", kGroup}, {}, &page));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, kOther);
  ASSERT_OK(Projects().ListProjects(Org("acme"), {"account", kMember}, {}, &page));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, kProject);
  ASSERT_OK(Projects().ListProjects(Org("acme"), {"org", ""}, {}, &page));
  EXPECT_TRUE(page.items.empty());
  // New ids must be UUIDs (the surface makes them).
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), NewProject("p1")}), "invalid_uuid"));
}

TEST_F(ProjectDecisionTest, CollaboratorRolesAreValidatedAndSetIsAnUpsert) {
  Given(Command{As(kAdmin), NewProject(kProject)});
  for (const char* bad : {"", "admin", "Owner", "member"}) {
    EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), SetCollaborator{"acme", kProject, kOut, bad}}),
                        "unknown_role"))
        << bad;
  }
  EXPECT_TRUE(Refused(
      Decide(Command{As(kAdmin), SetCollaborator{"acme", kProject, "no@example.com", "viewer"}}),
      "unknown_account"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), SetCollaborator{"acme", kOther, kOut, "viewer"}}),
                      "unknown_project"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), RemoveCollaborator{"acme", kProject, kOut}}),
                      "not_a_collaborator"));
  Result<Decision> added = Try(
      Command{As(kAdmin), SetCollaborator{"acme", kProject, "00000000000d@example.com", "viewer"}});
  ASSERT_OK(added);
  EXPECT_EQ(added->result.kind, CommandResult::Kind::kCreated);
  ASSERT_EQ(added->events.size(), 1u);
  ProjectCollaboratorSet e;
  EventEnvelope env;
  env.type = added->events[0].type;
  env.schema_version = added->events[0].schema_version;
  env.payload = added->events[0].payload;
  ASSERT_OK(DecodeAs(env, &e));
  EXPECT_EQ(e.account_id, kOut);  // by id, though named by email
  EXPECT_EQ(e.email, "00000000000d@example.com");
  EXPECT_EQ(e.first_name, "First");
  EXPECT_EQ(e.last_name, kOut);
  for (const char* role : {"editor", "owner"}) {
    Result<Decision> changed =
        Try(Command{As(kAdmin), SetCollaborator{"acme", kProject, kOut, role}});
    ASSERT_OK(changed);
    EXPECT_EQ(changed->result.kind, CommandResult::Kind::kChanged);
    CollaboratorRecord c;
    ASSERT_OK(Projects().FindCollaborator(Org("acme"), kProject, kOut, &c));
    EXPECT_EQ(c.role, role);
  }
  Result<Decision> same =
      Decide(Command{As(kAdmin), SetCollaborator{"acme", kProject, kOut, "owner"}});
  ASSERT_OK(same);
  EXPECT_TRUE(same->events.empty());
  EXPECT_EQ(same->result.kind, CommandResult::Kind::kChanged);
}

TEST_F(ProjectDecisionTest, ANonMemberCollaboratorIsExternalUntilItsLastCollaborationEnds) {
  Given(Command{As(kAdmin), NewProject(kProject)});
  Given(Command{As(kAdmin), NewProject(kOther)});
  Given(Command{As(kAdmin), SetCollaborator{"acme", kProject, kOut, "editor"}});
  Given(Command{As(kAdmin), SetCollaborator{"acme", kOther, kOut, "viewer"}});
  Given(Command{As(kAdmin), SetCollaborator{"acme", kProject, kMember, "owner"}});
  EXPECT_EQ(RoleInList(kOut), "external");
  EXPECT_EQ(RoleInList(kMember), "member");  // a member keeps its role
  Given(Command{As(kAdmin), RemoveCollaborator{"acme", kProject, kOut}});
  EXPECT_EQ(RoleInList(kOut), "external");  // still on the other project
  // Deleting a project takes its collaborators along, in both models.
  Given(Command{As(kAdmin), DeleteProject{"acme", kOther}});
  EXPECT_EQ(RoleInList(kOut), "(not_a_member)");
  CollaboratorRecord c;
  EXPECT_TRUE(Projects().FindCollaborator(Org("acme"), kOther, kOut, &c).IsNotFound());
  Given(Command{As(kAdmin), DeleteProject{"acme", kProject}});
  EXPECT_EQ(RoleInList(kMember), "member");
  // Projects, indexes and counts: all gone.
  EXPECT_TRUE(ModelKeys().empty()) << ModelKeys().size() << " keys left";
}

TEST_F(ProjectDecisionTest, DeletingAnAccountOrAnOrgTakesItsEntriesAlong) {
  const uint64_t acme = Org("acme"), beta = Org("beta");
  Given(Command{As(kAdmin), CreateGroup{"acme", kGroup, "Staff"}});
  Given(Command{As(kAdmin), NewProject(kProject, OwnerRef{"group", kGroup})});
  Given(Command{As(kAdmin), SetCollaborator{"acme", kProject, kOut, "editor"}});
  Given(Command{As(kAdmin), SetCollaborator{"acme", kProject, kMember, "viewer"}});
  Given(Command{Site(), NewProject(kOther, std::nullopt, "beta")});
  Given(Command{Site(), SetCollaborator{"beta", kOther, kMember, "viewer"}});
  Given(Command{Site(), SetCollaborator{"beta", kOther, kOut, "viewer"}});

  Given(Command{Site(), DeleteAccount{kOut}});
  CollaboratorRecord c;
  EXPECT_TRUE(Projects().FindCollaborator(acme, kProject, kOut, &c).IsNotFound());
  EXPECT_TRUE(Projects().FindCollaborator(beta, kOther, kOut, &c).IsNotFound());
  ProjectReader::Page<CollaboratorRecord> collaborators;
  ASSERT_OK(Projects().ListCollaborators(acme, kProject, {}, &collaborators));
  ASSERT_EQ(collaborators.items.size(), 1u);
  EXPECT_EQ(collaborators.items[0].account_id, kMember);
  for (const auto& k : ModelKeys()) EXPECT_EQ(k.find(kOut), std::string::npos);

  Given(test::MakeDeleteOrg("acme"));
  // Only beta's keys remain: its project, its owner index, its count, one
  // collaborator and that collaborator's account index entry.
  const std::vector<std::string> keys = ModelKeys();
  EXPECT_EQ(keys.size(), 5u);
  for (const auto& k : keys) {
    const size_t at = k[0] == 'a' ? 1 + 36 : 1;
    ASSERT_GE(k.size(), at + 8) << k;
    EXPECT_EQ(storage::DecodeBE64(std::string_view(k).substr(at, 8)), beta) << k;
  }
  uint64_t n = 9;
  ASSERT_OK(Projects().ProjectCount(acme, &n));
  EXPECT_EQ(n, 0u);
  ASSERT_OK(Projects().ProjectCount(beta, &n));
  EXPECT_EQ(n, 1u);
  // A new org of the same name starts with nothing.
  Given(test::MakeCreateOrg("acme"));
  ProjectReader::Page<ProjectRecord> page;
  ASSERT_OK(Projects().ListProjects(Org("acme"), {}, {}, &page));
  EXPECT_TRUE(page.items.empty());
}

TEST_F(ProjectDecisionTest, StatelessChecksRefuseBadShapes) {
  const uint64_t before = state_.position();
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), CreateGroup{"acme", kGroup, ""}}), "bad_field"));
  EXPECT_TRUE(
      Refused(Decide(Command{As(kAdmin), CreateGroup{"acme", kGroup, "a\nb"}}), "bad_field"));
  EXPECT_TRUE(
      Refused(Decide(Command{As(kAdmin), CreateGroup{"acme", kGroup, std::string(101, 'g')}}),
              "bad_field"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), CreateGroup{"", kGroup, "G"}}), "bad_org"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), UpdateGroup{"acme", kGroup, std::nullopt}}),
                      "empty_update"));
  CreateProject long_text = NewProject(kProject);
  long_text.description = std::string(4001, 'd');
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), long_text}), "bad_field"));
  CreateProject unnamed = NewProject(kProject);
  unnamed.name.clear();
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), unnamed}), "bad_field"));
  EXPECT_TRUE(Refused(Decide(Command{As(kAdmin), SetCollaborator{"acme", kProject, "", "viewer"}}),
                      "bad_account"));
  EXPECT_EQ(state_.position(), before);
}

}  // namespace
}  // namespace orgd
