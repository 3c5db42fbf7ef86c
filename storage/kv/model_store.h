// The model store: the key-value spaces that hold orgd's read models, seen
// through small interfaces so that no layer above storage names a RocksDB
// type. A read model is a sorted map of byte strings; projections write it
// only inside the log's atomic batch (storage/log/event_log.h), queries read
// its committed state.
//
// Thread safety: a ModelStore is safe for concurrent use from any number of
// threads. A ModelReader, ModelWriter or ModelIterator is not shareable: one
// thread uses it at a time (const methods of a committed reader may be called
// from several threads; a pending writer belongs to the writer thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace rocksdb {
class ColumnFamilyHandle;
}

namespace orgd {

// Names one read model's key space in a store. Trivially copyable; valid
// while the store that handed it out is open. The handle inside is for
// storage implementations only.
class ModelId {
 public:
  ModelId() = default;
  explicit ModelId(rocksdb::ColumnFamilyHandle* handle) : handle_(handle) {}
  explicit operator bool() const { return handle_ != nullptr; }
  rocksdb::ColumnFamilyHandle* handle() const { return handle_; }
  friend bool operator==(ModelId, ModelId) = default;

 private:
  rocksdb::ColumnFamilyHandle* handle_ = nullptr;
};

// Walks keys in ascending byte order. Views returned by key() and value()
// are valid until the next call that moves the iterator.
class ModelIterator {
 public:
  virtual ~ModelIterator() = default;
  // Positions at the first key >= target.
  virtual void Seek(std::string_view target) = 0;
  virtual bool Valid() const = 0;
  // REQUIRES: Valid()
  virtual void Next() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Non-OK when iteration stopped on an error rather than at the end.
  virtual Status status() const = 0;
};

// A read-only view of one model: its committed state, a snapshot of it, or
// a pending batch over it.
class ModelReader {
 public:
  virtual ~ModelReader() = default;
  // NotFound when absent.
  virtual Status Get(std::string_view key, std::string* value) const = 0;
  // An iterator over keys below upper_bound (empty: no bound). A bound lets
  // the store stop at it instead of skipping deleted keys past it.
  virtual std::unique_ptr<ModelIterator> NewIterator(std::string_view upper_bound = {}) const = 0;
};

// A model being written: its reads see the writes made through it.
class ModelWriter : public ModelReader {
 public:
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
};

// The committed read models of a store.
class ModelStore {
 public:
  virtual ~ModelStore() = default;
  // The model stored under name, or an empty ModelId when it is not open.
  virtual ModelId FindModel(std::string_view name) const = 0;
  // A reader of the committed state. With snapshot, every read through it
  // (Gets and iterators alike) sees the store as of this call, so a count
  // and a page read through one reader agree.
  virtual std::unique_ptr<ModelReader> ReadModel(ModelId id, bool snapshot = false) const = 0;
};

}  // namespace orgd
