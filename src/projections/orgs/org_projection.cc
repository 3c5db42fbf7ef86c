#include "src/projections/orgs/org_projection.h"

#include <charconv>
#include <optional>
#include <vector>

#include "common/time_util.h"
#include "src/events/org_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using storage::DecodeBE64;
using storage::EncodeBE64;

constexpr std::string_view kCountKey{"\0count", 6};
constexpr std::string_view kNextIdKey{"\0next_id", 8};
constexpr std::string_view kFirstLiveKey{"\0first_live", 11};

std::string IdKey(uint64_t id) { return "i" + EncodeBE64(id); }
std::string MetadataPrefix(uint64_t id) { return "m" + EncodeBE64(id); }
std::string MetadataKey(uint64_t id, std::string_view key) {
  return MetadataPrefix(id) + std::string(key);
}
// The bound past every metadata key of the org.
std::string MetadataEnd(uint64_t id) {
  return id == UINT64_MAX ? std::string("n") : MetadataPrefix(id + 1);
}
std::string NameKey(std::string_view name) { return "n" + std::string(name); }
std::string UuidKey(std::string_view uuid) { return "u" + std::string(uuid); }

Status GetU64(const ModelReader& r, std::string_view key, uint64_t* v) {
  return ReadBE64(r, key, 0, v);
}

void PutOrg(ModelWriter& w, const OrgRecord& org) {
  w.Put(IdKey(org.id), EncodeBE64(org.version) + OrgToJson(org));
}

Status LoadOrg(const ModelReader& r, uint64_t id, OrgRecord* out) {
  std::string v;
  ORGD_RETURN_IF_ERROR(r.Get(IdKey(id), &v));
  if (v.size() < 8) return Status::Corruption("orgs model: short record");
  return OrgFromJson(std::string_view(v).substr(8), DecodeBE64(v), out);
}

Status ApplyCreated(const EventEnvelope& e, ModelWriter& w) {
  OrgCreated c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  OrgRecord org;
  org.id = c.id;
  org.uuid = c.uuid;
  org.name = c.name;
  org.title = c.title;
  org.description = c.description;
  org.email_address = c.email_address;
  org.link = c.link;
  org.role = c.role;
  org.created_by = c.created_by;
  org.max_members = c.max_members.value_or(0);
  org.row_limit = c.row_limit.value_or(0);
  org.storage_quota = c.storage_quota.value_or(0);
  org.asset_quota_mb = c.asset_quota_mb.value_or(0);
  org.subscription = c.subscription.value_or("none");
  org.auto_join = c.auto_join.value_or(false);
  org.auto_join_role = c.auto_join_role.value_or("member");
  org.created_ms = e.timestamp_ms;
  org.updated_ms = e.timestamp_ms;
  org.version = e.stream_version;
  PutOrg(w, org);
  w.Put(NameKey(org.name), EncodeBE64(org.id));
  w.Put(UuidKey(org.uuid), EncodeBE64(org.id));
  uint64_t count, next;
  ORGD_RETURN_IF_ERROR(GetU64(w, kCountKey, &count));
  ORGD_RETURN_IF_ERROR(GetU64(w, kNextIdKey, &next));
  w.Put(kCountKey, EncodeBE64(count + 1));
  w.Put(kNextIdKey, EncodeBE64(std::max(next, org.id + 1)));
  if (count == 0) w.Put(kFirstLiveKey, EncodeBE64(org.id));  // ids only grow
  return Status::OK();
}

// The record of the org an event of its stream is about.
Status LoadForEvent(const ModelWriter& w, const EventEnvelope& e, uint64_t id, OrgRecord* org) {
  Status s = LoadOrg(w, id, org);
  if (s.IsNotFound()) {
    return Status::Corruption(e.type + " for unknown org " + std::to_string(id));
  }
  return s;
}

// The record moved to the event's version.
void PutChanged(ModelWriter& w, const EventEnvelope& e, OrgRecord* org) {
  org->updated_ms = e.timestamp_ms;
  org->version = e.stream_version;
  PutOrg(w, *org);
}

template <typename T>
void Assign(const std::optional<T>& v, T* field) {
  if (v) *field = *v;
}

Status ApplyUpdated(const EventEnvelope& e, ModelWriter& w) {
  OrgUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForEvent(w, e, u.id, &org));
  Assign(u.title, &org.title);
  Assign(u.description, &org.description);
  Assign(u.email_address, &org.email_address);
  Assign(u.link, &org.link);
  Assign(u.role, &org.role);
  Assign(u.max_members, &org.max_members);
  Assign(u.row_limit, &org.row_limit);
  Assign(u.storage_quota, &org.storage_quota);
  Assign(u.asset_quota_mb, &org.asset_quota_mb);
  Assign(u.subscription, &org.subscription);
  Assign(u.auto_join, &org.auto_join);
  Assign(u.auto_join_role, &org.auto_join_role);
  PutChanged(w, e, &org);
  return Status::OK();
}

Status ApplyUsageSet(const EventEnvelope& e, ModelWriter& w) {
  OrgUsageSet u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForEvent(w, e, u.id, &org));
  Assign(u.rows, &org.usage_rows);
  Assign(u.storage, &org.usage_storage);
  Assign(u.assets_mb, &org.usage_assets_mb);
  PutChanged(w, e, &org);
  return Status::OK();
}

Status ApplyMetadataSet(const EventEnvelope& e, ModelWriter& w) {
  OrgMetadataSet m;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &m));
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForEvent(w, e, m.id, &org));
  w.Put(MetadataKey(m.id, m.key), m.value);
  PutChanged(w, e, &org);
  return Status::OK();
}

Status ApplyMetadataRemoved(const EventEnvelope& e, ModelWriter& w) {
  OrgMetadataRemoved m;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &m));
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForEvent(w, e, m.id, &org));
  w.Delete(MetadataKey(m.id, m.key));
  PutChanged(w, e, &org);
  return Status::OK();
}

// The keys of the org's metadata entries, from the "m" prefix.
Status MetadataKeysOf(const ModelReader& r, uint64_t id, std::vector<std::string>* keys) {
  const std::string prefix = MetadataPrefix(id);
  auto it = r.NewIterator(MetadataEnd(id));
  // A pending batch's iterator may pass the bound: check each key.
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    keys->emplace_back(it->key().substr(prefix.size()));
  }
  return it->status();
}

Status ApplyDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForEvent(w, e, d.id, &org));
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(MetadataKeysOf(w, org.id, &keys));
  for (const auto& key : keys) w.Delete(MetadataKey(org.id, key));
  w.Delete(IdKey(org.id));
  w.Delete(NameKey(org.name));
  w.Delete(UuidKey(org.uuid));
  uint64_t count, first;
  ORGD_RETURN_IF_ERROR(GetU64(w, kCountKey, &count));
  w.Put(kCountKey, EncodeBE64(count > 0 ? count - 1 : 0));
  ORGD_RETURN_IF_ERROR(GetU64(w, kFirstLiveKey, &first));
  if (first != org.id) return Status::OK();
  // The lowest live org went: the next live one is the new first. The hint
  // only moves forward, so each deleted id is walked past once in all.
  auto it = w.NewIterator("j");
  it->Seek(IdKey(org.id + 1));
  if (it->Valid() && it->key().starts_with("i") && it->key().size() == 9) {
    w.Put(kFirstLiveKey, it->key().substr(1));
  } else {
    w.Delete(kFirstLiveKey);
  }
  return it->status();
}

}  // namespace

Status OrgProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  if (e.type == OrgCreated::kType) return ApplyCreated(e, w);
  if (e.type == OrgUpdated::kType) return ApplyUpdated(e, w);
  if (e.type == OrgDeleted::kType) return ApplyDeleted(e, w);
  if (e.type == OrgUsageSet::kType) return ApplyUsageSet(e, w);
  if (e.type == OrgMetadataSet::kType) return ApplyMetadataSet(e, w);
  if (e.type == OrgMetadataRemoved::kType) return ApplyMetadataRemoved(e, w);
  return Status::OK();
}

Status OrgProjection::Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                               std::string* out) const {
  if (kind == kMetadataEntity) {
    const size_t slash = id.find('/');
    if (slash == std::string_view::npos) return Status::NotFound("not an org metadata entry");
    uint64_t org_id = 0;
    auto [p, ec] = std::from_chars(id.data(), id.data() + slash, org_id);
    if (ec != std::errc() || p != id.data() + slash) return Status::NotFound("not an org id");
    std::string value;
    ORGD_RETURN_IF_ERROR(OrgReader(r).Metadata(org_id, id.substr(slash + 1), &value));
    *out = OrgMetadataJson(id.substr(slash + 1), value);
    return Status::OK();
  }
  if (kind != kEntity) return Status::NotFound("not an org");
  uint64_t version;
  return OrgReader(r).FindJson(id, &version, out);
}

Status OrgReader::ResolveId(std::string_view id_or_name, uint64_t* id) const {
  if (id_or_name.empty()) return Status::NotFound("no org named ''", "unknown_org");
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(id_or_name.data(), id_or_name.data() + id_or_name.size(), n);
  if (ec == std::errc() && p == id_or_name.data() + id_or_name.size()) {
    *id = n;
    return Status::OK();
  }
  std::string v;
  Status s = r_.Get(NameKey(id_or_name), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no org named '" + std::string(id_or_name) + "'", "unknown_org");
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() != 8) return Status::Corruption("orgs model: name index");
  *id = DecodeBE64(v);
  return Status::OK();
}

Status OrgReader::FindJson(std::string_view id_or_name, uint64_t* version,
                           std::string* out) const {
  uint64_t id;
  ORGD_RETURN_IF_ERROR(ResolveId(id_or_name, &id));
  std::string v;
  Status s = r_.Get(IdKey(id), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no org '" + std::string(id_or_name) + "'", "unknown_org");
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() < 8) return Status::Corruption("orgs model: short record");
  *version = DecodeBE64(v);
  out->assign(v, 8);
  return Status::OK();
}

Status OrgReader::Find(std::string_view id_or_name, OrgRecord* out) const {
  uint64_t version;
  std::string text;
  ORGD_RETURN_IF_ERROR(FindJson(id_or_name, &version, &text));
  return OrgFromJson(text, version, out);
}

Status OrgReader::IdOf(std::string_view id_or_name, uint64_t* id) const {
  ORGD_RETURN_IF_ERROR(ResolveId(id_or_name, id));
  if (!(id_or_name[0] >= '0' && id_or_name[0] <= '9')) return Status::OK();  // by its name
  std::string ignored;
  Status s = r_.Get(IdKey(*id), &ignored);
  if (s.IsNotFound()) {
    return Status::NotFound("no org '" + std::string(id_or_name) + "'", "unknown_org");
  }
  return s;
}

Status OrgReader::NameTaken(std::string_view name, bool* taken) const {
  std::string v;
  Status s = r_.Get(NameKey(name), &v);
  *taken = s.ok();
  return s.IsNotFound() ? Status::OK() : s;
}

Status OrgReader::Metadata(uint64_t org_id, std::string_view key, std::string* value) const {
  Status s = r_.Get(MetadataKey(org_id, key), value);
  if (s.IsNotFound()) {
    return Status::NotFound("no metadata key '" + std::string(key) + "'", "unknown_metadata_key");
  }
  return s;
}

Status OrgReader::ListMetadata(uint64_t org_id,
                               std::vector<std::pair<std::string, std::string>>* out) const {
  const std::string prefix = MetadataPrefix(org_id);
  auto it = r_.NewIterator(MetadataEnd(org_id));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    out->emplace_back(it->key().substr(prefix.size()), it->value());
  }
  return it->status();
}

Status OrgReader::MetadataCount(uint64_t org_id, size_t* n) const {
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(MetadataKeysOf(r_, org_id, &keys));
  *n = keys.size();
  return Status::OK();
}

Status OrgReader::NextId(uint64_t* id) const {
  ORGD_RETURN_IF_ERROR(GetU64(r_, kNextIdKey, id));
  if (*id == 0) *id = 1;
  return Status::OK();
}

Status OrgReader::Count(uint64_t* n) const { return GetU64(r_, kCountKey, n); }

Status OrgReader::List(uint64_t after_id, size_t skip, size_t limit, Page* out) const {
  out->orgs.clear();
  out->next_after = 0;
  if (after_id == UINT64_MAX) return Status::OK();  // past every id
  uint64_t first = 0;
  ORGD_RETURN_IF_ERROR(GetU64(r_, kFirstLiveKey, &first));
  auto it = r_.NewIterator("j");  // past every "i" key
  out->orgs.clear();
  out->next_after = 0;
  uint64_t last = 0;
  for (it->Seek(IdKey(std::max(after_id + 1, first))); it->Valid() && it->key().starts_with("i"); it->Next()) {
    if (skip > 0) {
      --skip;
      continue;
    }
    if (out->orgs.size() == limit) {
      out->next_after = last;
      break;
    }
    std::string_view v = it->value();
    if (v.size() < 8 || it->key().size() != 9) return Status::Corruption("orgs model: record");
    last = DecodeBE64(it->key().substr(1));
    out->orgs.emplace_back(v.substr(8));
  }
  return it->status();
}

}  // namespace orgd
