#include "src/projections/core/projection.h"

#include <rocksdb/db.h>

#include "src/projections/credentials/credential_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "storage/keys.h"

namespace orgd {

Status StoreCfReader::Get(std::string_view key, std::string* value) const {
  rocksdb::Status s = store_->db()->Get(rocksdb::ReadOptions(), cf_,
                                        rocksdb::Slice(key.data(), key.size()), value);
  if (s.IsNotFound()) return Status::NotFound("no such key");
  if (!s.ok()) return Status::IOError(s.ToString());
  return Status::OK();
}

std::unique_ptr<rocksdb::Iterator> StoreCfReader::NewIterator() const {
  return std::unique_ptr<rocksdb::Iterator>(store_->db()->NewIterator(rocksdb::ReadOptions(), cf_));
}

Status ProjectionWriter::Get(std::string_view key, std::string* value) const {
  return batch_->Get(cf_, key, value);
}

std::unique_ptr<rocksdb::Iterator> ProjectionWriter::NewIterator() const {
  return batch_->NewIterator(cf_);
}

std::string ColumnFamilyName(std::string_view projection) {
  return "proj." + std::string(projection);
}

std::vector<std::unique_ptr<Projection>> AllProjections() {
  std::vector<std::unique_ptr<Projection>> v;
  v.push_back(std::make_unique<OrgProjection>());
  v.push_back(std::make_unique<CredentialProjection>());
  return v;
}

std::vector<std::string> AllProjectionColumnFamilies() {
  std::vector<std::string> names;
  for (const auto& p : AllProjections()) names.push_back(ColumnFamilyName(p->name()));
  return names;
}

Status ReadCheckpoint(const CfReader& r, uint64_t* position) {
  std::string v;
  Status s = r.Get(kCheckpointKey, &v);
  if (s.IsNotFound()) {
    *position = 0;
    return Status::OK();
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() != 8) return Status::Corruption("projection checkpoint");
  *position = storage::DecodeBE64(v);
  return Status::OK();
}

Status ProjectionSet::Open(EventStore* store, std::unique_ptr<ProjectionSet>* out) {
  auto projections = AllProjections();
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  for (const auto& p : projections) {
    auto* h = store->cf(ColumnFamilyName(p->name()));
    if (h == nullptr) {
      return Status::Internal("column family " + ColumnFamilyName(p->name()) + " is not open");
    }
    cfs.push_back(h);
  }
  out->reset(new ProjectionSet(store, std::move(projections), std::move(cfs)));
  return Status::OK();
}

Status ProjectionSet::Apply(const EventEnvelope& e, AppendBatch* batch) const {
  for (size_t i = 0; i < projections_.size(); ++i) {
    ProjectionWriter w(batch, cfs_[i]);
    ORGD_RETURN_IF_ERROR(projections_[i]->Apply(e, w));
  }
  return Status::OK();
}

void ProjectionSet::Checkpoint(AppendBatch* batch) const {
  const std::string pos = storage::EncodeBE64(batch->head().last_position);
  for (auto* cf : cfs_) batch->Put(cf, kCheckpointKey, pos);
}

Status ProjectionSet::CheckpointOf(size_t i, uint64_t* position) const {
  return ReadCheckpoint(StoreCfReader(store_, cfs_[i]), position);
}

Status ProjectionSet::CatchUp(uint64_t* applied) {
  *applied = 0;
  for (size_t i = 0; i < projections_.size(); ++i) ORGD_RETURN_IF_ERROR(CatchUpOne(i, applied));
  return Status::OK();
}

Status ProjectionSet::CatchUpOne(size_t i, uint64_t* applied) {
  constexpr size_t kEventsPerBatch = 4096;
  StoreCfReader reader(store_, cfs_[i]);
  uint64_t from;
  ORGD_RETURN_IF_ERROR(ReadCheckpoint(reader, &from));
  std::string ignored;
  Status marked = reader.Get(kRebuildingKey, &ignored);
  if (!marked.ok() && !marked.IsNotFound()) return marked;
  if (from >= store_->last_position() && !marked.ok()) return Status::OK();
  auto it = store_->NewLogIterator(from + 1);
  auto batch = store_->NewBatch();
  uint64_t last = from;
  size_t in_batch = 0;
  auto flush = [&]() -> Status {
    batch->Put(cfs_[i], kCheckpointKey, storage::EncodeBE64(last));
    ORGD_RETURN_IF_ERROR(store_->Commit(batch.get()));
    batch = store_->NewBatch();
    in_batch = 0;
    return Status::OK();
  };
  EventEnvelope e;
  for (; it->Valid(); it->Next()) {
    ORGD_RETURN_IF_ERROR(it->Decode(&e));
    ProjectionWriter w(batch.get(), cfs_[i]);
    ORGD_RETURN_IF_ERROR(projections_[i]->Apply(e, w));
    last = e.position;
    ++*applied;
    if (++in_batch == kEventsPerBatch) ORGD_RETURN_IF_ERROR(flush());
  }
  ORGD_RETURN_IF_ERROR(it->status());
  // A model an interrupted rebuild left behind is complete now.
  if (marked.ok()) batch->Delete(cfs_[i], kRebuildingKey);
  if (in_batch > 0 || marked.ok()) ORGD_RETURN_IF_ERROR(flush());
  return Status::OK();
}

}  // namespace orgd
