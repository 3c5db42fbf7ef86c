// Restoring a data directory as of a moment of its log: a new store holding
// the log up to a position or a time, as it was then.
//
// RestoreLogPrefix only reads the source (it may be open read-only beside a
// running server) and writes a directory no one else uses; call it from one
// thread. The read models are not copied: the caller rebuilds them from the
// copied log (orgd-replay restore does).
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace orgd {

class EventStore;

// Where the restored log ends: the last event with position <= until_position
// and timestamp <= until_ms (timestamps never decrease along the log, so this
// is a prefix).
struct RestorePoint {
  uint64_t until_position = UINT64_MAX;
  int64_t until_ms = INT64_MAX;
};

struct RestoreReport {
  uint64_t events = 0;             // positions 1..events were copied
  int64_t last_timestamp_ms = 0;   // of event `events`; 0 when none
  uint64_t streams = 0;            // streams with at least one copied event
  uint64_t idempotency_records = 0;
};

// Creates a store at to_dir (which must not exist or be an empty directory)
// holding, from source:
//  - the event records 1..N, byte for byte, so their hash chain still verifies;
//  - the stream index entries of those events, and stream heads as of N;
//  - the idempotency records whose position is <= N.
// Corruption when the source's stream index disagrees with its log. The new
// store is flushed to disk and closed before this returns.
Status RestoreLogPrefix(const EventStore& source, const std::string& to_dir,
                        const RestorePoint& point, RestoreReport* report);

}  // namespace orgd
