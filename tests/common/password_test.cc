#include "common/password.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/test_util.h"

namespace orgd {
namespace {

// libsodium's least cost, so that every hash here takes well under 1 ms.
constexpr PasswordLimits kFast{kPasswordOpsLimitMin, kPasswordMemLimitMin};

class PasswordTest : public ::testing::Test {
 protected:
  // A hash of password with kFast; fails the test if hashing fails.
  std::string Hash(const std::string& password) {
    Result<std::string> hash = HashPassword(password, kFast);
    EXPECT_OK(hash);
    return hash.ok() ? hash.value() : std::string();
  }

  static void ExpectInvalid(const std::string& password) {
    Status s = ValidatePassword(password);
    EXPECT_TRUE(s.IsInvalidArgument()) << password.size() << " bytes: " << s.ToString();
    EXPECT_EQ(s.reason(), "invalid_password");
    if (!password.empty()) {
      EXPECT_EQ(s.message().find(password), std::string::npos) << "repeats the password";
    }
  }
};

TEST_F(PasswordTest, HashVerifiesItsPassword) {
  const std::string hash = Hash("correct horse battery staple");
  EXPECT_TRUE(VerifyPassword(hash, "correct horse battery staple"));
}

TEST_F(PasswordTest, WrongPasswordDoesNotVerify) {
  const std::string hash = Hash("correct horse battery staple");
  EXPECT_FALSE(VerifyPassword(hash, "correct horse battery stapler"));
  EXPECT_FALSE(VerifyPassword(hash, "Correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(hash, ""));
}

TEST_F(PasswordTest, HashIsArgon2idWithItsLimits) {
  const std::string hash = Hash("password1");
  EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << hash;
  EXPECT_LT(hash.size(), 128u);
}

TEST_F(PasswordTest, TwoHashesOfOnePasswordDifferBySalt) {
  const std::string a = Hash("same password");
  const std::string b = Hash("same password");
  EXPECT_NE(a, b);
  EXPECT_TRUE(VerifyPassword(a, "same password"));
  EXPECT_TRUE(VerifyPassword(b, "same password"));
}

TEST_F(PasswordTest, PasswordsWithNulBytesAreHashedWhole) {
  const std::string with_nul("abcdefgh\0ijk", 12);
  const std::string hash = Hash(with_nul);
  EXPECT_TRUE(VerifyPassword(hash, with_nul));
  EXPECT_FALSE(VerifyPassword(hash, "abcdefgh"));
}

TEST_F(PasswordTest, MalformedHashDoesNotVerify) {
  const std::string hash = Hash("password1");
  EXPECT_FALSE(VerifyPassword("", "password1"));
  EXPECT_FALSE(VerifyPassword("password1", "password1"));
  EXPECT_FALSE(VerifyPassword("$argon2id$", "password1"));
  EXPECT_FALSE(VerifyPassword(hash.substr(0, hash.size() - 4), "password1"));
  std::string flipped = hash;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPassword(flipped, "password1"));
  EXPECT_FALSE(VerifyPassword(hash + std::string(200, 'A'), "password1"));
  EXPECT_FALSE(VerifyPassword(std::string(hash).insert(10, 1, '\0'), "password1"));
  // Parameters that ask for far too much memory fail rather than allocate.
  EXPECT_FALSE(
      VerifyPassword("$argon2id$v=19$m=4294967295,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
                     "c29tZWhhc2hzb21laGFzaHNvbWVoYXNoc29tZWhhc2g",
                     "password1"));
}

TEST_F(PasswordTest, OverlongPasswordDoesNotVerify) {
  EXPECT_FALSE(VerifyPassword(Hash("password1"), std::string(kMaxPasswordBytes + 1, 'a')));
}

TEST_F(PasswordTest, HashRefusesAnInvalidPassword) {
  Result<std::string> hash = HashPassword("short", kFast);
  EXPECT_TRUE(hash.status().IsInvalidArgument()) << hash.status().ToString();
  EXPECT_EQ(hash.status().reason(), "invalid_password");
}

TEST_F(PasswordTest, LimitsBelowLibsodiumsMinimumAreAnInternalError) {
  Result<std::string> hash = HashPassword("password1", {kPasswordOpsLimitMin, 1024});
  EXPECT_EQ(hash.status().code(), Status::Code::kInternal) << hash.status().ToString();
}

TEST_F(PasswordTest, ValidatePasswordBoundsTheLength) {
  EXPECT_OK(ValidatePassword(std::string(kMinPasswordBytes, 'a')));
  EXPECT_OK(ValidatePassword(std::string(kMaxPasswordBytes, 'a')));
  ExpectInvalid("");
  ExpectInvalid(std::string(kMinPasswordBytes - 1, 'a'));
  ExpectInvalid(std::string(kMaxPasswordBytes + 1, 'a'));
}

TEST_F(PasswordTest, DummyHashIsMadeOncePerLimitsAndVerifiesNothing) {
  const std::string& dummy = DummyPasswordHash(kFast);
  EXPECT_TRUE(dummy.starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << dummy;
  EXPECT_EQ(&DummyPasswordHash(kFast), &dummy);
  EXPECT_FALSE(VerifyPassword(dummy, "password1"));
  EXPECT_FALSE(VerifyPassword(dummy, ""));

  const PasswordLimits other{kPasswordOpsLimitMin + 1, kPasswordMemLimitMin};
  const std::string& other_dummy = DummyPasswordHash(other);
  EXPECT_TRUE(other_dummy.starts_with("$argon2id$v=19$m=8,t=2,p=1$")) << other_dummy;
  EXPECT_NE(&other_dummy, &dummy);
}

TEST_F(PasswordTest, DefaultLimitsAreLibsodiumsInteractiveOnes) {
  const PasswordLimits limits;
  EXPECT_EQ(limits.opslimit, 2u);
  EXPECT_EQ(limits.memlimit, size_t{64} << 20);
}

}  // namespace
}  // namespace orgd
