// The system API: /api/v1/ping and /api/v1/whoami (CoCalc's system.ping and
// system.test).
#include <nlohmann/json.hpp>

#include "common/json_util.h"
#include "src/http/native/native.h"

namespace orgd::http {
namespace {

using nlohmann::json;

HttpResponse Json(const json& j) {
  HttpResponse r;
  r.body = j.dump();
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

void RegisterSystemRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  api.Add(native, "GET", "/api/v1/ping", RoutePolicy::AnyCredential(), [&api](Call c) {
    c.reply(Json(json{{"now", api.Now()}}));
  });
  // Written by hand: the session check is the hot read of a signed-in client.
  api.Add(native, "GET", "/api/v1/whoami", RoutePolicy::AnyCredential(), [&api](Call c) {
    const Principal& p = c.principal;
    HttpResponse r;
    r.body.reserve(128);
    if (!p.project_id.empty()) {
      r.body = R"({"project_id":)";
      AppendJsonString(&r.body, p.project_id);  // validated text: always UTF-8
    } else if (!p.account_id.empty()) {
      r.body = R"({"account_id":")" + p.account_id + '"';  // a UUID
    } else {
      r.body = R"({"account_id":null)";
    }
    r.body += p.site_admin ? R"(,"site_admin":true,"server_time":)"
                           : R"(,"site_admin":false,"server_time":)";
    r.body += std::to_string(api.Now());
    r.body += '}';
    r.AddHeader("Cache-Control", "no-store");
    c.reply(std::move(r));
  });
}

}  // namespace orgd::http
