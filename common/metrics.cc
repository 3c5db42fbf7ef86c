#include "common/metrics.h"

#include <cmath>
#include <cstdio>

namespace orgd {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(v * 1e6)), std::memory_order_relaxed);
}

namespace {

std::string FormatDouble(double v) {
  char buf[40];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.9g", v);
  }
  return buf;
}

std::string JoinLabels(const std::string& labels, const std::string& extra) {
  if (labels.empty()) return extra;
  return labels + "," + extra;
}

}  // namespace

void Histogram::Render(const std::string& name, const std::string& labels,
                       std::string* out) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < bounds_.size() ? FormatDouble(bounds_[i]) : "+Inf";
    RenderSample(name + "_bucket", JoinLabels(labels, "le=\"" + le + "\""),
                 static_cast<double>(cumulative), out);
  }
  RenderSample(name + "_sum", labels,
               static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6, out);
  RenderSample(name + "_count", labels, static_cast<double>(count()), out);
}

std::vector<double> Histogram::LatencyBounds() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
          0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1,     5};
}

std::vector<double> Histogram::SizeBounds() {
  std::vector<double> b;
  for (double v = 1; v <= 4096; v *= 2) b.push_back(v);
  return b;
}

Histogram* HistogramFamily::Get(const std::string& labels) {
  MutexLock lock(&mu_);
  auto& h = series_[labels];
  if (!h) h = std::make_unique<Histogram>(bounds_);
  return h.get();
}

void HistogramFamily::Render(const std::string& name, std::string* out) {
  RenderType(name, "histogram", out);
  std::vector<std::pair<std::string, Histogram*>> copy;
  {
    MutexLock lock(&mu_);
    for (auto& [labels, h] : series_) copy.emplace_back(labels, h.get());
  }
  for (auto& [labels, h] : copy) h->Render(name, labels, out);
}

void RenderType(const std::string& name, const char* type, std::string* out) {
  *out += "# TYPE " + name + " " + type + "\n";
}

void RenderSample(const std::string& name, const std::string& labels, double value,
                  std::string* out) {
  *out += name;
  if (!labels.empty()) *out += "{" + labels + "}";
  *out += " " + FormatDouble(value) + "\n";
}

}  // namespace orgd
