// EventStore: appending and reading. Opening, closing and column family
// management are in event_store_open.cc.
#include "storage/event_store.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/write_batch_with_index.h>

#include <chrono>

#include <map>
#include <nlohmann/json.hpp>

#include "storage/keys.h"
#include "storage/rocks_util.h"

namespace orgd {
namespace {

using storage::AppendBE64;
using storage::DecodeBE64;
using storage::EncodeBE64;
using storage::FromRocks;
using storage::RocksModelIterator;
using storage::ToSlice;

// The committed state of one family, optionally at a snapshot it holds.
class CommittedModel final : public ModelReader {
 public:
  CommittedModel(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, bool snapshot)
      : db_(db), cf_(cf), snapshot_(snapshot ? db->GetSnapshot() : nullptr) {}
  ~CommittedModel() override {
    if (snapshot_ != nullptr) db_->ReleaseSnapshot(snapshot_);
  }
  Status Get(std::string_view key, std::string* value) const override {
    return FromRocks(db_->Get(Options(), cf_, ToSlice(key), value));
  }
  std::unique_ptr<ModelIterator> NewIterator(std::string_view upper_bound) const override {
    return std::make_unique<RocksModelIterator>(
        Options(), upper_bound, [&](const rocksdb::ReadOptions& ro) { return db_->NewIterator(ro, cf_); });
  }

 private:
  rocksdb::ReadOptions Options() const {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot_;
    return ro;
  }
  rocksdb::DB* const db_;
  rocksdb::ColumnFamilyHandle* const cf_;
  const rocksdb::Snapshot* const snapshot_;
};

// Idempotency values: BE64(created_ms) then a JSON object. Records of older
// builds are the JSON object alone (it starts with '{'; a BE64 of a time
// after 1970 starts with a zero byte).
std::string EncodeIdempotency(const IdempotencyRecord& r) {
  std::string v = EncodeBE64(static_cast<uint64_t>(r.created_ms));
  v += nlohmann::json{{"fingerprint", r.fingerprint}, {"outcome", r.outcome}, {"position", r.position}}
           .dump();
  return v;
}

// Refuses fields no record may hold (kMaxEnvelopeFieldBytes), before an
// append changes anything.
Status CheckFieldLengths(std::span<const NewEvent> events, const AppendContext& ctx) {
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("actor", ctx.actor));
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("request id", ctx.request_id));
  ORGD_RETURN_IF_ERROR(CheckEnvelopeField("idempotency key", ctx.idempotency_key));
  for (const auto& ev : events) {
    ORGD_RETURN_IF_ERROR(CheckEnvelopeField("stream id", ev.stream_id));
    ORGD_RETURN_IF_ERROR(CheckEnvelopeField("type", ev.type));
    ORGD_RETURN_IF_ERROR(CheckEnvelopeField("payload", ev.payload));
  }
  return Status::OK();
}

}  // namespace

Status DecodeIdempotency(std::string_view v, IdempotencyRecord* out) {
  if (!v.empty() && v.front() != '{') {
    if (v.size() < 8) return Status::Corruption("idempotency record");
    out->created_ms = static_cast<int64_t>(DecodeBE64(v));
    v.remove_prefix(8);
  }
  auto j = nlohmann::json::parse(v, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corruption("idempotency record");
  try {
    out->fingerprint = j.at("fingerprint").get<std::string>();
    out->position = j.at("position").get<uint64_t>();
    if (j.contains("outcome")) {
      out->outcome = j.at("outcome").get<std::string>();
    } else {  // a record of an older build: the native reply itself
      out->legacy_status = j.at("status").get<int>();
      out->legacy_body = j.at("result").get<std::string>();
      out->legacy_version = j.value("version", uint64_t{0});
    }
  } catch (const nlohmann::json::exception&) {
    return Status::Corruption("idempotency record");
  }
  return Status::OK();
}

// Whether an idempotency value is older than retention_ms at now_ms. Values
// of older builds carry no time and never expire by this test.
bool IdempotencyExpired(std::string_view value, int64_t now_ms, int64_t retention_ms) {
  if (value.empty() || value.front() == '{' || value.size() < 8) return false;
  const auto created = static_cast<int64_t>(DecodeBE64(value));
  return now_ms - created > retention_ms;
}

// ------------------------------------------------------------- PendingModel

// One family as the batch writes it.
class AppendBatch::PendingModel final : public ModelWriter {
 public:
  PendingModel(AppendBatch* batch, rocksdb::ColumnFamilyHandle* cf) : batch_(batch), cf_(cf) {}
  Status Get(std::string_view key, std::string* value) const override {
    return batch_->Get(cf_, key, value);
  }
  std::unique_ptr<ModelIterator> NewIterator(std::string_view upper_bound) const override {
    return batch_->NewIterator(cf_, upper_bound);
  }
  void Put(std::string_view key, std::string_view value) override { batch_->Put(cf_, key, value); }
  void Delete(std::string_view key) override { batch_->Delete(cf_, key); }
  rocksdb::ColumnFamilyHandle* cf() const { return cf_; }

 private:
  AppendBatch* const batch_;
  rocksdb::ColumnFamilyHandle* const cf_;
};

// ---------------------------------------------------------------- AppendBatch

AppendBatch::AppendBatch(EventStore* store, const LogHead& head)
    : store_(store),
      wb_(std::make_unique<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                         /*overwrite_key=*/true)),
      head_(head) {}

AppendBatch::~AppendBatch() = default;

bool AppendBatch::empty() const { return wb_->GetWriteBatch()->Count() == 0; }

Status AppendBatch::Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                        std::string* value) const {
  rocksdb::ReadOptions ro;
  return FromRocks(wb_->GetFromBatchAndDB(store_->db_, ro, cf, ToSlice(key), value));
}

std::unique_ptr<ModelIterator> AppendBatch::NewIterator(rocksdb::ColumnFamilyHandle* cf,
                                                        std::string_view upper_bound) const {
  return std::make_unique<RocksModelIterator>(
      rocksdb::ReadOptions(), upper_bound, [&](const rocksdb::ReadOptions& ro) {
        // The bound applies to the base iterator; the batch's own entries
        // past it may still show, so callers check keys as they go.
        return wb_->NewIteratorWithBase(cf, store_->db_->NewIterator(ro, cf));
      });
}

ModelWriter& AppendBatch::Model(ModelId id) {
  for (auto& m : models_) {
    if (m->cf() == id.handle()) return *m;
  }
  models_.push_back(std::make_unique<PendingModel>(this, id.handle()));
  return *models_.back();
}

void AppendBatch::Put(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                      std::string_view value) {
  wb_->Put(cf, ToSlice(key), ToSlice(value)).PermitUncheckedError();
}

void AppendBatch::Delete(rocksdb::ColumnFamilyHandle* cf, std::string_view key) {
  wb_->Delete(cf, ToSlice(key)).PermitUncheckedError();
}

Status AppendBatch::StreamVersion(std::string_view stream, uint64_t* version) const {
  std::string v;
  Status s = Get(store_->streams_cf_, storage::StreamHeadKey(stream), &v);
  if (s.IsNotFound()) {
    *version = 0;
    return Status::OK();
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() != 8) return Status::Corruption("stream head of " + std::string(stream));
  *version = DecodeBE64(v);
  return Status::OK();
}

Status AppendBatch::Append(std::span<const NewEvent> events,
                           std::span<const StreamExpectation> expected, const AppendContext& ctx,
                           std::vector<EventEnvelope>* appended) {
  if (store_->read_only()) return Status::Unavailable("the store is open read-only");
  ORGD_RETURN_IF_ERROR(CheckFieldLengths(events, ctx));
  // Check every expectation before changing anything.
  std::map<std::string, uint64_t, std::less<>> versions;
  for (const auto& e : expected) {
    uint64_t current;
    ORGD_RETURN_IF_ERROR(StreamVersion(e.stream_id, &current));
    if (current != e.version) {
      return Status::Conflict("stream " + e.stream_id + " is at version " +
                                  std::to_string(current) + ", expected " +
                                  std::to_string(e.version),
                              "wrong_expected_version")
          .WithCurrentVersion(current);
    }
  }
  for (const auto& ev : events) {
    if (ev.stream_id.empty() || ev.stream_id.find('\0') != std::string::npos) {
      return Status::InvalidArgument("stream id must be non-empty and contain no NUL");
    }
    if (!versions.contains(ev.stream_id)) {
      ORGD_RETURN_IF_ERROR(StreamVersion(ev.stream_id, &versions[ev.stream_id]));
    }
  }

  EventEnvelope env;
  std::string record;
  for (const auto& ev : events) {
    uint64_t& version = versions.find(ev.stream_id)->second;
    env.position = head_.last_position + 1;
    env.stream_id = ev.stream_id;
    env.stream_version = ++version;
    env.type = ev.type;
    env.schema_version = ev.schema_version;
    env.timestamp_ms = std::max(ctx.now_ms, head_.last_timestamp_ms);
    env.actor = ctx.actor;
    env.request_id = ctx.request_id;
    env.idempotency_key = ctx.idempotency_key;
    env.payload = ev.payload;
    record.clear();
    ORGD_RETURN_IF_ERROR(EncodeEnvelopeBody(env, &record));  // cannot fail: checked above
    env.hash = ChainHash(head_.last_hash, record);
    record.append(reinterpret_cast<const char*>(env.hash.data()), env.hash.size());

    std::string pos = EncodeBE64(env.position);
    wb_->Put(store_->log_cf_, pos, record).PermitUncheckedError();
    wb_->Put(store_->streams_cf_, storage::StreamEntryKey(env.stream_id, env.stream_version), pos)
        .PermitUncheckedError();
    head_ = LogHead{env.position, env.timestamp_ms, env.hash};
    ++events_;
    if (appended) appended->push_back(env);
  }
  for (const auto& [stream, version] : versions) {
    wb_->Put(store_->streams_cf_, storage::StreamHeadKey(stream), EncodeBE64(version))
        .PermitUncheckedError();
  }
  return Status::OK();
}

Status AppendBatch::LookupIdempotency(std::string_view scope, std::string_view key,
                                      int64_t now_ms, IdempotencyRecord* out) const {
  std::string v;
  ORGD_RETURN_IF_ERROR(Get(store_->idem_cf_, storage::IdempotencyKey(scope, key), &v));
  if (IdempotencyExpired(v, now_ms, store_->options_.idempotency_retention_ms)) {
    return Status::NotFound("the idempotency record expired");
  }
  *out = IdempotencyRecord{};
  return DecodeIdempotency(v, out);
}

void AppendBatch::PutIdempotency(std::string_view scope, std::string_view key,
                                 const IdempotencyRecord& r) {
  Put(store_->idem_cf_, storage::IdempotencyKey(scope, key), EncodeIdempotency(r));
}

void AppendBatch::SetSavePoint() {
  wb_->SetSavePoint();
  save_points_.emplace_back(head_, events_);
}

void AppendBatch::RollbackToSavePoint() {
  if (save_points_.empty()) return;
  wb_->RollbackToSavePoint().PermitUncheckedError();
  std::tie(head_, events_) = save_points_.back();
  save_points_.pop_back();
}

void AppendBatch::ReleaseSavePoint() {
  if (save_points_.empty()) return;
  wb_->PopSavePoint().PermitUncheckedError();
  save_points_.pop_back();
}

// ---------------------------------------------------------------- LogIterator

LogIterator::LogIterator(const EventStore* store, uint64_t from)
    : store_(store), snapshot_(store->db_->GetSnapshot()) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.readahead_size = 2 << 20;
  ro.verify_checksums = true;
  it_.reset(store->db_->NewIterator(ro, store->log_cf_));
  it_->Seek(EncodeBE64(from));
}

LogIterator::~LogIterator() {
  it_.reset();
  store_->db_->ReleaseSnapshot(snapshot_);
}

bool LogIterator::Valid() const { return it_->Valid(); }
void LogIterator::Next() { it_->Next(); }
uint64_t LogIterator::position() const {
  rocksdb::Slice k = it_->key();
  return k.size() == 8 ? DecodeBE64(std::string_view(k.data(), 8)) : 0;
}
std::string_view LogIterator::record() const {
  rocksdb::Slice v = it_->value();
  return std::string_view(v.data(), v.size());
}
Status LogIterator::Decode(EventEnvelope* out) const {
  ORGD_RETURN_IF_ERROR(DecodeEnvelope(record(), out));
  if (out->position != position()) {
    return Status::Corruption("event at key " + std::to_string(position()) +
                              " claims position " + std::to_string(out->position));
  }
  return Status::OK();
}
Status LogIterator::status() const { return FromRocks(it_->status()); }

// ---------------------------------------------------------------- EventStore

std::unique_ptr<LogBatch> EventStore::NewBatch() { return NewAppendBatch(); }

std::unique_ptr<AppendBatch> EventStore::NewAppendBatch() {
  return std::unique_ptr<AppendBatch>(new AppendBatch(this, head()));
}

Status EventStore::Commit(LogBatch* log_batch) {
  if (options_.read_only) return Status::Unavailable("the store is open read-only");
  auto* batch = static_cast<AppendBatch*>(log_batch);  // REQUIRES: made by NewBatch()
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  rocksdb::Status s = db_->Write(wo, batch->wb_->GetWriteBatch());
  if (!s.ok()) {
    // Whatever part of the batch may have reached the disk, the in-memory head
    // must follow the disk, never the failed batch.
    ReloadHead().PermitUncheckedError();
    return Status::IOError("commit failed: " + s.ToString(),
                           s.IsNoSpace() ? "no_space" : "write_failed");
  }
  if (batch->events_ > 0) {
    {
      MutexLock lock(&head_mu_);
      head_ = batch->head_;
      last_position_.store(batch->head_.last_position, std::memory_order_release);
      last_timestamp_ms_.store(batch->head_.last_timestamp_ms, std::memory_order_relaxed);
    }
    head_changed_.SignalAll();
  }
  return Status::OK();
}

Status EventStore::Resume() {
  if (options_.read_only) return Status::Unavailable("the store is open read-only");
  rocksdb::Status s = db_->Resume();
  if (!s.ok()) return Status::Unavailable("the store is still failing: " + s.ToString(), "recovering");
  return ReloadHead();
}

LogHead EventStore::head() const {
  MutexLock lock(&head_mu_);
  return head_;
}

Status EventStore::ReloadHead() {
  LogHead h;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), log_cf_));
  it->SeekToLast();
  if (it->Valid()) {
    EventEnvelope e;
    ORGD_RETURN_IF_ERROR(DecodeEnvelope(std::string_view(it->value().data(), it->value().size()), &e));
    h = LogHead{e.position, e.timestamp_ms, e.hash};
  } else {
    ORGD_RETURN_IF_ERROR(FromRocks(it->status()));
  }
  {
    MutexLock lock(&head_mu_);
    head_ = h;
  }
  last_position_.store(h.last_position, std::memory_order_release);
  last_timestamp_ms_.store(h.last_timestamp_ms, std::memory_order_relaxed);
  return Status::OK();
}

Status EventStore::Get(rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                       std::string* value) const {
  return FromRocks(db_->Get(rocksdb::ReadOptions(), cf, ToSlice(key), value));
}

Status EventStore::ReadEvent(uint64_t position, EventEnvelope* out) const {
  std::string v;
  ORGD_RETURN_IF_ERROR(Get(log_cf_, EncodeBE64(position), &v));
  return DecodeEnvelope(v, out);
}

Status EventStore::StreamVersion(std::string_view stream, uint64_t* version) const {
  std::string v;
  Status s = Get(streams_cf_, storage::StreamHeadKey(stream), &v);
  if (s.IsNotFound()) {
    *version = 0;
    return Status::OK();
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() != 8) return Status::Corruption("stream head of " + std::string(stream));
  *version = DecodeBE64(v);
  return Status::OK();
}

Status EventStore::ReadStream(std::string_view stream, uint64_t from_version, size_t max,
                              std::vector<EventEnvelope>* out) const {
  const std::string prefix = storage::StreamEntryPrefix(stream);
  rocksdb::ReadOptions ro;
  const rocksdb::Snapshot* snap = db_->GetSnapshot();
  ro.snapshot = snap;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, streams_cf_));
  Status result;
  for (it->Seek(storage::StreamEntryKey(stream, std::max<uint64_t>(from_version, 1)));
       it->Valid() && it->key().starts_with(prefix) && out->size() < max; it->Next()) {
    if (it->value().size() != 8) {
      result = Status::Corruption("stream index entry of " + std::string(stream));
      break;
    }
    std::string v;
    rocksdb::Status s = db_->Get(ro, log_cf_, it->value(), &v);
    if (!s.ok()) {
      result = Status::Corruption("stream " + std::string(stream) + " points at a missing event");
      break;
    }
    EventEnvelope e;
    result = DecodeEnvelope(v, &e);
    if (!result.ok()) break;
    out->push_back(std::move(e));
  }
  if (result.ok()) result = FromRocks(it->status());
  it.reset();
  db_->ReleaseSnapshot(snap);
  return result;
}

std::unique_ptr<LogIterator> EventStore::NewLogIterator(uint64_t from) const {
  return std::unique_ptr<LogIterator>(new LogIterator(this, from));
}

std::unique_ptr<LogCursor> EventStore::ReadForward(uint64_t from) const {
  return NewLogIterator(from);
}

Status EventStore::WaitForPosition(uint64_t after, std::chrono::milliseconds timeout,
                                   uint64_t* last) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(&head_mu_);
  while (head_.last_position <= after) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    head_changed_.WaitFor(deadline - now);
  }
  *last = head_.last_position;
  return Status::OK();
}

ModelId EventStore::FindModel(std::string_view name) const { return ModelId(cf(name)); }

std::unique_ptr<ModelReader> EventStore::ReadModel(ModelId id, bool snapshot) const {
  return std::make_unique<CommittedModel>(db_, id.handle(), snapshot);
}

}  // namespace orgd
