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

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/log/record.h"
#include "storage/event_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class Iterator;
}  // namespace rocksdb

namespace orgd {

// A read-only view of one column family: the committed store, or a pending
// batch over it. Not shareable; cheap to make.
class CfReader {
 public:
  virtual ~CfReader() = default;
  // NotFound when absent.
  virtual Status Get(std::string_view key, std::string* value) const = 0;
  virtual std::unique_ptr<rocksdb::Iterator> NewIterator() const = 0;
};

// The committed state of cf. "*store" must outlive the reader.
class StoreCfReader final : public CfReader {
 public:
  StoreCfReader(const EventStore* store, rocksdb::ColumnFamilyHandle* cf)
      : store_(store), cf_(cf) {}
  Status Get(std::string_view key, std::string* value) const override;
  std::unique_ptr<rocksdb::Iterator> NewIterator() const override;

 private:
  const EventStore* const store_;
  rocksdb::ColumnFamilyHandle* const cf_;
};

// A read model being written: its reads see the writes made through it.
// Projection::Apply folds events through one. Not shareable.
class ModelWriter : public CfReader {
 public:
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
};

// A pending batch over cf, readable and writable: the live write path, where
// the model commits with the events. "*batch" must outlive it. (Rebuilds use
// the cheaper OverlayWriter of overlay_writer.h.)
class ProjectionWriter final : public ModelWriter {
 public:
  ProjectionWriter(AppendBatch* batch, rocksdb::ColumnFamilyHandle* cf) : batch_(batch), cf_(cf) {}
  Status Get(std::string_view key, std::string* value) const override;
  std::unique_ptr<rocksdb::Iterator> NewIterator() const override;
  void Put(std::string_view key, std::string_view value) override { batch_->Put(cf_, key, value); }
  void Delete(std::string_view key) override { batch_->Delete(cf_, key); }

 private:
  AppendBatch* const batch_;
  rocksdb::ColumnFamilyHandle* const cf_;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // Stable name; its column family is ColumnFamilyName(name()).
  virtual std::string_view name() const = 0;
  // Folds one event into the read model. Must ignore event types it does not
  // use, and depend only on the event and the model's own state.
  virtual Status Apply(const EventEnvelope& event, ModelWriter& w) const = 0;
};

// "proj.<name>". These names are written to disk and should not be changed.
std::string ColumnFamilyName(std::string_view projection);

// Key holding the last position a projection applied (BE64), in its own family.
inline constexpr std::string_view kCheckpointKey{"\0checkpoint", 11};
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
  // "*store" must outlive the set. Fails when a projection's family is not open.
  static Status Open(EventStore* store, std::unique_ptr<ProjectionSet>* out);

  // Folds e into every projection's family inside batch.
  Status Apply(const EventEnvelope& e, AppendBatch* batch) const;
  // Records batch->head().last_position as every projection's checkpoint.
  void Checkpoint(AppendBatch* batch) const;
  // Folds what the log holds past each projection's checkpoint (a new
  // projection, a model rebuilt from an older log, or one whose rebuild was
  // interrupted: that one is complete afterwards and loses its
  // kRebuildingKey). Returns events applied.
  Status CatchUp(uint64_t* applied);

  const std::vector<std::unique_ptr<Projection>>& projections() const { return projections_; }
  rocksdb::ColumnFamilyHandle* cf(size_t i) const { return cfs_[i]; }
  // Last position applied by projection i, as committed.
  Status CheckpointOf(size_t i, uint64_t* position) const;

 private:
  ProjectionSet(EventStore* store, std::vector<std::unique_ptr<Projection>> p,
                std::vector<rocksdb::ColumnFamilyHandle*> cfs)
      : store_(store), projections_(std::move(p)), cfs_(std::move(cfs)) {}
  Status CatchUpOne(size_t i, uint64_t* applied);

  EventStore* const store_;
  const std::vector<std::unique_ptr<Projection>> projections_;
  const std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
};

// Reads a BE64 checkpoint value; 0 when absent.
Status ReadCheckpoint(const CfReader& r, uint64_t* position);

}  // namespace orgd
