#include "src/projections/core/projection.h"

#include "src/projections/accounts/account_projection.h"
#include "src/projections/credentials/credential_projection.h"
#include "src/projections/domains/domain_projection.h"
#include "src/projections/invitations/invitation_projection.h"
#include "src/projections/inbox/inbox_projection.h"
#include "src/projections/members/member_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "src/projections/projects/project_projection.h"
#include "storage/keys.h"

namespace orgd {

std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

Status ScanPrefix(const ModelReader& r, const std::string& prefix,
                  const std::function<Status(std::string_view, std::string_view)>& fn) {
  auto it = r.NewIterator(PrefixEnd(prefix));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ORGD_RETURN_IF_ERROR(fn(it->key(), it->value()));
  }
  return it->status();
}

Status AddCount(ModelWriter& w, const std::string& key, int64_t delta) {
  uint64_t n = 0;
  ORGD_RETURN_IF_ERROR(ReadBE64(w, key, 0, &n));
  const uint64_t next = delta < 0 && n < static_cast<uint64_t>(-delta) ? 0 : n + delta;
  if (next == 0) {
    w.Delete(key);
  } else {
    w.Put(key, storage::EncodeBE64(next));
  }
  return Status::OK();
}

std::string ColumnFamilyName(std::string_view projection) {
  return "proj." + std::string(projection);
}

std::vector<std::unique_ptr<Projection>> AllProjections() {
  std::vector<std::unique_ptr<Projection>> v;
  v.push_back(std::make_unique<OrgProjection>());
  v.push_back(std::make_unique<CredentialProjection>());
  v.push_back(std::make_unique<AccountProjection>());
  v.push_back(std::make_unique<MemberProjection>());
  v.push_back(std::make_unique<ProjectProjection>());
  v.push_back(std::make_unique<InboxProjection>());
  v.push_back(std::make_unique<InvitationProjection>());
  v.push_back(std::make_unique<DomainProjection>());
  return v;
}

std::vector<std::string> AllProjectionColumnFamilies() {
  std::vector<std::string> names;
  for (const auto& p : AllProjections()) names.push_back(ColumnFamilyName(p->name()));
  return names;
}

Status ReadBE64(const ModelReader& r, std::string_view key, uint64_t absent, uint64_t* v) {
  std::string s;
  Status st = r.Get(key, &s);
  if (st.IsNotFound()) {
    *v = absent;
    return Status::OK();
  }
  ORGD_RETURN_IF_ERROR(st);
  if (s.size() != 8) return Status::Corruption("a model's counter is not 8 bytes");
  *v = storage::DecodeBE64(s);
  return Status::OK();
}

Status ReadCheckpoint(const ModelReader& r, uint64_t* position) {
  return ReadBE64(r, kCheckpointKey, 0, position);
}

Status ReadSchema(const ModelReader& r, uint32_t* schema) {
  uint64_t v;
  ORGD_RETURN_IF_ERROR(ReadBE64(r, kSchemaKey, 1, &v));
  *schema = static_cast<uint32_t>(v);
  return Status::OK();
}

Status ProjectionSet::Open(EventLog* log, const ModelStore* models,
                           std::unique_ptr<ProjectionSet>* out) {
  auto projections = AllProjections();
  std::vector<ModelId> ids;
  for (const auto& p : projections) {
    ModelId id = models->FindModel(ColumnFamilyName(p->name()));
    if (!id) return Status::Internal("model " + ColumnFamilyName(p->name()) + " is not open");
    ids.push_back(id);
  }
  out->reset(new ProjectionSet(log, models, std::move(projections), std::move(ids)));
  return Status::OK();
}

ModelId ProjectionSet::model(std::string_view name) const {
  for (size_t i = 0; i < projections_.size(); ++i) {
    if (projections_[i]->name() == name) return models_[i];
  }
  std::abort();  // asked for a model that does not exist: a bug
}

Status ProjectionSet::Apply(const EventEnvelope& e, LogBatch* batch) const {
  for (size_t i = 0; i < projections_.size(); ++i) {
    ORGD_RETURN_IF_ERROR(projections_[i]->Apply(e, batch->Model(models_[i])));
  }
  return Status::OK();
}

void ProjectionSet::Checkpoint(LogBatch* batch) const {
  const std::string pos = storage::EncodeBE64(batch->head().last_position);
  for (ModelId id : models_) batch->Model(id).Put(kCheckpointKey, pos);
}

Status ProjectionSet::Snapshot(std::string_view kind, std::string_view id, LogBatch* batch,
                               std::string* out) const {
  for (size_t i = 0; i < projections_.size(); ++i) {
    Status s = projections_[i]->Snapshot(kind, id, batch->Model(models_[i]), out);
    if (!s.IsNotFound()) return s;
  }
  return Status::NotFound("no model keeps " + std::string(kind) + " " + std::string(id));
}

Status ProjectionSet::CheckpointOf(size_t i, uint64_t* position) const {
  return ReadCheckpoint(*store_->ReadModel(models_[i]), position);
}

Status ProjectionSet::CatchUp(uint64_t* applied) {
  *applied = 0;
  for (size_t i = 0; i < projections_.size(); ++i) ORGD_RETURN_IF_ERROR(CatchUpOne(i, applied));
  return Status::OK();
}

namespace {

// Deletes every key of a model inside w.
Status ClearModel(const ModelReader& committed, ModelWriter* w) {
  auto it = committed.NewIterator();
  for (it->Seek(""); it->Valid(); it->Next()) w->Delete(it->key());
  return it->status();
}

}  // namespace

Status ProjectionSet::CatchUpOne(size_t i, uint64_t* applied) {
  constexpr size_t kEventsPerBatch = 4096;
  auto reader = store_->ReadModel(models_[i]);
  uint64_t from;
  ORGD_RETURN_IF_ERROR(ReadCheckpoint(*reader, &from));
  std::string ignored;
  Status marked = reader->Get(kRebuildingKey, &ignored);
  if (!marked.ok() && !marked.IsNotFound()) return marked;
  uint32_t schema;
  ORGD_RETURN_IF_ERROR(ReadSchema(*reader, &schema));
  const bool refold = schema != projections_[i]->schema();
  if (from >= log_->last_position() && !marked.ok() && !refold) return Status::OK();
  auto batch = log_->NewBatch();
  if (refold) {  // a model of another layout: fold it anew from the start
    ORGD_RETURN_IF_ERROR(ClearModel(*reader, &batch->Model(models_[i])));
    from = 0;
    batch->Model(models_[i]).Put(kSchemaKey, storage::EncodeBE64(projections_[i]->schema()));
    marked = Status::OK();  // the batch below writes its checkpoint even for an empty log
  }
  auto it = log_->ReadForward(from + 1);
  uint64_t last = from;
  size_t in_batch = 0;
  auto flush = [&]() -> Status {
    batch->Model(models_[i]).Put(kCheckpointKey, storage::EncodeBE64(last));
    ORGD_RETURN_IF_ERROR(log_->Commit(batch.get()));
    batch = log_->NewBatch();
    in_batch = 0;
    return Status::OK();
  };
  EventEnvelope e;
  for (; it->Valid(); it->Next()) {
    ORGD_RETURN_IF_ERROR(it->Decode(&e));
    ORGD_RETURN_IF_ERROR(projections_[i]->Apply(e, batch->Model(models_[i])));
    last = e.position;
    ++*applied;
    if (++in_batch == kEventsPerBatch) ORGD_RETURN_IF_ERROR(flush());
  }
  ORGD_RETURN_IF_ERROR(it->status());
  // A model an interrupted rebuild left behind is complete now.
  if (marked.ok() && !refold) batch->Model(models_[i]).Delete(kRebuildingKey);
  if (in_batch > 0 || marked.ok()) ORGD_RETURN_IF_ERROR(flush());
  return Status::OK();
}

}  // namespace orgd
