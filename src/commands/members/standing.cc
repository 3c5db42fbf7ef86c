#include "src/commands/members/standing.h"

#include "src/events/member_events.h"

namespace orgd {

Status LoadStanding(const StateView& s, const CommandMeta& m, std::string_view org_ref,
                    Standing* out) {
  Status found = OrgReader(s.model(OrgProjection::kName)).Find(org_ref, &out->org);
  out->site_admin = m.site_admin || m.actor == "system";
  out->member = false;
  if (found.ok() && !out->site_admin && !m.account_id.empty()) {
    MemberReader members(s.model(MemberProjection::kName));
    Status listed = members.Find(out->org.id, m.account_id, &out->entry);
    if (listed.ok() && out->entry.member) {
      ORGD_RETURN_IF_ERROR(members.FindRole(out->org.id, out->entry.role, &out->role));
      out->member = true;
    } else if (!listed.ok() && !listed.IsNotFound()) {
      return listed;
    } else if (listed.IsNotFound()) {
      found = Status::NotFound("");
    }
  } else if (found.ok() && !out->site_admin) {
    found = Status::NotFound("");
  }
  if (found.IsNotFound()) {
    return Status::NotFound("no org '" + std::string(org_ref) + "'", "unknown_org");
  }
  return found;
}

Status Require(const Standing& who, std::string_view capability, std::string_view what) {
  if (who.Can(capability)) return Status::OK();
  return Status::Forbidden("you need the " + std::string(capability) + " capability in org '" +
                               who.org.name + "' to " + std::string(what),
                           "missing_capability");
}

Status CheckGrant(const Standing& who, const RoleDef& role) {
  if (who.site_admin) return Status::OK();
  if (role.rank > who.rank()) {
    return Status::Forbidden("role '" + role.name + "' is ranked above your own ('" +
                                 who.role.name + "')",
                             "rank_too_high");
  }
  const CapabilitySet extra = role.capabilities & ~who.role.capabilities;
  if (extra != 0) {
    return Status::Forbidden("role '" + role.name + "' holds " + CapabilityNames(extra)[0] +
                                 ", which your role lacks",
                             "rank_too_high");
  }
  return Status::OK();
}

Status CheckTarget(const Standing& who, const RoleDef& target_role, std::string_view target) {
  if (who.site_admin || target_role.rank <= who.rank()) return Status::OK();
  return Status::Forbidden(std::string(target) + " holds role '" + target_role.name +
                               "', ranked above your own",
                           "rank_too_high");
}

Status FindAccount(const StateView& s, std::string_view ref, AccountRecord* out) {
  Status found = AccountReader(s.model(AccountProjection::kName)).Find(ref, out);
  if (found.IsNotFound()) {
    return Status::NotFound("no account '" + std::string(ref) + "'", "unknown_account");
  }
  return found;
}

Status CheckHomeOrgAdmin(const StateView& s, const CommandMeta& m, std::string_view account_id,
                         AccountRecord* out) {
  const Status hidden =
      Status::NotFound("no account '" + std::string(account_id) + "'", "unknown_account");
  Status found = AccountReader(s.model(AccountProjection::kName)).FindById(account_id, out);
  if (found.IsNotFound() || (found.ok() && out->home_org_id == 0)) return hidden;
  ORGD_RETURN_IF_ERROR(found);
  Standing who;
  Status standing = LoadStanding(s, m, std::to_string(out->home_org_id), &who);
  if (standing.IsNotFound()) return hidden;
  ORGD_RETURN_IF_ERROR(standing);
  if (!who.Can("manage_members")) return hidden;
  if (out->site_admin) {
    return Status::Forbidden("account " + out->id + " is a site admin", "rank_too_high");
  }
  MemberRecord target;
  Status listed =
      MemberReader(s.model(MemberProjection::kName)).Find(who.org.id, out->id, &target);
  if (listed.ok() && target.member) {
    RoleDef held;
    ORGD_RETURN_IF_ERROR(
        MemberReader(s.model(MemberProjection::kName)).FindRole(who.org.id, target.role, &held));
    ORGD_RETURN_IF_ERROR(CheckTarget(who, held, "account " + out->id));
  } else if (!listed.ok() && !listed.IsNotFound()) {
    return listed;
  }
  return Status::OK();
}

CommandResult MemberResult(CommandResult::Kind kind, uint64_t org_id, std::string_view account) {
  return CommandResult{kind,
                       std::string(MemberProjection::kMemberEntity),
                       std::to_string(org_id) + "/" + std::string(account),
                       MembersStream(org_id),
                       0,
                       0,
                       {}};
}

}  // namespace orgd
