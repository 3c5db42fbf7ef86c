#include "src/events/event_types.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <type_traits>

#include "common/json_util.h"

namespace orgd {
namespace {

using nlohmann::json;

Status CheckVersion(uint32_t version, uint32_t current, std::string_view type) {
  if (version == 0 || version > current) {
    return Status::Corruption(std::string(type) + " schema version " + std::to_string(version) +
                              " is not readable by this build");
  }
  return Status::OK();
}

// Reads a stored payload; the envelope's type has already picked the schema.
Status Load(std::string_view text, uint32_t version, uint32_t current, std::string_view type,
            json* j) {
  ORGD_RETURN_IF_ERROR(CheckVersion(version, current, type));
  // Upcasters go here: while (version < current) { upcast j; ++version; }
  Status s = ParseJson(text, j);
  if (!s.ok()) return Status::Corruption(std::string(type) + " payload: " + s.message());
  if (!j->is_object()) return Status::Corruption(std::string(type) + " payload is not an object");
  return Status::OK();
}

// Whether v holds a T exactly. nlohmann's get<T>() would convert any number
// to an integer type (-1 wraps around, 2.5 becomes 2), and a float out of the
// type's range (such as an integer too long for 64 bits, which nlohmann parses
// as a float) is undefined behaviour there: integers come only from JSON
// integers in range.
template <typename T>
bool Holds(const json& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v.is_boolean();
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    return v.is_number_unsigned();
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return v.is_number_integer() &&
           (!v.is_number_unsigned() ||
            v.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
  } else {
    static_assert(std::is_same_v<T, std::string>, "a payload field type without a check");
    return v.is_string();
  }
}

// Copies a field, reporting a schema mismatch as Corruption.
template <typename T>
Status Field(const json& j, const char* key, T* out, std::string_view type) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Corruption(std::string(type) + " lacks " + key);
  if (!Holds<T>(*it)) {
    return Status::Corruption(std::string(type) + "." + key + " has the wrong type");
  }
  *out = it->get<T>();
  return Status::OK();
}

template <typename T>
Status OptionalField(const json& j, const char* key, std::optional<T>* out,
                     std::string_view type) {
  if (!j.contains(key)) return Status::OK();
  T v;
  ORGD_RETURN_IF_ERROR(Field(j, key, &v, type));
  *out = std::move(v);
  return Status::OK();
}

// The fast path of the org events' FromPayload: flat payloads of the current
// schema version, read without nlohmann::json. Each returns false when the
// value is absent or of another type, and FromPayload falls back to the
// nlohmann path, which decodes (or refuses) it as before.
bool FastText(const FlatJson& j, std::string_view key, std::string* out) {
  const FlatJson::Value* v = j.Find(key);
  if (v == nullptr || v->kind != FlatJson::Value::Kind::kString) return false;
  out->assign(v->text);
  return true;
}

bool FastId(const FlatJson& j, uint64_t* out) {
  const FlatJson::Value* v = j.Find("id");
  if (v == nullptr || v->kind != FlatJson::Value::Kind::kUnsigned) return false;
  *out = v->number;
  return true;
}

bool FastOptionalText(const FlatJson& j, std::string_view key, std::optional<std::string>* out) {
  const FlatJson::Value* v = j.Find(key);
  if (v == nullptr) return true;
  if (v->kind != FlatJson::Value::Kind::kString) return false;
  *out = std::string(v->text);
  return true;
}

bool FastFromPayload(std::string_view text, OrgCreated* out) {
  FlatJson j;
  return j.Parse(text) && FastId(j, &out->id) && FastText(j, "uuid", &out->uuid) &&
         FastText(j, "name", &out->name) && FastText(j, "title", &out->title) &&
         FastText(j, "description", &out->description) &&
         FastText(j, "email_address", &out->email_address) && FastText(j, "link", &out->link) &&
         FastText(j, "role", &out->role) && FastText(j, "created_by", &out->created_by);
}

bool FastFromPayload(std::string_view text, OrgUpdated* out) {
  FlatJson j;
  return j.Parse(text) && FastId(j, &out->id) && FastOptionalText(j, "title", &out->title) &&
         FastOptionalText(j, "description", &out->description) &&
         FastOptionalText(j, "email_address", &out->email_address) &&
         FastOptionalText(j, "link", &out->link);
}

bool FastFromPayload(std::string_view text, OrgDeleted* out) {
  FlatJson j;
  return j.Parse(text) && FastId(j, &out->id) && FastText(j, "name", &out->name);
}

}  // namespace

std::string ToPayload(const OrgCreated& e) {
  return json{{"id", e.id},
              {"uuid", e.uuid},
              {"name", e.name},
              {"title", e.title},
              {"description", e.description},
              {"email_address", e.email_address},
              {"link", e.link},
              {"role", e.role},
              {"created_by", e.created_by}}
      .dump();
}

std::string ToPayload(const OrgUpdated& e) {
  json j{{"id", e.id}};
  if (e.title) j["title"] = *e.title;
  if (e.description) j["description"] = *e.description;
  if (e.email_address) j["email_address"] = *e.email_address;
  if (e.link) j["link"] = *e.link;
  return j.dump();
}

std::string ToPayload(const OrgDeleted& e) { return json{{"id", e.id}, {"name", e.name}}.dump(); }

std::string ToPayload(const ApiKeyIssued& e) {
  return json{{"key_id", e.key_id},         {"key_sha256", e.key_sha256},
              {"account_id", e.account_id}, {"site_admin", e.site_admin},
              {"label", e.label},           {"expires_ms", e.expires_ms}}
      .dump();
}

Status FromPayload(std::string_view text, uint32_t version, OrgCreated* out) {
  json j;
  constexpr auto t = OrgCreated::kType;
  ORGD_RETURN_IF_ERROR(CheckVersion(version, OrgCreated::kVersion, t));
  if (version == OrgCreated::kVersion && FastFromPayload(text, out)) return Status::OK();
  ORGD_RETURN_IF_ERROR(Load(text, version, OrgCreated::kVersion, t, &j));
  ORGD_RETURN_IF_ERROR(Field(j, "id", &out->id, t));
  ORGD_RETURN_IF_ERROR(Field(j, "uuid", &out->uuid, t));
  ORGD_RETURN_IF_ERROR(Field(j, "name", &out->name, t));
  ORGD_RETURN_IF_ERROR(Field(j, "title", &out->title, t));
  ORGD_RETURN_IF_ERROR(Field(j, "description", &out->description, t));
  ORGD_RETURN_IF_ERROR(Field(j, "email_address", &out->email_address, t));
  ORGD_RETURN_IF_ERROR(Field(j, "link", &out->link, t));
  ORGD_RETURN_IF_ERROR(Field(j, "role", &out->role, t));
  return Field(j, "created_by", &out->created_by, t);
}

Status FromPayload(std::string_view text, uint32_t version, OrgUpdated* out) {
  json j;
  constexpr auto t = OrgUpdated::kType;
  ORGD_RETURN_IF_ERROR(CheckVersion(version, OrgUpdated::kVersion, t));
  if (version == OrgUpdated::kVersion && FastFromPayload(text, out)) return Status::OK();
  ORGD_RETURN_IF_ERROR(Load(text, version, OrgUpdated::kVersion, t, &j));
  ORGD_RETURN_IF_ERROR(Field(j, "id", &out->id, t));
  ORGD_RETURN_IF_ERROR(OptionalField(j, "title", &out->title, t));
  ORGD_RETURN_IF_ERROR(OptionalField(j, "description", &out->description, t));
  ORGD_RETURN_IF_ERROR(OptionalField(j, "email_address", &out->email_address, t));
  return OptionalField(j, "link", &out->link, t);
}

Status FromPayload(std::string_view text, uint32_t version, OrgDeleted* out) {
  json j;
  constexpr auto t = OrgDeleted::kType;
  ORGD_RETURN_IF_ERROR(CheckVersion(version, OrgDeleted::kVersion, t));
  if (version == OrgDeleted::kVersion && FastFromPayload(text, out)) return Status::OK();
  ORGD_RETURN_IF_ERROR(Load(text, version, OrgDeleted::kVersion, t, &j));
  ORGD_RETURN_IF_ERROR(Field(j, "id", &out->id, t));
  return Field(j, "name", &out->name, t);
}

Status FromPayload(std::string_view text, uint32_t version, ApiKeyIssued* out) {
  json j;
  constexpr auto t = ApiKeyIssued::kType;
  ORGD_RETURN_IF_ERROR(Load(text, version, ApiKeyIssued::kVersion, t, &j));
  ORGD_RETURN_IF_ERROR(Field(j, "key_id", &out->key_id, t));
  ORGD_RETURN_IF_ERROR(Field(j, "key_sha256", &out->key_sha256, t));
  ORGD_RETURN_IF_ERROR(Field(j, "account_id", &out->account_id, t));
  ORGD_RETURN_IF_ERROR(Field(j, "site_admin", &out->site_admin, t));
  ORGD_RETURN_IF_ERROR(Field(j, "label", &out->label, t));
  return Field(j, "expires_ms", &out->expires_ms, t);
}

bool IsKnownEventType(std::string_view type, uint32_t version) {
  auto readable = [&](std::string_view t, uint32_t current) {
    return type == t && version >= 1 && version <= current;
  };
  return readable(OrgCreated::kType, OrgCreated::kVersion) ||
         readable(OrgUpdated::kType, OrgUpdated::kVersion) ||
         readable(OrgDeleted::kType, OrgDeleted::kVersion) ||
         readable(ApiKeyIssued::kType, ApiKeyIssued::kVersion);
}

std::string OrgStream(uint64_t org_id) { return "org-" + std::to_string(org_id); }
std::string ApiKeyStream(std::string_view key_id) { return "apikey-" + std::string(key_id); }

}  // namespace orgd
