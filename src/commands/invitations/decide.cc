// Decisions about invitations: against state only (the stateless checks are
// in validate.cc and ran before the command was queued).
#include "common/email.h"
#include "common/time_util.h"
#include "src/commands/invitations/commands.h"
#include "src/commands/members/standing.h"
#include "src/events/invitation_events.h"
#include "src/events/member_events.h"
#include "src/projections/invitations/invitation_projection.h"

namespace orgd {
namespace {

std::string Named(const InvitationRecord& inv) { return "invitation " + std::to_string(inv.id); }

CommandResult InvitationResult(CommandResult::Kind kind, uint64_t id) {
  return CommandResult{kind,
                       std::string(InvitationProjection::kEntity),
                       std::to_string(id),
                       InvitationStream(id),
                       0,
                       0,
                       {}};
}

// Gone "invitation_revoked" or Conflict "invitation_used" unless it is
// pending (expired or not).
Status CheckNotClosed(const InvitationRecord& inv) {
  if (inv.status == kInvitationRevoked) {
    return Status::Gone(Named(inv) + " was revoked", "invitation_revoked");
  }
  if (inv.status != kInvitationPending) {
    return Status::Conflict(Named(inv) + " was already " + inv.status, "invitation_used");
  }
  return Status::OK();
}

// CheckNotClosed, and Gone "invitation_expired" past its expiry.
Status CheckUsable(const InvitationRecord& inv, int64_t now_ms) {
  ORGD_RETURN_IF_ERROR(CheckNotClosed(inv));
  if (now_ms >= inv.expires_ms) {
    return Status::Gone(Named(inv) + " expired at " + FormatIsoMs(inv.expires_ms),
                            "invitation_expired");
  }
  return Status::OK();
}

// The role an invitation of who's org may carry: the org's (built-in or
// its own), never "external", and one who may grant.
Status RoleToInvite(const StateView& s, const Standing& who, const std::string& name,
                    RoleDef* role) {
  Status found =
      name == kExternalRole
          ? Status::NotFound("")
          : MemberReader(s.model(MemberProjection::kName)).FindRole(who.org.id, name, role);
  if (found.IsNotFound()) {
    return Status::InvalidArgument("role: no role '" + name + "' in org '" + who.org.name + "'",
                                   "unknown_role");
  }
  ORGD_RETURN_IF_ERROR(found);
  return CheckGrant(who, *role);
}

// The role an existing invitation names, which the org may have removed since.
Status StoredRole(const StateView& s, uint64_t org_id, const InvitationRecord& inv, RoleDef* role) {
  Status found = MemberReader(s.model(MemberProjection::kName)).FindRole(org_id, inv.role, role);
  if (found.IsNotFound()) {
    return Status::Conflict(Named(inv) + "'s role '" + inv.role + "' no longer exists",
                            "unknown_role");
  }
  return found;
}

// The invitation id of who's org; NotFound "unknown_invitation" for another org's.
Status LoadOrgInvitation(const StateView& s, const Standing& who, uint64_t id,
                         InvitationRecord* out) {
  ORGD_RETURN_IF_ERROR(InvitationReader(s.model(InvitationProjection::kName)).Find(id, out));
  if (out->org_id != who.org.id) {
    return Status::NotFound(
        "no invitation " + std::to_string(id) + " in org '" + who.org.name + "'",
        "unknown_invitation");
  }
  return Status::OK();
}

// PreconditionFailed "version_mismatch" when the caller's If-Match is not
// the invitation stream's version.
Status CheckIfMatchOf(const StateView& s, const CommandMeta& m, const InvitationRecord& inv) {
  uint64_t version = 0;
  ORGD_RETURN_IF_ERROR(s.StreamVersion(InvitationStream(inv.id), &version));
  return CheckIfMatch(m, version, Named(inv));
}

// The invitation a token holder names, and the caller's account, which must
// be the invited one (any account when any_email).
Status LoadForAccount(const StateView& s, const CommandMeta& m, std::string_view token_sha256,
                      int64_t now_ms, InvitationRecord* inv, AccountRecord* a) {
  if (m.account_id.empty()) {
    return Status::Forbidden("only a signed-in account can answer an invitation, not a site key",
                             "account_required");
  }
  ORGD_RETURN_IF_ERROR(
      InvitationReader(s.model(InvitationProjection::kName)).FindByToken(token_sha256, inv));
  ORGD_RETURN_IF_ERROR(CheckUsable(*inv, now_ms));
  ORGD_RETURN_IF_ERROR(AccountReader(s.model(AccountProjection::kName)).FindById(m.account_id, a));
  if (!inv->any_email && NormalizeEmail(a->email) != inv->email) {
    return Status::Forbidden("this invitation is for another email address", "email_mismatch");
  }
  return Status::OK();
}

// The inviter may still give the invitation's role: still a member of the
// org and not ranked below it (nor lacking one of its capabilities), or a
// site admin; a site key's invitation always holds.
Status CheckInviter(const StateView& s, const InvitationRecord& inv, const OrgRecord& org,
                    const RoleDef& role) {
  if (inv.inviter_account.empty()) return Status::OK();
  const Status lacks = Status::Forbidden(
      "whoever invited you can no longer give role '" + inv.role + "' in org '" + org.name + "'",
      "inviter_lacks_rank");
  AccountRecord inviter;
  Status found =
      AccountReader(s.model(AccountProjection::kName)).FindById(inv.inviter_account, &inviter);
  if (found.IsNotFound()) return lacks;
  ORGD_RETURN_IF_ERROR(found);
  if (inviter.site_admin) return Status::OK();
  CommandMeta as_inviter;
  as_inviter.actor = "account:" + inviter.id;
  as_inviter.account_id = inviter.id;
  Standing w;
  Status standing = LoadStanding(s, as_inviter, std::to_string(org.id), &w);
  if (standing.IsNotFound()) return lacks;
  ORGD_RETURN_IF_ERROR(standing);
  if (!w.member) return lacks;
  Status grant = CheckGrant(w, role);
  if (grant.IsForbidden()) return lacks;
  return grant;
}

// The membership the acceptance gives a: a new member (within the org's
// max_members) or, for a member, the invitation's role and department.
Status DecideMembership(const StateView& s, const CommandMeta& m, const InvitationRecord& inv,
                        const OrgRecord& org, const AccountRecord& a, Decision* d) {
  MemberReader members(s.model(MemberProjection::kName));
  DepartmentRecord dept;
  if (!inv.department.empty()) {
    Status found = members.FindDepartment(org.id, inv.department, &dept);
    if (found.IsNotFound()) {
      return Status::Conflict(
          Named(inv) + "'s department '" + inv.department + "' no longer exists",
          "unknown_department");
    }
    ORGD_RETURN_IF_ERROR(found);
  }
  MemberRecord current;
  Status listed = members.Find(org.id, a.id, &current);
  if (!listed.ok() && !listed.IsNotFound()) return listed;
  const std::string stream = MembersStream(org.id);
  if (listed.ok() && current.member) {
    MemberUpdated e;
    e.org_id = org.id;
    e.account_id = a.id;
    e.updated_by = m.actor;
    if (current.role != inv.role) {
      if (current.role == kOwnerRole) {
        uint64_t owners = 0;
        ORGD_RETURN_IF_ERROR(members.RoleCount(org.id, kOwnerRole, &owners));
        if (owners <= 1) {
          return Status::Conflict("org '" + org.name + "' would have no owner left", "last_owner");
        }
      }
      e.role = inv.role;
    }
    if (!inv.department.empty() && current.department != inv.department) {
      e.department = inv.department;
    }
    if (e.role || e.department) d->events.push_back(MakeEvent(stream, e));
    return Status::OK();
  }
  uint64_t count = 0;
  ORGD_RETURN_IF_ERROR(members.MemberCount(org.id, &count));
  if (org.max_members != 0 && count + 1 > org.max_members) {
    return Status::Conflict(
        "org '" + org.name + "' is at its max_members quota of " + std::to_string(org.max_members),
        "quota_exceeded");
  }
  MemberAdded e;
  e.org_id = org.id;
  e.org_name = org.name;
  e.account_id = a.id;
  e.role = inv.role;
  e.content_permission = dept.content_permission.empty() ? "none" : dept.content_permission;
  e.members_permission = dept.members_permission.empty() ? "none" : dept.members_permission;
  e.department = inv.department;
  e.via = "invitation";
  e.added_by = m.actor;
  e.first_name = a.first_name;
  e.last_name = a.last_name;
  e.email = a.email;
  e.home_org_id = a.home_org_id;
  d->events.push_back(MakeEvent(stream, e));
  return Status::OK();
}

}  // namespace

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateInvitation& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "invite", "invite people"));
  RoleDef role;
  ORGD_RETURN_IF_ERROR(RoleToInvite(s, who, c.role, &role));
  if (!c.department.empty()) {
    DepartmentRecord dept;
    Status found = MemberReader(s.model(MemberProjection::kName))
                       .FindDepartment(who.org.id, c.department, &dept);
    if (found.IsNotFound()) {
      return Status::InvalidArgument("department: no department '" + c.department + "'",
                                     "unknown_department");
    }
    ORGD_RETURN_IF_ERROR(found);
  }
  if (m.if_match) {
    return Status::PreconditionFailed("If-Match cannot hold for an invitation not made yet",
                                      "version_mismatch");
  }
  InvitationReader invitations(s.model(InvitationProjection::kName));
  InvitationRecord clash;
  Status taken = invitations.FindByToken(c.token_sha256, &clash);
  if (taken.ok()) return Status::Conflict("that token is in use", "token_taken");
  if (!taken.IsNotFound()) return taken;
  InvitationCreated e;
  ORGD_RETURN_IF_ERROR(invitations.NextId(&e.id));
  e.org_id = who.org.id;
  e.email = NormalizeEmail(c.email);
  e.role = c.role;
  e.department = c.department;
  e.any_email = c.any_email;
  e.token_sha256 = c.token_sha256;
  e.expires_ms = c.expires_ms;
  e.created_by = m.actor;
  e.inviter_account = m.account_id;
  Decision d;
  d.expected.push_back({InvitationStream(e.id), 0});
  d.events.push_back(MakeEvent(InvitationStream(e.id), e));
  d.result = InvitationResult(CommandResult::Kind::kCreated, e.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const ResendInvitation& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "invite", "resend invitations"));
  InvitationRecord inv;
  ORGD_RETURN_IF_ERROR(LoadOrgInvitation(s, who, c.id, &inv));
  ORGD_RETURN_IF_ERROR(CheckIfMatchOf(s, m, inv));
  ORGD_RETURN_IF_ERROR(CheckNotClosed(inv));
  RoleDef role;
  ORGD_RETURN_IF_ERROR(StoredRole(s, who.org.id, inv, &role));
  ORGD_RETURN_IF_ERROR(CheckGrant(who, role));
  InvitationRecord clash;
  Status taken =
      InvitationReader(s.model(InvitationProjection::kName)).FindByToken(c.token_sha256, &clash);
  if (taken.ok()) return Status::Conflict("that token is in use", "token_taken");
  if (!taken.IsNotFound()) return taken;
  InvitationResent e{inv.id, inv.org_id, c.token_sha256, c.expires_ms, m.actor};
  Decision d;
  d.events.push_back(MakeEvent(InvitationStream(inv.id), e));
  d.result = InvitationResult(CommandResult::Kind::kChanged, inv.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RevokeInvitation& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "invite", "revoke invitations"));
  InvitationRecord inv;
  ORGD_RETURN_IF_ERROR(LoadOrgInvitation(s, who, c.id, &inv));
  ORGD_RETURN_IF_ERROR(CheckIfMatchOf(s, m, inv));
  ORGD_RETURN_IF_ERROR(CheckNotClosed(inv));
  // Nobody undoes an invitation ranked above their own role.
  RoleDef role;
  Status found =
      MemberReader(s.model(MemberProjection::kName)).FindRole(who.org.id, inv.role, &role);
  if (found.ok()) ORGD_RETURN_IF_ERROR(CheckTarget(who, role, Named(inv)));
  if (!found.ok() && !found.IsNotFound()) return found;
  Decision d;
  d.events.push_back(
      MakeEvent(InvitationStream(inv.id), InvitationRevoked{inv.id, inv.org_id, m.actor}));
  d.result = InvitationResult(CommandResult::Kind::kDeleted, inv.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const AcceptInvitation& c) {
  InvitationRecord inv;
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(LoadForAccount(s, m, c.token_sha256, c.now_ms, &inv, &a));
  OrgRecord org;
  Status found = OrgReader(s.model(OrgProjection::kName)).Find(std::to_string(inv.org_id), &org);
  if (found.IsNotFound()) return Status::NotFound("no such invitation", "unknown_invitation");
  ORGD_RETURN_IF_ERROR(found);
  RoleDef role;
  ORGD_RETURN_IF_ERROR(StoredRole(s, org.id, inv, &role));
  ORGD_RETURN_IF_ERROR(CheckInviter(s, inv, org, role));
  Decision d;
  d.events.push_back(
      MakeEvent(InvitationStream(inv.id), InvitationAccepted{inv.id, inv.org_id, a.id, m.actor}));
  ORGD_RETURN_IF_ERROR(DecideMembership(s, m, inv, org, a, &d));
  d.result = InvitationResult(CommandResult::Kind::kChanged, inv.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeclineInvitation& c) {
  InvitationRecord inv;
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(LoadForAccount(s, m, c.token_sha256, c.now_ms, &inv, &a));
  Decision d;
  d.events.push_back(
      MakeEvent(InvitationStream(inv.id), InvitationDeclined{inv.id, inv.org_id, a.id, m.actor}));
  d.result = InvitationResult(CommandResult::Kind::kChanged, inv.id);
  return d;
}

}  // namespace orgd
