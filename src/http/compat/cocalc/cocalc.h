// The CoCalc hub API (../shared/compat/cocalc.md): what the `cocalc_api`
// Python client speaks, translated into orgd's commands and read views.
//
//   POST /api/conat/hub      {"name": "group.function", "args": [...]}
//   POST /api/conat/project  {"name": "system.ping", "args": [...], "project_id"?}
//
// Replies are always 200: the function's bare JSON result (null for void) or
// {"error": "Error: <message>"}. Credentials: an account's API key as HTTP
// Basic (the key as user name) or Bearer. No state and no rule of its own:
// CoCalc's single-org membership is the shared model's JoinHomeOrg.
#pragma once

#include "src/http/core/api.h"
#include "src/http/native/native.h"

namespace orgd::http {

// Errors as {"error": "..."} with status 200; Basic and Bearer credentials.
const Surface& CocalcSurface();

// Registers /api/conat/hub and /api/conat/project. deps must outlive api.
void RegisterCocalcRoutes(Api& api, const NativeDeps& deps);

}  // namespace orgd::http
