// The org record's JSON (OrgToJson/OrgFromJson of org_projection.h).
//
// Every org event reads and rewrites one record, so this codec is the hot path
// of the writer and of rebuilds. Both directions have a hand-written fast
// path for the records OrgToJson itself writes, producing and accepting
// exactly what nlohmann::json does; anything else (invalid UTF-8, an unusual
// number, a nested value) goes through nlohmann::json, as before.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

#include "common/json_util.h"
#include "common/time_util.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {
namespace {

using nlohmann::json;

// ------------------------------------------------------------------ writing

// Appends "key": and the value; the key needs no escaping.
bool Member(std::string* out, std::string_view key, std::string_view value, bool null_if_empty) {
  out->append(out->size() > 1 ? ",\"" : "\"").append(key).append("\":");
  if (null_if_empty && value.empty()) {
    out->append("null");
    return true;
  }
  return AppendJsonString(out, value);
}

void Member(std::string* out, std::string_view key, uint64_t value) {
  out->append(",\"").append(key).append("\":").append(std::to_string(value));
}

void Flag(std::string* out, std::string_view key, bool value) {
  out->append(out->size() > 1 ? ",\"" : "\"").append(key).append("\":");
  out->append(value ? "true" : "false");
}

// A quota's value: null when unlimited (0).
void Quota(std::string* out, std::string_view key, uint64_t value, bool first) {
  out->append(first ? "\"" : ",\"").append(key).append("\":");
  out->append(value == 0 ? std::string("null") : std::to_string(value));
}

void Quotas(std::string* out, const OrgRecord& o) {
  out->append(",\"quotas\":{");
  Quota(out, "asset_quota_mb", o.asset_quota_mb, true);
  Quota(out, "max_members", o.max_members, false);
  Quota(out, "row_limit", o.row_limit, false);
  Quota(out, "storage_quota", o.storage_quota, false);
  out->push_back('}');
}

void Usage(std::string* out, const OrgRecord& o) {
  out->append(",\"usage\":{\"assets_mb\":").append(std::to_string(o.usage_assets_mb));
  out->append(",\"rows\":").append(std::to_string(o.usage_rows));
  out->append(",\"storage\":").append(std::to_string(o.usage_storage));
  out->push_back('}');
}

// The members in nlohmann's order (an object's keys sorted), or false.
bool FastOrgToJson(const OrgRecord& o, std::string* out) {
  out->reserve(400 + o.description.size() + o.title.size());
  out->push_back('{');
  Flag(out, "auto_join", o.auto_join);
  bool ok = Member(out, "auto_join_role", o.auto_join_role, false) &&
            Member(out, "created_at", FormatIsoMs(o.created_ms), false) &&
            Member(out, "created_by", o.created_by, false) &&
            Member(out, "description", o.description, true) &&
            Member(out, "email_address", o.email_address, true);
  if (!ok) return false;
  Member(out, "id", o.id);
  ok = Member(out, "link", o.link, true) && Member(out, "name", o.name, false);
  if (!ok) return false;
  Quotas(out, o);
  ok = Member(out, "role", o.role, false) && Member(out, "subscription", o.subscription, false) &&
       Member(out, "title", o.title, true) &&
       Member(out, "updated_at", FormatIsoMs(o.updated_ms), false);
  if (!ok) return false;
  Usage(out, o);
  if (!Member(out, "uuid", o.uuid, false)) return false;
  Member(out, "version", o.version);
  out->push_back('}');
  return true;
}

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json NullIfZero(uint64_t v) { return v == 0 ? json(nullptr) : json(v); }

std::string ReferenceOrgToJson(const OrgRecord& o) {
  json quotas = json::object();
  quotas["max_members"] = NullIfZero(o.max_members);
  quotas["row_limit"] = NullIfZero(o.row_limit);
  quotas["storage_quota"] = NullIfZero(o.storage_quota);
  quotas["asset_quota_mb"] = NullIfZero(o.asset_quota_mb);
  json usage = json::object();
  usage["rows"] = o.usage_rows;
  usage["storage"] = o.usage_storage;
  usage["assets_mb"] = o.usage_assets_mb;
  json j = json::object();
  j["id"] = o.id;
  j["uuid"] = o.uuid;
  j["name"] = o.name;
  j["title"] = NullIfEmpty(o.title);
  j["description"] = NullIfEmpty(o.description);
  j["email_address"] = NullIfEmpty(o.email_address);
  j["link"] = NullIfEmpty(o.link);
  j["role"] = o.role;
  j["quotas"] = std::move(quotas);
  j["usage"] = std::move(usage);
  j["subscription"] = o.subscription;
  j["auto_join"] = o.auto_join;
  j["auto_join_role"] = o.auto_join_role;
  j["created_by"] = o.created_by;
  j["created_at"] = FormatIsoMs(o.created_ms);
  j["updated_at"] = FormatIsoMs(o.updated_ms);
  j["version"] = o.version;
  return j.dump();
}

// ------------------------------------------------------------------ reading

// The text of a member, as nlohmann's text_of below: "" unless a string.
std::string TextOf(const FlatJson& j, std::string_view key) {
  const FlatJson::Value* v = j.Find(key);
  return v && v->kind == FlatJson::Value::Kind::kString ? std::string(v->text) : std::string();
}

// The text of a member when it is a string, else def.
std::string TextOr(const FlatJson& j, std::string_view key, std::string_view def) {
  const FlatJson::Value* v = j.Find(key);
  return std::string(v && v->kind == FlatJson::Value::Kind::kString ? v->text : def);
}

// A member's unsigned value; 0 unless an unsigned number.
uint64_t NumberOf(const FlatJson& j, std::string_view key) {
  const FlatJson::Value* v = j.Find(key);
  return v && v->kind == FlatJson::Value::Kind::kUnsigned ? v->number : 0;
}

// The record's objects nested one level deep ("quotas", "usage"), cut out of
// its text so FlatJson can read the rest. At most kMaxNested of them; FlatJson
// then checks the syntax of each part.
constexpr size_t kMaxNested = 2;
struct NestedObjects {
  std::string flat;  // the text with each nested object replaced by null
  std::pair<std::string_view, std::string_view> objects[kMaxNested];  // key, object text
  size_t size = 0;
};

// The closing quote of the string that opens at i: the next quote after an
// even number of backslashes (memchr does the walking); npos when none.
size_t StringEnd(std::string_view text, size_t i) {
  for (size_t j = i;;) {
    j = text.find('"', j + 1);
    if (j == std::string_view::npos) return j;
    size_t backslashes = 0;
    while (j - backslashes > i + 1 && text[j - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return j;
  }
}

// Splits text as above; false (not handled) for anything unusual: an array,
// deeper nesting, more nested objects, or a nested object's key that occurs
// twice at the top level (nlohmann keeps the last).
bool SplitNested(std::string_view text, NestedObjects* out) {
  std::string_view keys[FlatJson::kMaxMembers];
  size_t nkeys = 0, copied = 0, start = 0;
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t j = StringEnd(text, i);
      if (j == std::string_view::npos) return false;
      size_t k = j + 1;
      while (k < text.size() &&
             (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) {
        ++k;
      }
      if (depth == 1 && k < text.size() && text[k] == ':') {
        if (nkeys == FlatJson::kMaxMembers) return false;
        keys[nkeys++] = text.substr(i + 1, j - i - 1);
      }
      i = j;
    } else if (c == '[') {
      return false;
    } else if (c == '{') {
      if (++depth > 2) return false;
      if (depth == 2) {
        if (out->size == kMaxNested || nkeys == 0) return false;
        start = i;
      }
    } else if (c == '}') {
      if (depth == 2) {
        out->objects[out->size++] = {keys[nkeys - 1], text.substr(start, i + 1 - start)};
        out->flat.append(text.substr(copied, start - copied)).append("null");
        copied = i + 1;
      }
      if (--depth < 0) return false;
    }
  }
  if (out->size > 0) out->flat.append(text.substr(copied));
  for (size_t n = 0; n < out->size; ++n) {
    const size_t same = std::count(keys, keys + nkeys, out->objects[n].first);
    if (same != 1) return false;
  }
  return true;
}

// The members of a nested object that the fast path reads: 1 read (or not an
// object), 0 not handled.
int NestedOf(const NestedObjects& n, std::string_view key, FlatJson* out) {
  for (size_t i = 0; i < n.size; ++i) {
    if (n.objects[i].first == key) return out->Parse(n.objects[i].second) ? 1 : 0;
  }
  return out->Parse("{}") ? 1 : 0;
}

void ReadAttributes(const FlatJson& j, const FlatJson& quotas, const FlatJson& usage,
                    OrgRecord* out) {
  out->max_members = NumberOf(quotas, "max_members");
  out->row_limit = NumberOf(quotas, "row_limit");
  out->storage_quota = NumberOf(quotas, "storage_quota");
  out->asset_quota_mb = NumberOf(quotas, "asset_quota_mb");
  out->usage_rows = NumberOf(usage, "rows");
  out->usage_storage = NumberOf(usage, "storage");
  out->usage_assets_mb = NumberOf(usage, "assets_mb");
  out->subscription = TextOr(j, "subscription", "none");
  const FlatJson::Value* auto_join = j.Find("auto_join");
  out->auto_join = auto_join && auto_join->kind == FlatJson::Value::Kind::kTrue;
  out->auto_join_role = TextOr(j, "auto_join_role", "member");
}

// The record if the fast path reads it: 1 OK, 0 not handled, -1 Corruption.
int FastOrgFromJson(std::string_view text, OrgRecord* out) {
  NestedObjects nested;
  if (!SplitNested(text, &nested)) return 0;
  FlatJson j, quotas, usage;
  if (!j.Parse(nested.size ? std::string_view(nested.flat) : text)) return 0;
  const FlatJson::Value* id = j.Find("id");
  if (id == nullptr || id->kind != FlatJson::Value::Kind::kUnsigned) return -1;
  // The value of "quotas"/"usage" at the top is null only where an object was cut out.
  if (NestedOf(nested, "quotas", &quotas) == 0 || NestedOf(nested, "usage", &usage) == 0) {
    return 0;
  }
  out->id = id->number;
  out->uuid = TextOf(j, "uuid");
  out->name = TextOf(j, "name");
  out->title = TextOf(j, "title");
  out->description = TextOf(j, "description");
  out->email_address = TextOf(j, "email_address");
  out->link = TextOf(j, "link");
  out->role = TextOf(j, "role");
  out->created_by = TextOf(j, "created_by");
  ReadAttributes(j, quotas, usage, out);
  if (!ParseIsoMs(TextOf(j, "created_at"), &out->created_ms) ||
      !ParseIsoMs(TextOf(j, "updated_at"), &out->updated_ms)) {
    return -1;
  }
  return 1;
}

Status ReferenceOrgFromJson(std::string_view text, OrgRecord* out) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("orgs model: record is not JSON");
  auto text_or = [](const json& o, const char* k, const char* def) {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string(def);
  };
  auto text_of = [&](const char* k) { return text_or(j, k, ""); };
  auto number_of = [&](const char* object, const char* k) -> uint64_t {
    auto o = j.find(object);
    if (o == j.end() || !o->is_object()) return 0;
    auto it = o->find(k);
    return it != o->end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
  };
  auto id = j.find("id");
  if (id == j.end() || !id->is_number_unsigned()) return Status::Corruption("orgs model: id");
  out->id = id->get<uint64_t>();
  out->uuid = text_of("uuid");
  out->name = text_of("name");
  out->title = text_of("title");
  out->description = text_of("description");
  out->email_address = text_of("email_address");
  out->link = text_of("link");
  out->role = text_of("role");
  out->created_by = text_of("created_by");
  out->max_members = number_of("quotas", "max_members");
  out->row_limit = number_of("quotas", "row_limit");
  out->storage_quota = number_of("quotas", "storage_quota");
  out->asset_quota_mb = number_of("quotas", "asset_quota_mb");
  out->usage_rows = number_of("usage", "rows");
  out->usage_storage = number_of("usage", "storage");
  out->usage_assets_mb = number_of("usage", "assets_mb");
  out->subscription = text_or(j, "subscription", "none");
  auto auto_join = j.find("auto_join");
  out->auto_join = auto_join != j.end() && auto_join->is_boolean() && auto_join->get<bool>();
  out->auto_join_role = text_or(j, "auto_join_role", "member");
  if (!ParseIsoMs(text_of("created_at"), &out->created_ms) ||
      !ParseIsoMs(text_of("updated_at"), &out->updated_ms)) {
    return Status::Corruption("orgs model: timestamps");
  }
  return Status::OK();
}

}  // namespace

std::string OrgToJson(const OrgRecord& o) {
  std::string out;
  if (FastOrgToJson(o, &out)) return out;
  return ReferenceOrgToJson(o);
}

Status OrgFromJson(std::string_view text, uint64_t version, OrgRecord* out) {
  const int fast = FastOrgFromJson(text, out);
  if (fast == 0) ORGD_RETURN_IF_ERROR(ReferenceOrgFromJson(text, out));
  if (fast < 0) return Status::Corruption("orgs model: record");
  out->version = version;
  return Status::OK();
}

std::string OrgMetadataJson(std::string_view key, std::string_view value) {
  std::string out = "{\"key\":";
  if (AppendJsonString(&out, key) && (out += ",\"value\":", AppendJsonString(&out, value))) {
    return out + '}';
  }
  // Not UTF-8 (validated input always is): as nlohmann replaces it.
  json j = json::object();
  j["key"] = std::string(key);
  j["value"] = std::string(value);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace internal {
std::string ReferenceOrgToJsonForTest(const OrgRecord& o) { return ReferenceOrgToJson(o); }
Status ReferenceOrgFromJsonForTest(std::string_view text, OrgRecord* out) {
  return ReferenceOrgFromJson(text, out);
}
}  // namespace internal

}  // namespace orgd
