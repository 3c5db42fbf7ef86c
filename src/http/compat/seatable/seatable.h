// The SeaTable admin organizations API (../shared/compat/seatable.md, seed
// 004): what SeaTable's system-admin clients speak, translated into orgd's
// commands and read views.
//
//   /api/v2.1/admin/organizations/[<org_id>/[users/[<user>/]|groups/|dtables/]]
//   /api/v2.1/admin/organizations-basic-info/?org_ids=1&org_ids=2
//   /api/v2.1/admin/groups/<group_id>/
//   /api2/auth-token/   (form username, password -> {"token": ...})
//
// Credentials: `Authorization: Token <key>` or `Bearer <key>` (an API key or
// a session token). Errors as Django REST framework writes them:
// {"detail": ...} for authentication and permission, {"error_msg": ...} for
// the rest. Every admin route is for site admins (SeaTable's is_staff).
// SeaTable's org_name is orgd's title (the slug is derived), its org_id
// orgd's numeric id, a user's email its virtual id <hex>@auth.local and
// contact_email the real address; the org admin is the owner role.
#pragma once

#include "src/http/core/api.h"
#include "src/http/native/native.h"

namespace orgd::http {

// Token and Bearer credentials; Django REST framework's error bodies.
const Surface& SeatableSurface();

// Registers the adapter's routes. deps must outlive api.
void RegisterSeatableRoutes(Api& api, const NativeDeps& deps);

}  // namespace orgd::http
