// The accounts read model: folds the account events (and the last-use
// events of credentials, which move an account's last activity).
//
// Layout of "proj.accounts" (frozen; see docs/storage.md):
//   "a" uuid            -> BE64(version) + the account's record (JSON, below)
//   "e" email           -> uuid        (normalised email: uniqueness, lookup)
//   "n" lower(username) -> uuid        (usernames are unique, case-insensitively)
//   "h" BE64(org) uuid  -> ""          (accounts by home org)
//   "\0count"           -> BE64(live accounts)
//   "\0schema"          -> BE64(2)
//   "\0checkpoint"      -> BE64(last position applied)
// A deleted account keeps only {"id","deleted":true} under "a": no name, no
// email, no username (anonymised); its email and username are free again.
// A deleted org's accounts lose their home org (schema 2): their records show
// none and their "h" entries go.
// AccountProjection is immutable and shareable; an AccountReader is not.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "src/projections/core/projection.h"

namespace orgd {

struct AccountRecord {
  std::string id;  // UUID
  std::string email;
  std::string first_name;
  std::string last_name;
  std::string username;
  bool site_admin = false;
  uint64_t home_org_id = 0;  // 0: none
  std::string home_org;      // its name
  int64_t created_ms = 0;
  int64_t last_active_ms = 0;  // 0: never
  bool email_verified = false;
  bool active = true;
  uint64_t version = 0;  // the account stream's version: the ETag
};

// The record's stored JSON (written by hand, byte for byte what nlohmann
// writes for it), and back.
std::string AccountToJson(const AccountRecord& a);
Status AccountFromJson(std::string_view json, uint64_t version, AccountRecord* out);

namespace internal {
// The plain nlohmann::json encoding the fast path must match; for tests.
std::string ReferenceAccountToJsonForTest(const AccountRecord& a);
}  // namespace internal

class AccountProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "accounts";
  // The entity kind of its snapshots: BE64(version) + the record's JSON.
  static constexpr std::string_view kEntity = "account";
  std::string_view name() const override { return kName; }
  // 2: OrgDeleted clears the home org of its accounts.
  uint32_t schema() const override { return 2; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

// Decodes a snapshot of kind AccountProjection::kEntity.
Status AccountFromSnapshot(std::string_view snapshot, AccountRecord* out);

class AccountReader {
 public:
  explicit AccountReader(const ModelReader& r) : r_(r) {}
  // ref: a UUID or an email (any case). NotFound ("unknown_account") when no
  // live account has it; a deleted one is NotFound "account_deleted".
  Status Find(std::string_view ref, AccountRecord* out) const;
  Status FindById(std::string_view id, AccountRecord* out) const;
  // The account id holding this normalised email; NotFound when none.
  Status IdForEmail(std::string_view normalised_email, std::string* id) const;
  Status IdForUsername(std::string_view username, std::string* id) const;
  Status Count(uint64_t* n) const;
  // Calls fn for every live account, in id order; stops at the first error fn returns.
  Status ForEach(const std::function<Status(const AccountRecord&)>& fn) const;

 private:
  const ModelReader& r_;
};

// ASCII lower case: the key of a username.
std::string LowerAscii(std::string_view s);

}  // namespace orgd
