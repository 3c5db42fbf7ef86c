// The invitation events: an org invites an email address to join with a
// role, the invitation is sent again with a new token, revoked, accepted or
// declined.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). Every event here is on the invitation's own stream
// "invitation-<id>"; ids are the invitations model's counter
// (InvitationReader::NextId), so a later invitation has a higher id. The
// token itself is never written: events carry only its SHA-256 (hex). An
// accepted invitation's membership is a MemberAdded (via "invitation") or a
// MemberUpdated of the same decision, on the org's members stream. Plain
// values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "src/events/registry.h"

namespace orgd {

struct InvitationCreated {
  static constexpr std::string_view kType = "InvitationCreated";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  uint64_t org_id = 0;
  std::string email;  // normalised (common/email.h)
  std::string role;
  std::string department;  // empty: none
  bool any_email = false;  // any signed-in account may accept it
  std::string token_sha256;
  int64_t expires_ms = 0;
  std::string created_by;       // the actor
  std::string inviter_account;  // the inviter's account; empty for a site key
  static constexpr auto kFields = std::make_tuple(
      Field("id", &InvitationCreated::id), Field("org_id", &InvitationCreated::org_id),
      Field("email", &InvitationCreated::email), Field("role", &InvitationCreated::role),
      Field("department", &InvitationCreated::department),
      Field("any_email", &InvitationCreated::any_email),
      Field("token_sha256", &InvitationCreated::token_sha256),
      Field("expires_ms", &InvitationCreated::expires_ms),
      Field("created_by", &InvitationCreated::created_by),
      Field("inviter_account", &InvitationCreated::inviter_account));
};

// A new token and expiry for a pending (or expired) invitation; the old
// token stops working.
struct InvitationResent {
  static constexpr std::string_view kType = "InvitationResent";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  uint64_t org_id = 0;
  std::string token_sha256;
  int64_t expires_ms = 0;
  std::string resent_by;
  static constexpr auto kFields = std::make_tuple(
      Field("id", &InvitationResent::id), Field("org_id", &InvitationResent::org_id),
      Field("token_sha256", &InvitationResent::token_sha256),
      Field("expires_ms", &InvitationResent::expires_ms),
      Field("resent_by", &InvitationResent::resent_by));
};

struct InvitationRevoked {
  static constexpr std::string_view kType = "InvitationRevoked";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  uint64_t org_id = 0;
  std::string revoked_by;
  static constexpr auto kFields = std::make_tuple(
      Field("id", &InvitationRevoked::id), Field("org_id", &InvitationRevoked::org_id),
      Field("revoked_by", &InvitationRevoked::revoked_by));
};

// account_id accepted it (and became a member in the same decision).
struct InvitationAccepted {
  static constexpr std::string_view kType = "InvitationAccepted";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  uint64_t org_id = 0;
  std::string account_id;
  std::string accepted_by;
  static constexpr auto kFields = std::make_tuple(
      Field("id", &InvitationAccepted::id), Field("org_id", &InvitationAccepted::org_id),
      Field("account_id", &InvitationAccepted::account_id),
      Field("accepted_by", &InvitationAccepted::accepted_by));
};

struct InvitationDeclined {
  static constexpr std::string_view kType = "InvitationDeclined";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  uint64_t org_id = 0;
  std::string account_id;
  std::string declined_by;
  static constexpr auto kFields = std::make_tuple(
      Field("id", &InvitationDeclined::id), Field("org_id", &InvitationDeclined::org_id),
      Field("account_id", &InvitationDeclined::account_id),
      Field("declined_by", &InvitationDeclined::declined_by));
};

// "invitation-<id>": the stream of one invitation. Written to disk.
std::string InvitationStream(uint64_t id);
inline constexpr std::string_view kInvitationStreamPrefix = "invitation-";

void RegisterInvitationEvents(EventRegistry& r);

}  // namespace orgd
