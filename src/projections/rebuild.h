// Rebuilding read models from the log alone, and comparing models.
// These functions use the store's writing side: call them only while no
// writer runs (a stopped server, a tool, a test), from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "src/projections/projection.h"

namespace orgd {

struct RebuildProgress {
  uint64_t applied = 0;  // events folded so far
  uint64_t total = 0;    // events in the log when the rebuild began
};
using ProgressFn = std::function<void(const RebuildProgress&)>;

// Folds the whole log through p into the column family target_cf, which is
// dropped first if it exists. Commits every events_per_batch events, with the
// checkpoint, so the result equals a live model byte for byte.
Status RebuildInto(EventStore* store, const Projection& p, const std::string& target_cf,
                   const ProgressFn& progress = nullptr, size_t events_per_batch = 4096);

// Compares two column families key by key. *difference is empty when they are
// equal, else it describes the first difference.
Status CompareColumnFamilies(EventStore* store, const std::string& a, const std::string& b,
                             std::string* difference);

}  // namespace orgd
