// The org record's JSON (OrgToJson/OrgFromJson of org_projection.h).
//
// Every org event reads and rewrites one record, so this codec is the hot path
// of the writer and of rebuilds. Both directions have a hand-written fast
// path for the records OrgToJson itself writes, producing and accepting
// exactly what nlohmann::json does; anything else (invalid UTF-8, an unusual
// number, a nested value) goes through nlohmann::json, as before.
#include <nlohmann/json.hpp>

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

// The members in nlohmann's order (an object's keys sorted), or false.
bool FastOrgToJson(const OrgRecord& o, std::string* out) {
  out->reserve(256 + o.description.size() + o.title.size());
  out->push_back('{');
  bool ok = Member(out, "created_at", FormatIsoMs(o.created_ms), false) &&
            Member(out, "created_by", o.created_by, false) &&
            Member(out, "description", o.description, true) &&
            Member(out, "email_address", o.email_address, true);
  if (!ok) return false;
  Member(out, "id", o.id);
  ok = Member(out, "link", o.link, true) && Member(out, "name", o.name, false) &&
       Member(out, "role", o.role, false) && Member(out, "title", o.title, true) &&
       Member(out, "updated_at", FormatIsoMs(o.updated_ms), false) &&
       Member(out, "uuid", o.uuid, false);
  if (!ok) return false;
  Member(out, "version", o.version);
  out->push_back('}');
  return true;
}

json NullIfEmpty(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::string ReferenceOrgToJson(const OrgRecord& o) {
  return json{{"id", o.id},
              {"uuid", o.uuid},
              {"name", o.name},
              {"title", NullIfEmpty(o.title)},
              {"description", NullIfEmpty(o.description)},
              {"email_address", NullIfEmpty(o.email_address)},
              {"link", NullIfEmpty(o.link)},
              {"role", o.role},
              {"created_by", o.created_by},
              {"created_at", FormatIsoMs(o.created_ms)},
              {"updated_at", FormatIsoMs(o.updated_ms)},
              {"version", o.version}}
      .dump();
}

// ------------------------------------------------------------------ reading

// The text of a member, as nlohmann's text_of below: "" unless a string.
std::string TextOf(const FlatJson& j, std::string_view key) {
  const FlatJson::Value* v = j.Find(key);
  return v && v->kind == FlatJson::Value::Kind::kString ? std::string(v->text) : std::string();
}

// The record if the fast path reads it: 1 OK, 0 not handled, -1 Corruption.
int FastOrgFromJson(std::string_view text, OrgRecord* out) {
  FlatJson j;
  if (!j.Parse(text)) return 0;
  const FlatJson::Value* id = j.Find("id");
  if (id == nullptr || id->kind != FlatJson::Value::Kind::kUnsigned) return -1;
  out->id = id->number;
  out->uuid = TextOf(j, "uuid");
  out->name = TextOf(j, "name");
  out->title = TextOf(j, "title");
  out->description = TextOf(j, "description");
  out->email_address = TextOf(j, "email_address");
  out->link = TextOf(j, "link");
  out->role = TextOf(j, "role");
  out->created_by = TextOf(j, "created_by");
  if (!ParseIsoMs(TextOf(j, "created_at"), &out->created_ms) ||
      !ParseIsoMs(TextOf(j, "updated_at"), &out->updated_ms)) {
    return -1;
  }
  return 1;
}

Status ReferenceOrgFromJson(std::string_view text, OrgRecord* out) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("orgs model: record is not JSON");
  auto text_of = [&](const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
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

namespace internal {
std::string ReferenceOrgToJsonForTest(const OrgRecord& o) { return ReferenceOrgToJson(o); }
Status ReferenceOrgFromJsonForTest(std::string_view text, OrgRecord* out) {
  return ReferenceOrgFromJson(text, out);
}
}  // namespace internal

}  // namespace orgd
