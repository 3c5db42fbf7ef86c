#include "storage/kv/overlay_writer.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>
#include <rocksdb/write_batch.h>

#include "storage/event_store.h"
#include "storage/rocks_util.h"

namespace orgd {
namespace {

using storage::ToSlice;

// What an entry costs in a map: its bytes and about as much again for the node.
size_t Cost(const std::string& key, const std::optional<std::string>& value) {
  return key.size() + (value ? value->size() : 0) + 96;
}

}  // namespace

OverlayWriter::OverlayWriter(EventStore* store, ModelId model, size_t cache_bytes)
    : store_(store), cf_(model.handle()), cache_bytes_(cache_bytes) {}

OverlayWriter::~OverlayWriter() = default;

const std::optional<std::string>* OverlayWriter::Lookup(std::string_view key) const {
  if (auto it = pending_.find(key); it != pending_.end()) return &it->second;
  if (auto it = recent_.find(key); it != recent_.end()) return &it->second;
  auto old = older_.find(key);
  if (old == older_.end()) return nullptr;
  recent_bytes_ += Cost(old->first, old->second);
  return &recent_.insert(older_.extract(old)).position->second;
}

Status OverlayWriter::Get(std::string_view key, std::string* value) const {
  if (const std::optional<std::string>* known = Lookup(key)) {
    if (!*known) return Status::NotFound("deleted");
    *value = **known;
    return Status::OK();
  }
  rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), cf_, ToSlice(key), value);
  if (s.IsNotFound()) return Status::NotFound("no such key");
  if (!s.ok()) return Status::IOError(s.ToString());
  return Status::OK();
}

std::unique_ptr<ModelIterator> OverlayWriter::NewIterator(std::string_view upper_bound) const {
  auto wb = std::make_unique<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0, true);
  for (const auto& [key, value] : pending_) {
    (value ? wb->Put(cf_, key, *value) : wb->Delete(cf_, key)).PermitUncheckedError();
  }
  auto it = std::make_unique<storage::RocksModelIterator>(
      rocksdb::ReadOptions(), upper_bound, [&](const rocksdb::ReadOptions& ro) {
        return wb->NewIteratorWithBase(cf_, store_->db()->NewIterator(ro, cf_));
      });
  iterated_.push_back(std::move(wb));
  return it;
}

void OverlayWriter::Put(std::string_view key, std::string_view value) {
  if (auto it = pending_.find(key); it != pending_.end()) {
    it->second.emplace(value);
  } else {
    pending_.emplace(std::string(key), std::string(value));
  }
}

void OverlayWriter::Delete(std::string_view key) {
  if (auto it = pending_.find(key); it != pending_.end()) {
    it->second.reset();
  } else {
    pending_.emplace(std::string(key), std::nullopt);
  }
}

Status OverlayWriter::Commit(bool sync) {
  size_t bytes = 64;  // sized up front: growing a batch of many megabytes copies it again and again
  for (const auto& [key, value] : pending_) bytes += key.size() + (value ? value->size() : 0) + 16;
  rocksdb::WriteBatch batch(bytes);
  for (const auto& [key, value] : pending_) {
    (value ? batch.Put(cf_, key, *value) : batch.Delete(cf_, key)).PermitUncheckedError();
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  rocksdb::Status s = store_->db()->Write(wo, &batch);
  if (!s.ok()) return Status::IOError("writing the model: " + s.ToString());
  iterated_.clear();
  Retain();
  return Status::OK();
}

void OverlayWriter::Retain() {
  if (cache_bytes_ == 0) {
    pending_.clear();
    return;
  }
  while (!pending_.empty()) {
    auto node = pending_.extract(pending_.begin());
    recent_bytes_ += Cost(node.key(), node.mapped());
    auto done = recent_.insert(std::move(node));
    if (!done.inserted) done.position->second = std::move(done.node.mapped());
    if (recent_bytes_ > cache_bytes_ / 2) {
      older_ = std::move(recent_);
      recent_ = Map();
      recent_bytes_ = 0;
    }
  }
}

}  // namespace orgd
