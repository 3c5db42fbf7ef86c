// Prometheus-style metrics: counters, gauges and fixed-bucket histograms.
//
// Every type here is safe for concurrent use from many threads: observations
// are relaxed atomics; a labelled family takes its mutex only to find or create
// a series (then observes without it).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/thread_annotations.h"

namespace orgd {

class Histogram {
 public:
  // bounds: the upper bounds of the buckets, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double v);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

  // Appends the _bucket/_sum/_count lines. labels: `route="x",status="200"` or "".
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

  // Latency buckets in seconds, 50 µs … 5 s.
  static std::vector<double> LatencyBounds();
  // Count buckets 1, 2, 4, … 4096.
  static std::vector<double> SizeBounds();

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};  // sum * 1e6, to stay integral
};

// A family of histograms keyed by a rendered label string.
class HistogramFamily {
 public:
  explicit HistogramFamily(std::vector<double> bounds) : bounds_(std::move(bounds)) {}
  Histogram* Get(const std::string& labels) LOCKS_EXCLUDED(mu_);
  void Render(const std::string& name, std::string* out) LOCKS_EXCLUDED(mu_);

 private:
  const std::vector<double> bounds_;
  Mutex mu_;
  std::map<std::string, std::unique_ptr<Histogram>> series_ GUARDED_BY(mu_);
};

// Appends "# TYPE name type\n".
void RenderType(const std::string& name, const char* type, std::string* out);
// Appends "name{labels} value\n".
void RenderSample(const std::string& name, const std::string& labels, double value,
                  std::string* out);

}  // namespace orgd
