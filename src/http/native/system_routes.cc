// The system API: /api/v1/ping and /api/v1/whoami (CoCalc's system.ping and
// system.test).
#include <nlohmann/json.hpp>

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
  api.Add(native, "GET", "/api/v1/whoami", RoutePolicy::AnyCredential(), [&api](Call c) {
    const Principal& p = c.principal;
    json j = json::object();
    if (!p.project_id.empty()) {
      j["project_id"] = p.project_id;
    } else {
      j["account_id"] = p.account_id.empty() ? json(nullptr) : json(p.account_id);
    }
    j["site_admin"] = p.site_admin;
    j["server_time"] = api.Now();
    c.reply(Json(j));
  });
}

}  // namespace orgd::http
