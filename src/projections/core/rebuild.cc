#include "src/projections/core/rebuild.h"

#include <rocksdb/db.h>

#include "common/sha256.h"
#include "storage/kv/overlay_writer.h"
#include "storage/keys.h"

namespace orgd {
namespace {

std::string Printable(rocksdb::Slice s) {
  std::string out;
  for (char c : s.ToStringView()) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out.push_back(c);
    } else {
      out += "\\x" + ToHex(std::string_view(&c, 1));
    }
    if (out.size() > 200) return out + "...";
  }
  return out;
}

}  // namespace

Status FindInterruptedRebuild(const EventStore& store, const std::string& name,
                              std::optional<uint64_t>* checkpoint) {
  checkpoint->reset();
  auto* cf = store.cf(name);
  if (cf == nullptr) return Status::OK();
  StoreCfReader reader(&store, cf);
  std::string ignored;
  Status s = reader.Get(kRebuildingKey, &ignored);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  uint64_t position = 0;
  ORGD_RETURN_IF_ERROR(ReadCheckpoint(reader, &position));
  *checkpoint = position;
  return Status::OK();
}

namespace {

// The family to fold into, and the position to fold from.
Status PrepareTarget(EventStore* store, const std::string& target, bool resume,
                     rocksdb::ColumnFamilyHandle** cf, std::optional<uint64_t>* resumed) {
  resumed->reset();
  if (resume) ORGD_RETURN_IF_ERROR(FindInterruptedRebuild(*store, target, resumed));
  if (*resumed) {
    *cf = store->cf(target);
    return Status::OK();
  }
  ORGD_RETURN_IF_ERROR(store->DropColumnFamily(target));
  return store->CreateColumnFamily(target, cf);
}

}  // namespace

Status RebuildInto(EventStore* store, const Projection& p, const std::string& target_cf,
                   const ProgressFn& progress, size_t events_per_batch) {
  RebuildOptions options;
  options.events_per_batch = events_per_batch;
  return RebuildInto(store, p, target_cf, progress, options);
}

Status RebuildInto(EventStore* store, const Projection& p, const std::string& target_cf,
                   const ProgressFn& progress, const RebuildOptions& options) {
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  std::optional<uint64_t> resumed;
  ORGD_RETURN_IF_ERROR(PrepareTarget(store, target_cf, options.resume, &cf, &resumed));
  const uint64_t from = resumed.value_or(0);
  RebuildProgress prog{from, store->last_position(), from, 0};
  OverlayWriter model(store, cf, options.cache_bytes);
  // Marks the model as under way from the first batch on; a resumed one is marked.
  bool marked = resumed.has_value();
  if (!marked) model.Put(kRebuildingKey, storage::EncodeBE64(prog.total));
  uint64_t last = from;
  size_t in_batch = 0;
  auto flush = [&](bool complete) -> Status {
    model.Put(kCheckpointKey, storage::EncodeBE64(last));
    if (complete) model.Delete(kRebuildingKey);
    // Each batch is atomic, so a lost one only means resuming from an earlier
    // checkpoint: only the last needs to reach the disk before returning.
    ORGD_RETURN_IF_ERROR(model.Commit(/*sync=*/complete));
    in_batch = 0;
    marked = !complete;
    ++prog.batches;
    if (progress) progress(prog);
    return Status::OK();
  };
  EventEnvelope e;
  auto it = store->NewLogIterator(from + 1);
  for (; it->Valid(); it->Next()) {
    ORGD_RETURN_IF_ERROR(it->Decode(&e));
    ORGD_RETURN_IF_ERROR(p.Apply(e, model));
    last = e.position;
    ++prog.applied;
    if (++in_batch < options.events_per_batch) continue;
    ORGD_RETURN_IF_ERROR(flush(false));
    if (options.stop != nullptr && options.stop->load()) {
      return Status::Unavailable("the rebuild of " + target_cf + " stopped at position " +
                                     std::to_string(last) + "; run it again to resume",
                                 "rebuild_interrupted");
    }
  }
  ORGD_RETURN_IF_ERROR(it->status());
  // An empty log leaves the model empty, checkpoint included, as a live one.
  if (in_batch > 0 || marked) ORGD_RETURN_IF_ERROR(flush(true));
  return Status::OK();
}

Status CompareColumnFamilies(EventStore* store, const std::string& a, const std::string& b,
                             std::string* difference) {
  difference->clear();
  auto* ca = store->cf(a);
  auto* cb = store->cf(b);
  if (ca == nullptr || cb == nullptr) {
    return Status::NotFound("column family " + (ca == nullptr ? a : b) + " is not open");
  }
  rocksdb::ReadOptions ro;
  std::unique_ptr<rocksdb::Iterator> ia(store->db()->NewIterator(ro, ca));
  std::unique_ptr<rocksdb::Iterator> ib(store->db()->NewIterator(ro, cb));
  ia->SeekToFirst();
  ib->SeekToFirst();
  for (; ia->Valid() && ib->Valid(); ia->Next(), ib->Next()) {
    if (ia->key() != ib->key()) {
      *difference = "key " + Printable(ia->key()) + " in " + a + " vs key " +
                    Printable(ib->key()) + " in " + b;
      return Status::OK();
    }
    if (ia->value() != ib->value()) {
      *difference = "key " + Printable(ia->key()) + ": " + a + " has " + Printable(ia->value()) +
                    ", " + b + " has " + Printable(ib->value());
      return Status::OK();
    }
  }
  if (ia->Valid()) *difference = "key " + Printable(ia->key()) + " only in " + a;
  if (ib->Valid()) *difference = "key " + Printable(ib->key()) + " only in " + b;
  if (!ia->status().ok()) return Status::IOError(ia->status().ToString());
  if (!ib->status().ok()) return Status::IOError(ib->status().ToString());
  return Status::OK();
}

}  // namespace orgd
