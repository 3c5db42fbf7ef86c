#include "storage/event_store.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "tests/http/test_server.h"
#include "tests/test_util.h"

// After a mixed workload of accounts, passwords, sessions, API keys and
// access tokens over real HTTP, no secret is in the store in clear: neither
// in any key or value of any column family (read through RocksDB itself)
// nor in any byte of any file of the data directory (WAL, SST, LOG,
// MANIFEST, ...). Only SHA-256 digests of keys and tokens, and Argon2id
// hashes of passwords, may be there (issue 14, "Must show").

namespace orgd::test {
namespace {

using nlohmann::json;

struct Secret {
  std::string what;   // for failure messages: "password of a@example.com", ...
  std::string value;  // the clear text
};

// Every key and value of every column family of the store at path, read-only.
struct StoreDump {
  std::vector<std::string> families;
  std::vector<std::pair<std::string, std::string>> records;  // "family/key" -> value
};

void DumpStore(const std::string& path, StoreDump* out) {
  rocksdb::Options options;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, path, &out->families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : out->families)
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, path, descriptors, &handles, &raw);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<rocksdb::DB> db(raw);
  for (size_t i = 0; i < handles.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[i]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out->records.emplace_back(out->families[i] + "/" + it->key().ToString(),
                                it->value().ToString());
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  }
  for (auto* h : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  EXPECT_TRUE(db->Close().ok());
}

std::string ReadFileBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

size_t CountOf(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos; at = hay.find(needle, at + 1))
    ++n;
  return n;
}

class NoSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(server_.Start(data_dir())); }

  std::string data_dir() const { return dir_.Sub("data"); }
  void Keep(std::string what, std::string value) {
    ASSERT_FALSE(value.empty()) << what;
    secrets_.push_back({std::move(what), std::move(value)});
  }

  // Accounts with passwords (alone and in a batch), sign-ins and sign-outs,
  // password changes, keys used and revoked, access tokens used and revoked,
  // a site key, and one idempotent replay.
  void RunMixedWorkload() {
    auto c = server_.NewClient();
    Keep("the bootstrap key", kTestAdminKey);
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      const std::string email = "p" + std::to_string(i) + "@example.com";
      const std::string password = "Pw-" + std::to_string(i) + "-q7Rv9XkLm2Zt";
      Keep("password of " + email, password);
      ids.push_back(c->CreateAccount(
          email, {{"first_name", "P" + std::to_string(i)}, {"password", password}}));
    }
    json batch = json::array();
    for (int i = 0; i < 3; ++i) {
      const std::string password = "BatchPw-" + std::to_string(i) + "-Jd83hQwe";
      Keep("batch password " + std::to_string(i), password);
      batch.push_back(
          {{"email", "b" + std::to_string(i) + "@example.com"}, {"password", password}});
    }
    ASSERT_TRUE(HasStatus(
        c->AsAdmin("POST", "/api/v1/accounts:batch", json{{"accounts", batch}}.dump()), 201));

    // Sessions: one kept, one signed out; then a password change and a sign-in with it.
    const std::string kept = c->Login("p0@example.com", "Pw-0-q7Rv9XkLm2Zt");
    Keep("a session token", kept);
    const std::string gone = c->Login("p1@example.com", "Pw-1-q7Rv9XkLm2Zt");
    Keep("a signed-out session token", gone);
    ASSERT_EQ(c->WhoAmIStatus(Bearer(gone)), 200);
    ASSERT_TRUE(HasStatus(c->Call("POST", "/api/v1/auth/logout", {}, Bearer(gone)), 204));
    const std::string changed = "Changed-Pw-uY6tR4eW";
    Keep("a changed password", changed);
    ASSERT_TRUE(HasStatus(c->Call("PUT", "/api/v1/accounts/" + ids[0] + "/password",
                                  json{{"password", changed}}.dump(), Bearer(kept)),
                          204));
    const std::string set_by_admin = "Admin-Set-Pw-Kk29dd";
    Keep("a password set by an admin", set_by_admin);
    ASSERT_TRUE(HasStatus(c->AsAdmin("PUT", "/api/v1/accounts/b0@example.com/password",
                                     json{{"password", set_by_admin}}.dump()),
                          204));
    Keep("a session after the change", c->Login("p0@example.com", changed));
    Keep("a session of a batch account", c->Login("b0@example.com", set_by_admin));
    // A failed sign-in carries a password guess too.
    const std::string guess = "Wrong-Guess-zz81Pq";
    Keep("a wrong password", guess);
    EXPECT_TRUE(HasStatus(c->Call("POST", "/api/v1/auth/login",
                                  json{{"email", "p2@example.com"}, {"password", guess}}.dump()),
                          401));

    // API keys: used, revoked, replayed, project-scoped, and a site key.
    json used = c->IssueKey(ids[1], {{"name", "used"}});
    Keep("an API key", used.value("key", ""));
    ASSERT_EQ(c->WhoAmIStatus(Bearer(used.value("key", ""))), 200);
    json revoked = c->IssueKey(ids[2], {{"name", "revoked"}});
    Keep("a revoked API key", revoked.value("key", ""));
    ASSERT_TRUE(HasStatus(c->AsAdmin("DELETE", "/api/v1/keys/" + revoked.value("id", "")), 204));
    json project = c->IssueKey(ids[2], {{"scope", "project"}, {"project_id", "proj-1"}});
    Keep("a project key", project.value("key", ""));
    auto replayed = c->AsAdmin("POST", "/api/v1/accounts/" + ids[1] + "/keys", "{}",
                               {{"Idempotency-Key", "k-1"}});
    ASSERT_TRUE(HasStatus(replayed, 201));
    Keep("a key issued with an Idempotency-Key", BodyOf(*replayed).value("key", ""));
    auto site = c->AsAdmin("POST", "/api/v1/keys", json{{"label", "second admin"}}.dump());
    ASSERT_TRUE(HasStatus(site, 201));
    Keep("a site key", BodyOf(*site).value("key", ""));

    // Access tokens: one used twice, one revoked.
    for (int i = 0; i < 2; ++i) {
      auto t = c->AsAdmin("POST", "/api/v1/accounts/" + ids[i] + "/access-tokens");
      ASSERT_TRUE(HasStatus(t, 201));
      const std::string token = BodyOf(*t).value("token", "");
      Keep("an access token", token);
      for (int use = 0; use < 2; ++use) {
        auto in = c->Call("GET", "/auth/impersonate?auth_token=" + token);
        ASSERT_TRUE(HasStatus(in, 200));
        const std::string cookie = in->Header("Set-Cookie").value_or("");
        Keep("an impersonation session", cookie.substr(13, cookie.find(';') - 13));
      }
      if (i == 1) {
        ASSERT_TRUE(HasStatus(c->AsAdmin("DELETE", "/api/v1/access-tokens/" + token), 204));
      }
    }
    // A deleted account's credentials.
    json doomed = c->IssueKey(ids[2], {{"name", "doomed"}});
    Keep("a key of a deleted account", doomed.value("key", ""));
    ASSERT_TRUE(HasStatus(c->AsAdmin("DELETE", "/api/v1/accounts/" + ids[2]), 204));
  }

  TempDir dir_;
  TestServer server_;
  std::vector<Secret> secrets_;
};

TEST_F(NoSecretsTest, NoColumnFamilyHoldsAKeyTokenOrPasswordInClear) {
  RunMixedWorkload();
  if (HasFatalFailure()) return;
  const uint64_t events = server_.position();
  ASSERT_OK(server_.Stop());

  StoreDump dump;
  DumpStore(data_dir(), &dump);
  if (HasFatalFailure()) return;
  // The dump saw the whole store: the log, and a read model per projection.
  EXPECT_GE(dump.families.size(), 4u);
  EXPECT_GE(dump.records.size(), events);
  size_t argon2_hashes = 0;
  size_t emails = 0;
  for (const auto& [key, value] : dump.records) {
    for (const Secret& s : secrets_) {
      EXPECT_EQ(key.find(s.value), std::string::npos) << s.what << " in the key " << key;
      EXPECT_EQ(value.find(s.value), std::string::npos) << s.what << " in the value of " << key;
    }
    argon2_hashes += CountOf(value, "$argon2id$v=19$");
    emails += CountOf(value, "p1@example.com");
  }
  // Positive controls: the values were read as stored, hashes and all.
  EXPECT_GE(argon2_hashes, 8u);  // 6 new accounts + 2 password changes, in the log alone
  EXPECT_GT(emails, 0u);
  // A key's SHA-256 may be stored; it is how a presented key is looked up.
  const std::string digest = ToHex(Sha256Of(secrets_[0].value));
  size_t digests = 0;
  for (const auto& [key, value] : dump.records)
    digests += CountOf(key, digest) + CountOf(value, digest);
  EXPECT_GT(digests, 0u) << "the bootstrap key's SHA-256 is nowhere: is the dump complete?";
}

TEST_F(NoSecretsTest, NoFileOfTheDataDirectoryHoldsASecretInClear) {
  RunMixedWorkload();
  if (HasFatalFailure()) return;
  ASSERT_OK(server_.Stop());

  size_t files = 0;
  size_t wal_files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".log") && name != "LOG") ++wal_files;
    const std::string bytes = ReadFileBytes(entry.path());
    for (const Secret& s : secrets_) {
      EXPECT_EQ(bytes.find(s.value), std::string::npos) << s.what << " in " << entry.path();
    }
  }
  EXPECT_GE(files, 5u);  // CURRENT, MANIFEST, OPTIONS, LOG, a WAL or tables
  EXPECT_GE(wal_files, 1u);
}

}  // namespace
}  // namespace orgd::test
