#include "src/commands/orgs/commands.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/sha256.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/core/command.h"
#include "src/commands/credentials/commands.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "src/projections/accounts/account_projection.h"
#include "src/projections/credentials/credential_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "tests/commands/folded_state.h"
#include "tests/test_util.h"

// The decisions about an org's attributes (issue 15, item 1): the
// subscription that blocks deletion, quotas and usage, metadata and its
// bounds, org-scoped keys, and what an org's deletion takes with it, against
// a state held in memory.

namespace orgd {
namespace {

CommandMeta SiteAdmin() { return test::AdminMeta("key:admin"); }

CommandMeta Member() {
  CommandMeta m = test::AdminMeta("key:member");
  m.site_admin = false;
  return m;
}

::testing::AssertionResult FailedWith(const Status& s, bool (Status::*is)() const,
                                      std::string_view reason = {}) {
  if (!(s.*is)() || s.reason() != reason) {
    return ::testing::AssertionFailure() << "got " << s.ToString() << " (reason '" << s.reason()
                                         << "'), wanted reason '" << reason << "'";
  }
  return ::testing::AssertionSuccess();
}

template <typename E>
E OnlyEvent(const Decision& d) {
  E e;
  EXPECT_EQ(d.events.size(), 1u);
  if (d.events.empty()) return e;
  EXPECT_EQ(d.events[0].type, E::kType);
  EXPECT_OK(FromPayload(d.events[0].payload, d.events[0].schema_version, &e));
  return e;
}

class OrgAttributeDecisionTest : public ::testing::Test {
 protected:
  Result<Decision> Decide(const Command& cmd) {
    Status valid = cmd.Validate();
    if (!valid.ok()) return valid;
    return cmd.Decide(state_);
  }
  CommandResult Given(const Command& cmd) {
    Result<Decision> d = Decide(cmd);
    EXPECT_OK(d) << cmd.name();
    if (!d.ok()) return {};
    EXPECT_OK(state_.Commit(*d, cmd.meta)) << cmd.name();
    return d->result;
  }
  uint64_t GivenOrg(CreateOrg c) {
    c.uuid = NewUuid();
    return std::stoull(Given(Command{SiteAdmin(), std::move(c)}).id);
  }
  uint64_t GivenOrg(const std::string& name) {
    CreateOrg c;
    c.name = name;
    return GivenOrg(std::move(c));
  }
  void GivenMetadata(const std::string& org, const std::string& key, const std::string& value) {
    Given(Command{SiteAdmin(), SetOrgMetadata{org, key, value}});
  }
  OrgRecord Org(std::string_view ref) {
    OrgRecord org;
    EXPECT_OK(OrgReader(state_.model(OrgProjection::kName)).Find(ref, &org)) << ref;
    return org;
  }
  size_t MetadataCount(uint64_t id) {
    size_t n = 0;
    EXPECT_OK(OrgReader(state_.model(OrgProjection::kName)).MetadataCount(id, &n));
    return n;
  }
  Status FindKey(const std::string& key_id) {
    Credential c;
    return CredentialReader(state_.model(CredentialProjection::kName)).FindById(key_id, &c);
  }
  static IssueApiKey OrgKey(const std::string& key_id, const std::string& org) {
    IssueApiKey k;
    k.key_id = key_id;
    k.key_sha256 = ToHex(Sha256Of("sk-secret-of-" + key_id));
    k.label = "org key";
    k.org = org;
    return k;
  }

  FoldedState state_;
};

// ------------------------------------------------------------- CreateOrg

TEST_F(OrgAttributeDecisionTest, CreateOrgRecordsOnlyAttributesThatDifferFromTheDefaults) {
  CreateOrg plain;
  plain.uuid = NewUuid();
  plain.name = "plain";
  Result<Decision> d = Decide(Command{SiteAdmin(), plain});
  ASSERT_OK(d);
  OrgCreated e = OnlyEvent<OrgCreated>(*d);
  EXPECT_EQ(e.role, "default");
  EXPECT_EQ(e.max_members, std::nullopt);
  EXPECT_EQ(e.subscription, std::nullopt);
  EXPECT_EQ(e.auto_join, std::nullopt);
  EXPECT_EQ(e.auto_join_role, std::nullopt);
  EXPECT_EQ(d->events[0].payload.find("quota"), std::string::npos) << d->events[0].payload;

  CreateOrg rich = plain;
  rich.role = "guest";
  rich.max_members = 25;
  rich.asset_quota_mb = 7;
  rich.subscription = "active";
  rich.auto_join = true;
  rich.auto_join_role = "viewer";
  const uint64_t id = GivenOrg(rich);
  const OrgRecord org = Org(std::to_string(id));
  EXPECT_EQ(org.role, "guest");
  EXPECT_EQ(org.max_members, 25u);
  EXPECT_EQ(org.row_limit, 0u) << "unlimited";
  EXPECT_EQ(org.asset_quota_mb, 7u);
  EXPECT_EQ(org.subscription, "active");
  EXPECT_TRUE(org.auto_join);
  EXPECT_EQ(org.auto_join_role, "viewer");
}

// ------------------------------------------------------------- quotas

TEST_F(OrgAttributeDecisionTest, AQuotaOfZeroMakesItUnlimitedAgain) {
  CreateOrg c;
  c.name = "acme";
  c.max_members = 10;
  c.storage_quota = 500;
  GivenOrg(c);
  UpdateOrg u;
  u.org = "acme";
  u.max_members = 0;  // PATCH null
  u.row_limit = 9;
  Result<Decision> d = Decide(Command{SiteAdmin(), u});
  ASSERT_OK(d);
  OrgUpdated e = OnlyEvent<OrgUpdated>(*d);
  EXPECT_EQ(e.max_members, 0u);
  EXPECT_EQ(e.row_limit, 9u);
  EXPECT_EQ(e.storage_quota, std::nullopt) << "absent: unchanged";
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  const OrgRecord org = Org("acme");
  EXPECT_EQ(org.max_members, 0u);
  EXPECT_EQ(org.row_limit, 9u);
  EXPECT_EQ(org.storage_quota, 500u);
  EXPECT_EQ(org.version, 2u);
}

TEST_F(OrgAttributeDecisionTest, QuotasAndUsageAreBoundedToWholeNumbersJsonCanCarry) {
  UpdateOrg u;
  u.org = "acme";
  u.storage_quota = kMaxOrgCounter;
  EXPECT_OK(Command(SiteAdmin(), u).Validate());
  u.storage_quota = kMaxOrgCounter + 1;
  EXPECT_TRUE(
      FailedWith(Command(SiteAdmin(), u).Validate(), &Status::IsInvalidArgument, "invalid_quota"));
  CreateOrg c;
  c.uuid = NewUuid();
  c.name = "acme";
  c.max_members = UINT64_MAX;
  EXPECT_TRUE(
      FailedWith(Command(SiteAdmin(), c).Validate(), &Status::IsInvalidArgument, "invalid_quota"));
  SetOrgUsage usage{"acme", kMaxOrgCounter + 1, {}, {}};
  EXPECT_TRUE(FailedWith(Command(SiteAdmin(), usage).Validate(), &Status::IsInvalidArgument,
                         "invalid_usage"));
}

TEST_F(OrgAttributeDecisionTest, AttributeValuesOutsideTheirSetsAreInvalid) {
  UpdateOrg u;
  u.org = "acme";
  u.subscription = "paused";
  EXPECT_TRUE(FailedWith(Command(SiteAdmin(), u).Validate(), &Status::IsInvalidArgument,
                         "invalid_subscription"));
  u.subscription = "cancelled";
  u.auto_join_role = "";
  EXPECT_TRUE(FailedWith(Command(SiteAdmin(), u).Validate(), &Status::IsInvalidArgument,
                         "invalid_auto_join_role"));
  u.auto_join_role = std::string(65, 'r');
  EXPECT_TRUE(FailedWith(Command(SiteAdmin(), u).Validate(), &Status::IsInvalidArgument,
                         "invalid_auto_join_role"));
  u.auto_join_role = std::string(64, 'r');
  EXPECT_OK(Command(SiteAdmin(), u).Validate());
  u.role = "Gold Plan";
  EXPECT_TRUE(
      FailedWith(Command(SiteAdmin(), u).Validate(), &Status::IsInvalidArgument, "invalid_plan"));
  EXPECT_OK(ValidatePlanName("org_default"));
  EXPECT_TRUE(ValidatePlanName("").IsInvalidArgument());
}

TEST_F(OrgAttributeDecisionTest, AnUpdateOfOnlyANewAttributeIsNoEmptyUpdate) {
  UpdateOrg u;
  u.org = "acme";
  EXPECT_TRUE(
      FailedWith(Command(SiteAdmin(), u).Validate(), &Status::IsInvalidArgument, "empty_update"));
  u.auto_join = false;
  EXPECT_OK(Command(SiteAdmin(), u).Validate());
}

// ------------------------------------------------------------- usage

TEST_F(OrgAttributeDecisionTest, SetOrgUsageRecordsOnlyTheCountersGiven) {
  const uint64_t id = GivenOrg("acme");
  Given(Command{SiteAdmin(), SetOrgUsage{"acme", 5, 6, 7}});
  Result<Decision> d = Decide(Command{SiteAdmin(), SetOrgUsage{"acme", {}, 60, {}}});
  ASSERT_OK(d);
  OrgUsageSet e = OnlyEvent<OrgUsageSet>(*d);
  EXPECT_EQ(e.id, id);
  EXPECT_EQ(e.rows, std::nullopt);
  EXPECT_EQ(e.storage, 60u);
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kChanged);
  EXPECT_EQ(d->result.entity, "org");
  EXPECT_EQ(d->expected[0].version, 2u);
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  const OrgRecord org = Org("acme");
  EXPECT_EQ(org.usage_rows, 5u);
  EXPECT_EQ(org.usage_storage, 60u);
  EXPECT_EQ(org.usage_assets_mb, 7u);
  EXPECT_EQ(org.version, 3u);
}

TEST_F(OrgAttributeDecisionTest, UsageIsForSiteAdminsAndNeedsACounter) {
  GivenOrg("acme");
  EXPECT_TRUE(FailedWith(Decide(Command{Member(), SetOrgUsage{"acme", 1, {}, {}}}).status(),
                         &Status::IsForbidden));
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), SetOrgUsage{"acme", {}, {}, {}}}).status(),
                         &Status::IsInvalidArgument, "empty_update"));
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), SetOrgUsage{"nope", 1, {}, {}}}).status(),
                         &Status::IsNotFound, "unknown_org"));
}

// ------------------------------------------------------------- subscription

TEST_F(OrgAttributeDecisionTest, DeleteOrgIsRefusedWhileTheSubscriptionIsActive) {
  CreateOrg c;
  c.name = "acme";
  c.subscription = "active";
  GivenOrg(c);
  EXPECT_TRUE(FailedWith(Decide(test::MakeDeleteOrg("acme", SiteAdmin())).status(),
                         &Status::IsConflict, "active_subscription"));
  UpdateOrg cancel;
  cancel.org = "acme";
  cancel.subscription = "cancelled";
  Given(Command{SiteAdmin(), cancel});
  Result<Decision> d = Decide(test::MakeDeleteOrg("acme", SiteAdmin()));
  ASSERT_OK(d);
  EXPECT_EQ(OnlyEvent<OrgDeleted>(*d).name, "acme");
}

TEST_F(OrgAttributeDecisionTest, ANoneOrCancelledSubscriptionLetsTheOrgGo) {
  GivenOrg("plain");
  EXPECT_OK(Decide(test::MakeDeleteOrg("plain", SiteAdmin())).status());
  CreateOrg c;
  c.name = "was-active";
  c.subscription = "cancelled";
  GivenOrg(c);
  EXPECT_OK(Decide(test::MakeDeleteOrg("was-active", SiteAdmin())).status());
}

// ------------------------------------------------------------- metadata

TEST_F(OrgAttributeDecisionTest, SetOrgMetadataCreatesThenReplaces) {
  const uint64_t id = GivenOrg("acme");
  Result<Decision> d = Decide(Command{SiteAdmin(), SetOrgMetadata{"acme", "plan.ref", "x1"}});
  ASSERT_OK(d);
  OrgMetadataSet e = OnlyEvent<OrgMetadataSet>(*d);
  EXPECT_EQ(e.id, id);
  EXPECT_EQ(e.key, "plan.ref");
  EXPECT_EQ(e.value, "x1");
  EXPECT_EQ(d->events[0].stream_id, OrgStream(id));
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kCreated);
  EXPECT_EQ(d->result.entity, OrgProjection::kMetadataEntity);
  EXPECT_EQ(d->result.id, std::to_string(id) + "/plan.ref");
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));

  d = Decide(Command{SiteAdmin(), SetOrgMetadata{"acme", "plan.ref", "x2"}});
  ASSERT_OK(d);
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kChanged);
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  std::string value;
  ASSERT_OK(OrgReader(state_.model(OrgProjection::kName)).Metadata(id, "plan.ref", &value));
  EXPECT_EQ(value, "x2");
  EXPECT_EQ(Org("acme").version, 3u) << "each metadata event moves the org's version";
}

TEST_F(OrgAttributeDecisionTest, TheHundredAndFirstMetadataKeyIsConflictMetadataLimit) {
  const uint64_t id = GivenOrg("acme");
  for (size_t i = 0; i < kMaxOrgMetadataKeys; ++i)
    GivenMetadata("acme", "k" + std::to_string(i), "v");
  EXPECT_EQ(MetadataCount(id), kMaxOrgMetadataKeys);
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), SetOrgMetadata{"acme", "new", "v"}}).status(),
                         &Status::IsConflict, "metadata_limit"));
  EXPECT_OK(Decide(Command{SiteAdmin(), SetOrgMetadata{"acme", "k5", "again"}}).status())
      << "replacing adds no key";
  Given(Command{SiteAdmin(), RemoveOrgMetadata{"acme", "k5"}});
  EXPECT_OK(Decide(Command{SiteAdmin(), SetOrgMetadata{"acme", "new", "v"}}).status());
}

TEST_F(OrgAttributeDecisionTest, MetadataKeysAndValuesAreBounded) {
  for (const std::string& bad : {std::string(), std::string(65, 'k'), std::string("a/b"),
                                 std::string("a b"), std::string("caf\xc3\xa9")}) {
    EXPECT_TRUE(FailedWith(Command(SiteAdmin(), SetOrgMetadata{"acme", bad, "v"}).Validate(),
                           &Status::IsInvalidArgument, "invalid_metadata_key"))
        << bad;
    EXPECT_TRUE(FailedWith(Command(SiteAdmin(), RemoveOrgMetadata{"acme", bad}).Validate(),
                           &Status::IsInvalidArgument, "invalid_metadata_key"))
        << bad;
  }
  EXPECT_OK(
      Command(SiteAdmin(), SetOrgMetadata{"acme", "A.b_c-9", std::string(4096, 'v')}).Validate());
  EXPECT_TRUE(FailedWith(
      Command(SiteAdmin(), SetOrgMetadata{"acme", "k", std::string(4097, 'v')}).Validate(),
      &Status::IsInvalidArgument, "metadata_value_too_long"));
  EXPECT_TRUE(FailedWith(Command(SiteAdmin(), SetOrgMetadata{"acme", "k", "bad \xc3"}).Validate(),
                         &Status::IsInvalidArgument, "invalid_metadata_value"));
}

TEST_F(OrgAttributeDecisionTest, RemovingAnAbsentKeyIsNotFound) {
  GivenOrg("acme");
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), RemoveOrgMetadata{"acme", "k"}}).status(),
                         &Status::IsNotFound, "unknown_metadata_key"));
  GivenMetadata("acme", "k", "v");
  Result<Decision> d = Decide(Command{SiteAdmin(), RemoveOrgMetadata{"acme", "k"}});
  ASSERT_OK(d);
  EXPECT_EQ(OnlyEvent<OrgMetadataRemoved>(*d).key, "k");
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kDeleted);
}

TEST_F(OrgAttributeDecisionTest, MetadataIsHiddenFromOutsiders) {
  GivenOrg("acme");
  EXPECT_TRUE(FailedWith(Decide(Command{Member(), SetOrgMetadata{"acme", "k", "v"}}).status(),
                         &Status::IsNotFound, "unknown_org"));
  EXPECT_TRUE(FailedWith(Decide(Command{Member(), RemoveOrgMetadata{"acme", "k"}}).status(),
                         &Status::IsNotFound, "unknown_org"));
}

// ------------------------------------------------------------- deletion

TEST_F(OrgAttributeDecisionTest, ADeletedOrgTakesItsMetadataKeysAndAccountsHomeWithIt) {
  const uint64_t id = GivenOrg("acme");
  const uint64_t other = GivenOrg("other");
  GivenMetadata("acme", "a", "1");
  GivenMetadata("acme", "b", "2");
  GivenMetadata("other", "a", "3");
  Given(Command{SiteAdmin(), OrgKey("acme-key", "acme")});
  Given(Command{SiteAdmin(), OrgKey("other-key", std::to_string(other))});
  CreateAccount ann;
  ann.account_id = "00000000-0000-4000-8000-000000000001";
  ann.email = "ann@example.com";
  ann.home_org = "acme";
  Given(Command{SiteAdmin(), ann});
  CreateAccount bob = ann;
  bob.account_id = "00000000-0000-4000-8000-000000000002";
  bob.email = "bob@example.com";
  bob.home_org = "other";
  Given(Command{SiteAdmin(), bob});

  Given(test::MakeDeleteOrg("acme", SiteAdmin()));
  EXPECT_EQ(MetadataCount(id), 0u);
  EXPECT_EQ(MetadataCount(other), 1u);
  EXPECT_TRUE(FindKey("acme-key").IsNotFound());
  EXPECT_OK(FindKey("other-key"));
  AccountReader accounts(state_.model(AccountProjection::kName));
  AccountRecord a;
  ASSERT_OK(accounts.FindById(ann.account_id, &a));
  EXPECT_EQ(a.home_org_id, 0u);
  EXPECT_EQ(a.home_org, "");
  ASSERT_OK(accounts.FindById(bob.account_id, &a));
  EXPECT_EQ(a.home_org_id, other);
  EXPECT_EQ(a.home_org, "other");
}

// ------------------------------------------------------------- org keys

TEST_F(OrgAttributeDecisionTest, AnOrgKeyRecordsItsOrgAndIsNoSiteAdmin) {
  const uint64_t id = GivenOrg("acme");
  Result<Decision> d = Decide(Command{SiteAdmin(), OrgKey("k1", "acme")});
  ASSERT_OK(d);
  ApiKeyIssued e = OnlyEvent<ApiKeyIssued>(*d);
  EXPECT_EQ(e.org_id, id);
  EXPECT_FALSE(e.site_admin);
  EXPECT_EQ(e.account_id, "");
  ASSERT_OK(state_.Commit(*d, SiteAdmin()));
  Credential c;
  ASSERT_OK(CredentialReader(state_.model(CredentialProjection::kName)).FindById("k1", &c));
  EXPECT_EQ(c.org_id, id);
  // Any other key records no org.
  IssueApiKey site = OrgKey("k2", "");
  site.site_admin = true;
  d = Decide(Command{SiteAdmin(), site});
  ASSERT_OK(d);
  EXPECT_EQ(OnlyEvent<ApiKeyIssued>(*d).org_id, std::nullopt);
  EXPECT_EQ(d->events[0].payload.find("org_id"), std::string::npos);
}

TEST_F(OrgAttributeDecisionTest, AnOrgKeyNeedsALiveOrgASiteAdminAndNoOtherScope) {
  GivenOrg("acme");
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), OrgKey("k1", "nope")}).status(),
                         &Status::IsNotFound, "unknown_org"));
  EXPECT_TRUE(
      FailedWith(Decide(Command{Member(), OrgKey("k1", "acme")}).status(), &Status::IsForbidden));
  IssueApiKey admin = OrgKey("k1", "acme");
  admin.site_admin = true;
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), admin}).status(), &Status::IsInvalidArgument,
                         "invalid_key"));
  IssueApiKey account = OrgKey("k1", "acme");
  account.account_id = "00000000-0000-4000-8000-000000000001";
  account.scope = "account";
  EXPECT_TRUE(FailedWith(Decide(Command{SiteAdmin(), account}).status(), &Status::IsInvalidArgument,
                         "invalid_key"));
}

}  // namespace
}  // namespace orgd
