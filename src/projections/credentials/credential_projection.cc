#include "src/projections/credentials/credential_projection.h"

#include <nlohmann/json.hpp>

#include "common/json_util.h"
#include "src/events/account_events.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using storage::DecodeBE64;
using storage::EncodeBE64;

constexpr std::string_view kCountKey{"\0count", 6};
constexpr std::string_view kSiteAdminsKey{"\0site_admins", 12};

std::string HashKey(std::string_view sha256_hex) { return "k" + std::string(sha256_hex); }
std::string IdKey(std::string_view key_id) { return "i" + std::string(key_id); }
std::string AccountKey(std::string_view account_id, std::string_view key_id) {
  return "a" + std::string(account_id) + "/" + std::string(key_id);
}
std::string OrgPrefix(uint64_t org_id) { return "o" + EncodeBE64(org_id); }
std::string OrgKey(uint64_t org_id, std::string_view key_id) {
  return OrgPrefix(org_id) + std::string(key_id);
}
std::string UsedKey(std::string_view key_id) { return "u" + std::string(key_id); }
std::string PasswordKey(std::string_view account_id) { return "p" + std::string(account_id); }

// The ids of the account's credentials, from the "a" index.
Status CredentialIdsOf(const ModelReader& r, std::string_view account_id,
                       std::vector<std::string>* ids) {
  const std::string prefix = "a" + std::string(account_id) + "/";
  std::string end = prefix;
  end.back() = '/' + 1;
  auto it = r.NewIterator(end);
  // A pending batch's iterator may pass the bound: check each key.
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ids->emplace_back(it->key().substr(prefix.size()));
  }
  return it->status();
}

// The ids of the org's keys, from the "o" index.
Status KeyIdsOfOrg(const ModelReader& r, uint64_t org_id, std::vector<std::string>* ids) {
  const std::string prefix = OrgPrefix(org_id);
  auto it = r.NewIterator(org_id == UINT64_MAX ? std::string("p") : OrgPrefix(org_id + 1));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    ids->emplace_back(it->key().substr(prefix.size()));
  }
  return it->status();
}

Status GetCounter(const ModelReader& r, std::string_view key, uint64_t* n) {
  return ReadBE64(r, key, 0, n);
}

Status AddToCounter(ModelWriter& w, std::string_view key, int delta) {
  uint64_t n;
  ORGD_RETURN_IF_ERROR(GetCounter(w, key, &n));
  w.Put(key, EncodeBE64(delta < 0 && n == 0 ? 0 : n + delta));
  return Status::OK();
}

std::string EncodeRecord(const Credential& c) {
  nlohmann::json j{{"key_id", c.key_id}, {"account_id", c.account_id}, {"site_admin", c.site_admin},
                   {"label", c.label},   {"expires_ms", c.expires_ms}, {"kind", c.kind},
                   {"scope", c.scope},   {"project_id", c.project_id}, {"created_ms", c.created_ms},
                   {"org_id", c.org_id}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The record's fast path: FlatJson, which reads what EncodeRecord writes for
// any label without escapes; nlohmann otherwise.
Status DecodeRecord(std::string_view v, Credential* out) {
  FlatJson f;
  if (f.Parse(v)) {
    using Kind = FlatJson::Value::Kind;
    auto text = [&](std::string_view k, std::string* o) {
      const FlatJson::Value* x = f.Find(k);
      if (x == nullptr || x->kind != Kind::kString) return false;
      o->assign(x->text);
      return true;
    };
    auto num = [&](std::string_view k, int64_t* o) {
      const FlatJson::Value* x = f.Find(k);
      if (x == nullptr || x->kind != Kind::kUnsigned) return false;
      *o = static_cast<int64_t>(x->number);
      return true;
    };
    const FlatJson::Value* admin = f.Find("site_admin");
    const FlatJson::Value* org = f.Find("org_id");  // absent before schema 4
    out->org_id = org != nullptr && org->kind == Kind::kUnsigned ? org->number : 0;
    if ((org == nullptr || org->kind == Kind::kUnsigned) && text("key_id", &out->key_id) &&
        text("account_id", &out->account_id) && text("label", &out->label) &&
        num("expires_ms", &out->expires_ms) && text("kind", &out->kind) &&
        text("scope", &out->scope) && text("project_id", &out->project_id) &&
        num("created_ms", &out->created_ms) && admin != nullptr &&
        (admin->kind == Kind::kTrue || admin->kind == Kind::kFalse)) {
      out->site_admin = admin->kind == Kind::kTrue;
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
    out->kind = j.value("kind", std::string(kKindApiKey));
    out->scope = j.value("scope", std::string());
    out->project_id = j.value("project_id", std::string());
    out->created_ms = j.value("created_ms", int64_t{0});
    out->org_id = j.value("org_id", uint64_t{0});
  } catch (const nlohmann::json::exception&) {
    return Status::Corruption("credentials model: record fields");
  }
  return Status::OK();
}

Status AddCredential(const Credential& c, ModelWriter& w) {
  w.Put(HashKey(c.key_sha256), EncodeRecord(c));
  w.Put(IdKey(c.key_id), c.key_sha256);
  if (!c.account_id.empty()) w.Put(AccountKey(c.account_id, c.key_id), "");
  if (c.org_id != 0) w.Put(OrgKey(c.org_id, c.key_id), "");
  ORGD_RETURN_IF_ERROR(AddToCounter(w, kCountKey, 1));
  if (c.site_admin) ORGD_RETURN_IF_ERROR(AddToCounter(w, kSiteAdminsKey, 1));
  return Status::OK();
}

Status RemoveCredential(const Credential& c, ModelWriter& w) {
  w.Delete(HashKey(c.key_sha256));
  w.Delete(IdKey(c.key_id));
  w.Delete(UsedKey(c.key_id));
  if (!c.account_id.empty()) w.Delete(AccountKey(c.account_id, c.key_id));
  if (c.org_id != 0) w.Delete(OrgKey(c.org_id, c.key_id));
  ORGD_RETURN_IF_ERROR(AddToCounter(w, kCountKey, -1));
  if (c.site_admin) ORGD_RETURN_IF_ERROR(AddToCounter(w, kSiteAdminsKey, -1));
  return Status::OK();
}

Status ApplyIssued(const EventEnvelope& e, ModelWriter& w) {
  ApiKeyIssued k;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &k));
  Credential c;
  c.key_id = k.key_id;
  c.key_sha256 = k.key_sha256;
  c.account_id = k.account_id;
  c.site_admin = k.site_admin;
  c.label = k.label;
  c.expires_ms = k.expires_ms;
  c.kind = kKindApiKey;
  c.scope = k.scope.value_or(k.account_id.empty() ? "" : "account");
  c.project_id = k.project_id.value_or("");
  c.created_ms = e.timestamp_ms;
  c.org_id = k.org_id.value_or(0);
  return AddCredential(c, w);
}

// A session's or an access token's record: an account's credential with
// no scope.
Status AddAccountCredential(std::string_view kind, std::string id, std::string sha256,
                            std::string account_id, std::string label, int64_t expires_ms,
                            int64_t created_ms, ModelWriter& w) {
  Credential c;
  c.key_id = std::move(id);
  c.key_sha256 = std::move(sha256);
  c.account_id = std::move(account_id);
  c.label = std::move(label);
  c.expires_ms = expires_ms;
  c.kind = kind;
  c.created_ms = created_ms;
  return AddCredential(c, w);
}

Status ApplySession(const EventEnvelope& e, ModelWriter& w) {
  SessionStarted ss;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &ss));
  return AddAccountCredential(kKindSession, ss.session_id, ss.token_sha256, ss.account_id, ss.via,
                              ss.expires_ms, e.timestamp_ms, w);
}

Status ApplyAccessToken(const EventEnvelope& e, ModelWriter& w) {
  AccessTokenIssued t;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &t));
  return AddAccountCredential(kKindAccessToken, t.token_id, t.token_sha256, t.account_id,
                              "access token", t.expires_ms, e.timestamp_ms, w);
}

Status ApplyRevoked(const EventEnvelope& e, ModelWriter& w) {
  ApiKeyRevoked r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  Credential c;
  Status s = CredentialReader(w).FindBySha256(r.key_sha256, &c);
  if (s.IsNotFound()) return Status::Corruption("ApiKeyRevoked for unknown key " + r.key_id);
  ORGD_RETURN_IF_ERROR(s);
  return RemoveCredential(c, w);
}

Status ApplyUsed(const EventEnvelope& e, ModelWriter& w) {
  CredentialUsed u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  std::string sha;
  Status s = w.Get(IdKey(u.key_id), &sha);
  if (s.IsNotFound()) return Status::OK();  // revoked since
  ORGD_RETURN_IF_ERROR(s);
  w.Put(UsedKey(u.key_id), EncodeBE64(static_cast<uint64_t>(u.at_ms)));
  return Status::OK();
}

Status ApplyPasswordSet(const EventEnvelope& e, ModelWriter& w) {
  AccountPasswordSet p;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &p));
  w.Put(PasswordKey(p.account_id), p.password_hash);
  return Status::OK();
}

// Every credential of the account goes, and its password hash.
Status ApplyAccountDeleted(const EventEnvelope& e, ModelWriter& w) {
  AccountDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  w.Delete(PasswordKey(d.account_id));
  std::vector<std::string> ids;
  ORGD_RETURN_IF_ERROR(CredentialIdsOf(w, d.account_id, &ids));
  CredentialReader reader(w);
  for (const auto& id : ids) {
    Credential c;
    ORGD_RETURN_IF_ERROR(reader.FindById(id, &c));
    ORGD_RETURN_IF_ERROR(RemoveCredential(c, w));
  }
  return Status::OK();
}

// The org's keys go with it.
Status ApplyOrgDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  std::vector<std::string> ids;
  ORGD_RETURN_IF_ERROR(KeyIdsOfOrg(w, d.id, &ids));
  CredentialReader reader(w);
  for (const auto& id : ids) {
    Credential c;
    ORGD_RETURN_IF_ERROR(reader.FindById(id, &c));
    ORGD_RETURN_IF_ERROR(RemoveCredential(c, w));
  }
  return Status::OK();
}

}  // namespace

Status CredentialProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  if (e.type == ApiKeyIssued::kType) return ApplyIssued(e, w);
  if (e.type == ApiKeyRevoked::kType) return ApplyRevoked(e, w);
  if (e.type == SessionStarted::kType) return ApplySession(e, w);
  if (e.type == AccessTokenIssued::kType) return ApplyAccessToken(e, w);
  if (e.type == CredentialUsed::kType) return ApplyUsed(e, w);
  if (e.type == AccountPasswordSet::kType) return ApplyPasswordSet(e, w);
  if (e.type == AccountDeleted::kType) return ApplyAccountDeleted(e, w);
  if (e.type == OrgDeleted::kType) return ApplyOrgDeleted(e, w);
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

Status CredentialReader::ListForAccount(std::string_view account_id, std::string_view kind,
                                        std::vector<Credential>* out) const {
  std::vector<std::string> ids;
  ORGD_RETURN_IF_ERROR(CredentialIdsOf(r_, account_id, &ids));
  for (const auto& id : ids) {
    Credential c;
    ORGD_RETURN_IF_ERROR(FindById(id, &c));
    if (c.kind == kind) out->push_back(std::move(c));
  }
  return Status::OK();
}

Status CredentialReader::LastUsed(std::string_view key_id, int64_t* ms) const {
  uint64_t v;
  ORGD_RETURN_IF_ERROR(ReadBE64(r_, UsedKey(key_id), 0, &v));
  *ms = static_cast<int64_t>(v);
  return Status::OK();
}

Status CredentialReader::PasswordHash(std::string_view account_id, std::string* hash) const {
  Status s = r_.Get(PasswordKey(account_id), hash);
  if (s.IsNotFound()) return Status::NotFound("the account has no password", "no_password");
  return s;
}

}  // namespace orgd
