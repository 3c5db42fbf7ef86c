#include "src/queries/credential_cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "src/commands/accounts/commands.h"
#include "src/commands/credentials/commands.h"
#include "storage/event_store.h"
#include "tests/test_util.h"

// The credential cache over a real store and writer: whatever a commit
// changes about a credential or its account is seen by the next lookup, as
// the writer feeds the cache before any reply.

namespace orgd {
namespace {

constexpr char kAccount[] = "5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c1d";

class CredentialCacheTest : public ::testing::Test {
 protected:
  CredentialCacheTest() : path_(test::DomainStoreOptions(dir_.Sub("store")), FeedingCache()) {}
  void SetUp() override {
    ASSERT_OK(path_.Open());
    views_ = std::make_unique<ReadViews>(path_.store(), path_.store());
    cache_ = std::make_unique<CredentialCache>(views_.get());
    CreateAccount a;
    a.account_id = kAccount;
    a.email = "cached@example.com";
    ASSERT_OK(path_.Run(Command{test::AdminMeta(), a}).error);
    IssueApiKey k;
    k.key_id = "k1";
    k.key_sha256 = ToHex(Sha256Of("secret one"));
    k.account_id = kAccount;
    k.scope = "account";
    ASSERT_OK(path_.Run(Command{test::AdminMeta(), k}).error);
  }

  WriterOptions FeedingCache() {
    WriterOptions o;
    o.after_commit = [this](const std::vector<EventEnvelope>& events) {
      if (cache_) cache_->Apply(events);
    };
    return o;
  }
  Status Find(std::string_view secret, AuthEntry* out) {
    return cache_->Find(Sha256Of(secret), out);
  }
  void Change(UpdateAccount u) {
    u.account = kAccount;
    ASSERT_OK(path_.Run(Command{test::AdminMeta(), std::move(u)}).error);
  }

  test::TempDir dir_;
  test::WritePath path_;
  std::unique_ptr<ReadViews> views_;
  std::unique_ptr<CredentialCache> cache_;
};

TEST_F(CredentialCacheTest, AnAccountsChangeIsSeenByTheNextLookup) {
  AuthEntry e;
  ASSERT_OK(Find("secret one", &e));
  EXPECT_TRUE(e.has_account);
  EXPECT_TRUE(e.account_live);
  EXPECT_FALSE(e.account_site_admin);
  ASSERT_OK(Find("secret one", &e));  // now from the cache
  const uint64_t before = cache_->epoch();

  UpdateAccount admin;
  admin.site_admin = true;
  Change(admin);
  EXPECT_GT(cache_->epoch(), before);
  ASSERT_OK(Find("secret one", &e));
  EXPECT_TRUE(e.account_site_admin);

  UpdateAccount off;
  off.active = false;
  Change(off);
  ASSERT_OK(Find("secret one", &e));
  EXPECT_FALSE(e.account_live);
}

TEST_F(CredentialCacheTest, RevocationAndDeletionAreSeenByTheNextLookup) {
  AuthEntry e;
  ASSERT_OK(Find("secret one", &e));
  ASSERT_OK(path_.Run(Command{test::AdminMeta(), RevokeApiKey{"k1"}}).error);
  EXPECT_TRUE(Find("secret one", &e).IsNotFound());

  IssueApiKey k;
  k.key_id = "k2";
  k.key_sha256 = ToHex(Sha256Of("secret two"));
  k.account_id = kAccount;
  k.scope = "account";
  ASSERT_OK(path_.Run(Command{test::AdminMeta(), k}).error);
  ASSERT_OK(Find("secret two", &e));  // a new key is found without invalidation
  ASSERT_OK(path_.Run(Command{test::AdminMeta(), DeleteAccount{kAccount}}).error);
  EXPECT_TRUE(Find("secret two", &e).IsNotFound());
}

TEST_F(CredentialCacheTest, UnknownSecretsAreNotFoundAndNotRemembered) {
  AuthEntry e;
  EXPECT_TRUE(Find("secret three", &e).IsNotFound());
  IssueApiKey k;
  k.key_id = "k3";
  k.key_sha256 = ToHex(Sha256Of("secret three"));
  k.account_id = kAccount;
  k.scope = "account";
  ASSERT_OK(path_.Run(Command{test::AdminMeta(), k}).error);
  EXPECT_OK(Find("secret three", &e));
}

}  // namespace
}  // namespace orgd
