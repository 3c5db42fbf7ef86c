// Decisions about an org's domains: against state only (the stateless
// checks are in validate.cc and ran before the command was queued).
#include "src/commands/domains/commands.h"
#include "src/commands/members/standing.h"
#include "src/events/domain_events.h"
#include "src/projections/domains/domain_projection.h"

namespace orgd {
namespace {

CommandResult DomainResult(CommandResult::Kind kind, uint64_t org_id, std::string_view domain) {
  return CommandResult{kind,
                       std::string(DomainProjection::kEntity),
                       std::to_string(org_id) + "/" + std::string(domain),
                       DomainStream(domain),
                       0,
                       0,
                       {}};
}

// Conflict "domain_taken" when an org other than org_id verified domain.
Status CheckNotTaken(const DomainReader& domains, uint64_t org_id, std::string_view domain) {
  uint64_t owner = 0;
  Status s = domains.VerifiedOwner(domain, &owner);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  if (owner != org_id) {
    return Status::Conflict("another org has verified '" + std::string(domain) + "'",
                            "domain_taken");
  }
  return Status::OK();
}

}  // namespace

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const ClaimDomain& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_domains", "claim domains"));
  DomainReader domains(s.model(DomainProjection::kName));
  ORGD_RETURN_IF_ERROR(CheckNotTaken(domains, who.org.id, c.domain));
  DomainRecord existing;
  Status found = domains.FindClaim(who.org.id, c.domain, &existing);
  if (found.ok()) {
    return Status::Conflict("org '" + who.org.name + "' already claims '" + c.domain + "'",
                            "domain_exists");
  }
  if (!found.IsNotFound()) return found;
  size_t claimed = 0;
  ORGD_RETURN_IF_ERROR(domains.ClaimCount(who.org.id, kMaxDomainsPerOrg, &claimed));
  if (claimed >= kMaxDomainsPerOrg) {
    return Status::Conflict("org '" + who.org.name + "' claims " +
                                std::to_string(kMaxDomainsPerOrg) + " domains, the most it may",
                            "too_many_domains");
  }
  Decision d;
  d.events.push_back(MakeEvent(DomainStream(c.domain),
                               DomainClaimed{c.domain, who.org.id, c.verification_token, m.actor}));
  d.result = DomainResult(CommandResult::Kind::kCreated, who.org.id, c.domain);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const VerifyDomain& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  if (!who.site_admin) {
    return Status::Forbidden("only a site admin verifies domains", "site_admin_required");
  }
  DomainReader domains(s.model(DomainProjection::kName));
  DomainRecord claim;
  ORGD_RETURN_IF_ERROR(domains.FindClaim(who.org.id, c.domain, &claim));
  ORGD_RETURN_IF_ERROR(CheckNotTaken(domains, who.org.id, c.domain));
  Decision d;
  if (!claim.verified) {  // verifying again changes nothing
    d.events.push_back(
        MakeEvent(DomainStream(c.domain), DomainVerified{c.domain, who.org.id, m.actor}));
  }
  d.result = DomainResult(CommandResult::Kind::kChanged, who.org.id, c.domain);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const ReleaseDomain& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "manage_domains", "release domains"));
  DomainRecord claim;
  ORGD_RETURN_IF_ERROR(
      DomainReader(s.model(DomainProjection::kName)).FindClaim(who.org.id, c.domain, &claim));
  Decision d;
  d.events.push_back(
      MakeEvent(DomainStream(c.domain), DomainReleased{c.domain, who.org.id, m.actor}));
  d.result = DomainResult(CommandResult::Kind::kDeleted, who.org.id, c.domain);
  return d;
}

}  // namespace orgd
