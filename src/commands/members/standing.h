// A caller's standing in an org: what its membership lets it do there. The
// one place decisions of every org-scoped aggregate (members, departments,
// projects, invitations, domains, messages) ask "may this caller do this".
// Plain values; the functions are pure.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"
#include "src/projections/accounts/account_projection.h"
#include "src/projections/members/member_projection.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {

struct Standing {
  OrgRecord org;
  bool site_admin = false;  // a site admin (or the system): every right, above every rank
  bool member = false;      // listed as a member (not only as a collaborator)
  MemberRecord entry;       // when member
  RoleDef role;             // when member

  bool Can(std::string_view capability) const {
    return site_admin || (member && (role.capabilities & CapabilityBit(capability)) != 0);
  }
  uint64_t rank() const {
    return site_admin ? std::numeric_limits<uint64_t>::max() : member ? role.rank : 0;
  }
};

// The org ref names and the caller's standing in it. NotFound "unknown_org"
// when there is no such org or the caller is neither a site admin nor listed
// in it (an outsider learns nothing of it).
Status LoadStanding(const StateView& s, const CommandMeta& m, std::string_view org_ref,
                    Standing* out);

// Forbidden "missing_capability" unless the caller has it.
Status Require(const Standing& who, std::string_view capability, std::string_view what);

// Forbidden "rank_too_high" when role is ranked above the caller, or holds a
// capability the caller lacks: the no-escalation rule for granting,
// inviting with and defining roles.
Status CheckGrant(const Standing& who, const RoleDef& role);
// Forbidden "rank_too_high" when the target's role is ranked above the caller.
Status CheckTarget(const Standing& who, const RoleDef& target_role, std::string_view target);

// The account ref names (id or email). NotFound "unknown_account".
Status FindAccount(const StateView& s, std::string_view ref, AccountRecord* out);

// Whether the caller may act for account_id as its home org's admin
// (temporary access tokens): manage_members in the account's home org, and
// the account neither a site admin nor ranked above the caller there.
// NotFound "unknown_account" for an account the caller may not see.
Status CheckHomeOrgAdmin(const StateView& s, const CommandMeta& m, std::string_view account_id,
                         AccountRecord* out);

// A membership's result for the writer (entity "member", id "<org>/<account>").
CommandResult MemberResult(CommandResult::Kind kind, uint64_t org_id, std::string_view account);

}  // namespace orgd
