#include "tools/soak/soak_stats.h"

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace orgd::soak {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

// The latency (ms) at quantile q of the counts: the upper bound of the
// bucket holding that rank, so a figure is at most 12.5% high.
double QuantileMs(const std::array<uint64_t, kBuckets>& counts, uint64_t total, double q) {
  const auto rank = static_cast<uint64_t>(q * static_cast<double>(total - 1)) + 1;
  uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += counts[b];
    if (seen >= rank) return static_cast<double>(BucketUpperBound(b)) / 1000.0;
  }
  return static_cast<double>(BucketUpperBound(kBuckets - 1)) / 1000.0;
}

}  // namespace

int BucketOf(uint64_t micros) {
  if (micros < kSubBuckets) return static_cast<int>(micros);
  const int exponent = std::bit_width(micros) - 1;  // 2^exponent <= micros
  if (exponent >= kMaxExponent) return kBuckets - 1;
  const int sub = static_cast<int>(micros >> (exponent - 3)) - kSubBuckets;
  return kSubBuckets + (exponent - 3) * kSubBuckets + sub;
}

uint64_t BucketUpperBound(int bucket) {
  if (bucket < kSubBuckets) return static_cast<uint64_t>(bucket);
  const int shift = (bucket - kSubBuckets) / kSubBuckets;  // exponent - 3
  const uint64_t sub = static_cast<uint64_t>(bucket % kSubBuckets);
  return ((kSubBuckets + sub + 1) << shift) - 1;
}

void SoakStats::Record(bool write, Outcome outcome, std::chrono::microseconds took) {
  outcomes_[static_cast<int>(outcome)].fetch_add(1, kRelaxed);
  if (outcome == Outcome::kConnection) return;
  (write ? writes_ : reads_).fetch_add(1, kRelaxed);
  const auto micros = static_cast<uint64_t>(std::max<int64_t>(0, took.count()));
  buckets_[BucketOf(micros)].fetch_add(1, kRelaxed);
  uint64_t max = max_micros_.load(kRelaxed);
  while (micros > max && !max_micros_.compare_exchange_weak(max, micros, kRelaxed)) {
  }
}

Interval SoakStats::TakeInterval() {
  Interval in;
  const uint64_t max_micros = max_micros_.exchange(0, kRelaxed);
  std::array<uint64_t, kBuckets> counts{};
  uint64_t replies = 0;
  for (int b = 0; b < kBuckets; ++b) {
    const uint64_t now = buckets_[b].load(kRelaxed);
    counts[b] = now - taken_buckets_[b];
    taken_buckets_[b] = now;
    replies += counts[b];
  }
  for (int o = 0; o < kOutcomes; ++o) {
    const uint64_t now = outcomes_[o].load(kRelaxed);
    in.outcomes[o] = now - taken_outcomes_[o];
    taken_outcomes_[o] = now;
  }
  const uint64_t reads = reads_.load(kRelaxed), writes = writes_.load(kRelaxed);
  in.reads = reads - taken_reads_;
  in.writes = writes - taken_writes_;
  taken_reads_ = reads;
  taken_writes_ = writes;
  if (replies > 0) {
    // A bucket's upper bound may exceed the largest latency seen; cap at it.
    in.max_ms = static_cast<double>(max_micros) / 1000.0;
    in.p50_ms = std::min(QuantileMs(counts, replies, 0.50), in.max_ms);
    in.p99_ms = std::min(QuantileMs(counts, replies, 0.99), in.max_ms);
  }
  return in;
}

ProcessSample SampleProcess(pid_t pid) {
  ProcessSample s;
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream status(dir + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) s.rss_mib = std::stod(line.substr(6)) / 1024.0;  // in kB
  }
  std::error_code ec;
  int fds = 0;
  for (std::filesystem::directory_iterator it(dir + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  if (!ec) s.fds = fds;
  return s;
}

}  // namespace orgd::soak
