#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>

#include "src/projections/accounts/account_projection.h"
#include "tests/test_util.h"

// The account record's hand-written JSON must be what nlohmann writes, byte
// for byte (a rebuild compares models byte by byte), and read back the same.

namespace orgd {
namespace {

std::string RandomText(std::mt19937& rng) {
  static const std::string kPieces[] = {"a",      "Z",      "0",          " ",
                                        "\"",     "\\",     "/",          "\n",
                                        "\t",     "\x01",   "\x7f",       "\xC3\xA9",
                                        "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "@", "."};
  std::string s;
  for (int n = std::uniform_int_distribution<int>(0, 12)(rng); n > 0; --n) {
    s += kPieces[std::uniform_int_distribution<size_t>(0, std::size(kPieces) - 1)(rng)];
  }
  return s;
}

TEST(AccountJsonTest, FastPathMatchesNlohmannAndReadsBack) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    AccountRecord a;
    a.id = RandomText(rng);
    a.email = RandomText(rng);
    a.first_name = RandomText(rng);
    a.last_name = RandomText(rng);
    a.username = RandomText(rng);
    a.home_org = RandomText(rng);
    a.site_admin = rng() % 2;
    a.active = rng() % 2;
    a.email_verified = rng() % 2;
    a.home_org_id = rng() % 3 == 0 ? 0 : rng();
    a.created_ms = static_cast<int64_t>(rng()) * 1000;
    a.last_active_ms = rng() % 2 ? 0 : a.created_ms + 5;
    const std::string fast = AccountToJson(a);
    ASSERT_EQ(fast, internal::ReferenceAccountToJsonForTest(a)) << i;
    AccountRecord back;
    ASSERT_OK(AccountFromJson(fast, 3, &back));
    EXPECT_EQ(back.id, a.id);
    EXPECT_EQ(back.first_name, a.first_name);
    EXPECT_EQ(back.username, a.username);
    EXPECT_EQ(back.home_org_id, a.home_org_id);
    EXPECT_EQ(back.created_ms, a.created_ms);
    EXPECT_EQ(back.last_active_ms, a.last_active_ms);
    EXPECT_EQ(back.active, a.active);
    EXPECT_EQ(back.version, 3u);
  }
}

TEST(AccountJsonTest, InvalidUtf8FallsBackToTheReplacingEncoder) {
  AccountRecord a;
  a.id = "x";
  a.first_name = "bad \xC3";
  EXPECT_EQ(AccountToJson(a), internal::ReferenceAccountToJsonForTest(a));
}

}  // namespace
}  // namespace orgd
