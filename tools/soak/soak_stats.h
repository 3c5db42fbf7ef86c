// What the soak tool measures: per-interval request counts and latencies
// (SoakStats), and the server process's memory and open files
// (SampleProcess).
//
// SoakStats is safe for concurrent access: Record() from any number of worker
// threads at once, TakeInterval() from one thread (the sampler). Counters are
// relaxed atomics; a request recorded while an interval is taken lands in
// that interval or the next, never in both or neither.
#pragma once

#include <sys/types.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace orgd::soak {

// How one request ended, from the mix's point of view.
enum class Outcome {
  // A 2xx the mix expected.
  kOk = 0,
  // A non-2xx reply the mix expected: 304 for an unchanged org, 404 for a
  // random org that was deleted, 409 for a name reused on purpose, 412 for an
  // If-Match another connection made stale.
  kExpected,
  // Any other status below 500, including a 2xx where an error was due (a
  // second org with a taken name) and a 404 for an org this connection made.
  kBadStatus,
  // A 5xx reply.
  kServerError,
  // No reply: connecting, sending or receiving failed or timed out, or the
  // reply did not parse.
  kConnection,
};
inline constexpr int kOutcomes = 5;

// Latency histogram buckets: exact below 8 us, then 8 buckets per power of
// two (each at most 12.5% wide) up to 2^30 us (about 18 minutes).
inline constexpr int kSubBuckets = 8;
inline constexpr int kMaxExponent = 30;
inline constexpr int kBuckets = kSubBuckets + (kMaxExponent - 3) * kSubBuckets;

// The bucket a latency falls in, and the largest latency of a bucket.
int BucketOf(uint64_t micros);
uint64_t BucketUpperBound(int bucket);

// One interval's figures, as differences of the cumulative counters.
struct Interval {
  uint64_t reads = 0, writes = 0;  // requests that got a reply
  std::array<uint64_t, kOutcomes> outcomes{};
  double p50_ms = 0, p99_ms = 0, max_ms = 0;  // 0 when no request got a reply

  uint64_t requests() const { return reads + writes; }
  uint64_t count(Outcome o) const { return outcomes[static_cast<int>(o)]; }
};

class SoakStats {
 public:
  // A request that ended as outcome after took; only replies (every outcome
  // but kConnection) count as reads or writes and enter the histogram.
  void Record(bool write, Outcome outcome, std::chrono::microseconds took);
  // Everything recorded since the previous call (since construction at first).
  Interval TakeInterval();

 private:
  // Updated by the workers.
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
  std::array<std::atomic<uint64_t>, kOutcomes> outcomes_{};
  std::atomic<uint64_t> reads_{0}, writes_{0};
  std::atomic<uint64_t> max_micros_{0};  // since the last TakeInterval()

  // The totals at the previous TakeInterval(); used by the sampler only.
  std::array<uint64_t, kBuckets> taken_buckets_{};
  std::array<uint64_t, kOutcomes> taken_outcomes_{};
  uint64_t taken_reads_ = 0, taken_writes_ = 0;
};

// The server's resident memory and open file descriptors, read from
// /proc/PID/status (VmRSS) and /proc/PID/fd; -1 for what could not be read
// (no such process).
struct ProcessSample {
  double rss_mib = -1;
  int fds = -1;
};
ProcessSample SampleProcess(pid_t pid);

}  // namespace orgd::soak
