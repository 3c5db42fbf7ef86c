// The stateless checks of the message commands: shapes and sizes, before
// the command is queued.
#include "src/commands/messages/commands.h"

namespace orgd {
namespace {

// Code points of valid UTF-8 (JSON bodies are); control characters refused.
Status CheckSubject(std::string_view subject) {
  size_t chars = 0;
  for (unsigned char c : subject) {
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("'subject' must be one line without control characters",
                                     "bad_subject");
    }
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars == 0 || chars > kMaxSubjectChars) {
    return Status::InvalidArgument(
        "'subject' must be 1-" + std::to_string(kMaxSubjectChars) + " characters", "bad_subject");
  }
  return Status::OK();
}

Status CheckContent(std::string_view subject, std::string_view body) {
  ORGD_RETURN_IF_ERROR(CheckSubject(subject));
  if (body.size() > kMaxMessageBodyBytes) {
    return Status::InvalidArgument(
        "'body' must be at most " + std::to_string(kMaxMessageBodyBytes / 1024) + " KiB",
        "message_too_large");
  }
  return Status::OK();
}

}  // namespace

Status Validate(const SendOrgMessage& c) {
  if (c.org.empty() || c.org.size() > 64) {
    return Status::InvalidArgument("bad org reference", "bad_org");
  }
  return CheckContent(c.subject, c.body);
}

Status Validate(const SendDirectMessage& c) {
  if (c.to.empty() || c.to.size() > kMaxRecipients) {
    return Status::InvalidArgument(
        "'to' must list 1 to " + std::to_string(kMaxRecipients) + " accounts", "bad_recipients");
  }
  for (size_t i = 0; i < c.to.size(); ++i) {
    if (c.to[i].empty() || c.to[i].size() > 254) {
      return Status::InvalidArgument("to[" + std::to_string(i) + "]: not an account id or email",
                                     "unknown_recipient");
    }
  }
  return CheckContent(c.subject, c.body);
}

Status Validate(const MarkMessageRead& c) {
  if (c.id == 0) return Status::NotFound("no message 0", "unknown_message");
  return Status::OK();
}

}  // namespace orgd
