// Site keys: /api/v1/keys. A site admin issues another site-admin key (the
// bootstrap key's replacement) or a site key of one org ({"org": id or
// name}: no site admin, gone with its org), and revokes keys by id. Account
// keys come with accounts (/api/v1/accounts/{id}/keys).
#include <nlohmann/json.hpp>

#include "common/json_util.h"
#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/commands/credentials/commands.h"
#include "src/http/core/errors.h"
#include "src/http/native/native.h"

namespace orgd::http {
namespace {

using nlohmann::json;

// {"label"?: string, "expires_at"?: ISO 8601 time, "org"?: id or name}
Status DecodeIssueKey(std::string_view body, int64_t now_ms, IssueApiKey* out) {
  if (body.empty()) return Status::OK();
  json j;
  ORGD_RETURN_IF_ERROR(ParseJson(body, &j));
  if (!j.is_object()) return Status::InvalidArgument("the body must be a JSON object", "bad_body");
  for (const auto& [key, v] : j.items()) {
    if (key == "label" && v.is_string()) {
      out->label = v.get<std::string>();
    } else if (key == "expires_at" && v.is_string()) {
      if (!ParseIsoMs(v.get<std::string>(), &out->expires_ms) || out->expires_ms <= now_ms) {
        return Status::InvalidArgument("expires_at must be a future time such as "
                                       "2027-01-01T00:00:00Z",
                                       "bad_field");
      }
    } else if (key == "org" && v.is_number_unsigned()) {
      out->org = std::to_string(v.get<uint64_t>());
    } else if (key == "org" && v.is_string() && !v.get<std::string>().empty()) {
      out->org = v.get<std::string>();
    } else if (key == "org") {
      return Status::InvalidArgument("'org' must be an org's id or name", "bad_field");
    } else if (key == "label" || key == "expires_at") {
      return Status::InvalidArgument("'" + key + "' must be a string", "bad_field");
    } else {
      return Status::InvalidArgument("unknown field '" + key + "'; allowed: label, expires_at, org",
                                     "unknown_field");
    }
  }
  return Status::OK();
}

// The reply of an issued key, from the outcome (so a replay shows the key the
// first request made). The secret is in the first reply only: it is never
// stored, so a replay of the same Idempotency-Key shows "key": null.
HttpResponse IssuedKey(const CommandOutcome& o, const std::string& secret) {
  HttpResponse r = ResponseFor(o);
  if (r.status != 201) return r;
  json stored = json::parse(o.result.snapshot, nullptr, /*allow_exceptions=*/false);
  if (!stored.is_object()) return ErrorResponse(Status::Internal("key record"));
  const int64_t expires = stored.value("expires_ms", int64_t{0});
  json body{{"id", o.result.id},
            {"key", o.replayed ? json(nullptr) : json(secret)},
            {"label", stored.value("label", "")},
            {"site_admin", stored.value("site_admin", false)},
            {"expires_at", expires ? json(FormatIsoMs(expires)) : json(nullptr)}};
  const uint64_t org = stored.value("org_id", uint64_t{0});
  if (org != 0) body["org_id"] = org;  // an org-scoped site key
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

void IssueKeyRoute(Api& api, Call call) {
  IssueApiKey k;
  const int64_t now = api.Now();
  Status s = DecodeIssueKey(call.req.body, now, &k);
  if (!s.ok()) return call.Fail(s);
  const std::string secret = NewApiKey();
  k.key_id = RandomBase62(16);
  k.key_sha256 = ToHex(Sha256Of(secret));
  k.site_admin = k.org.empty();  // an org's key is a site key of that org, no site admin
  if (k.label.empty()) k.label = k.org.empty() ? "site admin key" : "org key";
  api.SubmitCommand(std::move(call), Command{{}, std::move(k)},
                    [secret](const CommandOutcome& o) { return IssuedKey(o, secret); });
}

void RevokeKeyRoute(Api& api, Call call) {
  if (!call.principal.project_id.empty()) {
    return call.Fail(Status::Forbidden("a project-scoped key cannot revoke keys",
                                       "project_scoped_key"));
  }
  RevokeApiKey r{call.params[0]};
  api.SubmitCommand(std::move(call), Command{{}, std::move(r)}, ResponseFor);
}

}  // namespace

void RegisterKeyRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  api.Add(native, "POST", "/api/v1/keys", RoutePolicy::SiteAdmin(),
          [&api](Call c) { IssueKeyRoute(api, std::move(c)); });
  // Site admins revoke any key; an account its own (the decision checks).
  api.Add(native, "DELETE", "/api/v1/keys/{key_id}", RoutePolicy::AnyCredential(),
          [&api](Call c) { RevokeKeyRoute(api, std::move(c)); });
}

}  // namespace orgd::http
