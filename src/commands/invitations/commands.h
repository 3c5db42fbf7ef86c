// Commands on invitations to join an org, their stateless checks and their
// decisions (see src/commands/core/command.h for the shape).
//
// Who may: creating, resending, revoking and reading an org's invitations
// takes the "invite" capability there, and nobody invites with a role
// ranked above their own or holding a capability they lack (CheckGrant, as
// for granting). Accepting takes a signed-in account whose email is the
// invited one (unless any_email), and the inviter's standing is asked again
// then: an inviter who left the org or now ranks below the invitation's role
// makes it fail ("inviter_lacks_rank"); a site key's invitation always holds.
// The token is the secret: commands carry only its SHA-256, and the surface
// hands the token to the caller once. Decisions read no clock: the surface
// passes its now_ms. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"

namespace orgd {

// expires_in bounds, in seconds, and its default.
inline constexpr int64_t kMinInvitationTtlSeconds = 60;
inline constexpr int64_t kMaxInvitationTtlSeconds = 30 * 24 * 3600;
inline constexpr int64_t kDefaultInvitationTtlSeconds = 7 * 24 * 3600;

struct CreateInvitation {
  static constexpr std::string_view kName = "CreateInvitation";
  std::string org;  // id or name
  std::string email;
  std::string role;
  std::string department;  // empty: none
  bool any_email = false;
  std::string token_sha256;  // hex
  int64_t expires_ms = 0;
};

// A new token and expiry for a pending or expired invitation of the org.
struct ResendInvitation {
  static constexpr std::string_view kName = "ResendInvitation";
  std::string org;
  uint64_t id = 0;
  std::string token_sha256;
  int64_t expires_ms = 0;
};

// Revokes a pending (or expired) invitation of the org; a used one stays.
struct RevokeInvitation {
  static constexpr std::string_view kName = "RevokeInvitation";
  std::string org;
  uint64_t id = 0;
};

// The caller's account accepts the invitation whose token hashes to
// token_sha256 and joins the org with its role and department (or, already
// a member, takes that role).
struct AcceptInvitation {
  static constexpr std::string_view kName = "AcceptInvitation";
  std::string token_sha256;
  int64_t now_ms = 0;  // when the caller asked: the expiry is judged at it
};

// The caller's account declines it (the same checks as accepting, less the
// inviter's and the quota).
struct DeclineInvitation {
  static constexpr std::string_view kName = "DeclineInvitation";
  std::string token_sha256;
  int64_t now_ms = 0;
};

Status Validate(const CreateInvitation& c);
Status Validate(const ResendInvitation& c);
Status Validate(const RevokeInvitation& c);
Status Validate(const AcceptInvitation& c);
Status Validate(const DeclineInvitation& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateInvitation& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const ResendInvitation& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RevokeInvitation& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const AcceptInvitation& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeclineInvitation& c);

}  // namespace orgd
