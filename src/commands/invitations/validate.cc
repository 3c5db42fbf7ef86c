// The stateless checks of the invitation commands: shapes and sizes, before
// the command is queued.
#include "common/sha256.h"
#include "src/commands/core/validate.h"
#include "src/commands/invitations/commands.h"
#include "src/commands/members/commands.h"
#include "src/projections/members/roles.h"

namespace orgd {
namespace {

Status CheckOrgRef(std::string_view org) {
  if (org.empty() || org.size() > 64)
    return Status::InvalidArgument("bad org reference", "bad_org");
  return Status::OK();
}

Status CheckTokenHash(std::string_view hex) {
  Digest d;
  if (!DigestFromHex(hex, &d)) {
    return Status::InvalidArgument("the token's SHA-256 must be 64 hex digits", "bad_token");
  }
  return Status::OK();
}

Status CheckId(uint64_t id) {
  if (id == 0) return Status::NotFound("no invitation 0", "unknown_invitation");
  return Status::OK();
}

Status CheckExpiry(int64_t expires_ms) {
  if (expires_ms <= 0) return Status::InvalidArgument("an expiry is required", "bad_field");
  return Status::OK();
}

}  // namespace

Status Validate(const CreateInvitation& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  if (c.email.empty()) return Status::InvalidArgument("'email' is required", "missing_field");
  ORGD_RETURN_IF_ERROR(ValidateEmail("email", c.email));
  ORGD_RETURN_IF_ERROR(ValidateRoleName(c.role, "role"));
  if (!c.department.empty()) ORGD_RETURN_IF_ERROR(ValidateDepartmentName(c.department));
  ORGD_RETURN_IF_ERROR(CheckTokenHash(c.token_sha256));
  return CheckExpiry(c.expires_ms);
}

Status Validate(const ResendInvitation& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  ORGD_RETURN_IF_ERROR(CheckId(c.id));
  ORGD_RETURN_IF_ERROR(CheckTokenHash(c.token_sha256));
  return CheckExpiry(c.expires_ms);
}

Status Validate(const RevokeInvitation& c) {
  ORGD_RETURN_IF_ERROR(CheckOrgRef(c.org));
  return CheckId(c.id);
}

Status Validate(const AcceptInvitation& c) { return CheckTokenHash(c.token_sha256); }

Status Validate(const DeclineInvitation& c) { return CheckTokenHash(c.token_sha256); }

}  // namespace orgd
