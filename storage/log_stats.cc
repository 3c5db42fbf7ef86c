#include "storage/log_stats.h"

#include "common/time_util.h"
#include "storage/event_store.h"

namespace orgd {
namespace {

constexpr int64_t kMsPerDay = int64_t{86400} * 1000;

int64_t DayOf(int64_t ms) { return ms >= 0 ? ms / kMsPerDay : (ms - kMsPerDay + 1) / kMsPerDay; }

}  // namespace

Status ComputeLogStats(const EventStore& store, std::string_view group_prefix, LogStats* out) {
  *out = LogStats{};
  auto it = store.NewLogIterator(1);
  EnvelopeView e;
  // Consecutive events mostly share a day and often a type: count runs.
  int64_t day = INT64_MIN;
  uint64_t* day_count = nullptr;
  for (; it->Valid(); it->Next()) {
    ORGD_RETURN_IF_ERROR(DecodeEnvelopeView(it->record(), &e));
    if (out->events++ == 0) out->first_ms = e.timestamp_ms;
    out->last_ms = e.timestamp_ms;
    auto type = out->by_type.find(e.type);
    if (type == out->by_type.end()) type = out->by_type.emplace(std::string(e.type), 0).first;
    ++type->second;
    if (!group_prefix.empty() && e.stream_id.starts_with(group_prefix)) {
      ++out->by_group[std::string(e.stream_id.substr(group_prefix.size()))];
    }
    if (const int64_t d = DayOf(e.timestamp_ms); d != day || day_count == nullptr) {
      day = d;
      day_count = &out->by_day[d];
    }
    ++*day_count;
  }
  return it->status();
}

std::string FormatDay(int64_t day) { return FormatIsoMs(day * kMsPerDay).substr(0, 10); }

}  // namespace orgd
