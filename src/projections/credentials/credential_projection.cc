#include "src/projections/credentials/credential_projection.h"

#include <nlohmann/json.hpp>

#include "common/json_util.h"
#include "src/events/credential_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using storage::DecodeBE64;
using storage::EncodeBE64;

constexpr std::string_view kCountKey{"\0count", 6};
constexpr std::string_view kSiteAdminsKey{"\0site_admins", 12};

std::string HashKey(std::string_view sha256_hex) { return "k" + std::string(sha256_hex); }
std::string IdKey(std::string_view key_id) { return "i" + std::string(key_id); }

Status GetCounter(const ModelReader& r, std::string_view key, uint64_t* n) {
  return ReadBE64(r, key, 0, n);
}

Status AddToCounter(ModelWriter& w, std::string_view key, int delta) {
  uint64_t n;
  ORGD_RETURN_IF_ERROR(GetCounter(w, key, &n));
  w.Put(key, EncodeBE64(delta < 0 && n == 0 ? 0 : n + delta));
  return Status::OK();
}

// The record's fast path: FlatJson, which reads what the writer below writes
// for any label without escapes; nlohmann otherwise.
Status DecodeRecord(std::string_view v, Credential* out) {
  FlatJson f;
  if (f.Parse(v)) {
    auto text = [&](std::string_view k, std::string* o) {
      const FlatJson::Value* x = f.Find(k);
      if (x == nullptr || x->kind != FlatJson::Value::Kind::kString) return false;
      o->assign(x->text);
      return true;
    };
    const FlatJson::Value* admin = f.Find("site_admin");
    const FlatJson::Value* expires = f.Find("expires_ms");
    if (text("key_id", &out->key_id) && text("account_id", &out->account_id) &&
        text("label", &out->label) && admin != nullptr && expires != nullptr &&
        expires->kind == FlatJson::Value::Kind::kUnsigned &&
        (admin->kind == FlatJson::Value::Kind::kTrue ||
         admin->kind == FlatJson::Value::Kind::kFalse)) {
      out->site_admin = admin->kind == FlatJson::Value::Kind::kTrue;
      out->expires_ms = static_cast<int64_t>(expires->number);
      return Status::OK();
    }
  }
  auto j = nlohmann::json::parse(v, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("credentials model: record");
  try {
    out->key_id = j.at("key_id").get<std::string>();
    out->account_id = j.at("account_id").get<std::string>();
    out->site_admin = j.at("site_admin").get<bool>();
    out->label = j.at("label").get<std::string>();
    out->expires_ms = j.at("expires_ms").get<int64_t>();
  } catch (const nlohmann::json::exception&) {
    return Status::Corruption("credentials model: record fields");
  }
  return Status::OK();
}

Status ApplyIssued(const EventEnvelope& e, ModelWriter& w) {
  ApiKeyIssued k;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &k));
  nlohmann::json j{{"key_id", k.key_id},
                   {"account_id", k.account_id},
                   {"site_admin", k.site_admin},
                   {"label", k.label},
                   {"expires_ms", k.expires_ms}};
  w.Put(HashKey(k.key_sha256), j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  w.Put(IdKey(k.key_id), k.key_sha256);
  ORGD_RETURN_IF_ERROR(AddToCounter(w, kCountKey, 1));
  if (k.site_admin) ORGD_RETURN_IF_ERROR(AddToCounter(w, kSiteAdminsKey, 1));
  return Status::OK();
}

Status ApplyRevoked(const EventEnvelope& e, ModelWriter& w) {
  ApiKeyRevoked r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  Credential c;
  Status s = CredentialReader(w).FindBySha256(r.key_sha256, &c);
  if (s.IsNotFound()) return Status::Corruption("ApiKeyRevoked for unknown key " + r.key_id);
  ORGD_RETURN_IF_ERROR(s);
  w.Delete(HashKey(r.key_sha256));
  w.Delete(IdKey(r.key_id));
  ORGD_RETURN_IF_ERROR(AddToCounter(w, kCountKey, -1));
  if (c.site_admin) ORGD_RETURN_IF_ERROR(AddToCounter(w, kSiteAdminsKey, -1));
  return Status::OK();
}

}  // namespace

Status CredentialProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  if (e.type == ApiKeyIssued::kType) return ApplyIssued(e, w);
  if (e.type == ApiKeyRevoked::kType) return ApplyRevoked(e, w);
  return Status::OK();
}

Status CredentialProjection::Snapshot(std::string_view kind, std::string_view id,
                                      const ModelReader& r, std::string* out) const {
  if (kind != kEntity) return Status::NotFound("not a key");
  std::string sha;
  ORGD_RETURN_IF_ERROR(r.Get(IdKey(id), &sha));
  return r.Get(HashKey(sha), out);
}

Status CredentialReader::FindBySha256(std::string_view sha256_hex, Credential* out) const {
  std::string v;
  ORGD_RETURN_IF_ERROR(r_.Get(HashKey(sha256_hex), &v));
  out->key_sha256.assign(sha256_hex);
  return DecodeRecord(v, out);
}

Status CredentialReader::FindById(std::string_view key_id, Credential* out) const {
  std::string sha;
  Status s = r_.Get(IdKey(key_id), &sha);
  if (s.IsNotFound()) return Status::NotFound("no key " + std::string(key_id), "unknown_key");
  ORGD_RETURN_IF_ERROR(s);
  return FindBySha256(sha, out);
}

Status CredentialReader::Count(uint64_t* n) const { return GetCounter(r_, kCountKey, n); }
Status CredentialReader::SiteAdminCount(uint64_t* n) const {
  return GetCounter(r_, kSiteAdminsKey, n);
}

}  // namespace orgd
