// Messages and inboxes: POST /api/v1/orgs/{org}/messages (to every member),
// POST /api/v1/messages (to accounts), POST /api/v1/messages/{id}:read and
// GET /api/v1/accounts/{id}/inbox.
//
// Who may: the org route's policy turns outsiders away (404) and members
// without the "message" capability (403), and the decision asks again
// against the writer's state; any credential may send a direct message; only
// a recipient marks a message read; an inbox is seen by its account and by
// site admins (anyone else: 404).
#include <nlohmann/json.hpp>

#include <charconv>
#include <limits>

#include "src/commands/messages/commands.h"
#include "src/http/core/errors.h"
#include "src/http/native/json_body.h"
#include "src/http/native/native.h"
#include "src/queries/read_views.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr size_t kDefaultInboxPage = 50;
constexpr size_t kMaxInboxPage = 500;
constexpr std::string_view kReadSuffix = ":read";

bool ParseMessageId(std::string_view text, uint64_t* id) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *id);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && *id != 0;
}

// {subject, body} and, when to is given, {to}: all required.
Status DecodeMessage(std::string_view text, std::vector<std::string>* to, std::string* subject,
                     std::string* body) {
  json j;
  ORGD_RETURN_IF_ERROR(ParseBodyObject(text, &j));
  const std::string_view allowed = to ? "to, subject, body" : "subject, body";
  bool has_to = false, has_subject = false, has_body = false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k == "subject") {
      ORGD_RETURN_IF_ERROR(ReadString(k, *it, subject));
      has_subject = true;
    } else if (k == "body") {
      ORGD_RETURN_IF_ERROR(ReadString(k, *it, body));
      has_body = true;
    } else if (k == "to" && to) {
      ORGD_RETURN_IF_ERROR(ReadStringList(k, *it, std::numeric_limits<size_t>::max(), to));
      has_to = true;
    } else {
      return UnknownFieldError(k, allowed);
    }
  }
  if (!has_subject || !has_body || (to && !has_to)) {
    return Status::InvalidArgument("'" + std::string(allowed) + "' are required", "missing_field");
  }
  return Status::OK();
}

void SendOrgMessageRoute(Api& api, Call call) {
  SendOrgMessage c;
  c.org = call.params[0];
  Status s = DecodeMessage(call.req.body, nullptr, &c.subject, &c.body);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void SendDirectMessageRoute(Api& api, Call call) {
  SendDirectMessage c;
  Status s = DecodeMessage(call.req.body, &c.to, &c.subject, &c.body);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// POST /api/v1/messages/{id}:read (the router sees "{id}:read" as one segment).
void MessageActionRoute(Api& api, Call call) {
  const std::string& segment = call.params[0];
  MarkMessageRead c;
  if (!segment.ends_with(kReadSuffix) ||
      !ParseMessageId(std::string_view(segment).substr(0, segment.size() - kReadSuffix.size()),
                      &c.id)) {
    return call.Fail(Status::NotFound("no route POST /api/v1/messages/" + segment, "no_route"));
  }
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

Status InboxOptions(std::string_view q, InboxReader::ListOptions* o) {
  std::string type, after;
  ORGD_RETURN_IF_ERROR(LimitParam(q, "limit", kDefaultInboxPage, kMaxInboxPage, &o->limit));
  ORGD_RETURN_IF_ERROR(TextParam(q, "type", &type));
  ORGD_RETURN_IF_ERROR(TextParam(q, "after", &after));
  if (type.empty() || type == "received") {
    o->box = InboxReader::Box::kReceived;
  } else if (type == "unread") {
    o->box = InboxReader::Box::kUnread;
  } else if (type == "sent") {
    o->box = InboxReader::Box::kSent;
  } else {
    return Status::InvalidArgument("type must be received, unread or sent", "bad_query");
  }
  if (!after.empty() && !ParseMessageId(after, &o->after)) {
    return Status::InvalidArgument("after must be the 'next' of a previous page", "bad_cursor");
  }
  return Status::OK();
}

// GET /api/v1/accounts/{account}/inbox?type=received|unread|sent&limit=&after=
void InboxRoute(const Api& api, Call call) {
  InboxReader::ListOptions o;
  Status s = InboxOptions(call.req.Query(), &o);
  AccountRecord a;
  if (s.ok()) s = api.views().FindAccount(call.params[0], &a);
  if (s.IsNotFound() ||
      (s.ok() && !call.principal.site_admin && a.id != call.principal.account_id)) {
    s = Status::NotFound("no account '" + call.params[0] + "'", "unknown_account");
  }
  InboxReader::Page page;
  uint64_t unread = 0;
  if (s.ok()) s = api.views().ListInbox(a.id, o, &page, &unread);
  if (!s.ok()) return call.Fail(s);
  const char* type = o.box == InboxReader::Box::kReceived ? "received"
                     : o.box == InboxReader::Box::kUnread ? "unread"
                                                          : "sent";
  HttpResponse r;
  size_t size = 96;
  for (const auto& e : page.entries) size += e.size() + 1;
  r.body.reserve(size);
  r.body = "{\"messages\":[";
  for (size_t i = 0; i < page.entries.size(); ++i) {
    if (i) r.body += ',';
    r.body += page.entries[i];
  }
  r.body += "],\"type\":\"" + std::string(type) + "\",\"unread\":" + std::to_string(unread) +
            ",\"limit\":" + std::to_string(o.limit) + ",\"next\":" +
            (page.next ? "\"" + std::to_string(page.next) + "\"" : std::string("null")) + "}";
  call.reply(std::move(r));
}

}  // namespace

void RegisterMessageRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  using P = RoutePolicy;
  api.Add(native, "POST", "/api/v1/orgs/{org}/messages", P::OrgCapability("message"),
          [&api](Call c) { SendOrgMessageRoute(api, std::move(c)); });
  api.Add(native, "POST", "/api/v1/messages", P::AnyCredential(),
          [&api](Call c) { SendDirectMessageRoute(api, std::move(c)); });
  api.Add(native, "POST", "/api/v1/messages/{id}", P::AnyCredential(),
          [&api](Call c) { MessageActionRoute(api, std::move(c)); });
  api.Add(native, "GET", "/api/v1/accounts/{account}/inbox", P::AnyCredential(),
          [&api](Call c) { InboxRoute(api, std::move(c)); });
}

}  // namespace orgd::http
