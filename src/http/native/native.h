// The native API (/api/v1, JSON, snake_case): its surface, its rendering of
// command outcomes, its body decoders, and the registration of its routes.
// Stateless functions, safe from any thread.
#pragma once

#include <string_view>

#include "common/status.h"
#include "src/http/core/api.h"
#include "src/http/core/message.h"

namespace orgd {
struct CommandOutcome;
struct CreateOrg;
struct UpdateOrg;
}  // namespace orgd

namespace orgd::http {

// Bearer credentials; errors as {"error":{"code","message"}}.
const Surface& NativeSurface();

// Every native route: one Register line per resource (native.cc).
void RegisterNativeRoutes(Api& api);
void RegisterOpsRoutes(Api& api);   // /healthz, /readyz, /metrics
void RegisterOrgRoutes(Api& api);   // /api/v1/orgs
void RegisterKeyRoutes(Api& api);   // /api/v1/keys

// The reply for what the writer answered: 201 (created, with the entity),
// 200 (changed, with the entity), 204 (deleted); the ETag is the version;
// a replay says Idempotent-Replayed: true.
HttpResponse ResponseFor(const CommandOutcome& outcome);

// Body decoding, separate from the handlers so tests and fuzzers reach it
// directly. InvalidArgument names the offending field.
Status DecodeCreateOrg(std::string_view body, CreateOrg* out);
Status DecodeUpdateOrg(std::string_view body, UpdateOrg* out);

}  // namespace orgd::http
