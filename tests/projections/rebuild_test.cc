#include "src/projections/core/rebuild.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdio>
#include <future>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "common/random.h"
#include "common/sha256.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/credentials/commands.h"
#include "src/commands/members/commands.h"
#include "src/projections/orgs/org_projection.h"
#include "tests/test_util.h"

namespace orgd {
namespace {

using test::AdminMeta;
using Model = std::map<std::string, std::string>;

// A reproducible stream of commands over a small pool of names: creates,
// updates, deletes, name reuse, API keys, retries with an Idempotency-Key, and
// commands that must fail.
class CommandMix {
 public:
  static constexpr int kNames = 40;     // the pool of org names
  static constexpr int kAccounts = 30;  // the pool of account ids and emails
  explicit CommandMix(uint32_t seed) : rng_(seed) {}

  Command Next() {
    ++serial_;
    const uint32_t r = Pick(100);
    if (r < 20) return Create();
    if (r < 37) return Update();
    if (r < 45) return Delete();
    if (r < 51) return IssueKey();
    if (r < 58) return Failing();
    if (r < 65) return Retry();
    return Pick(3) ? AccountCommand() : MemberCommand();
  }

 private:
  uint32_t Pick(uint32_t n) { return std::uniform_int_distribution<uint32_t>(0, n - 1)(rng_); }
  std::string Name() { return "org-" + std::to_string(Pick(kNames)); }
  // An org by name, or by an id that may or may not exist.
  std::string Ref() { return Pick(4) == 0 ? std::to_string(Pick(60) + 1) : Name(); }
  // Absent, cleared, or set.
  std::optional<std::string> Field(std::string value) {
    switch (Pick(3)) {
      case 0: return std::nullopt;
      case 1: return std::string();
      default: return value + std::to_string(serial_);
    }
  }

  Command Create() {
    Command c = test::MakeCreateOrg(Name());
    auto& body = *c.As<CreateOrg>();
    body.description = Pick(2) ? "line one\nline two" : "";
    body.email_address = Pick(2) ? "ops@x.example" : "";
    if (Pick(3) == 0) {
      c.meta.idempotency_key = "k" + std::to_string(serial_);
      c.meta.fingerprint = "POST /orgs " + body.name;
      keyed_.push_back(c);
    }
    return c;
  }

  Command Update() {
    UpdateOrg u{Ref(), Field("title "), Field("about "), std::nullopt, Field("https://x.example/")};
    if (Pick(2)) u.email_address = Pick(2) ? "a" + std::to_string(serial_) + "@x.example" : "";
    CommandMeta m = AdminMeta();
    if (Pick(5) == 0) m.if_match = Pick(4) + 1;  // often stale
    if (AttrPick(3) == 0) return OrgAttributeCommand(std::move(m), std::move(u));
    return Command{std::move(m), std::move(u)};
  }

  // Issue 15's org attributes, instead of a third of the updates: quotas,
  // plan, subscription and auto-join added to the update, or the org's usage
  // or metadata (a small pool of keys, so they are replaced and removed).
  // Their choices come from a generator of their own, so the rest of the mix
  // draws what it drew before they existed.
  Command OrgAttributeCommand(CommandMeta m, UpdateOrg u) {
    const std::string key = "k" + std::to_string(AttrPick(6));
    switch (AttrPick(4)) {
      case 0:
        u.storage_quota = AttrPick(3) ? AttrPick(5000) : 0;
        if (AttrPick(2)) u.max_members = AttrPick(3) ? 1000 + AttrPick(1000) : 0;  // never binding
        if (AttrPick(3) == 0) u.role = AttrPick(2) ? "guest" : "default";
        if (AttrPick(3) == 0) u.auto_join = AttrPick(2) == 0;
        if (AttrPick(3) == 0) u.auto_join_role = AttrPick(2) ? "member" : "viewer";
        if (AttrPick(3) == 0) u.subscription = AttrPick(8) == 0 ? "active" : "cancelled";
        return Command{std::move(m), std::move(u)};
      case 1: {
        SetOrgUsage usage{u.org, AttrPick(1000), {}, {}};
        if (AttrPick(2)) usage.storage = AttrPick(100000);
        if (AttrPick(2)) usage.assets_mb = AttrPick(100);
        return Command{std::move(m), std::move(usage)};
      }
      case 2:
        metadata_.emplace_back(u.org, key);
        return Command{std::move(m), SetOrgMetadata{u.org, key, "v" + std::to_string(serial_)}};
      default: {  // mostly an entry the mix set lately (it may be gone since)
        if (metadata_.empty() || AttrPick(4) == 0) {
          return Command{std::move(m), RemoveOrgMetadata{u.org, key}};
        }
        const auto& [org, set_key] =
            metadata_[metadata_.size() - 1 - AttrPick(std::min<uint32_t>(20, metadata_.size()))];
        return Command{std::move(m), RemoveOrgMetadata{org, set_key}};
      }
    }
  }
  uint32_t AttrPick(uint32_t n) {
    return std::uniform_int_distribution<uint32_t>(0, n - 1)(attr_rng_);
  }

  Command Delete() {
    CommandMeta m = AdminMeta();
    if (Pick(10) == 0) m.if_match = Pick(3) + 1;
    return Command{std::move(m), DeleteOrg{Ref()}};
  }

  Command IssueKey() {
    IssueApiKey k;
    k.key_id = "key-" + std::to_string(serial_);
    k.key_sha256 = ToHex(Sha256Of(std::to_string(Pick(300))));  // repeats: key_exists
    k.site_admin = Pick(2) == 0;
    k.label = "label " + std::to_string(serial_);
    if (AttrPick(5) == 0) {  // an org's key, gone with its org
      k.site_admin = false;
      k.org = "org-" + std::to_string(AttrPick(kNames));
    }
    return Command{AdminMeta(), std::move(k)};
  }

  Command Failing() {
    CommandMeta member = AdminMeta("key:member");
    member.site_admin = false;
    switch (Pick(4)) {
      case 0: return test::MakeCreateOrg("Bad--Name");
      case 1: return test::MakeCreateOrg(Name(), member);
      case 2: return Command{AdminMeta(), UpdateOrg{Name(), {}, {}, {}, {}}};  // nothing to change
      default: return Command{AdminMeta(), UpdateOrg{Name(), {}, {}, "not-an-email", {}}};
    }
  }

  // Accounts and their credentials over a small pool of ids and emails, so
  // emails are taken, freed by deletion and reused.
  std::string AccountId(uint32_t i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012u", i);
    return buf;
  }
  // An id the mix created lately (or tried to), now and then an unknown one.
  std::string SomeAccount() {
    if (account_ids_.empty() || Pick(8) == 0) return AccountId(Pick(kAccounts));
    return account_ids_[account_ids_.size() - 1 - Pick(std::min<uint32_t>(40, account_ids_.size()))];
  }
  std::string Email() { return "user" + std::to_string(Pick(kAccounts)) + "@x.example"; }
  CreateAccount NewAccount() {
    CreateAccount c;
    c.account_id = Pick(6) == 0 ? SomeAccount() : NewUuid();  // some ids are taken
    account_ids_.push_back(c.account_id);
    switch (Pick(4)) {  // a pooled email (taken, freed and reused) or a fresh one
      case 0: c.email = Email(); break;
      case 1: c.email = "U" + std::to_string(Pick(kAccounts)) + "@X.example"; break;
      default: c.email = "fresh" + std::to_string(serial_) + "@x.example";
    }
    c.first_name = "First" + std::to_string(Pick(9));
    c.last_name = Pick(2) ? "Last" + std::to_string(serial_) : "";
    if (Pick(2)) c.username = "user" + std::to_string(Pick(kAccounts));
    if (Pick(4) == 0) c.home_org = Name();
    if (Pick(3) == 0) c.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$h" + std::to_string(serial_);
    return c;
  }
  // A credential the mix issued lately (or tried to), now and then an unknown one.
  std::string CredentialId() {
    if (credential_ids_.empty() || Pick(8) == 0) return "cred-" + std::to_string(Pick(serial_ + 1));
    return credential_ids_[credential_ids_.size() - 1 -
                           Pick(std::min<uint32_t>(30, credential_ids_.size()))];
  }
  std::string NewCredentialId() {
    credential_ids_.push_back("cred-" + std::to_string(serial_));
    return credential_ids_.back();
  }
  Command AccountCommand() {
    CommandMeta admin = AdminMeta();
    CommandMeta system = AdminMeta("system");
    const uint32_t r = Pick(100);
    if (r < 25) return Command{admin, NewAccount()};
    if (r < 33) {
      CreateAccounts b;
      for (uint32_t i = Pick(5) + 1; i > 0; --i) b.accounts.push_back(NewAccount());
      return Command{admin, std::move(b)};
    }
    if (r < 50) {
      UpdateAccount u;
      u.account = Pick(4) == 0 ? Email() : SomeAccount();
      if (Pick(2)) u.first_name = "Renamed" + std::to_string(serial_);
      if (Pick(4) == 0) u.email = Email();
      if (Pick(4) == 0) u.username = Pick(2) ? "user" + std::to_string(Pick(kAccounts)) : "";
      if (Pick(5) == 0) u.home_org = Pick(2) ? Name() : "";
      if (Pick(6) == 0) u.active = Pick(2) == 0;
      if (Pick(6) == 0) u.site_admin = Pick(2) == 0;
      if (Pick(5) == 0) admin.if_match = Pick(3) + 1;
      return Command{admin, std::move(u)};
    }
    if (r < 58) return Command{admin, DeleteAccount{SomeAccount()}};
    if (r < 64) {
      return Command{admin, SetPassword{SomeAccount(), "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$p" +
                                                           std::to_string(serial_)}};
    }
    if (r < 74) {
      IssueApiKey k;
      k.key_id = NewCredentialId();
      k.key_sha256 = ToHex(Sha256Of("account key " + std::to_string(serial_)));
      k.account_id = SomeAccount();
      k.scope = Pick(3) == 0 ? "project" : "account";
      if (k.scope == "project") k.project_id = "p" + std::to_string(Pick(5));
      k.label = "k";
      return Command{admin, std::move(k)};
    }
    if (r < 82) {
      StartSession st{NewCredentialId(), ToHex(Sha256Of("session " + std::to_string(serial_))),
                      SomeAccount(), 1'900'000'000'000, Pick(3) == 0 ? CredentialId() : "",
                      1'700'000'000'000};
      return Command{system, std::move(st)};
    }
    if (r < 88) {
      IssueAccessToken t{NewCredentialId(),
                         ToHex(Sha256Of("token " + std::to_string(serial_))), SomeAccount(),
                         1'900'000'000'000};
      return Command{admin, std::move(t)};
    }
    if (r < 94) return Command{admin, RevokeApiKey{CredentialId()}};
    return Command{system, RecordCredentialUse{CredentialId(), 1'700'000'000'000 + serial_}};
  }

  // Memberships, roles and departments over the pools of orgs and accounts,
  // by site admins and by members (whose rights and ranks then decide).
  Command MemberCommand() {
    if (member_accounts_.size() < 5 || Pick(12) == 0) {  // an account that surely is created
      CreateAccount c;
      c.account_id = NewUuid();
      c.email = "member" + std::to_string(serial_) + "@x.example";
      c.first_name = "M";
      member_accounts_.push_back(c.account_id);
      account_ids_.push_back(c.account_id);  // so the account mix deletes some of them
      return Command{AdminMeta(), std::move(c)};
    }
    // An (org, account) pair the mix added lately, or a new one.
    auto pair = [&]() -> std::pair<std::string, std::string> {
      if (pairs_.empty() || Pick(3) == 0) {
        pairs_.emplace_back(Name(), member_accounts_[member_accounts_.size() - 1 -
                                                     Pick(std::min<uint32_t>(
                                                         40, member_accounts_.size()))]);
        return pairs_.back();
      }
      return pairs_[pairs_.size() - 1 - Pick(std::min<uint32_t>(60, pairs_.size()))];
    };
    auto [org, account] = pair();
    CommandMeta m = AdminMeta();
    if (Pick(3) == 0) {  // a member of the org acts, if it still is one
      auto [as_org, as_account] = pair();
      m = AdminMeta("key:member-" + as_account.substr(30));
      m.site_admin = false;
      m.account_id = as_account;
      org = as_org;
    }
    static const char* const kRoles[] = {"owner",   "admin",    "supervisor", "editor",
                                         "teacher", "reporter", "member",     "viewer",
                                         "grader",  "helper",   "nosuch"};
    auto role = [&] { return std::string(kRoles[Pick(11)]); };
    auto dept = [&] { return "Dept " + std::to_string(Pick(4)); };
    const uint32_t r = Pick(100);
    if (r < 45) {
      PutMember p;
      p.org = org;
      p.account = account;
      if (Pick(3)) p.role = role();
      if (Pick(4) == 0) p.department = Pick(3) ? dept() : "";
      if (Pick(4) == 0) p.content_permission = Pick(2) ? "modify" : "view";
      p.notify = Pick(5) == 0;
      return Command{m, std::move(p)};
    }
    if (r < 68) return Command{m, RemoveMember{org, account}};
    if (r < 74) {
      BatchMemberships b;
      b.orgs.push_back(org);
      for (uint32_t i = Pick(2); i > 0; --i) b.orgs.push_back(Name());
      b.users.push_back(account);
      for (uint32_t i = Pick(3); i > 0; --i) b.users.push_back(pair().second);
      if (Pick(2)) b.role = role();
      return Command{m, std::move(b)};
    }
    if (r < 79) {
      DefineRole d{org, Pick(2) ? "grader" : "helper",
                   {"view_org", Pick(2) ? "manage_members" : "view_members"}, Pick(600) + 1};
      return Command{m, std::move(d)};
    }
    if (r < 82) return Command{m, RemoveRole{org, Pick(2) ? "grader" : "helper"}};
    if (r < 88) {
      return Command{m, CreateDepartment{org, dept(), Pick(2) ? role() : "", Pick(2) ? "view" : "",
                                         ""}};
    }
    if (r < 91) {
      UpdateDepartment u;
      u.org = org;
      u.name = dept();
      u.default_role = Pick(2) ? role() : "";
      return Command{m, std::move(u)};
    }
    if (r < 93) return Command{m, DeleteDepartment{org, dept()}};
    if (r < 96) {  // a home org move (site admins only: a member's is refused)
      return Command{m, JoinHomeOrg{org, account, Pick(2) ? std::optional(role()) : std::nullopt,
                                    Pick(2) == 0}};
    }
    CreateOrgAccount c;
    c.org = org;
    c.account = NewAccount();
    c.role = role();
    return Command{m, std::move(c)};
  }

  // The same request again (a replay), or its key with another request.
  Command Retry() {
    if (keyed_.empty()) return Create();
    Command c = keyed_[Pick(static_cast<uint32_t>(keyed_.size()))];
    if (Pick(2) == 0) c.meta.fingerprint += " (changed)";
    return c;
  }

  std::mt19937 rng_;
  int serial_ = 0;
  std::vector<std::string> account_ids_;
  std::vector<std::string> credential_ids_;
  std::vector<std::pair<std::string, std::string>> pairs_;  // (org, account)
  std::vector<std::string> member_accounts_;
  std::vector<Command> keyed_;
  std::vector<std::pair<std::string, std::string>> metadata_;  // (org, key) set by the mix
  std::mt19937 attr_rng_{15};  // OrgAttributeCommand's and org keys' draws
};

// A clock that runs forward and now and then jumps five seconds back.
WriterOptions JumpyClock() {
  WriterOptions o;
  o.clock = [t = int64_t{1'700'000'000'000}]() mutable {
    t += 7;
    if (t % 1000 < 7) t -= 5000;
    return t;
  };
  return o;
}

class ProjectionTest : public ::testing::Test {
 protected:
  ProjectionTest() : path_(test::DomainStoreOptions(dir_.Sub("store")), JumpyClock()) {}
  void SetUp() override { ASSERT_OK(path_.Open()); }

  // Runs n commands of mix in waves of 1 to 64, so batches mix successes and
  // failures. Returns how often each outcome occurred ("ok", "replayed",
  // "conflict(name_taken)", ...).
  std::map<std::string, int> RunMix(CommandMix& mix, int n) {
    std::map<std::string, int> tally;
    std::uniform_int_distribution<int> wave_size(1, 64);
    std::mt19937 rng(7);
    for (int done = 0; done < n;) {
      std::vector<std::future<CommandOutcome>> wave;
      for (int i = wave_size(rng); i > 0 && done < n; --i, ++done) {
        wave.push_back(path_.Submit(mix.Next()));
      }
      for (auto& f : wave) {
        CommandOutcome o = f.get();
        const std::string code(CodeName(o.error.code()));
        if (o.replayed) ++tally["replayed"];
        else if (o.error.ok()) ++tally["ok"];
        else ++tally[code + "(" + o.error.reason() + ")"];
      }
    }
    return tally;
  }


  // Every key and value of a column family, read straight from RocksDB.
  Model ReadModel(const std::string& cf) {
    Model m;
    auto* h = path_.store()->cf(cf);
    EXPECT_NE(h, nullptr) << cf;
    if (h == nullptr) return m;
    std::unique_ptr<rocksdb::Iterator> it(path_.store()->db()->NewIterator({}, h));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      m[it->key().ToString()] = it->value().ToString();
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return m;
  }

  // Overwrites a column family with model, bypassing the store (as a restore
  // from an older backup of the model would).
  void ReplaceModel(const std::string& cf, const Model& model) {
    auto* h = path_.store()->cf(cf);
    ASSERT_NE(h, nullptr);
    rocksdb::WriteBatch wb;
    for (const auto& [k, v] : ReadModel(cf)) ASSERT_TRUE(wb.Delete(h, k).ok());
    for (const auto& [k, v] : model) ASSERT_TRUE(wb.Put(h, k, v).ok());
    ASSERT_TRUE(path_.store()->db()->Write(rocksdb::WriteOptions(), &wb).ok());
  }

  // Rebuilds every projection into "scratch.<name>" and compares it with the
  // live model; returns the differences found ("" when all are equal).
  std::string RebuildAndCompareAll(size_t events_per_batch) {
    std::string differences;
    for (const auto& p : path_.projections()->projections()) {
      const std::string live = ColumnFamilyName(p->name());
      const std::string scratch = "scratch." + std::string(p->name());
      RebuildProgress last;
      EXPECT_OK(RebuildInto(path_.store(), *p, scratch,
                            [&](const RebuildProgress& pr) { last = pr; }, events_per_batch));
      EXPECT_EQ(last.applied, path_.last_position()) << live;
      std::string difference;
      EXPECT_OK(CompareColumnFamilies(path_.store(), live, scratch, &difference));
      if (!difference.empty()) differences += live + ": " + difference + "\n";
    }
    return differences;
  }

  std::vector<uint64_t> ListAllIds(size_t page_size, std::vector<size_t>* page_sizes);

  test::TempDir dir_;
  test::WritePath path_;
};

TEST_F(ProjectionTest, RebuildAfterRandomMixEqualsLiveModels) {
  CommandMix mix(20240611);
  auto tally = RunMix(mix, 8000);
  // The mix really exercised successes and each kind of failure.
  EXPECT_GT(tally["ok"], 800);
  EXPECT_GT(tally["replayed"], 10);
  EXPECT_GT(tally["conflict(name_taken)"], 10);
  EXPECT_GT(tally["conflict(key_exists)"], 10);
  EXPECT_GT(tally["conflict(idempotency_key_reused)"], 10);
  EXPECT_GT(tally["not_found(unknown_org)"], 10);
  EXPECT_GT(tally["precondition_failed(version_mismatch)"], 10);
  EXPECT_GT(tally["forbidden()"], 10);
  EXPECT_GT(tally["invalid_argument(invalid_name)"], 10);
  EXPECT_GT(tally["invalid_argument(empty_update)"], 10);
  EXPECT_GT(tally["invalid_argument(invalid_email_address)"], 10);
  EXPECT_GT(path_.writer()->stats().batch_size.count(), 10u);
  std::map<std::string, int> types;
  for (auto it = path_.store()->NewLogIterator(); it->Valid(); it->Next()) {
    EventEnvelope e;
    ASSERT_OK(it->Decode(&e));
    ++types[e.type];
  }
  EXPECT_GT(types["OrgCreated"], 2 * CommandMix::kNames);  // names were freed and reused
  EXPECT_GT(types["MemberAdded"], 100);
  EXPECT_GT(types["MemberUpdated"], 4);
  EXPECT_GT(types["MemberRemoved"], 5);
  EXPECT_GT(types["RoleDefined"], 10);
  EXPECT_GT(types["DepartmentCreated"], 10);
  EXPECT_GT(tally["forbidden(missing_capability)"] + tally["forbidden(rank_too_high)"], 10);
  EXPECT_GT(types["OrgDeleted"], CommandMix::kNames);
  EXPECT_GT(types["OrgUpdated"], 100);
  EXPECT_GT(types["ApiKeyIssued"], 100);
  EXPECT_GT(tally["conflict(email_taken)"], 10);
  EXPECT_GT(types["AccountCreated"], 2 * CommandMix::kAccounts);  // emails freed and reused
  EXPECT_GT(types["AccountDeleted"], CommandMix::kAccounts);
  EXPECT_GT(types["AccountUpdated"], 50);
  EXPECT_GT(types["AccountPasswordSet"], 30);
  EXPECT_GT(types["SessionStarted"], 15);
  EXPECT_GT(types["AccessTokenIssued"], 20);
  EXPECT_GT(types["CredentialUsed"], 5);
  EXPECT_GT(types["OrgUsageSet"], 20);
  EXPECT_GT(types["OrgMetadataSet"], 20);
  EXPECT_GT(types["OrgMetadataRemoved"], 5);

  path_.StopWriter();
  EXPECT_EQ(RebuildAndCompareAll(4096), "");
  EXPECT_EQ(RebuildAndCompareAll(97), "");  // many small rebuild batches
}

TEST_F(ProjectionTest, ComparisonFindsAChangedValue) {
  CommandMix mix(1);
  RunMix(mix, 200);
  path_.StopWriter();
  ASSERT_EQ(RebuildAndCompareAll(4096), "");

  Model scratch = ReadModel("scratch.orgs");
  ASSERT_FALSE(scratch.empty());
  auto entry = scratch.lower_bound("i");  // the first org record
  ASSERT_NE(entry, scratch.end());
  ASSERT_EQ(entry->first[0], 'i');
  entry->second.back() ^= 1;
  ReplaceModel("scratch.orgs", scratch);
  std::string difference;
  ASSERT_OK(CompareColumnFamilies(path_.store(), "proj.orgs", "scratch.orgs", &difference));
  EXPECT_NE(difference, "");
}

TEST_F(ProjectionTest, RebuildOfAnEmptyLogEqualsTheEmptyModel) {
  path_.StopWriter();
  EXPECT_EQ(RebuildAndCompareAll(4096), "");
}

TEST_F(ProjectionTest, DroppedProjectionsAreRebuiltOnReopen) {
  CommandMix mix(2);
  RunMix(mix, 400);
  path_.StopWriter();
  const Model orgs = ReadModel("proj.orgs");
  const Model credentials = ReadModel("proj.credentials");
  ASSERT_GT(orgs.size(), 10u);
  ASSERT_GT(credentials.size(), 10u);

  ASSERT_OK(path_.store()->DropColumnFamily("proj.orgs"));
  ASSERT_OK(path_.store()->DropColumnFamily("proj.credentials"));
  ASSERT_OK(path_.Close());
  ASSERT_OK(path_.Open());

  EXPECT_EQ(path_.caught_up(), 2 * path_.last_position());
  EXPECT_EQ(ReadModel("proj.orgs"), orgs);
  EXPECT_EQ(ReadModel("proj.credentials"), credentials);
}

TEST_F(ProjectionTest, ProjectionBehindTheLogCatchesUpOnReopen) {
  CommandMix mix(3);
  RunMix(mix, 300);
  const uint64_t older_position = path_.last_position();
  const Model older = ReadModel("proj.orgs");
  RunMix(mix, 300);
  path_.StopWriter();
  const Model newer = ReadModel("proj.orgs");
  ASSERT_NE(older, newer);

  ReplaceModel("proj.orgs", older);  // as if restored from an older backup
  ASSERT_OK(path_.Close());
  ASSERT_OK(path_.Open());

  EXPECT_EQ(path_.caught_up(), path_.last_position() - older_position);
  EXPECT_EQ(ReadModel("proj.orgs"), newer);
  uint64_t checkpoint = 0;
  ASSERT_OK(path_.projections()->CheckpointOf(0, &checkpoint));
  EXPECT_EQ(checkpoint, path_.last_position());
}

// Pages through OrgReader::List, following next_after until it is 0.
std::vector<uint64_t> ProjectionTest::ListAllIds(size_t page_size,
                                                 std::vector<size_t>* page_sizes) {
  auto orgs = path_.orgs();
  OrgReader reader(orgs);
  std::vector<uint64_t> ids;
  uint64_t after = 0;
  do {
    OrgReader::Page page;
    EXPECT_OK(reader.List(after, 0, page_size, &page));
    page_sizes->push_back(page.orgs.size());
    for (const auto& org : page.orgs) ids.push_back(nlohmann::json::parse(org)["id"]);
    if (page.next_after != 0) {
      EXPECT_EQ(page.next_after, ids.back());
    }
    after = page.next_after;
  } while (after != 0 && page_sizes->size() < 100);
  return ids;
}

TEST_F(ProjectionTest, OrgListPagesInIdOrder) {
  for (int i = 1; i <= 25; ++i) {
    ASSERT_OK(path_.Run(test::MakeCreateOrg("org-" + std::to_string(i))).error);
  }
  for (const char* id : {"3", "10", "25"}) ASSERT_OK(path_.Run(test::MakeDeleteOrg(id)).error);
  std::vector<uint64_t> live;
  for (uint64_t id = 1; id <= 24; ++id) {
    if (id != 3 && id != 10) live.push_back(id);
  }

  std::vector<size_t> sizes;
  EXPECT_EQ(ListAllIds(7, &sizes), live);
  EXPECT_EQ(sizes, (std::vector<size_t>{7, 7, 7, 1}));
  sizes.clear();
  EXPECT_EQ(ListAllIds(11, &sizes), live);  // the last page is exactly full
  EXPECT_EQ(sizes, (std::vector<size_t>{11, 11}));

  auto orgs = path_.orgs();
  OrgReader::Page page;
  ASSERT_OK(OrgReader(orgs).List(0, 5, 3, &page));  // skips 1, 2, 4, 5, 6
  ASSERT_EQ(page.orgs.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(page.orgs[0])["name"], "org-7");
  EXPECT_EQ(page.next_after, 9u);
  ASSERT_OK(OrgReader(orgs).List(24, 0, 10, &page));
  EXPECT_TRUE(page.orgs.empty());
  EXPECT_EQ(page.next_after, 0u);
}

}  // namespace
}  // namespace orgd
