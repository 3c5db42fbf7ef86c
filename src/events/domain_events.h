// The domain events: an org claims a DNS domain (or a wildcard "*.suffix"),
// a site admin confirms the claim (verified), the org lets it go.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). Every event here is on the domain's stream
// "domain-<domain>" (the lower-cased name, "*." included for a wildcard),
// which holds the claims of every org on that name: several orgs may claim
// it, at most one holds it verified. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "src/events/registry.h"

namespace orgd {

struct DomainClaimed {
  static constexpr std::string_view kType = "DomainClaimed";
  static constexpr uint32_t kVersion = 1;
  std::string domain;
  uint64_t org_id = 0;
  std::string verification_token;  // what the org puts in DNS; not a secret
  std::string claimed_by;
  static constexpr auto kFields = std::make_tuple(
      Field("domain", &DomainClaimed::domain), Field("org_id", &DomainClaimed::org_id),
      Field("verification_token", &DomainClaimed::verification_token),
      Field("claimed_by", &DomainClaimed::claimed_by));
};

// A site admin confirmed org_id's claim: the domain is the org's alone.
struct DomainVerified {
  static constexpr std::string_view kType = "DomainVerified";
  static constexpr uint32_t kVersion = 1;
  std::string domain;
  uint64_t org_id = 0;
  std::string verified_by;
  static constexpr auto kFields = std::make_tuple(
      Field("domain", &DomainVerified::domain), Field("org_id", &DomainVerified::org_id),
      Field("verified_by", &DomainVerified::verified_by));
};

// The org's claim (verified or not) is gone.
struct DomainReleased {
  static constexpr std::string_view kType = "DomainReleased";
  static constexpr uint32_t kVersion = 1;
  std::string domain;
  uint64_t org_id = 0;
  std::string released_by;
  static constexpr auto kFields = std::make_tuple(
      Field("domain", &DomainReleased::domain), Field("org_id", &DomainReleased::org_id),
      Field("released_by", &DomainReleased::released_by));
};

// "domain-<domain>": the stream of one domain name. Written to disk.
std::string DomainStream(std::string_view domain);
inline constexpr std::string_view kDomainStreamPrefix = "domain-";

void RegisterDomainEvents(EventRegistry& r);

}  // namespace orgd
