#include "src/projections/core/rebuild.h"

#include "common/sha256.h"
#include "storage/kv/overlay_writer.h"
#include "storage/keys.h"

namespace orgd {
namespace {

std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s) {
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
  ModelId id = store.FindModel(name);
  if (!id) return Status::OK();
  auto reader = store.ReadModel(id);
  std::string ignored;
  Status s = reader->Get(kRebuildingKey, &ignored);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  uint64_t position = 0;
  ORGD_RETURN_IF_ERROR(ReadCheckpoint(*reader, &position));
  *checkpoint = position;
  return Status::OK();
}

namespace {

// The family to fold into, and the position to fold from.
Status PrepareTarget(EventStore* store, const std::string& target, bool resume,
                     ModelId* model, std::optional<uint64_t>* resumed) {
  resumed->reset();
  if (resume) ORGD_RETURN_IF_ERROR(FindInterruptedRebuild(*store, target, resumed));
  if (*resumed) {
    *model = store->FindModel(target);
    return Status::OK();
  }
  ORGD_RETURN_IF_ERROR(store->DropColumnFamily(target));
  return store->CreateModel(target, model);
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
  ModelId cf;
  std::optional<uint64_t> resumed;
  ORGD_RETURN_IF_ERROR(PrepareTarget(store, target_cf, options.resume, &cf, &resumed));
  const uint64_t from = resumed.value_or(0);
  RebuildProgress prog{from, store->last_position(), from, 0};
  OverlayWriter model(store, cf, options.cache_bytes);
  // Marks the model as under way from the first batch on; a resumed one is marked.
  bool marked = resumed.has_value();
  if (!marked) {
    model.Put(kRebuildingKey, storage::EncodeBE64(prog.total));
    if (p.schema() > 1) model.Put(kSchemaKey, storage::EncodeBE64(p.schema()));
  }
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
  // A model with a schema key holds it (and its checkpoint) even then.
  if (in_batch > 0 || marked || p.schema() > 1) ORGD_RETURN_IF_ERROR(flush(true));
  return Status::OK();
}

Status CompareColumnFamilies(EventStore* store, const std::string& a, const std::string& b,
                             std::string* difference) {
  difference->clear();
  ModelId ca = store->FindModel(a);
  ModelId cb = store->FindModel(b);
  if (!ca || !cb) return Status::NotFound("column family " + (!ca ? a : b) + " is not open");
  auto ra = store->ReadModel(ca, /*snapshot=*/true);
  auto rb = store->ReadModel(cb, /*snapshot=*/true);
  auto ia = ra->NewIterator();
  auto ib = rb->NewIterator();
  ia->Seek("");
  ib->Seek("");
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
  ORGD_RETURN_IF_ERROR(ia->status());
  return ib->status();
}

}  // namespace orgd
