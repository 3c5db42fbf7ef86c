#include "src/http/core/work_pool.h"

#include <algorithm>
#include <utility>

namespace orgd::http {
namespace {

size_t ThreadCount(size_t requested) {
  if (requested > 0) return requested;
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}

}  // namespace

WorkPool::WorkPool(WorkPoolOptions o)
    : thread_count_(ThreadCount(o.threads)), queue_capacity_(o.queue_capacity) {
  workers_.reserve(thread_count_);
  try {
    for (size_t i = 0; i < thread_count_; ++i) workers_.emplace_back([this] { Run(); });
  } catch (...) {
    Stop();
    throw;
  }
}

WorkPool::~WorkPool() { Stop(); }

bool WorkPool::TryPost(std::function<void()> fn) {
  if (!fn) return false;
  MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= queue_capacity_) return false;
  queue_.push_back(std::move(fn));
  work_cv_.Signal();
  return true;
}

void WorkPool::Stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    work_cv_.SignalAll();
  }
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
}

size_t WorkPool::queued() const {
  MutexLock lock(&mu_);
  return queue_.size();
}

void WorkPool::Run() {
  for (;;) {
    std::function<void()> job;
    {
      MutexLock lock(&mu_);
      while (queue_.empty() && !stopping_) work_cv_.Wait();
      if (queue_.empty()) return;  // stopping, and every queued job was taken
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace orgd::http
