// Counting the event log: events per type, per day and per stream of one
// kind (the streams whose ids start with a prefix the caller names, such as
// "org-"), for `orgd-replay stats`. Storage knows no stream names of its own.
//
// ComputeLogStats reads a consistent snapshot, so it may run beside a live
// writer (or on a store open read-only); a LogStats is a plain value.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

namespace orgd {

class EventStore;

struct LogStats {
  uint64_t events = 0;
  int64_t first_ms = 0;  // timestamp of the first event; 0 for an empty log
  int64_t last_ms = 0;   // and of the last
  std::map<std::string, uint64_t, std::less<>> by_type;
  // Events of each stream starting with the group prefix, by the rest of its
  // id ("42" of "org-42").
  std::unordered_map<std::string, uint64_t> by_group;
  // Events of each UTC day, by days since 1970-01-01.
  std::map<int64_t, uint64_t> by_day;
};

Status ComputeLogStats(const EventStore& store, std::string_view group_prefix, LogStats* out);

// "2026-11-23" for a day number of LogStats::by_day.
std::string FormatDay(int64_t day);

}  // namespace orgd
