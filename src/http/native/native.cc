#include "src/http/native/native.h"

#include "src/commands/core/command.h"
#include "src/http/core/errors.h"

namespace orgd::http {

const Surface& NativeSurface() {
  static const Surface surface{
      "native",
      {ParseAuthorizationCredential, ParseSessionCookie},
      [](const Status& s) { return ErrorResponse(s); }};
  return surface;
}

void RegisterNativeRoutes(Api& api, const NativeDeps& deps) {
  RegisterOpsRoutes(api);
  RegisterOrgRoutes(api);
  RegisterKeyRoutes(api);
  RegisterAccountRoutes(api, deps);
  RegisterSignInRoutes(api, deps);
  RegisterSystemRoutes(api);
  RegisterMemberRoutes(api);
  RegisterProjectRoutes(api);
  RegisterMessageRoutes(api);
  RegisterInvitationRoutes(api, deps);
  RegisterDomainRoutes(api);
  RegisterOpenApiRoutes(api);
}

HttpResponse ResponseFor(const CommandOutcome& o) {
  if (!o.error.ok()) return ErrorResponse(o.error);
  HttpResponse r;
  switch (o.result.kind) {
    case CommandResult::Kind::kCreated: r.status = 201; break;
    case CommandResult::Kind::kChanged: r.status = 200; break;
    case CommandResult::Kind::kDeleted: r.status = 204; break;
  }
  if (r.status != 204) r.body = o.result.snapshot;
  if (o.result.version != 0) r.AddHeader("ETag", "\"" + std::to_string(o.result.version) + "\"");
  if (o.replayed) r.AddHeader("Idempotent-Replayed", "true");
  return r;
}

}  // namespace orgd::http
