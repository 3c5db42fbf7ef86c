// Commands on an org's DNS domains, their stateless checks and their
// decisions (see src/commands/core/command.h for the shape).
//
// Who may: claiming and releasing a domain takes the "manage_domains"
// capability in the org; verifying a claim is a site admin's (the route's
// policy; the decision asks again). A verified domain belongs to one org:
// claiming or verifying a name another org holds verified is Conflict
// "domain_taken"; unverified claims of one name by several orgs may stand
// side by side. Plain values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"

namespace orgd {

// The most names one org may claim.
inline constexpr size_t kMaxDomainsPerOrg = 1000;

struct ClaimDomain {
  static constexpr std::string_view kName = "ClaimDomain";
  std::string org;     // id or name
  std::string domain;  // as NormalizeDomain leaves it
  std::string verification_token;
};

struct VerifyDomain {
  static constexpr std::string_view kName = "VerifyDomain";
  std::string org;
  std::string domain;
};

struct ReleaseDomain {
  static constexpr std::string_view kName = "ReleaseDomain";
  std::string org;
  std::string domain;
};

Status Validate(const ClaimDomain& c);
Status Validate(const VerifyDomain& c);
Status Validate(const ReleaseDomain& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const ClaimDomain& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const VerifyDomain& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const ReleaseDomain& c);

// in lower-cased (ASCII) into *out when it is a DNS name of at most 253
// characters: labels of 1-63 letters, digits and '-' (neither first nor
// last), at least two of them; or, with allow_wildcard, "*." and such a
// name of one label or more ("*.com"). InvalidArgument "invalid_domain"
// otherwise.
Status NormalizeDomain(std::string_view in, bool allow_wildcard, std::string* out);

}  // namespace orgd
