#include "src/commands/orgs/commands.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/sha256.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/core/command.h"
#include "src/commands/credentials/commands.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "src/projections/core/projection.h"
#include "src/projections/credentials/credential_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "storage/kv/memory_model.h"
#include "tests/commands/folded_state.h"
#include "tests/test_util.h"

// The decisions of the org and credential commands, against a state held in
// memory: no store, no writer. Earlier decisions' events are folded through
// the real projections into MemoryModels, so a decision reads exactly what it
// would read in the writer.

namespace orgd {
namespace {

CommandMeta SiteAdmin() { return test::AdminMeta("key:admin"); }

CommandMeta Member() {
  CommandMeta m;
  m.actor = "key:member";
  m.site_admin = false;
  m.request_id = "req-member";
  return m;
}

CommandMeta System() {
  CommandMeta m;
  m.actor = "system";
  m.request_id = "bootstrap";
  return m;
}

CommandMeta WithIfMatch(CommandMeta m, uint64_t version) {
  m.if_match = version;
  return m;
}

std::string HashOf(std::string_view secret) { return ToHex(Sha256Of(secret)); }

IssueApiKey SiteAdminKey(std::string key_id) {
  IssueApiKey k;
  k.key_id = key_id;
  k.key_sha256 = HashOf("sk-secret-of-" + key_id);
  k.site_admin = true;
  k.label = "site admin " + key_id;
  return k;
}

IssueApiKey AccountKey(std::string key_id) {
  IssueApiKey k = SiteAdminKey(std::move(key_id));
  k.site_admin = false;
  k.account_id = "acc-1";
  k.scope = "account";
  k.label = "account key";
  return k;
}

// Passes when s failed with this code test and reason.
::testing::AssertionResult FailedWith(const Status& s, bool (Status::*is)() const,
                                      std::string_view reason = {}) {
  if (!(s.*is)() || s.reason() != reason) {
    return ::testing::AssertionFailure()
           << "got " << s.ToString() << " (reason '" << s.reason() << "'), wanted reason '"
           << reason << "'";
  }
  return ::testing::AssertionSuccess();
}

class DecisionTest : public ::testing::Test {
 protected:
  Result<Decision> Decide(const Command& cmd) { return cmd.Decide(state_); }

  // Decides cmd and commits its events; the result as the decision gave it.
  CommandResult Given(const Command& cmd) {
    Result<Decision> d = cmd.Decide(state_);
    EXPECT_OK(d) << cmd.name();
    if (!d.ok()) return {};
    EXPECT_OK(state_.Commit(*d, cmd.meta)) << cmd.name();
    return d->result;
  }
  // An org named name, created by a site admin; returns its id.
  uint64_t GivenOrg(const std::string& name) {
    return std::stoull(Given(test::MakeCreateOrg(name, SiteAdmin())).id);
  }
  void GivenOrgRetitled(const std::string& org, const std::string& title) {
    Given(test::MakeUpdateOrgTitle(org, title, std::nullopt, SiteAdmin()));
  }
  void GivenOrgDeleted(const std::string& org) { Given(test::MakeDeleteOrg(org, SiteAdmin())); }
  void GivenKey(IssueApiKey key) { Given(Command{System(), std::move(key)}); }
  void GivenAccount(const std::string& id) {
    CreateAccount a;
    a.account_id = id;
    a.email = id + "@example.com";
    Given(Command{SiteAdmin(), std::move(a)});
  }

  OrgRecord Org(std::string_view ref) {
    OrgRecord org;
    EXPECT_OK(OrgReader(state_.model(OrgProjection::kName)).Find(ref, &org)) << ref;
    return org;
  }
  uint64_t SiteAdminKeys() {
    uint64_t n = 0;
    EXPECT_OK(CredentialReader(state_.model(CredentialProjection::kName)).SiteAdminCount(&n));
    return n;
  }

  FoldedState state_;
};

// ------------------------------------------------------------- CreateOrg

TEST_F(DecisionTest, CreateOrgBySiteAdminYieldsOneOrgCreatedOnTheNextIdsStream) {
  GivenOrg("first");
  GivenOrg("second");
  GivenOrgDeleted("second");  // ids are never reused: the next is 3

  CreateOrg c;
  c.uuid = "6f1c2a9e-4b7d-4e0a-9c3b-2d5e8f1a7b40";
  c.name = "acme";
  c.title = "Acme";
  c.email_address = "ops@acme.example";
  Result<Decision> d = Decide(Command{SiteAdmin(), c});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  const NewEvent& e = d->events[0];
  EXPECT_EQ(e.stream_id, "org-3");
  EXPECT_EQ(e.type, OrgCreated::kType);
  EXPECT_EQ(e.schema_version, OrgCreated::kVersion);
  OrgCreated created;
  ASSERT_OK(FromPayload(e.payload, e.schema_version, &created));
  EXPECT_EQ(created.id, 3u);
  EXPECT_EQ(created.uuid, c.uuid);
  EXPECT_EQ(created.name, "acme");
  EXPECT_EQ(created.title, "Acme");
  EXPECT_EQ(created.email_address, "ops@acme.example");
  EXPECT_EQ(created.created_by, "key:admin");
  ASSERT_EQ(d->expected.size(), 1u);
  EXPECT_EQ(d->expected[0].stream_id, "org-3");
  EXPECT_EQ(d->expected[0].version, 0u);
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kCreated);
  EXPECT_EQ(d->result.entity, "org");
  EXPECT_EQ(d->result.id, "3");
  EXPECT_EQ(d->result.stream, "org-3");

  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  OrgRecord acme = Org("acme");
  EXPECT_EQ(acme.id, 3u);
  EXPECT_EQ(acme.version, 1u);
  EXPECT_EQ(Org("3").name, "acme");
}

TEST_F(DecisionTest, TheFirstOrgGetsIdOne) {
  Result<Decision> d = Decide(test::MakeCreateOrg("acme", SiteAdmin()));
  ASSERT_OK(d);
  EXPECT_EQ(d->result.id, "1");
  EXPECT_EQ(d->events.at(0).stream_id, "org-1");
}

TEST_F(DecisionTest, CreateOrgByANonAdminIsForbidden) {
  Result<Decision> d = Decide(test::MakeCreateOrg("acme", Member()));
  EXPECT_TRUE(FailedWith(d.status(), &Status::IsForbidden));
}

TEST_F(DecisionTest, CreateOrgWithATakenNameIsConflictNameTaken) {
  GivenOrg("acme");
  Result<Decision> d = Decide(test::MakeCreateOrg("acme", SiteAdmin()));
  EXPECT_TRUE(FailedWith(d.status(), &Status::IsConflict, "name_taken"));
}

TEST_F(DecisionTest, ADeletedOrgsNameIsFreeAgain) {
  GivenOrg("acme");
  GivenOrgDeleted("acme");
  Result<Decision> d = Decide(test::MakeCreateOrg("acme", SiteAdmin()));
  ASSERT_OK(d);
  EXPECT_EQ(d->result.id, "2");
}

TEST_F(DecisionTest, CreateOrgWithIfMatchCannotHold) {
  Result<Decision> d = Decide(test::MakeCreateOrg("acme", WithIfMatch(SiteAdmin(), 1)));
  EXPECT_TRUE(FailedWith(d.status(), &Status::IsPreconditionFailed, "version_mismatch"));
}

// ------------------------------------------------------ UpdateOrg/DeleteOrg

TEST_F(DecisionTest, UpdateOrgYieldsOrgUpdatedWithOnlyTheGivenFields) {
  const uint64_t id = GivenOrg("acme");
  GivenOrgRetitled("acme", "Acme 2");  // version 2
  UpdateOrg u;
  u.org = "acme";
  u.link = "";  // clears the link
  u.description = "Rockets";
  Result<Decision> d = Decide(Command{SiteAdmin(), u});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].stream_id, OrgStream(id));
  EXPECT_EQ(d->events[0].type, OrgUpdated::kType);
  OrgUpdated updated;
  ASSERT_OK(FromPayload(d->events[0].payload, d->events[0].schema_version, &updated));
  EXPECT_EQ(updated.id, id);
  EXPECT_EQ(updated.title, std::nullopt);
  EXPECT_EQ(updated.email_address, std::nullopt);
  EXPECT_EQ(updated.link, std::string());
  EXPECT_EQ(updated.description, "Rockets");
  ASSERT_EQ(d->expected.size(), 1u);
  EXPECT_EQ(d->expected[0].stream_id, OrgStream(id));
  EXPECT_EQ(d->expected[0].version, 2u);
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kChanged);
  EXPECT_EQ(d->result.entity, "org");
  EXPECT_EQ(d->result.id, std::to_string(id));
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  OrgRecord acme = Org(std::to_string(id));
  EXPECT_EQ(acme.title, "Acme 2");
  EXPECT_EQ(acme.description, "Rockets");
  EXPECT_EQ(acme.version, 3u);
}

TEST_F(DecisionTest, UpdateOrDeleteOfAnUnknownOrgIsNotFound) {
  GivenOrg("acme");
  for (const std::string& ref : {std::string("nope"), std::string("2"), std::string("999")}) {
    EXPECT_TRUE(FailedWith(Decide(test::MakeUpdateOrgTitle(ref, "x", std::nullopt, SiteAdmin()))
                               .status(),
                           &Status::IsNotFound, "unknown_org"))
        << ref;
    EXPECT_TRUE(FailedWith(Decide(test::MakeDeleteOrg(ref, SiteAdmin())).status(),
                           &Status::IsNotFound, "unknown_org"))
        << ref;
  }
  GivenOrgDeleted("acme");
  EXPECT_TRUE(FailedWith(Decide(test::MakeDeleteOrg("acme", SiteAdmin())).status(),
                         &Status::IsNotFound, "unknown_org"));
  EXPECT_TRUE(FailedWith(Decide(test::MakeDeleteOrg("1", SiteAdmin())).status(),
                         &Status::IsNotFound, "unknown_org"));
}

TEST_F(DecisionTest, UpdateOrDeleteByAnOutsiderIsNotFound) {
  GivenOrg("acme");
  // Member() is no member of acme: it learns nothing of the org.
  EXPECT_TRUE(FailedWith(
      Decide(test::MakeUpdateOrgTitle("acme", "x", std::nullopt, Member())).status(),
      &Status::IsNotFound, "unknown_org"));
  EXPECT_TRUE(FailedWith(Decide(test::MakeDeleteOrg("acme", Member())).status(),
                         &Status::IsNotFound, "unknown_org"));
}

TEST_F(DecisionTest, AStaleIfMatchIsPreconditionFailedCarryingTheCurrentVersion) {
  GivenOrg("acme");
  GivenOrgRetitled("acme", "Two");
  GivenOrgRetitled("acme", "Three");  // version 3
  for (uint64_t stale : {0u, 1u, 2u, 4u}) {
    Status update = Decide(test::MakeUpdateOrgTitle("acme", "x", stale, SiteAdmin())).status();
    EXPECT_TRUE(FailedWith(update, &Status::IsPreconditionFailed, "version_mismatch")) << stale;
    EXPECT_EQ(update.current_version(), 3u) << stale;
    Status del = Decide(test::MakeDeleteOrg("acme", WithIfMatch(SiteAdmin(), stale))).status();
    EXPECT_TRUE(FailedWith(del, &Status::IsPreconditionFailed, "version_mismatch")) << stale;
    EXPECT_EQ(del.current_version(), 3u) << stale;
  }
  EXPECT_OK(Decide(test::MakeUpdateOrgTitle("acme", "x", 3, SiteAdmin())).status());
  EXPECT_OK(Decide(test::MakeDeleteOrg("acme", WithIfMatch(SiteAdmin(), 3))).status());
}

TEST_F(DecisionTest, DeleteOrgYieldsOrgDeletedAndADeletedResult) {
  const uint64_t id = GivenOrg("acme");
  GivenOrgRetitled("acme", "Two");
  Result<Decision> d = Decide(test::MakeDeleteOrg(std::to_string(id), SiteAdmin()));
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].stream_id, OrgStream(id));
  EXPECT_EQ(d->events[0].type, OrgDeleted::kType);
  OrgDeleted deleted;
  ASSERT_OK(FromPayload(d->events[0].payload, d->events[0].schema_version, &deleted));
  EXPECT_EQ(deleted.id, id);
  EXPECT_EQ(deleted.name, "acme");
  ASSERT_EQ(d->expected.size(), 1u);
  EXPECT_EQ(d->expected[0].version, 2u);
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kDeleted);
  EXPECT_EQ(d->result.entity, "org");
  EXPECT_EQ(d->result.id, std::to_string(id));
  EXPECT_EQ(d->result.stream, OrgStream(id));
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  OrgRecord gone;
  EXPECT_TRUE(OrgReader(state_.model(OrgProjection::kName)).Find("acme", &gone).IsNotFound());
}

// -------------------------------------------------------- credentials

TEST_F(DecisionTest, IssueApiKeyYieldsApiKeyIssuedOnTheKeysStream) {
  Result<Decision> d = Decide(Command{System(), SiteAdminKey("boot")});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].stream_id, "apikey-boot");
  EXPECT_EQ(d->events[0].type, ApiKeyIssued::kType);
  ApiKeyIssued issued;
  ASSERT_OK(FromPayload(d->events[0].payload, d->events[0].schema_version, &issued));
  EXPECT_EQ(issued.key_id, "boot");
  EXPECT_EQ(issued.key_sha256, HashOf("sk-secret-of-boot"));
  EXPECT_TRUE(issued.site_admin);
  ASSERT_EQ(d->expected.size(), 1u);
  EXPECT_EQ(d->expected[0].stream_id, "apikey-boot");
  EXPECT_EQ(d->expected[0].version, 0u);
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kCreated);
  EXPECT_EQ(d->result.entity, "api_key");
  EXPECT_EQ(d->result.id, "boot");
  ASSERT_OK(state_.Commit(*d, System()));
  EXPECT_EQ(SiteAdminKeys(), 1u);
}

TEST_F(DecisionTest, IssueApiKeyOfAnExistingHashIsConflictKeyExists) {
  GivenKey(SiteAdminKey("boot"));
  IssueApiKey same_secret = SiteAdminKey("other");
  same_secret.key_sha256 = HashOf("sk-secret-of-boot");
  EXPECT_TRUE(FailedWith(Decide(Command{System(), same_secret}).status(), &Status::IsConflict,
                         "key_exists"));
  IssueApiKey same_id = SiteAdminKey("boot");
  same_id.key_sha256 = HashOf("sk-another-secret");
  EXPECT_TRUE(
      FailedWith(Decide(Command{System(), same_id}).status(), &Status::IsConflict, "key_exists"));
}

TEST_F(DecisionTest, IssueApiKeyByANonAdminIsForbidden) {
  EXPECT_TRUE(
      FailedWith(Decide(Command{Member(), SiteAdminKey("k")}).status(), &Status::IsForbidden));
  EXPECT_OK(Decide(Command{SiteAdmin(), SiteAdminKey("k")}).status());
}

TEST_F(DecisionTest, RevokeApiKeyOfAnUnknownIdIsNotFound) {
  GivenKey(SiteAdminKey("boot"));
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), RevokeApiKey{"nope"}}).status(),
                         &Status::IsNotFound, "unknown_key"));
}

TEST_F(DecisionTest, RevokingTheOnlySiteAdminKeyIsConflict) {
  GivenKey(SiteAdminKey("boot"));
  GivenAccount("acc-1");
  GivenKey(AccountKey("member"));  // not a site admin: does not count
  Status s = Decide(Command{SiteAdmin(), RevokeApiKey{"boot"}}).status();
  EXPECT_TRUE(FailedWith(s, &Status::IsConflict, "last_site_admin_key"));
  EXPECT_EQ(SiteAdminKeys(), 1u);
}

TEST_F(DecisionTest, RevokingOneOfTwoSiteAdminKeysWorks) {
  GivenKey(SiteAdminKey("boot"));
  GivenKey(SiteAdminKey("second"));
  ASSERT_EQ(SiteAdminKeys(), 2u);
  Result<Decision> d = Decide(Command{SiteAdmin(), RevokeApiKey{"boot"}});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].stream_id, "apikey-boot");
  EXPECT_EQ(d->events[0].type, ApiKeyRevoked::kType);
  ApiKeyRevoked revoked;
  ASSERT_OK(FromPayload(d->events[0].payload, d->events[0].schema_version, &revoked));
  EXPECT_EQ(revoked.key_id, "boot");
  EXPECT_EQ(revoked.key_sha256, HashOf("sk-secret-of-boot"));
  EXPECT_EQ(revoked.revoked_by, "key:admin");
  ASSERT_EQ(d->expected.size(), 1u);
  EXPECT_EQ(d->expected[0].stream_id, "apikey-boot");
  EXPECT_EQ(d->expected[0].version, 1u);
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kDeleted);
  EXPECT_EQ(d->result.entity, "api_key");
  EXPECT_EQ(d->result.id, "boot");

  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  EXPECT_EQ(SiteAdminKeys(), 1u);
  Credential gone;
  EXPECT_TRUE(CredentialReader(state_.model(CredentialProjection::kName))
                  .FindBySha256(HashOf("sk-secret-of-boot"), &gone)
                  .IsNotFound());
  // Now "second" is the last one, and a revoked key is unknown.
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), RevokeApiKey{"second"}}).status(),
                         &Status::IsConflict, "last_site_admin_key"));
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), RevokeApiKey{"boot"}}).status(),
                         &Status::IsNotFound, "unknown_key"));
}

TEST_F(DecisionTest, AnAccountKeyIsRevokedEvenBesideASingleSiteAdminKey) {
  GivenKey(SiteAdminKey("boot"));
  GivenAccount("acc-1");
  GivenKey(AccountKey("member"));
  Result<Decision> d = Decide(Command{SiteAdmin(), RevokeApiKey{"member"}});
  ASSERT_OK(d);
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  EXPECT_EQ(SiteAdminKeys(), 1u);
}

// A key that is not the caller's own is as unknown to it as one that does not exist.
TEST_F(DecisionTest, RevokeOfAnotherKeyByANonAdminIsNotFound) {
  GivenKey(SiteAdminKey("boot"));
  GivenKey(SiteAdminKey("second"));
  EXPECT_TRUE(FailedWith(Decide(Command{Member(), RevokeApiKey{"boot"}}).status(),
                         &Status::IsNotFound, "unknown_key"));
}

// ------------------------------------------------------------- Validate()

CreateOrg Named(std::string name) {
  CreateOrg c;
  c.uuid = NewUuid();
  c.name = std::move(name);
  return c;
}

TEST(ValidateTest, AllDigitNamesAreRefusedSinceTheyReadAsIds) {
  for (std::string_view name : {"123", "0", "42", "0000000000"}) {
    EXPECT_TRUE(FailedWith(ValidateOrgName(name), &Status::IsInvalidArgument, "invalid_name"))
        << name;
    EXPECT_TRUE(FailedWith(Command(SiteAdmin(), Named(std::string(name))).Validate(),
                           &Status::IsInvalidArgument, "invalid_name"))
        << name;
  }
}

TEST(ValidateTest, NamesMixingDigitsAndLettersAreAccepted) {
  for (std::string_view name : {"a1", "1a", "2fa", "x-1", "1-2-a"}) {
    EXPECT_OK(ValidateOrgName(name)) << name;
    EXPECT_OK(Command(SiteAdmin(), Named(std::string(name))).Validate()) << name;
  }
}

TEST(ValidateTest, HyphensMustSitBetweenOtherCharacters) {
  for (std::string_view name : {"--", "-", "a--b", "-a", "a-"}) {
    EXPECT_TRUE(FailedWith(ValidateOrgName(name), &Status::IsInvalidArgument, "invalid_name"))
        << name;
  }
}

TEST(ValidateTest, AnUpdateThatChangesNothingIsEmptyUpdate) {
  UpdateOrg u;
  u.org = "acme";
  EXPECT_TRUE(FailedWith(Command(SiteAdmin(), u).Validate(), &Status::IsInvalidArgument,
                         "empty_update"));
  u.title = "";
  EXPECT_OK(Command(SiteAdmin(), u).Validate());
}

TEST(ValidateTest, CreateOrgNeedsAUuid) {
  CreateOrg c = Named("acme");
  c.uuid = "not-a-uuid";
  EXPECT_TRUE(
      FailedWith(Command(SiteAdmin(), c).Validate(), &Status::IsInvalidArgument, "invalid_uuid"));
}

}  // namespace
}  // namespace orgd
