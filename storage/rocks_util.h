// Helpers shared by storage's RocksDB code: status and slice conversion, and
// a ModelIterator over a rocksdb::Iterator. Storage-internal.
#pragma once

#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/slice.h>
#include <rocksdb/status.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/kv/model_store.h"

namespace orgd::storage {

inline Status FromRocks(const rocksdb::Status& s) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(s.ToString());
  if (s.IsCorruption()) return Status::Corruption(s.ToString());
  return Status::IOError(s.ToString());
}

inline rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// A ModelIterator over a RocksDB iterator, owning the upper bound it reads.
// Not shareable.
class RocksModelIterator final : public ModelIterator {
 public:
  // Makes the iterator through make(ReadOptions) with the bound set.
  template <typename Make>
  RocksModelIterator(rocksdb::ReadOptions ro, std::string_view upper_bound, Make make)
      : bound_(upper_bound), bound_slice_(bound_) {
    if (!bound_.empty()) ro.iterate_upper_bound = &bound_slice_;
    it_.reset(make(ro));
  }
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  Status status() const override { return FromRocks(it_->status()); }

 private:
  const std::string bound_;
  const rocksdb::Slice bound_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace orgd::storage
