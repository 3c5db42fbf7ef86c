#include "common/random.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/test_util.h"

namespace orgd {
namespace {

// "sk-" and n characters cycling through the base62 alphabet.
std::string KeyWith(size_t n) {
  static constexpr char kBase62[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string key = "sk-";
  for (size_t i = 0; i < n; ++i) key.push_back(kBase62[i % 62]);
  return key;
}

void ExpectMalformed(const std::string& key) {
  Status s = ValidateApiKey(key);
  EXPECT_TRUE(s.IsInvalidArgument()) << key << ": " << s.ToString();
  EXPECT_EQ(s.reason(), "malformed_api_key") << key;
  if (key.size() > 3) {
    EXPECT_EQ(s.message().find(key), std::string::npos) << "repeats the key";
  }
}

TEST(ValidateApiKeyTest, GeneratedKeysAreWellFormed) {
  for (int i = 0; i < 100; ++i) EXPECT_OK(ValidateApiKey(NewApiKey()));
}

TEST(ValidateApiKeyTest, LengthsFromTwentyTwoToSixtyFourAreAccepted) {
  EXPECT_OK(ValidateApiKey(KeyWith(22)));
  EXPECT_OK(ValidateApiKey(KeyWith(40)));
  EXPECT_OK(ValidateApiKey(KeyWith(64)));
  EXPECT_OK(ValidateApiKey("sk-benchbenchbenchbenchbenchbenchbenchbench"));  // tools/bench
}

TEST(ValidateApiKeyTest, TooShortIsRefused) {
  ExpectMalformed(KeyWith(21));
  ExpectMalformed("sk-");
  ExpectMalformed("");
}

TEST(ValidateApiKeyTest, TooLongIsRefused) { ExpectMalformed(KeyWith(65)); }

TEST(ValidateApiKeyTest, WrongPrefixIsRefused) {
  ExpectMalformed(KeyWith(40).replace(0, 3, "pk-"));
  ExpectMalformed(KeyWith(40).replace(0, 3, "SK-"));
  ExpectMalformed(KeyWith(40).substr(3));  // no prefix at all
}

TEST(ValidateApiKeyTest, NonBase62CharacterIsRefused) {
  for (char c : {'-', '_', ' ', '+', '/', '=', '\0', '\n', '\xc3'}) {
    std::string key = KeyWith(40);
    key[20] = c;
    ExpectMalformed(key);
  }
  ExpectMalformed("sk-test-admin-key-0123456789");  // an old test key, with hyphens
}

}  // namespace
}  // namespace orgd
