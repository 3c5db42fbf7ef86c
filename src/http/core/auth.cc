#include "src/http/core/auth.h"

#include "common/sha256.h"
#include "src/http/core/message.h"
#include "src/projections/credentials/credential_projection.h"

namespace orgd::http {

Status ParseBearer(std::string_view header, std::string_view* key) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || !EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme) ||
      header[kScheme.size()] != ' ') {
    return Status::Unauthenticated("the Authorization header must be 'Bearer <key>'",
                                   "bad_authorization");
  }
  std::string_view k = header.substr(kScheme.size() + 1);
  while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
  while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
  if (k.empty() || k.size() > kMaxCredentialBytes) {
    return Status::Unauthenticated("the API key is empty or too long", "bad_authorization");
  }
  for (char c : k) {
    if (c <= ' ' || c > '~') {
      return Status::Unauthenticated("the API key holds characters an API key never has",
                                     "bad_authorization");
    }
  }
  *key = k;
  return Status::OK();
}

Authenticator::Authenticator(const EventStore* store, std::function<int64_t()> clock)
    : store_(store),
      credentials_cf_(store->cf(ColumnFamilyName(CredentialProjection::kName))),
      clock_(std::move(clock)) {}

Status Authenticator::Authenticate(std::optional<std::string_view> authorization,
                                   Principal* out) const {
  if (!authorization) {
    return Status::Unauthenticated("this endpoint needs 'Authorization: Bearer <key>'",
                                   "missing_credentials");
  }
  std::string_view key;
  ORGD_RETURN_IF_ERROR(ParseBearer(*authorization, &key));
  StoreCfReader reader(store_, credentials_cf_);
  Credential c;
  Status s = CredentialReader(reader).FindBySha256(ToHex(Sha256Of(key)), &c);
  if (s.IsNotFound()) return Status::Unauthenticated("unknown API key", "invalid_credentials");
  ORGD_RETURN_IF_ERROR(s);
  if (c.expires_ms != 0 && c.expires_ms <= clock_()) {
    return Status::Unauthenticated("the API key has expired", "expired_credentials");
  }
  out->key_id = std::move(c.key_id);
  out->account_id = std::move(c.account_id);
  out->site_admin = c.site_admin;
  return Status::OK();
}

}  // namespace orgd::http
