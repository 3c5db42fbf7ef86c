// Rebuilding read models from the log alone, and comparing models.
// These functions use the store's writing side: call them only while no
// writer runs (a stopped server, a tool, a test), from one thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "src/projections/core/projection.h"
#include "storage/event_store.h"

namespace orgd {

struct RebuildProgress {
  uint64_t applied = 0;       // events folded so far (by an interrupted run too)
  uint64_t total = 0;         // events in the log when the rebuild began
  uint64_t resumed_from = 0;  // the checkpoint an interrupted rebuild continued from
  uint64_t batches = 0;       // batches committed by this call
};
using ProgressFn = std::function<void(const RebuildProgress&)>;

struct RebuildOptions {
  // Events folded per committed batch: the most an interruption loses.
  size_t events_per_batch = 4096;
  // Memory for model entries already committed, to read them back without
  // RocksDB (see OverlayWriter). About the model's size makes a rebuild of
  // millions of events several times faster.
  size_t cache_bytes = size_t{64} << 20;
  // When target_cf holds a rebuild that was interrupted (its kRebuildingKey),
  // continue it from its checkpoint; false: drop it and start over.
  bool resume = true;
  // Read after every committed batch; once true, RebuildInto stops there with
  // Unavailable (reason "rebuild_interrupted"), leaving a resumable model.
  // "*stop" must outlive the call.
  const std::atomic<bool>* stop = nullptr;
};

// Folds the whole log through p into the column family target_cf, which is
// dropped first if it exists, unless it holds an interrupted rebuild (see
// RebuildOptions::resume). Every batch commits the model with its checkpoint;
// the first also writes kRebuildingKey and the last deletes it, so a complete
// result equals a live model byte for byte, and a killed rebuild leaves a
// model that is consistent at its checkpoint. progress (if set) is called
// after every batch.
Status RebuildInto(EventStore* store, const Projection& p, const std::string& target_cf,
                   const ProgressFn& progress, const RebuildOptions& options);
Status RebuildInto(EventStore* store, const Projection& p, const std::string& target_cf,
                   const ProgressFn& progress = nullptr, size_t events_per_batch = 4096);

// The checkpoint of an interrupted rebuild in family name, or nullopt when the
// family is absent or holds no interrupted rebuild.
Status FindInterruptedRebuild(const EventStore& store, const std::string& name,
                              std::optional<uint64_t>* checkpoint);

// Compares two column families key by key. *difference is empty when they are
// equal, else it describes the first difference.
Status CompareColumnFamilies(EventStore* store, const std::string& a, const std::string& b,
                             std::string* difference);

}  // namespace orgd
