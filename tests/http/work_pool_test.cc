#include "src/http/core/work_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <memory>
#include <set>
#include <thread>
#include <vector>

namespace orgd::http {
namespace {

// A pool whose workers can be held inside a job, so the queue fills
// deterministically.
class WorkPoolTest : public ::testing::Test {
 protected:
  // Occupies every worker of pool with a job that waits for Release(); returns
  // once all of them are running.
  void BlockWorkers(WorkPool& pool) {
    const size_t n = pool.threads();
    started_ = std::make_unique<std::latch>(static_cast<std::ptrdiff_t>(n));
    for (size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(pool.TryPost([this] {
        started_->count_down();
        release_.wait();
      }));
    }
    started_->wait();
  }
  void Release() { release_.count_down(); }

  // A job that counts itself in ran_.
  std::function<void()> Counted() {
    return [this] { ran_.fetch_add(1); };
  }

  std::unique_ptr<std::latch> started_;
  std::latch release_{1};
  std::atomic<int> ran_{0};
};

TEST_F(WorkPoolTest, RunsJobsOnItsOwnThreads) {
  WorkPool pool({.threads = 2, .queue_capacity = 16});
  EXPECT_EQ(pool.threads(), 2u);
  std::vector<std::future<std::thread::id>> ids;
  for (int i = 0; i < 8; ++i) {
    auto done = std::make_shared<std::promise<std::thread::id>>();
    ids.push_back(done->get_future());
    ASSERT_TRUE(pool.TryPost([done] { done->set_value(std::this_thread::get_id()); }));
  }
  std::set<std::thread::id> seen;
  for (auto& id : ids) seen.insert(id.get());
  EXPECT_EQ(seen.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(seen.size(), 2u);
}

TEST_F(WorkPoolTest, ZeroThreadsMeansOnePerCoreAndAtLeastOne) {
  WorkPool pool({.threads = 0, .queue_capacity = 1});
  EXPECT_GE(pool.threads(), 1u);
  EXPECT_EQ(pool.threads(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST_F(WorkPoolTest, TryPostFailsWhenTheQueueIsFull) {
  WorkPool pool({.threads = 2, .queue_capacity = 3});
  BlockWorkers(pool);
  EXPECT_EQ(pool.queued(), 0u);  // running jobs are not counted
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(pool.TryPost(Counted())) << i;
  EXPECT_EQ(pool.queued(), 3u);

  bool refused_ran = false;
  EXPECT_FALSE(pool.TryPost([&refused_ran] { refused_ran = true; }));
  EXPECT_EQ(pool.queued(), 3u);

  Release();
  pool.Stop();
  EXPECT_EQ(ran_.load(), 3);
  EXPECT_FALSE(refused_ran);
}

TEST_F(WorkPoolTest, RoomFreesAsJobsAreTaken) {
  WorkPool pool({.threads = 1, .queue_capacity = 1});
  BlockWorkers(pool);
  EXPECT_TRUE(pool.TryPost(Counted()));
  EXPECT_FALSE(pool.TryPost(Counted()));
  Release();
  // Once the worker has taken the queued job, one more fits.
  std::promise<void> done;
  while (!pool.TryPost([&done] { done.set_value(); })) std::this_thread::yield();
  done.get_future().wait();
  EXPECT_EQ(ran_.load(), 1);
}

TEST_F(WorkPoolTest, EmptyJobIsRefused) {
  WorkPool pool({.threads = 1, .queue_capacity = 4});
  EXPECT_FALSE(pool.TryPost(std::function<void()>()));
  EXPECT_EQ(pool.queued(), 0u);
}

TEST_F(WorkPoolTest, StopRunsEveryQueuedJobThenRefusesNewOnes) {
  WorkPool pool({.threads = 1, .queue_capacity = 1 << 20});
  BlockWorkers(pool);
  int posted = 0;
  for (; posted < 3; ++posted) ASSERT_TRUE(pool.TryPost(Counted()));

  // Stop() begins while the worker is held. Posting no-ops until one is
  // refused shows it has begun (the queue is far from full); only then is the
  // worker let go, so the queued jobs are run by Stop's drain.
  std::thread stopper([&pool] { pool.Stop(); });
  while (pool.TryPost(Counted())) {
    ++posted;
    std::this_thread::yield();
  }
  ASSERT_LT(pool.queued(), size_t{1} << 20);
  EXPECT_EQ(pool.queued(), static_cast<size_t>(posted));
  Release();
  stopper.join();

  EXPECT_EQ(ran_.load(), posted);
  EXPECT_EQ(pool.queued(), 0u);
  EXPECT_FALSE(pool.TryPost(Counted()));
  pool.Stop();  // idempotent; the destructor stops again
  EXPECT_EQ(ran_.load(), posted);
}

TEST_F(WorkPoolTest, JobPostedDuringStopIsRefused) {
  WorkPool pool({.threads = 1, .queue_capacity = 1 << 20});
  BlockWorkers(pool);
  std::atomic<int> reposts_accepted{0};
  ASSERT_TRUE(pool.TryPost([&] {
    if (pool.TryPost(Counted())) reposts_accepted.fetch_add(1);
  }));
  std::thread stopper([&pool] { pool.Stop(); });
  while (pool.TryPost([] {})) std::this_thread::yield();
  Release();
  stopper.join();
  EXPECT_EQ(reposts_accepted.load(), 0);
  EXPECT_EQ(ran_.load(), 0);
}

TEST_F(WorkPoolTest, DestructorRunsQueuedJobs) {
  {
    WorkPool pool({.threads = 2, .queue_capacity = 64});
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.TryPost(Counted()));
  }
  EXPECT_EQ(ran_.load(), 50);
}

TEST_F(WorkPoolTest, ManyThreadsPostConcurrently) {
  WorkPool pool({.threads = 3, .queue_capacity = 100000});
  constexpr int kPosters = 4, kEach = 2000;
  std::atomic<int> accepted{0};
  std::vector<std::thread> posters;
  for (int p = 0; p < kPosters; ++p) {
    posters.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (pool.TryPost(Counted())) accepted.fetch_add(1);
      }
    });
  }
  for (auto& t : posters) t.join();
  pool.Stop();
  EXPECT_EQ(accepted.load(), kPosters * kEach);
  EXPECT_EQ(ran_.load(), accepted.load());
}

}  // namespace
}  // namespace orgd::http
