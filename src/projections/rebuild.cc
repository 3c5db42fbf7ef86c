#include "src/projections/rebuild.h"

#include <rocksdb/db.h>

#include "src/common/sha256.h"
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

Status RebuildInto(EventStore* store, const Projection& p, const std::string& target_cf,
                   const ProgressFn& progress, size_t events_per_batch) {
  ORGD_RETURN_IF_ERROR(store->DropColumnFamily(target_cf));
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  ORGD_RETURN_IF_ERROR(store->CreateColumnFamily(target_cf, &cf));
  RebuildProgress prog{0, store->last_position()};
  auto batch = store->NewBatch();
  uint64_t last = 0;
  size_t in_batch = 0;
  auto flush = [&]() -> Status {
    batch->Put(cf, kCheckpointKey, storage::EncodeBE64(last));
    ORGD_RETURN_IF_ERROR(store->Commit(batch.get()));
    batch = store->NewBatch();
    in_batch = 0;
    if (progress) progress(prog);
    return Status::OK();
  };
  auto it = store->NewLogIterator(1);
  for (; it->Valid(); it->Next()) {
    EventEnvelope e;
    ORGD_RETURN_IF_ERROR(it->Decode(&e));
    ProjectionWriter w(batch.get(), cf);
    ORGD_RETURN_IF_ERROR(p.Apply(e, w));
    last = e.position;
    ++prog.applied;
    if (++in_batch == events_per_batch) ORGD_RETURN_IF_ERROR(flush());
  }
  ORGD_RETURN_IF_ERROR(it->status());
  // An empty log leaves the model empty, checkpoint included, as a live one.
  if (in_batch > 0) ORGD_RETURN_IF_ERROR(flush());
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
