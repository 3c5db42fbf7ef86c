// Verification of the event log: what an auditor runs to know nothing was
// changed or removed.
//
// VerifyLog reads a consistent snapshot; it may run beside a live writer, and
// from any number of threads at once. It uses options.threads threads of its
// own and, for a log of millions of events over millions of streams, about
// 64 bytes per stream per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/sha256.h"
#include "common/status.h"

namespace orgd {

class EventStore;

struct VerifyReport {
  uint64_t events = 0;              // records checked
  uint64_t first_bad_position = 0;  // 0 when sound
  std::string problem;              // empty when sound
  // The stored hash of record `events` (zeros for none). A log cut at its
  // end (with its index cut to match) is a sound shorter log: only a copy of
  // this hash kept elsewhere shows that anything is missing.
  Digest last_hash{};
};

struct VerifyOptions {
  // Threads checking parts of the log at once; 0: one per core (at most 8).
  unsigned threads = 0;
  // A log shorter than threads x this is checked by fewer threads.
  uint64_t min_events_per_thread = 100000;
};

// Checks that positions run 1, 2, 3, ... without gaps up to the end, that every
// record decodes and sits under its own position, that each stream's versions
// run 1, 2, 3, ... and match the stream index, and that every hash links to the
// one before. The log and the index are read at one snapshot, so a live
// writer cannot make them disagree. When the index lists a version the log
// lacks, the first bad position is the one the index gives for it. Returns OK
// with an empty report.problem when the log is sound,
// OK with the first problem when it is not, and an error only when reading
// failed. progress, if set, is called on this thread every so often with the
// number of events checked so far.
Status VerifyLog(const EventStore& store, VerifyReport* report,
                 const std::function<void(uint64_t)>& progress = nullptr,
                 const VerifyOptions& options = {});

}  // namespace orgd
