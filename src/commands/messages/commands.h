// Commands that send messages and mark them read, their stateless checks and
// their decisions (see src/commands/core/command.h for the shape).
//
// Who may: a message to an org takes the "message" capability there (a site
// admin always may; an outsider learns nothing of the org: NotFound); a
// direct message any caller, to existing accounts; marking a message read
// only one of its recipients (anyone else: NotFound). The sender is the
// caller's account, or "system" for a site key without one. Plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/core/command.h"

namespace orgd {

// Subjects are 1-200 characters on one line; bodies (markdown) at most 64 KiB.
inline constexpr size_t kMaxSubjectChars = 200;
inline constexpr size_t kMaxMessageBodyBytes = 64 * 1024;
inline constexpr size_t kMaxRecipients = 1000;

// One message to every member of the org at the moment it is sent.
struct SendOrgMessage {
  static constexpr std::string_view kName = "SendOrgMessage";
  std::string org;  // id or name
  std::string subject;
  std::string body;
};

// One message to a list of accounts (ids or emails; repeats count once).
struct SendDirectMessage {
  static constexpr std::string_view kName = "SendDirectMessage";
  std::vector<std::string> to;
  std::string subject;
  std::string body;
};

// The caller marks a message of its inbox read; a second time changes nothing.
struct MarkMessageRead {
  static constexpr std::string_view kName = "MarkMessageRead";
  uint64_t id = 0;
};

Status Validate(const SendOrgMessage& c);
Status Validate(const SendDirectMessage& c);
Status Validate(const MarkMessageRead& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SendOrgMessage& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SendDirectMessage& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const MarkMessageRead& c);

}  // namespace orgd
