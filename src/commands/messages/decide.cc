// Decisions about messages: against state only (the stateless checks are in
// validate.cc and ran before the command was queued).
#include <set>

#include "src/commands/members/standing.h"
#include "src/commands/messages/commands.h"
#include "src/events/message_events.h"
#include "src/projections/inbox/inbox_projection.h"

namespace orgd {
namespace {

std::string SenderOf(const CommandMeta& m) {
  return m.account_id.empty() ? std::string(kSystemSender) : m.account_id;
}

// A new message's id and the decision's frame: its stream must not exist yet.
Status NewMessage(const StateView& s, const CommandMeta& m, uint64_t* id, Decision* d) {
  if (m.if_match) {
    return Status::PreconditionFailed("If-Match cannot hold for a message not sent yet",
                                      "version_mismatch");
  }
  ORGD_RETURN_IF_ERROR(InboxReader(s.model(InboxProjection::kName)).NextId(id));
  d->expected.push_back({MessageStream(*id), 0});
  d->result = CommandResult{CommandResult::Kind::kCreated,
                            std::string(InboxProjection::kMessageEntity),
                            std::to_string(*id),
                            MessageStream(*id),
                            0,
                            0,
                            {}};
  return Status::OK();
}

}  // namespace

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SendOrgMessage& c) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, c.org, &who));
  ORGD_RETURN_IF_ERROR(Require(who, "message", "send messages to its members"));
  Decision d;
  OrgMessageSent e;
  ORGD_RETURN_IF_ERROR(NewMessage(s, m, &e.id, &d));
  e.org_id = who.org.id;
  e.from_account = SenderOf(m);
  e.subject = c.subject;
  e.body = c.body;
  e.sent_by = m.actor;
  d.events.push_back(MakeEvent(MessageStream(e.id), e));
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SendDirectMessage& c) {
  DirectMessageSent e;
  std::set<std::string> seen;
  for (size_t i = 0; i < c.to.size(); ++i) {
    AccountRecord a;
    Status found = FindAccount(s, c.to[i], &a);
    if (found.IsNotFound()) {
      return Status::InvalidArgument("to[" + std::to_string(i) + "]: no account '" + c.to[i] + "'",
                                     "unknown_recipient");
    }
    ORGD_RETURN_IF_ERROR(found);
    if (seen.insert(a.id).second) e.to.push_back(a.id);
  }
  Decision d;
  ORGD_RETURN_IF_ERROR(NewMessage(s, m, &e.id, &d));
  e.from_account = SenderOf(m);
  e.subject = c.subject;
  e.body = c.body;
  d.events.push_back(MakeEvent(MessageStream(e.id), e));
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const MarkMessageRead& c) {
  const Status unknown =
      Status::NotFound("no message " + std::to_string(c.id) + " in your inbox", "unknown_message");
  if (m.account_id.empty()) return unknown;
  bool read = false;
  Status received =
      InboxReader(s.model(InboxProjection::kName)).Received(m.account_id, c.id, &read);
  if (received.IsNotFound()) return unknown;
  ORGD_RETURN_IF_ERROR(received);
  Decision d;
  if (!read) d.events.push_back(MakeEvent(MessageStream(c.id), MessageRead{c.id, m.account_id}));
  d.result = CommandResult{CommandResult::Kind::kChanged,
                           std::string(InboxProjection::kReadEntity),
                           m.account_id + "/" + std::to_string(c.id),
                           MessageStream(c.id),
                           0,
                           0,
                           {}};
  return d;
}

}  // namespace orgd
