#include "src/http/core/rate_limit.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace orgd::http {
namespace {

// Small numbers so the arithmetic is easy to follow: 3 failures per 1 s, then
// lockouts of 100, 200, 400 ms (the cap).
constexpr SignInLimitOptions kSmall{.max_failures = 3,
                                    .window_ms = 1000,
                                    .lockout_ms = 100,
                                    .max_lockout_ms = 400,
                                    .max_keys = 1000};

// A limiter with a clock the test moves by hand.
class SignInLimiterTest : public ::testing::Test {
 protected:
  explicit SignInLimiterTest(SignInLimitOptions o = kSmall) : limiter_(o) {}

  void Fail(const std::string& key, int times = 1) {
    for (int i = 0; i < times; ++i) limiter_.RecordFailure(key, now_);
  }
  int64_t RetryAfter(const std::string& key) const { return limiter_.RetryAfterMs(key, now_); }
  void Advance(int64_t ms) { now_ += ms; }

  // Waits out key's lockout; REQUIRES: it is locked.
  void WaitOut(const std::string& key) {
    ASSERT_GT(RetryAfter(key), 0);
    Advance(RetryAfter(key));
    ASSERT_EQ(RetryAfter(key), 0);
  }

  SignInLimiter limiter_;
  int64_t now_ = 1'000'000;
};

TEST_F(SignInLimiterTest, UnknownKeyMayTry) { EXPECT_EQ(RetryAfter("acct:a"), 0); }

TEST_F(SignInLimiterTest, LocksAfterMaxFailures) {
  Fail("acct:a", 2);
  EXPECT_EQ(RetryAfter("acct:a"), 0);
  Fail("acct:a");
  EXPECT_EQ(RetryAfter("acct:a"), 100);
}

TEST_F(SignInLimiterTest, RetryAfterShrinksWithTime) {
  Fail("acct:a", 3);
  Advance(30);
  EXPECT_EQ(RetryAfter("acct:a"), 70);
  Advance(69);
  EXPECT_EQ(RetryAfter("acct:a"), 1);
  Advance(1);
  EXPECT_EQ(RetryAfter("acct:a"), 0);
  Advance(1000);
  EXPECT_EQ(RetryAfter("acct:a"), 0);
}

TEST_F(SignInLimiterTest, EachFailureAfterALockoutLocksAgainForTwiceAsLongUpToTheCap) {
  Fail("acct:a", 3);
  EXPECT_EQ(RetryAfter("acct:a"), 100);
  for (int64_t expected : {200, 400, 400, 400}) {
    WaitOut("acct:a");
    Fail("acct:a");  // one failure is enough now
    EXPECT_EQ(RetryAfter("acct:a"), expected);
  }
}

TEST_F(SignInLimiterTest, FailureWhileLockedExtendsTheLockout) {
  Fail("acct:a", 3);
  Advance(50);
  Fail("acct:a");  // an attempt that passed the check before the lock
  EXPECT_EQ(RetryAfter("acct:a"), 200);
}

TEST_F(SignInLimiterTest, SuccessClearsTheKey) {
  Fail("acct:a", 3);
  Advance(40);
  limiter_.RecordSuccess("acct:a");
  EXPECT_EQ(RetryAfter("acct:a"), 0);
  EXPECT_EQ(limiter_.tracked_keys(), 0u);
  // Forgotten entirely: it takes max_failures again, and the lockout is the first one.
  Fail("acct:a", 2);
  EXPECT_EQ(RetryAfter("acct:a"), 0);
  Fail("acct:a");
  EXPECT_EQ(RetryAfter("acct:a"), 100);
}

TEST_F(SignInLimiterTest, SuccessOfAnUnknownKeyIsHarmless) {
  limiter_.RecordSuccess("acct:nobody");
  EXPECT_EQ(limiter_.tracked_keys(), 0u);
}

TEST_F(SignInLimiterTest, KeysAreIndependent) {
  Fail("acct:a", 3);
  Fail("addr:10.0.0.1", 2);
  EXPECT_GT(RetryAfter("acct:a"), 0);
  EXPECT_EQ(RetryAfter("acct:b"), 0);
  EXPECT_EQ(RetryAfter("addr:10.0.0.1"), 0);
  limiter_.RecordSuccess("acct:b");
  EXPECT_GT(RetryAfter("acct:a"), 0);
  Fail("addr:10.0.0.1");
  EXPECT_EQ(RetryAfter("addr:10.0.0.1"), 100);
}

TEST_F(SignInLimiterTest, FailuresOfAnExpiredWindowDoNotCount) {
  Fail("acct:a", 2);
  Advance(999);
  EXPECT_EQ(limiter_.tracked_keys(), 1u);
  Advance(1);  // the window that opened with the first failure has closed
  Fail("acct:a", 2);
  EXPECT_EQ(RetryAfter("acct:a"), 0);
  Fail("acct:a");
  EXPECT_EQ(RetryAfter("acct:a"), 100);
}

TEST_F(SignInLimiterTest, WindowIsFixedFromItsFirstFailure) {
  Fail("acct:a");
  Advance(600);
  Fail("acct:a");
  Advance(600);  // 1200 ms after the first: a new window, holding this one failure
  Fail("acct:a");
  EXPECT_EQ(RetryAfter("acct:a"), 0);
  Fail("acct:a", 2);
  EXPECT_EQ(RetryAfter("acct:a"), 100);
}

TEST_F(SignInLimiterTest, ProneKeyIsForgottenAWindowAfterItsLockoutEnds) {
  Fail("acct:a", 3);
  WaitOut("acct:a");
  Advance(999);  // still prone: one failure locks it for twice as long
  Fail("acct:a");
  EXPECT_EQ(RetryAfter("acct:a"), 200);

  WaitOut("acct:a");
  Advance(1000);  // a full window since the lockout ended: forgotten
  Fail("acct:a", 2);
  EXPECT_EQ(RetryAfter("acct:a"), 0);
  Fail("acct:a");
  EXPECT_EQ(RetryAfter("acct:a"), 100);
}

TEST_F(SignInLimiterTest, LongKeysAreKeptApartByTheirHash) {
  const std::string long_a = "acct:" + std::string(kMaxStoredKeyBytes, 'a');
  const std::string long_b = "acct:" + std::string(kMaxStoredKeyBytes, 'a') + "b";
  Fail(long_a, 3);
  EXPECT_EQ(RetryAfter(long_a), 100);
  EXPECT_EQ(RetryAfter(long_b), 0);
  limiter_.RecordSuccess(long_a);
  EXPECT_EQ(RetryAfter(long_a), 0);
}

class SignInLimiterBoundTest : public SignInLimiterTest {
 protected:
  SignInLimiterBoundTest()
      : SignInLimiterTest({.max_failures = 1,
                           .window_ms = 1000,
                           .lockout_ms = 100,
                           .max_lockout_ms = 400,
                           .max_keys = 3}) {}
};

TEST_F(SignInLimiterBoundTest, OldestKeyIsEvictedBeyondMaxKeys) {
  Fail("acct:1");
  Advance(1);
  Fail("acct:2");
  Advance(1);
  Fail("acct:3");
  Advance(1);
  Fail("acct:1");  // acct:1 is now the most recent; acct:2 the oldest
  EXPECT_EQ(limiter_.tracked_keys(), 3u);

  Fail("acct:4");
  EXPECT_EQ(limiter_.tracked_keys(), 3u);
  EXPECT_EQ(RetryAfter("acct:2"), 0) << "the oldest key was evicted";
  EXPECT_GT(RetryAfter("acct:1"), 0);
  EXPECT_GT(RetryAfter("acct:3"), 0);
  EXPECT_GT(RetryAfter("acct:4"), 0);
}

TEST_F(SignInLimiterBoundTest, ForgottenKeysAreDroppedAsFailuresArrive) {
  Fail("acct:1");
  Fail("acct:2");
  Advance(100 + 1000);  // lockouts over and a window gone: both forgettable
  Fail("acct:3");
  EXPECT_EQ(limiter_.tracked_keys(), 1u);
}

TEST_F(SignInLimiterTest, MemoryStaysBoundedUnderAFloodOfKeys) {
  SignInLimiter limiter({.max_failures = 5,
                         .window_ms = 1000,
                         .lockout_ms = 100,
                         .max_lockout_ms = 400,
                         .max_keys = 20000});
  for (int i = 0; i < 100000; ++i) limiter.RecordFailure("addr:" + std::to_string(i), now_);
  EXPECT_LE(limiter.tracked_keys(), 20000u);
  EXPECT_GT(limiter.tracked_keys(), 19000u);  // every shard was filled
}

TEST_F(SignInLimiterTest, ConcurrentFailuresOnOneKeyAreAllCounted) {
  SignInLimiter limiter({.max_failures = 1000,
                         .window_ms = 60000,
                         .lockout_ms = 100,
                         .max_lockout_ms = 400,
                         .max_keys = 100000});
  constexpr int kThreads = 4, kEach = 250;  // 1000 failures in all: the last one locks
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&limiter, t, this] {
      for (int i = 0; i < kEach; ++i) {
        limiter.RecordFailure("acct:shared", now_);
        limiter.RecordFailure("addr:" + std::to_string(t * kEach + i), now_);
        (void)limiter.RetryAfterMs("acct:shared", now_);
        if (i % 50 == 0) (void)limiter.tracked_keys();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(limiter.RetryAfterMs("acct:shared", now_), 100);
  EXPECT_EQ(limiter.tracked_keys(), 1u + kThreads * kEach);
}

TEST_F(SignInLimiterTest, DefaultsAreFiveFailuresPerFifteenMinutes) {
  SignInLimiter limiter;
  for (int i = 0; i < 4; ++i) limiter.RecordFailure("acct:a", now_);
  EXPECT_EQ(limiter.RetryAfterMs("acct:a", now_), 0);
  limiter.RecordFailure("acct:a", now_);
  EXPECT_EQ(limiter.RetryAfterMs("acct:a", now_), 60 * 1000);
}

}  // namespace
}  // namespace orgd::http
