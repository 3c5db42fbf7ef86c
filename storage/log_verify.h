// Verification of the event log: what an auditor runs to know nothing was
// changed or removed.
//
// VerifyLog reads a consistent snapshot; it may run beside a live writer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "src/common/status.h"

namespace orgd {

class EventStore;

struct VerifyReport {
  uint64_t events = 0;              // records checked
  uint64_t first_bad_position = 0;  // 0 when sound
  std::string problem;              // empty when sound
};

// Checks that positions run 1, 2, 3, ... without gaps up to the end, that every
// record decodes and sits under its own position, that each stream's versions
// run 1, 2, 3, ... and match the stream index, and that every hash links to the
// one before. Returns OK with an empty report.problem when the log is sound,
// OK with the first problem when it is not, and an error only when reading
// failed. progress, if set, is called every so often with events checked.
Status VerifyLog(const EventStore& store, VerifyReport* report,
                 const std::function<void(uint64_t)>& progress = nullptr);

}  // namespace orgd
