// The message events: a message to every member of an org, a message to a
// list of accounts, and a recipient having read one.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). Every event here is on the message's own stream
// "message-<id>"; ids are the inbox model's counter (InboxReader::NextId), so
// a later message has a higher id. An org message names no recipients: the
// inbox model delivers it to the members it counts for the org at that point
// of the log. A member added with notify gets a notification in its inbox
// from the MemberAdded alone (no event here). Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "src/events/registry.h"

namespace orgd {

// A message to every member of the org at this point of the log.
struct OrgMessageSent {
  static constexpr std::string_view kType = "OrgMessageSent";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  uint64_t org_id = 0;
  std::string from_account;  // the sender's account id; "system" for a site key
  std::string subject;
  std::string body;     // markdown
  std::string sent_by;  // the actor
  static constexpr auto kFields = std::make_tuple(
      Field("id", &OrgMessageSent::id), Field("org_id", &OrgMessageSent::org_id),
      Field("from_account", &OrgMessageSent::from_account),
      Field("subject", &OrgMessageSent::subject), Field("body", &OrgMessageSent::body),
      Field("sent_by", &OrgMessageSent::sent_by));
};

// A message to the accounts listed in to (distinct live account ids).
struct DirectMessageSent {
  static constexpr std::string_view kType = "DirectMessageSent";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string from_account;  // the sender's account id; "system" for a site key
  std::vector<std::string> to;
  std::string subject;
  std::string body;  // markdown
  static constexpr auto kFields = std::make_tuple(
      Field("id", &DirectMessageSent::id), Field("from_account", &DirectMessageSent::from_account),
      Field("to", &DirectMessageSent::to), Field("subject", &DirectMessageSent::subject),
      Field("body", &DirectMessageSent::body));
};

// A recipient read the message (once: reading it again appends nothing).
struct MessageRead {
  static constexpr std::string_view kType = "MessageRead";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string account_id;
  static constexpr auto kFields =
      std::make_tuple(Field("id", &MessageRead::id), Field("account_id", &MessageRead::account_id));
};

// "message-<id>": the stream of one message. Written to disk.
std::string MessageStream(uint64_t id);
inline constexpr std::string_view kMessageStreamPrefix = "message-";

// The sender of a message sent with a site key (no account), and of notifications.
inline constexpr std::string_view kSystemSender = "system";

void RegisterMessageEvents(EventRegistry& r);

}  // namespace orgd
