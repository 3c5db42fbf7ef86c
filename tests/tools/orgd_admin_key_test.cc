// `orgd serve` with ORGD_ADMIN_KEY, run as a process: a malformed key stops
// it before the store is opened, so nothing is created or registered; a well
// formed one is registered and lets its holder in.
#include <filesystem>
#include <string>
#include <vector>

#include "storage/event_store.h"
#include "tests/process_util.h"
#include "tests/test_util.h"

namespace orgd::test {
namespace {

class AdminKeyTest : public ::testing::Test {
 protected:
  // `orgd serve` on data_ with key as ORGD_ADMIN_KEY, ended after 20 s if it
  // does not stop by itself (timeout then exits 124).
  ToolRun ServeWithKey(const std::string& key) {
    return RunTool("/usr/bin/timeout",
                   {"20", ORGD_BINARY, "serve", "--data", data_, "--listen", "127.0.0.1:0"},
                   {{"ORGD_ADMIN_KEY", key}, {"ORGD_LOG_LEVEL", "warn"}});
  }

  // Expects serve to refuse key at once, naming the variable but not the key.
  void ExpectRefused(const std::string& key) {
    ToolRun run = ServeWithKey(key);
    EXPECT_EQ(run.exit_code, 2) << key << "\n" << run.out << run.err;
    EXPECT_NE(run.err.find("ORGD_ADMIN_KEY is not a well-formed API key"), std::string::npos)
        << run.err;
    EXPECT_EQ(run.err.find(key), std::string::npos) << "stderr repeats the key: " << run.err;
    EXPECT_EQ(run.out.find("listening"), std::string::npos) << run.out;
  }

  // Expects the store at data_ to hold no event and no registered key
  // (proj.credentials keys a registered key by "k" + its hash).
  void ExpectNoKeyRegistered() {
    StoreOptions o = DomainStoreOptions(data_);
    o.read_only = true;
    std::unique_ptr<EventStore> store;
    ASSERT_OK(EventStore::Open(o, &store));
    EXPECT_EQ(store->last_position(), 0u);
    for (const auto& [k, v] : ReadFamily(*store, "proj.credentials")) {
      EXPECT_NE(k.front(), 'k') << "a key is registered: " << v;
    }
  }

  TempDir dir_;
  const std::string data_ = dir_.Sub("data");
};

TEST_F(AdminKeyTest, MalformedKeyStopsServeBeforeTheDataDirectoryIsCreated) {
  const std::vector<std::string> keys = {"sk-tooshort", "pk-0123456789abcdefghijklmnopqrstuvwxyz",
                                         "sk-test-admin-key-0123456789",
                                         "sk-" + std::string(65, 'a')};
  for (const std::string& key : keys) {
    ExpectRefused(key);
    EXPECT_FALSE(std::filesystem::exists(data_)) << key;
  }
}

TEST_F(AdminKeyTest, MalformedKeyOnAnEmptyStoreRegistersNothing) {
  {
    std::unique_ptr<EventStore> store;
    ASSERT_OK(EventStore::Open(DomainStoreOptions(data_), &store));
    ASSERT_OK(store->Close());
  }
  ExpectRefused("sk-0123456789abcdefghij_klmnopqrstuvwxyz");
  ExpectNoKeyRegistered();
}

TEST_F(AdminKeyTest, WellFormedKeyIsRegisteredAndAuthenticates) {
  const std::string key = "sk-0123456789abcdefghijKL";  // the shortest allowed: 22
  ServerProcess server(ORGD_BINARY, data_, key);
  ASSERT_TRUE(server.Start());
  std::string reply;
  EXPECT_EQ(HttpClient(server.port(), key).Exchange("GET", "/api/v1/orgs", "", &reply), 200)
      << reply;
  EXPECT_EQ(HttpClient(server.port(), key + "x").Exchange("GET", "/api/v1/orgs", "", &reply), 401)
      << reply;
}

}  // namespace
}  // namespace orgd::test
