// OverlayWriter: a ModelWriter for bulk folds (rebuilds). Pending writes live
// in a hash map over the committed column family, and Commit() writes each
// changed key once, as one atomic RocksDB write. Folding hundreds of
// thousands of events per batch this way costs a hash lookup per read and
// write, where an AppendBatch pays a skiplist search and keeps every
// overwritten version. Committed entries can stay in memory, up to a budget,
// to answer later reads: a fold reads back what it wrote (an org's record
// on each of its events), and RocksDB point reads of a model larger than the
// block cache are what a rebuild of millions of events otherwise waits on.
//
// Not shareable: one thread folds through it. Use it only on a family no one
// else writes (the writer's batches cannot see its pending changes).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "storage/kv/model_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class WriteBatchWithIndex;
}

namespace orgd {

class EventStore;

class OverlayWriter final : public ModelWriter {
 public:
  // "*store" must outlive the writer. cache_bytes: about how much memory
  // committed entries may keep for reads (0: none).
  OverlayWriter(EventStore* store, ModelId model, size_t cache_bytes = 0);
  ~OverlayWriter() override;
  OverlayWriter(const OverlayWriter&) = delete;
  OverlayWriter& operator=(const OverlayWriter&) = delete;

  Status Get(std::string_view key, std::string* value) const override;
  // Merges the pending writes as of this call; valid until the next Commit().
  std::unique_ptr<ModelIterator> NewIterator(std::string_view upper_bound = {}) const override;
  void Put(std::string_view key, std::string_view value) override;
  void Delete(std::string_view key) override;

  // Writes every pending change at once and forgets them. sync: as
  // WriteOptions::sync (see storage/event_store.h).
  Status Commit(bool sync);
  size_t pending() const { return pending_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };

  // Values by key; nullopt: deleted.
  using Map = std::unordered_map<std::string, std::optional<std::string>, Hash, std::equal_to<>>;

  // The pending or cached value of key, or nullptr when neither has it.
  const std::optional<std::string>* Lookup(std::string_view key) const;
  // Moves what was just committed into the read cache.
  void Retain();

  EventStore* const store_;
  rocksdb::ColumnFamilyHandle* const cf_;
  const size_t cache_bytes_;
  Map pending_;
  // The read cache, in two generations: recent_ fills up to half the budget,
  // then becomes older_ (dropping the one before). A hit in older_ moves to
  // recent_. Only this writer writes the family, so the cache stays true.
  mutable Map recent_, older_;
  mutable size_t recent_bytes_ = 0;
  // The batches behind iterators handed out since the last Commit().
  mutable std::vector<std::unique_ptr<rocksdb::WriteBatchWithIndex>> iterated_;
};

}  // namespace orgd
