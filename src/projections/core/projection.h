// Projections: read models folded from the log.
//
// Each projection owns one column family ("proj.<name>") and is written only
// inside the writer's AppendBatch, together with the events it folds and its
// checkpoint, so a read after a write's reply sees that write and a crash can
// never leave a projection ahead of or behind the log.
//
// Projection objects are immutable after construction and safe to share
// between threads; Apply is called by one thread at a time per batch.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/kv/model_store.h"
#include "storage/log/event_log.h"

namespace orgd {

class Projection {
 public:
  virtual ~Projection() = default;
  // Stable name; its column family is ColumnFamilyName(name()).
  virtual std::string_view name() const = 0;
  // The version of the model's layout. A stored model of another version is
  // folded anew from the log when the store opens (ProjectionSet::CatchUp).
  // Version 1 writes no kSchemaKey, so models of older builds read as 1.
  virtual uint32_t schema() const { return 1; }
  // Folds one event into the read model. Must ignore event types it does not
  // use, and depend only on the event and the model's own state.
  virtual Status Apply(const EventEnvelope& event, ModelWriter& w) const = 0;
  // The stored state of one entity this model keeps, for a command's reply:
  // what a surface renders after a write (see CommandResult). NotFound when
  // the model does not keep entities of this kind, or not this one.
  virtual Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                          std::string* out) const {
    return Status::NotFound("no snapshot");
  }
};

// "proj.<name>". These names are written to disk and should not be changed.
std::string ColumnFamilyName(std::string_view projection);

// Key holding the last position a projection applied (BE64), in its own family.
inline constexpr std::string_view kCheckpointKey{"\0checkpoint", 11};
// Key holding the model's layout version (BE64) when it is above 1.
inline constexpr std::string_view kSchemaKey{"\0schema", 7};
// Key present while a rebuild of the model is under way (see RebuildInto):
// written by its first batch, deleted by its last, so a complete model never
// holds it. Its value is the BE64 log position the rebuild was started at.
inline constexpr std::string_view kRebuildingKey{"\0rebuilding", 11};

// Every projection orgd runs, in a fixed order.
std::vector<std::unique_ptr<Projection>> AllProjections();
// Their column family names, for StoreOptions::extra_column_families.
std::vector<std::string> AllProjectionColumnFamilies();

// The live projections over a store: applies events into a batch, writes
// checkpoints, and catches a model up with the log on open.
// Thread safety: Apply/Checkpoint/CatchUp only from the writer thread.
class ProjectionSet {
 public:
  // "*log" and "*models" must outlive the set. Fails when a projection's
  // model is not open.
  static Status Open(EventLog* log, const ModelStore* models, std::unique_ptr<ProjectionSet>* out);

  // Folds e into every projection's model inside batch.
  Status Apply(const EventEnvelope& e, LogBatch* batch) const;
  // Records batch->head().last_position as every projection's checkpoint.
  void Checkpoint(LogBatch* batch) const;
  // The pending state of an entity after batch, from the projection that
  // keeps entities of this kind (Projection::Snapshot).
  Status Snapshot(std::string_view kind, std::string_view id, LogBatch* batch,
                  std::string* out) const;
  // Folds what the log holds past each projection's checkpoint (a new
  // projection, a model rebuilt from an older log, or one whose rebuild was
  // interrupted: that one is complete afterwards and loses its
  // kRebuildingKey). Returns events applied.
  Status CatchUp(uint64_t* applied);

  const std::vector<std::unique_ptr<Projection>>& projections() const { return projections_; }
  ModelId model(size_t i) const { return models_[i]; }
  // The model of the projection named name. REQUIRES: one of AllProjections().
  ModelId model(std::string_view name) const;
  // Last position applied by projection i, as committed.
  Status CheckpointOf(size_t i, uint64_t* position) const;

 private:
  ProjectionSet(EventLog* log, const ModelStore* models,
                std::vector<std::unique_ptr<Projection>> p, std::vector<ModelId> ids)
      : log_(log), store_(models), projections_(std::move(p)), models_(std::move(ids)) {}
  Status CatchUpOne(size_t i, uint64_t* applied);

  EventLog* const log_;
  const ModelStore* const store_;
  const std::vector<std::unique_ptr<Projection>> projections_;
  const std::vector<ModelId> models_;
};

// The smallest key after every key that starts with prefix (an iterator's
// upper bound for a prefix scan); empty when there is none.
std::string PrefixEnd(std::string prefix);
// Calls fn(key, value) for each key with prefix, in order; stops at fn's
// first error.
Status ScanPrefix(const ModelReader& r, const std::string& prefix,
                  const std::function<Status(std::string_view, std::string_view)>& fn);
// Adds delta to the BE64 counter at key (absent is 0; it never goes below 0,
// and a counter that reaches 0 is deleted).
Status AddCount(ModelWriter& w, const std::string& key, int64_t delta);

// Reads the BE64 value of key (a counter, a checkpoint); absent when there is none.
Status ReadBE64(const ModelReader& r, std::string_view key, uint64_t absent, uint64_t* v);
// Reads a BE64 checkpoint value; 0 when absent.
Status ReadCheckpoint(const ModelReader& r, uint64_t* position);
// Reads a model's layout version; 1 when absent.
Status ReadSchema(const ModelReader& r, uint32_t* schema);

}  // namespace orgd
