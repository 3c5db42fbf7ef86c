#include "src/commands/accounts/commands.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/sha256.h"
#include "src/commands/credentials/commands.h"
#include "src/commands/orgs/commands.h"
#include "src/events/account_events.h"
#include "src/events/credential_events.h"
#include "src/projections/accounts/account_projection.h"
#include "src/projections/credentials/credential_projection.h"
#include "tests/commands/folded_state.h"
#include "tests/test_util.h"

// The decisions of the account and sign-in commands against a state held in
// memory (FoldedState): uniqueness, who may do what, all-or-none batches, and
// what a deletion takes with it.

namespace orgd {
namespace {

constexpr char kAnn[] = "0a1b2c3d-0000-4000-8000-000000000001";
constexpr char kBob[] = "0a1b2c3d-0000-4000-8000-000000000002";
constexpr char kCat[] = "0a1b2c3d-0000-4000-8000-000000000003";

CommandMeta Admin() { return test::AdminMeta("key:admin"); }

// The caller is the account id, through one of its keys.
CommandMeta As(const std::string& id) {
  CommandMeta m;
  m.actor = "key:of-" + id;
  m.account_id = id;
  m.request_id = "req";
  return m;
}

std::string Hash(std::string_view secret) { return ToHex(Sha256Of(secret)); }

CreateAccount NewAccount(const std::string& id, const std::string& email,
                         const std::string& username = "") {
  CreateAccount c;
  c.account_id = id;
  c.email = email;
  c.first_name = "First";
  c.last_name = "Last";
  c.username = username;
  return c;
}

::testing::AssertionResult Failed(const Result<Decision>& d, bool (Status::*is)() const,
                                  std::string_view reason) {
  if (d.ok()) return ::testing::AssertionFailure() << "decided OK";
  const Status& s = d.status();
  if (!(s.*is)() || s.reason() != reason) {
    return ::testing::AssertionFailure() << "got " << s.ToString() << " (" << s.reason() << ")";
  }
  return ::testing::AssertionSuccess();
}

class AccountDecisionTest : public ::testing::Test {
 protected:
  Result<Decision> Decide(const Command& c) { return c.Decide(state_); }
  CommandResult Given(const Command& c) {
    Result<Decision> d = c.Decide(state_);
    EXPECT_OK(d) << c.name();
    if (!d.ok()) return {};
    EXPECT_OK(state_.Commit(*d, c.meta)) << c.name();
    return d->result;
  }
  void GivenAccount(const std::string& id, const std::string& email,
                    const std::string& username = "") {
    Given(Command{Admin(), NewAccount(id, email, username)});
  }
  void GivenKey(const std::string& key_id, const std::string& account) {
    IssueApiKey k;
    k.key_id = key_id;
    k.key_sha256 = Hash("secret-" + key_id);
    k.account_id = account;
    k.scope = "account";
    Given(Command{Admin(), k});
  }
  AccountRecord Account(const std::string& ref) {
    AccountRecord a;
    EXPECT_OK(AccountReader(state_.model(AccountProjection::kName)).Find(ref, &a)) << ref;
    return a;
  }
  Status FindAccount(const std::string& ref) {
    AccountRecord a;
    return AccountReader(state_.model(AccountProjection::kName)).Find(ref, &a);
  }
  Status FindKey(const std::string& key_id) {
    Credential c;
    return CredentialReader(state_.model(CredentialProjection::kName))
        .FindBySha256(Hash("secret-" + key_id), &c);
  }

  FoldedState state_;
};

// ---------------------------------------------------------- CreateAccount

TEST_F(AccountDecisionTest, CreateNormalisesTheEmailAndRecordsWhoCreated) {
  CreateAccount c = NewAccount(kAnn, "  Ann.Smith@Example.COM ");
  Result<Decision> d = Decide(Command{Admin(), c});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 1u);
  EXPECT_EQ(d->events[0].type, AccountCreated::kType);
  EXPECT_EQ(d->events[0].stream_id, AccountStream(kAnn));
  AccountCreated e;
  ASSERT_OK(FromPayload(d->events[0].payload, AccountCreated::kVersion, &e));
  EXPECT_EQ(e.email, "ann.smith@example.com");
  EXPECT_EQ(e.created_by, "key:admin");
  EXPECT_EQ(d->result.kind, CommandResult::Kind::kCreated);
  EXPECT_EQ(d->result.id, kAnn);
}

TEST_F(AccountDecisionTest, EmailsAreUniqueWhateverTheirCase) {
  GivenAccount(kAnn, "ann@example.com");
  EXPECT_TRUE(Failed(Decide(Command{Admin(), NewAccount(kBob, "ANN@example.com")}),
                     &Status::IsConflict, "email_taken"));
}

TEST_F(AccountDecisionTest, UsernamesAreUniqueWhateverTheirCase) {
  GivenAccount(kAnn, "ann@example.com", "Annie");
  EXPECT_TRUE(Failed(Decide(Command{Admin(), NewAccount(kBob, "bob@example.com", "annie")}),
                     &Status::IsConflict, "username_taken"));
}

TEST_F(AccountDecisionTest, OnlySiteAdminsCreateAccounts) {
  GivenAccount(kAnn, "ann@example.com");
  EXPECT_TRUE(Failed(Decide(Command{As(kAnn), NewAccount(kBob, "bob@example.com")}),
                     &Status::IsForbidden, ""));
}

TEST_F(AccountDecisionTest, APasswordIsASecondEventHoldingOnlyItsHash) {
  CreateAccount c = NewAccount(kAnn, "ann@example.com");
  c.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  Result<Decision> d = Decide(Command{Admin(), c});
  ASSERT_OK(d);
  ASSERT_EQ(d->events.size(), 2u);
  EXPECT_EQ(d->events[1].type, AccountPasswordSet::kType);
  ASSERT_OK(state_.Commit(*d, Admin()));
  std::string hash;
  ASSERT_OK(CredentialReader(state_.model(CredentialProjection::kName)).PasswordHash(kAnn, &hash));
  EXPECT_EQ(hash, c.password_hash);
  // Without a password there is no hash at all, not a random one.
  GivenAccount(kBob, "bob@example.com");
  EXPECT_TRUE(CredentialReader(state_.model(CredentialProjection::kName))
                  .PasswordHash(kBob, &hash)
                  .IsNotFound());
}

TEST_F(AccountDecisionTest, AHomeOrgIsResolvedByNameAndAnUnknownOneRefused) {
  Given(test::MakeCreateOrg("acme", Admin()));
  CreateAccount c = NewAccount(kAnn, "ann@example.com");
  c.home_org = "acme";
  Given(Command{Admin(), c});
  EXPECT_EQ(Account(kAnn).home_org, "acme");
  EXPECT_EQ(Account(kAnn).home_org_id, 1u);
  CreateAccount d = NewAccount(kBob, "bob@example.com");
  d.home_org = "nope";
  EXPECT_TRUE(Failed(Decide(Command{Admin(), d}), &Status::IsInvalidArgument, "unknown_org"));
}

// ---------------------------------------------------------- CreateAccounts

TEST_F(AccountDecisionTest, ABatchIsAllOrNothingAndNamesTheFirstBadEntry) {
  GivenAccount(kAnn, "ann@example.com");
  CreateAccounts b;
  b.accounts = {NewAccount(kBob, "bob@example.com"), NewAccount(kCat, "Ann@Example.com")};
  Result<Decision> d = Decide(Command{Admin(), b});
  ASSERT_TRUE(Failed(d, &Status::IsConflict, "email_taken"));
  EXPECT_EQ(d.status().message().rfind("accounts[1]: ", 0), 0u) << d.status().message();
  EXPECT_TRUE(FindAccount(kBob).IsNotFound());
}

TEST_F(AccountDecisionTest, ABatchRefusesTheSameEmailTwiceWithinItself) {
  CreateAccounts b;
  b.accounts = {NewAccount(kBob, "x@example.com"), NewAccount(kCat, "X@example.com")};
  EXPECT_TRUE(Failed(Decide(Command{Admin(), b}), &Status::IsConflict, "email_taken"));
  b.accounts = {NewAccount(kBob, "b@example.com", "same"),
                NewAccount(kCat, "c@example.com", "SAME")};
  EXPECT_TRUE(Failed(Decide(Command{Admin(), b}), &Status::IsConflict, "username_taken"));
}

TEST_F(AccountDecisionTest, ABatchCreatesEveryAccountAndReportsTheIdsInOrder) {
  CreateAccounts b;
  b.accounts = {NewAccount(kBob, "bob@example.com"), NewAccount(kCat, "cat@example.com")};
  CommandResult r = Given(Command{Admin(), b});
  EXPECT_EQ(r.snapshot, std::string("[\"") + kBob + "\",\"" + kCat + "\"]");
  EXPECT_EQ(Account("cat@example.com").id, kCat);
  uint64_t n = 0;
  ASSERT_OK(AccountReader(state_.model(AccountProjection::kName)).Count(&n));
  EXPECT_EQ(n, 2u);
}

TEST(AccountValidateTest, BatchesHoldOneToAThousandValidEntries) {
  CreateAccounts b;
  EXPECT_FALSE(Validate(b).ok());
  b.accounts.assign(1001, NewAccount(kAnn, "a@example.com"));
  EXPECT_EQ(Validate(b).reason(), "invalid_batch");
  b.accounts = {NewAccount(kAnn, "a@example.com"), NewAccount(kBob, "not an email")};
  Status s = Validate(b);
  EXPECT_EQ(s.reason(), "invalid_email");
  EXPECT_EQ(s.message().rfind("accounts[1]: ", 0), 0u) << s.message();
}

TEST(AccountValidateTest, UsernamesEmailsAndIds) {
  EXPECT_OK(ValidateUsername("ann_smith.2-x"));
  for (const std::string& bad :
       std::vector<std::string>{"", "-ann", "ann smith", "an@n", std::string(40, 'a')}) {
    EXPECT_FALSE(ValidateUsername(bad).ok()) << bad;
  }
  EXPECT_EQ(Validate(NewAccount("not-a-uuid", "a@example.com")).reason(), "invalid_id");
  EXPECT_EQ(Validate(NewAccount(kAnn, "")).reason(), "invalid_email");
  EXPECT_EQ(Validate(NewAccount(kAnn, "a@b")).reason(), "invalid_email");
}

// ---------------------------------------------------------- UpdateAccount

TEST_F(AccountDecisionTest, AnAccountChangesItsOwnNamesButNotItsRights) {
  GivenAccount(kAnn, "ann@example.com");
  UpdateAccount u;
  u.account = kAnn;
  u.first_name = "Annie";
  Given(Command{As(kAnn), u});
  EXPECT_EQ(Account(kAnn).first_name, "Annie");
  u.site_admin = true;
  EXPECT_TRUE(Failed(Decide(Command{As(kAnn), u}), &Status::IsForbidden, ""));
}

TEST_F(AccountDecisionTest, AnotherAccountIsNotFoundForANonAdmin) {
  GivenAccount(kAnn, "ann@example.com");
  GivenAccount(kBob, "bob@example.com");
  UpdateAccount u;
  u.account = kBob;
  u.first_name = "Robert";
  EXPECT_TRUE(Failed(Decide(Command{As(kAnn), u}), &Status::IsNotFound, "unknown_account"));
  DeleteAccount d{kBob};
  EXPECT_TRUE(Failed(Decide(Command{As(kAnn), d}), &Status::IsForbidden, ""));
}

TEST_F(AccountDecisionTest, ChangingTheEmailKeepsItUniqueAndFreesTheOldOne) {
  GivenAccount(kAnn, "ann@example.com");
  GivenAccount(kBob, "bob@example.com");
  UpdateAccount u;
  u.account = kBob;
  u.email = "ANN@example.com";
  EXPECT_TRUE(Failed(Decide(Command{Admin(), u}), &Status::IsConflict, "email_taken"));
  u.email = "robert@example.com";
  Given(Command{Admin(), u});
  EXPECT_EQ(Account("robert@example.com").id, kBob);
  EXPECT_TRUE(FindAccount("bob@example.com").IsNotFound());
}

TEST_F(AccountDecisionTest, IfMatchMustHoldTheAccountsVersion) {
  GivenAccount(kAnn, "ann@example.com");
  UpdateAccount u;
  u.account = kAnn;
  u.last_name = "Jones";
  CommandMeta m = Admin();
  m.if_match = 2;
  EXPECT_TRUE(Failed(Decide(Command{m, u}), &Status::IsPreconditionFailed, "version_mismatch"));
  m.if_match = 1;
  Given(Command{m, u});
  EXPECT_EQ(Account(kAnn).version, 2u);
}

// ---------------------------------------------------------- DeleteAccount

TEST_F(AccountDecisionTest, DeletionAnonymisesAndTakesEveryCredentialWithIt) {
  GivenAccount(kAnn, "ann@example.com", "annie");
  GivenKey("k1", kAnn);
  SetPassword p{kAnn, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"};
  Given(Command{Admin(), p});
  Given(Command{Admin(), DeleteAccount{kAnn}});
  EXPECT_EQ(FindAccount(kAnn).reason(), "account_deleted");
  EXPECT_TRUE(FindAccount("ann@example.com").IsNotFound());
  EXPECT_TRUE(FindKey("k1").IsNotFound());
  std::string hash;
  EXPECT_TRUE(CredentialReader(state_.model(CredentialProjection::kName))
                  .PasswordHash(kAnn, &hash)
                  .IsNotFound());
  // The email and the username are free again.
  GivenAccount(kBob, "ann@example.com", "annie");
}

// ---------------------------------------------------------- credentials

TEST_F(AccountDecisionTest, AnAccountRevokesItsOwnKeysOnly) {
  GivenAccount(kAnn, "ann@example.com");
  GivenAccount(kBob, "bob@example.com");
  GivenKey("ka", kAnn);
  GivenKey("kb", kBob);
  EXPECT_TRUE(
      Failed(Decide(Command{As(kAnn), RevokeApiKey{"kb"}}), &Status::IsNotFound, "unknown_key"));
  Given(Command{As(kAnn), RevokeApiKey{"ka"}});
  EXPECT_TRUE(FindKey("ka").IsNotFound());
  EXPECT_OK(FindKey("kb"));
}

TEST_F(AccountDecisionTest, AnAccountIssuesKeysForItselfOnly) {
  GivenAccount(kAnn, "ann@example.com");
  GivenAccount(kBob, "bob@example.com");
  IssueApiKey k;
  k.key_id = "x";
  k.key_sha256 = Hash("x");
  k.account_id = kBob;
  k.scope = "account";
  EXPECT_TRUE(Failed(Decide(Command{As(kAnn), k}), &Status::IsNotFound, "unknown_account"));
  k.account_id = kAnn;
  EXPECT_OK(Decide(Command{As(kAnn), k}));
}

TEST_F(AccountDecisionTest, ASessionNeedsALiveAccountAndALiveToken) {
  GivenAccount(kAnn, "ann@example.com");
  StartSession s{"s1", Hash("session-1"), kAnn, 2'000'000'000'000, "", 1'700'000'000'000};
  EXPECT_OK(Decide(Command{CommandMeta{}, s}));

  IssueAccessToken t{"t1", Hash("token-1"), kAnn, 1'700'000'100'000};
  Given(Command{Admin(), t});
  s.access_token_id = "t1";
  EXPECT_OK(Decide(Command{CommandMeta{}, s}));
  s.now_ms = 1'700'000'100'000;  // expired then
  EXPECT_TRUE(
      Failed(Decide(Command{CommandMeta{}, s}), &Status::IsUnauthenticated, "invalid_token"));
  s.now_ms = 1'700'000'000'000;
  Given(Command{Admin(), RevokeApiKey{"t1"}});
  EXPECT_TRUE(
      Failed(Decide(Command{CommandMeta{}, s}), &Status::IsUnauthenticated, "invalid_token"));

  s.access_token_id.clear();
  UpdateAccount off;
  off.account = kAnn;
  off.active = false;
  Given(Command{Admin(), off});
  EXPECT_TRUE(
      Failed(Decide(Command{CommandMeta{}, s}), &Status::IsUnauthenticated, "invalid_credentials"));
}

TEST_F(AccountDecisionTest, AccessTokensComeFromSiteAdminsNotFromTheAccountOrOthers) {
  GivenAccount(kAnn, "ann@example.com");
  GivenAccount(kBob, "bob@example.com");
  IssueAccessToken t{"t1", Hash("token-1"), kAnn, 1'800'000'000'000};
  EXPECT_TRUE(Failed(Decide(Command{As(kAnn), t}), &Status::IsForbidden, "missing_capability"));
  // Bob administers no home org of Ann's (she has none): she stays hidden.
  EXPECT_TRUE(Failed(Decide(Command{As(kBob), t}), &Status::IsNotFound, "unknown_account"));
  EXPECT_OK(Decide(Command{Admin(), t}));
}

TEST_F(AccountDecisionTest, AUseIsRecordedForALiveKeyAndMovesLastActive) {
  GivenAccount(kAnn, "ann@example.com");
  GivenKey("k1", kAnn);
  CommandMeta system;
  system.actor = "system";
  Given(Command{system, RecordCredentialUse{"k1", 1'750'000'000'000}});
  int64_t used = 0;
  ASSERT_OK(CredentialReader(state_.model(CredentialProjection::kName)).LastUsed("k1", &used));
  EXPECT_EQ(used, 1'750'000'000'000);
  EXPECT_EQ(Account(kAnn).last_active_ms, 1'750'000'000'000);
  Given(Command{Admin(), RevokeApiKey{"k1"}});
  Result<Decision> d = Decide(Command{system, RecordCredentialUse{"k1", 1'760'000'000'000}});
  ASSERT_OK(d);
  EXPECT_TRUE(d->events.empty());
}

}  // namespace
}  // namespace orgd
