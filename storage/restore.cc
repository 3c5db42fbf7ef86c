#include "storage/restore.h"

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <system_error>
#include <unordered_map>

#include "storage/event_store.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using StreamHeads = std::unordered_map<std::string, uint64_t>;

constexpr size_t kBatchBytes = size_t{8} << 20;

Status PrepareEmptyDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec))) {
    return Status::InvalidArgument(dir + " exists and is not an empty directory", "target_exists");
  }
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  return Status::OK();
}

// Writes the target's pending batch once it is large, or when forced. The
// write-ahead log is skipped: RestoreLogPrefix flushes everything at the end.
class BulkWriter {
 public:
  explicit BulkWriter(EventStore* target) : target_(target) {}
  Status Put(rocksdb::ColumnFamilyHandle* cf, rocksdb::Slice key, rocksdb::Slice value) {
    batch_.Put(cf, key, value).PermitUncheckedError();
    return batch_.GetDataSize() >= kBatchBytes ? Write() : Status::OK();
  }
  Status Write() {
    if (batch_.Count() == 0) return Status::OK();
    rocksdb::WriteOptions wo;
    wo.disableWAL = true;
    rocksdb::Status s = target_->db()->Write(wo, &batch_);
    batch_.Clear();
    if (!s.ok()) return Status::IOError("writing the restored store: " + s.ToString());
    return Status::OK();
  }

 private:
  EventStore* const target_;
  rocksdb::WriteBatch batch_;
};

Status FromRocks(const rocksdb::Status& s, const char* what) {
  if (s.ok()) return Status::OK();
  return Status::IOError(std::string("reading the source's ") + what + ": " + s.ToString());
}

// Copies records 1..N (N as the point allows); fills heads with each stream's
// version as of N.
Status CopyLog(const EventStore& source, EventStore* target, const RestorePoint& point,
               StreamHeads* heads, RestoreReport* report) {
  BulkWriter out(target);
  auto* cf = target->cf(storage::kLogCf);
  auto it = source.NewLogIterator(1);
  EnvelopeView e;
  for (; it->Valid(); it->Next()) {
    const uint64_t pos = it->position();
    if (pos != report->events + 1) {
      return Status::Corruption("the source's log misses position " +
                                std::to_string(report->events + 1));
    }
    ORGD_RETURN_IF_ERROR(DecodeEnvelopeView(it->record(), &e));
    if (pos > point.until_position || e.timestamp_ms > point.until_ms) break;
    ORGD_RETURN_IF_ERROR(out.Put(cf, storage::EncodeBE64(pos), it->record()));
    (*heads)[std::string(e.stream_id)] = e.stream_version;
    report->events = pos;
    report->last_timestamp_ms = e.timestamp_ms;
  }
  ORGD_RETURN_IF_ERROR(it->status());
  report->streams = heads->size();
  return out.Write();
}

// Copies the index entries of events 1..N and writes each stream's head.
Status CopyStreamIndex(const EventStore& source, EventStore* target, const StreamHeads& heads,
                       RestoreReport* report) {
  BulkWriter out(target);
  auto* cf = target->cf(storage::kStreamsCf);
  uint64_t entries = 0;
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      source.db()->NewIterator(ro, source.cf(storage::kStreamsCf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    const size_t nul = key.find('\0');
    if (nul == std::string_view::npos) continue;  // a head: written below
    if (it->value().size() != 8) {
      return Status::Corruption("stream index entry of " + std::string(key.substr(0, nul)));
    }
    if (storage::DecodeBE64(it->value().ToStringView()) > report->events) continue;
    ORGD_RETURN_IF_ERROR(out.Put(cf, it->key(), it->value()));
    ++entries;
  }
  ORGD_RETURN_IF_ERROR(FromRocks(it->status(), "stream index"));
  if (entries != report->events) {
    return Status::Corruption("the source's stream index lists " + std::to_string(entries) +
                              " of the first " + std::to_string(report->events) + " events");
  }
  for (const auto& [stream, version] : heads) {
    ORGD_RETURN_IF_ERROR(out.Put(cf, storage::StreamHeadKey(stream), storage::EncodeBE64(version)));
  }
  return out.Write();
}

// The position an idempotency record names, or false when it names none.
bool RecordPosition(rocksdb::Slice value, uint64_t* position) {
  IdempotencyRecord r;
  if (!DecodeIdempotency(value.ToStringView(), &r).ok()) return false;
  *position = r.position;
  return true;
}

Status CopyIdempotency(const EventStore& source, EventStore* target, RestoreReport* report) {
  BulkWriter out(target);
  auto* cf = target->cf(storage::kIdempotencyCf);
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(
      source.db()->NewIterator(ro, source.cf(storage::kIdempotencyCf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t position = 0;
    if (!RecordPosition(it->value(), &position)) return Status::Corruption("idempotency record");
    if (position > report->events) continue;
    ORGD_RETURN_IF_ERROR(out.Put(cf, it->key(), it->value()));
    ++report->idempotency_records;
  }
  ORGD_RETURN_IF_ERROR(FromRocks(it->status(), "idempotency records"));
  return out.Write();
}

}  // namespace

Status RestoreLogPrefix(const EventStore& source, const std::string& to_dir,
                        const RestorePoint& point, RestoreReport* report) {
  *report = RestoreReport{};
  ORGD_RETURN_IF_ERROR(PrepareEmptyDir(to_dir));
  StoreOptions options;
  options.path = to_dir;
  options.block_cache_bytes = size_t{8} << 20;
  std::unique_ptr<EventStore> target;
  ORGD_RETURN_IF_ERROR(EventStore::Open(options, &target));
  StreamHeads heads;
  ORGD_RETURN_IF_ERROR(CopyLog(source, target.get(), point, &heads, report));
  ORGD_RETURN_IF_ERROR(CopyStreamIndex(source, target.get(), heads, report));
  ORGD_RETURN_IF_ERROR(CopyIdempotency(source, target.get(), report));
  ORGD_RETURN_IF_ERROR(target->Flush());
  return target->Close();
}

}  // namespace orgd
