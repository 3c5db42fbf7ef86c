// The domains read model: which org claims which DNS domain (or wildcard
// "*.suffix"), and which org holds each verified one. Several orgs may claim
// a name; at most one holds it verified. Folds the domain events and
// OrgDeleted (the org's claims go, and its verified names are freed).
//
// Layout of "proj.domains" (frozen; see docs/storage.md); org = BE64(org id),
// domain = the lower-cased name ("*." included for a wildcard):
//   "c" domain 0 org   -> the claim's JSON (DomainJson)
//   "o" org domain     -> ""            the org's claims, in name order
//   "v" domain         -> org           the org that verified it
// DomainProjection is immutable and shareable; a DomainReader is not
// shareable; FindOrgForEmailDomain is a pure function of the model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "src/projections/core/projection.h"
#include "storage/kv/model_store.h"

namespace orgd {

struct DomainRecord {
  std::string domain;
  uint64_t org_id = 0;
  std::string verification_token;
  bool verified = false;
  int64_t created_ms = 0;
  std::string created_by;
  int64_t verified_ms = 0;  // 0: not verified
  std::string verified_by;
};

// The native JSON of a claim: {domain, org_id, verification_token, verified,
// created_at, created_by, verified_at}; and back.
std::string DomainJson(const DomainRecord& d);
Status DecodeDomain(std::string_view json, DomainRecord* out);

class DomainProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "domains";
  // The entity of its snapshots: "domain" with id "<org id>/<domain>"; the
  // snapshot is DomainJson.
  static constexpr std::string_view kEntity = "domain";
  std::string_view name() const override { return kName; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

// Which verified claim answers for a host name.
struct DomainMatch {
  uint64_t org_id = 0;
  std::string matched;  // the verified name: the host itself or "*.suffix"
};

// Queries over the domains model; "r" must outlive the reader.
class DomainReader {
 public:
  explicit DomainReader(const ModelReader& r) : r_(r) {}

  // The org's claim of domain; NotFound "unknown_domain".
  Status FindClaim(uint64_t org_id, std::string_view domain, DomainRecord* out) const;
  // The org that verified exactly this name; NotFound when none.
  Status VerifiedOwner(std::string_view domain, uint64_t* org_id) const;
  // The org answering for host: the one that verified host itself, else the
  // nearest verified wildcard (for a.b.example.com: *.b.example.com, then
  // *.example.com, then *.com). NotFound "unknown_domain" when none.
  // REQUIRES: host is lower-cased.
  Status Resolve(std::string_view host, DomainMatch* out) const;
  // Up to limit of the org's claims in name order after `after` (empty: from
  // the start); next is the last name when more may follow, else empty.
  struct Page {
    std::vector<DomainRecord> domains;
    std::string next;
  };
  Status List(uint64_t org_id, std::string_view after, size_t limit, Page* out) const;
  // How many names the org claims (at most max counted).
  Status ClaimCount(uint64_t org_id, size_t max, size_t* n) const;

 private:
  const ModelReader& r_;
};

// The org whose verified domain answers for the email's domain (exact, then
// the nearest wildcard, as DomainReader::Resolve): for auto-join and the
// like. Case-insensitive. NotFound "unknown_domain" when none, or when email
// has no '@'.
Status FindOrgForEmailDomain(const ModelReader& domains_model, std::string_view email,
                             uint64_t* org_id);

}  // namespace orgd
