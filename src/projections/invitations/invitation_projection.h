// The invitations read model: every invitation of every org, found by id, by
// the SHA-256 of its token and by org (the list), with its stored status.
// Folds the invitation events and OrgDeleted (everything of the org goes).
// "expired" is never stored: a pending invitation past expires_ms shows as
// expired at read time (InvitationRecord::StatusAt).
//
// Layout of "proj.invitations" (frozen; see docs/storage.md); id = BE64(id),
// org = BE64(org id):
//   "i" id                     -> the invitation's JSON (EncodeInvitation)
//   "t" <token sha256 hex>     -> id          each invitation's current token (a used or
//                                             revoked one's too, so it says why it failed)
//   "o" org id                 -> ""          the org's invitations, in id order
//   "s" org <status> 0 id      -> ""          the org's invitations by stored status
//   "n"                        -> BE64(last id given)   never deleted
// InvitationProjection is immutable and shareable; an InvitationReader is not
// shareable.
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

// Stored statuses ("expired" is computed).
inline constexpr std::string_view kInvitationPending = "pending";
inline constexpr std::string_view kInvitationAccepted = "accepted";
inline constexpr std::string_view kInvitationDeclined = "declined";
inline constexpr std::string_view kInvitationRevoked = "revoked";
inline constexpr std::string_view kInvitationExpired = "expired";

struct InvitationRecord {
  uint64_t id = 0;
  uint64_t org_id = 0;
  std::string email;
  std::string role;
  std::string department;
  bool any_email = false;
  std::string token_sha256;
  int64_t expires_ms = 0;
  std::string status = std::string(kInvitationPending);  // stored: never "expired"
  std::string created_by;
  std::string inviter_account;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::string used_by;  // the account that accepted or declined it

  // The status as of now_ms: "expired" for a pending one at or past expires_ms.
  std::string StatusAt(int64_t now_ms) const {
    return status == kInvitationPending && now_ms >= expires_ms ? std::string(kInvitationExpired)
                                                                : status;
  }
};

// The stored JSON of an invitation, and back.
std::string EncodeInvitation(const InvitationRecord& r);
Status DecodeInvitation(std::string_view json, InvitationRecord* out);

class InvitationProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "invitations";
  // The entity of its snapshots: "invitation" with id "<invitation id>"; the
  // snapshot is the stored JSON (EncodeInvitation), which the surfaces render.
  static constexpr std::string_view kEntity = "invitation";
  std::string_view name() const override { return kName; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

// Queries over the invitations model; "r" must outlive the reader.
class InvitationReader {
 public:
  explicit InvitationReader(const ModelReader& r) : r_(r) {}

  // NotFound "unknown_invitation".
  Status Find(uint64_t id, InvitationRecord* out) const;
  Status FindByToken(std::string_view token_sha256, InvitationRecord* out) const;
  // The id the next invitation gets.
  Status NextId(uint64_t* id) const;

  // A page of the org's invitations in id order after `after` (0: from the
  // start); status, when set, filters by the status as of now_ms (one of the
  // five names). next is the last id of the page when more may follow, else 0.
  struct ListOptions {
    std::string status;
    uint64_t after = 0;
    size_t limit = 100;
    int64_t now_ms = 0;
  };
  struct Page {
    std::vector<InvitationRecord> invitations;
    uint64_t next = 0;
  };
  Status List(uint64_t org_id, const ListOptions& o, Page* out) const;

 private:
  const ModelReader& r_;
};

}  // namespace orgd
