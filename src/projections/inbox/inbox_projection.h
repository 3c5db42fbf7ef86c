// The inbox read model: every account's received and sent messages, newest
// first, with what it has read and how much it has not. Folds the message
// events (src/events/message_events.h); MemberAdded and MemberRemoved into
// its own copy of each org's member set, which is what an OrgMessageSent is
// delivered to (a projection reads only its own model); a MemberAdded with
// notify into a notification in the new member's inbox; AccountDeleted (the
// account's inbox, sent list, counter and memberships go) and OrgDeleted
// (the org's member set goes; delivered messages stay with their holders).
//
// Layout of "proj.inbox" (frozen; see docs/storage.md); id = BE64(message id),
// rid = BE64(2^64 - 1 - message id) so that a forward scan is newest first,
// org = BE64(org id), account = its id (a UUID):
//   "M" id                -> BE64(recipients) + the message's entry JSON without
//                            "read" and without its closing brace
//   "n" id                -> BE64(entries that still hold it: received + sent);
//                            the message goes with its last holder
//   "r" account 0 rid     -> "0" unread, "1" read: the account's received messages
//   "u" account 0 rid     -> ""  the account's unread messages
//   "s" account 0 rid     -> ""  the messages the account sent (none for "system")
//   "c" account           -> BE64(unread messages), absent at 0
//   "o" org account       -> ""  the org's members
//   "a" account 0 org     -> ""  the orgs the account is a member of
//   "\0next_id"           -> BE64(the id the next message gets), absent: 1
//   "\0checkpoint"        -> BE64(last position applied)
// A sender who is also a recipient holds its own copy as read. A
// notification is a message from "system" whose id the fold takes from
// "\0next_id", so the log alone decides every id.
// InboxProjection is immutable and shareable; an InboxReader is not shareable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/projections/core/projection.h"
#include "storage/kv/model_store.h"

namespace orgd {

// One message as the model keeps it.
struct MessageRecord {
  uint64_t id = 0;
  std::string kind;     // "org", "direct" or "notification"
  std::string from;     // an account id, or "system"
  uint64_t org_id = 0;  // org and notification messages
  uint64_t recipients = 0;
  std::string subject;
  std::string body;
  int64_t sent_ms = 0;
};

class InboxProjection final : public Projection {
 public:
  static constexpr std::string_view kName = "inbox";
  // The entity kinds of its snapshots: "message" with id "<message id>" (the
  // reply to a send: {id, org_id, subject, recipients, sent_at} for an org
  // message, {id, recipients, sent_at} for a direct one), and "message_read"
  // with id "<account>/<message id>" ({id, read, unread}).
  static constexpr std::string_view kMessageEntity = "message";
  static constexpr std::string_view kReadEntity = "message_read";
  std::string_view name() const override { return kName; }
  Status Apply(const EventEnvelope& e, ModelWriter& w) const override;
  Status Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                  std::string* out) const override;
};

// The subject of the notification a member added with notify gets.
std::string AddedNotificationSubject(std::string_view org_name);

// Queries over the inbox model; "r" must outlive the reader.
class InboxReader {
 public:
  explicit InboxReader(const ModelReader& r) : r_(r) {}

  // The id the next message gets.
  Status NextId(uint64_t* id) const;
  // NotFound "unknown_message" when no account holds it.
  Status FindMessage(uint64_t id, MessageRecord* out) const;
  // Whether account received message id and has read it; NotFound
  // "unknown_message" when it is not a recipient (or there is no such message).
  Status Received(std::string_view account, uint64_t id, bool* read) const;
  Status UnreadCount(std::string_view account, uint64_t* n) const;
  // Whether the model lists account as a member of org.
  Status IsMember(uint64_t org_id, std::string_view account, bool* member) const;

  enum class Box { kReceived, kUnread, kSent };
  struct ListOptions {
    Box box = Box::kReceived;
    uint64_t after = 0;  // a message id: only older ones (0: from the newest)
    size_t limit = 50;
  };
  struct Page {
    // {id, kind, from, to_count | org_id, subject, body, sent_at, read}; read
    // is true for every sent entry.
    std::vector<std::string> entries;
    uint64_t next = 0;  // the last id of the page when more follow, else 0
  };
  // A page of the account's box, newest first.
  Status List(std::string_view account, const ListOptions& o, Page* out) const;

 private:
  const ModelReader& r_;
};

}  // namespace orgd
