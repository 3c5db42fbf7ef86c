#include "src/projections/credentials/credential_projection.h"

#include <nlohmann/json.hpp>

#include "src/events/event_types.h"
#include "storage/keys.h"

namespace orgd {
namespace {

constexpr std::string_view kCountKey{"\0count", 6};

std::string HashKey(std::string_view sha256_hex) { return "k" + std::string(sha256_hex); }

}  // namespace

Status CredentialProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  if (e.type != ApiKeyIssued::kType) return Status::OK();
  ApiKeyIssued k;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &k));
  nlohmann::json j{{"key_id", k.key_id},
                   {"account_id", k.account_id},
                   {"site_admin", k.site_admin},
                   {"label", k.label},
                   {"expires_ms", k.expires_ms}};
  w.Put(HashKey(k.key_sha256), j.dump());
  uint64_t n;
  ORGD_RETURN_IF_ERROR(CredentialReader(w).Count(&n));
  w.Put(kCountKey, storage::EncodeBE64(n + 1));
  return Status::OK();
}

Status CredentialReader::FindBySha256(std::string_view sha256_hex, Credential* out) const {
  std::string v;
  ORGD_RETURN_IF_ERROR(r_.Get(HashKey(sha256_hex), &v));
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

Status CredentialReader::Count(uint64_t* n) const {
  std::string v;
  Status s = r_.Get(kCountKey, &v);
  if (s.IsNotFound()) {
    *n = 0;
    return Status::OK();
  }
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() != 8) return Status::Corruption("credentials model: count");
  *n = storage::DecodeBE64(v);
  return Status::OK();
}

}  // namespace orgd
