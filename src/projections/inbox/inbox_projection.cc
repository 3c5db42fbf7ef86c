#include "src/projections/inbox/inbox_projection.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <functional>
#include <limits>

#include "common/json_util.h"
#include "common/time_util.h"
#include "src/events/account_events.h"
#include "src/events/member_events.h"
#include "src/events/message_events.h"
#include "src/events/org_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using nlohmann::json;
using storage::DecodeBE64;
using storage::EncodeBE64;

constexpr std::string_view kNextIdKey{"\0next_id", 8};
constexpr uint64_t kMaxId = std::numeric_limits<uint64_t>::max();
constexpr std::string_view kUnread = "0";
constexpr std::string_view kRead = "1";

// ------------------------------------------------------------------ keys

std::string IdKey(char tag, uint64_t id) {
  std::string k(1, tag);
  storage::AppendBE64(&k, id);
  return k;
}
// "<tag>" account "\0": every key of one account's box.
std::string BoxPrefix(char tag, std::string_view account) {
  std::string k(1, tag);
  k.append(account).push_back('\0');
  return k;
}
std::string BoxKey(char tag, std::string_view account, uint64_t id) {
  std::string k = BoxPrefix(tag, account);
  storage::AppendBE64(&k, kMaxId - id);
  return k;
}
uint64_t IdOfBoxKey(std::string_view key, size_t prefix) {
  return kMaxId - DecodeBE64(key.substr(prefix));
}
std::string OrgMembersPrefix(uint64_t org) { return IdKey('o', org); }
std::string OrgMemberKey(uint64_t org, std::string_view account) {
  return OrgMembersPrefix(org).append(account);
}
std::string AccountOrgKey(std::string_view account, uint64_t org) {
  std::string k = BoxPrefix('a', account);
  storage::AppendBE64(&k, org);
  return k;
}
std::string UnreadCountKey(std::string_view account) { return "c" + std::string(account); }

// Collects the keys with prefix first: a writer's iterator must not see its
// own deletes mid-walk.
Status KeysWithPrefix(const ModelReader& r, const std::string& prefix,
                      std::vector<std::string>* keys) {
  auto it = r.NewIterator(PrefixEnd(prefix));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    keys->emplace_back(it->key());
  }
  return it->status();
}

// ------------------------------------------------------------------ JSON

void Str(std::string* out, std::string_view v) {
  const size_t mark = out->size();
  if (!AppendJsonString(out, v)) {
    out->resize(mark);
    *out += json(std::string(v)).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}
void Key(std::string* out, std::string_view k) {
  if (out->size() > 1 && out->back() != '{') out->push_back(',');
  out->push_back('"');
  out->append(k);
  out->append("\":");
}

// The entry without "read" and without its closing brace.
std::string EntryHead(const MessageRecord& m) {
  std::string out = "{";
  Key(&out, "id");
  out.append(std::to_string(m.id));
  Key(&out, "kind");
  Str(&out, m.kind);
  Key(&out, "from");
  Str(&out, m.from);
  if (m.kind == "direct") {
    Key(&out, "to_count");
    out.append(std::to_string(m.recipients));
  } else {
    Key(&out, "org_id");
    out.append(std::to_string(m.org_id));
  }
  Key(&out, "subject");
  Str(&out, m.subject);
  Key(&out, "body");
  Str(&out, m.body);
  Key(&out, "sent_at");
  Str(&out, FormatIsoMs(m.sent_ms));
  return out;
}

std::string EncodeMessage(const MessageRecord& m) {
  return EncodeBE64(m.recipients) + EntryHead(m);
}

Status DecodeMessage(std::string_view v, MessageRecord* m) {
  if (v.size() < 9) return Status::Corruption("inbox model: short message");
  m->recipients = DecodeBE64(v);
  json j = json::parse(std::string(v.substr(8)) + "}", nullptr, false);
  if (!j.is_object()) return Status::Corruption("inbox model: bad message");
  auto text = [&](const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  m->id = j.value("id", uint64_t{0});
  m->kind = text("kind");
  m->from = text("from");
  m->org_id = j.value("org_id", uint64_t{0});
  m->subject = text("subject");
  m->body = text("body");
  if (!ParseIsoMs(text("sent_at"), &m->sent_ms)) m->sent_ms = 0;
  return Status::OK();
}

// ------------------------------------------------------------------ folding

Status BumpNextId(ModelWriter& w, uint64_t used) {
  uint64_t next = 1;
  ORGD_RETURN_IF_ERROR(ReadBE64(w, kNextIdKey, 1, &next));
  if (used + 1 > next) w.Put(kNextIdKey, EncodeBE64(used + 1));
  return Status::OK();
}

// Stores m with its received entries (the sender's own copy read) and its
// sent entry; every holder counts towards "n".
Status Deliver(ModelWriter& w, const MessageRecord& m, const std::vector<std::string>& to) {
  for (const auto& account : to) {
    const bool own = account == m.from;
    w.Put(BoxKey('r', account, m.id), own ? kRead : kUnread);
    if (!own) {
      w.Put(BoxKey('u', account, m.id), "");
      ORGD_RETURN_IF_ERROR(AddCount(w, UnreadCountKey(account), 1));
    }
  }
  uint64_t holders = to.size();
  if (m.from != kSystemSender) {
    w.Put(BoxKey('s', m.from, m.id), "");
    ++holders;
  }
  w.Put(IdKey('M', m.id), EncodeMessage(m));
  if (holders > 0) w.Put(IdKey('n', m.id), EncodeBE64(holders));
  return BumpNextId(w, m.id);
}

// One holder fewer; the message goes with its last.
Status Release(ModelWriter& w, uint64_t id) {
  const std::string key = IdKey('n', id);
  uint64_t holders = 0;
  ORGD_RETURN_IF_ERROR(ReadBE64(w, key, 0, &holders));
  if (holders <= 1) {
    w.Delete(key);
    w.Delete(IdKey('M', id));
    return Status::OK();
  }
  w.Put(key, EncodeBE64(holders - 1));
  return Status::OK();
}

Status ApplyOrgMessageSent(const EventEnvelope& e, ModelWriter& w) {
  OrgMessageSent s;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &s));
  const std::string prefix = OrgMembersPrefix(s.org_id);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, prefix, &keys));
  std::vector<std::string> to;
  to.reserve(keys.size());
  for (const auto& k : keys) to.push_back(k.substr(prefix.size()));
  MessageRecord m{s.id,      "org",     s.from_account, s.org_id,
                  to.size(), s.subject, s.body,         e.timestamp_ms};
  return Deliver(w, m, to);
}

Status ApplyDirectMessageSent(const EventEnvelope& e, ModelWriter& w) {
  DirectMessageSent s;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &s));
  MessageRecord m{s.id,        "direct",  s.from_account, 0,
                  s.to.size(), s.subject, s.body,         e.timestamp_ms};
  return Deliver(w, m, s.to);
}

Status ApplyMessageRead(const EventEnvelope& e, ModelWriter& w) {
  MessageRead r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  const std::string key = BoxKey('r', r.account_id, r.id);
  std::string v;
  Status s = w.Get(key, &v);
  if (s.IsNotFound()) return Status::OK();  // nothing left to mark
  ORGD_RETURN_IF_ERROR(s);
  if (v == kRead) return Status::OK();
  w.Put(key, kRead);
  w.Delete(BoxKey('u', r.account_id, r.id));
  return AddCount(w, UnreadCountKey(r.account_id), -1);
}

Status ApplyMemberAdded(const EventEnvelope& e, ModelWriter& w) {
  MemberAdded a;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &a));
  w.Put(OrgMemberKey(a.org_id, a.account_id), "");
  w.Put(AccountOrgKey(a.account_id, a.org_id), "");
  if (!a.notify) return Status::OK();
  MessageRecord m;
  ORGD_RETURN_IF_ERROR(ReadBE64(w, kNextIdKey, 1, &m.id));
  m.kind = "notification";
  m.from = std::string(kSystemSender);
  m.org_id = a.org_id;
  m.recipients = 1;
  m.subject = AddedNotificationSubject(a.org_name);
  m.body = "You are now a member of " + a.org_name + ", with the role " + a.role + ".";
  m.sent_ms = e.timestamp_ms;
  return Deliver(w, m, {a.account_id});
}

Status ApplyMemberRemoved(const EventEnvelope& e, ModelWriter& w) {
  MemberRemoved r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  w.Delete(OrgMemberKey(r.org_id, r.account_id));
  w.Delete(AccountOrgKey(r.account_id, r.org_id));
  return Status::OK();
}

// Releases every message of one of the account's boxes and deletes its keys.
Status DropBox(ModelWriter& w, char tag, std::string_view account, bool holds) {
  const std::string prefix = BoxPrefix(tag, account);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, prefix, &keys));
  for (const auto& k : keys) {
    if (holds) ORGD_RETURN_IF_ERROR(Release(w, IdOfBoxKey(k, prefix.size())));
    w.Delete(k);
  }
  return Status::OK();
}

Status ApplyAccountDeleted(const EventEnvelope& e, ModelWriter& w) {
  AccountDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string orgs = BoxPrefix('a', d.account_id);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, orgs, &keys));
  for (const auto& k : keys) {
    w.Delete(OrgMemberKey(DecodeBE64(std::string_view(k).substr(orgs.size())), d.account_id));
    w.Delete(k);
  }
  ORGD_RETURN_IF_ERROR(DropBox(w, 'r', d.account_id, true));
  ORGD_RETURN_IF_ERROR(DropBox(w, 'u', d.account_id, false));
  ORGD_RETURN_IF_ERROR(DropBox(w, 's', d.account_id, true));
  w.Delete(UnreadCountKey(d.account_id));
  return Status::OK();
}

Status ApplyOrgDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string prefix = OrgMembersPrefix(d.id);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, prefix, &keys));
  for (const auto& k : keys) {
    w.Delete(AccountOrgKey(std::string_view(k).substr(prefix.size()), d.id));
    w.Delete(k);
  }
  return Status::OK();
}

bool ParseId(std::string_view text, uint64_t* id) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *id);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::string SendReply(const MessageRecord& m) {
  json j = {{"id", m.id}};
  if (m.kind != "direct") {
    j["org_id"] = m.org_id;
    j["subject"] = m.subject;
  }
  j["recipients"] = m.recipients;
  j["sent_at"] = FormatIsoMs(m.sent_ms);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string AddedNotificationSubject(std::string_view org_name) {
  return "You were added to " + std::string(org_name);
}

Status InboxProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  const std::string_view t = e.type;
  if (t == OrgMessageSent::kType) return ApplyOrgMessageSent(e, w);
  if (t == DirectMessageSent::kType) return ApplyDirectMessageSent(e, w);
  if (t == MessageRead::kType) return ApplyMessageRead(e, w);
  if (t == MemberAdded::kType) return ApplyMemberAdded(e, w);
  if (t == MemberRemoved::kType) return ApplyMemberRemoved(e, w);
  if (t == AccountDeleted::kType) return ApplyAccountDeleted(e, w);
  if (t == OrgDeleted::kType) return ApplyOrgDeleted(e, w);
  return Status::OK();
}

Status InboxProjection::Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                                 std::string* out) const {
  InboxReader inbox(r);
  uint64_t message = 0;
  if (kind == kMessageEntity) {
    if (!ParseId(id, &message)) return Status::NotFound("no snapshot");
    MessageRecord m;
    ORGD_RETURN_IF_ERROR(inbox.FindMessage(message, &m));
    *out = SendReply(m);
    return Status::OK();
  }
  if (kind == kReadEntity) {
    const size_t slash = id.find('/');
    if (slash == std::string_view::npos || !ParseId(id.substr(slash + 1), &message)) {
      return Status::NotFound("no snapshot");
    }
    const std::string_view account = id.substr(0, slash);
    bool read = false;
    uint64_t unread = 0;
    ORGD_RETURN_IF_ERROR(inbox.Received(account, message, &read));
    ORGD_RETURN_IF_ERROR(inbox.UnreadCount(account, &unread));
    *out = json{{"id", message}, {"read", read}, {"unread", unread}}.dump();
    return Status::OK();
  }
  return Status::NotFound("no snapshot");
}

// ------------------------------------------------------------------ reader

Status InboxReader::NextId(uint64_t* id) const { return ReadBE64(r_, kNextIdKey, 1, id); }

Status InboxReader::FindMessage(uint64_t id, MessageRecord* out) const {
  std::string v;
  Status s = r_.Get(IdKey('M', id), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no message " + std::to_string(id), "unknown_message");
  }
  ORGD_RETURN_IF_ERROR(s);
  return DecodeMessage(v, out);
}

Status InboxReader::Received(std::string_view account, uint64_t id, bool* read) const {
  std::string v;
  Status s = r_.Get(BoxKey('r', account, id), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no message " + std::to_string(id), "unknown_message");
  }
  ORGD_RETURN_IF_ERROR(s);
  *read = v == kRead;
  return Status::OK();
}

Status InboxReader::UnreadCount(std::string_view account, uint64_t* n) const {
  return ReadBE64(r_, UnreadCountKey(account), 0, n);
}

Status InboxReader::IsMember(uint64_t org_id, std::string_view account, bool* member) const {
  std::string ignored;
  Status s = r_.Get(OrgMemberKey(org_id, account), &ignored);
  *member = s.ok();
  return s.IsNotFound() ? Status::OK() : s;
}

Status InboxReader::List(std::string_view account, const ListOptions& o, Page* out) const {
  out->entries.clear();
  out->next = 0;
  const char tag = o.box == Box::kReceived ? 'r' : o.box == Box::kUnread ? 'u' : 's';
  const std::string prefix = BoxPrefix(tag, account);
  std::string start = prefix;
  if (o.after != 0) storage::AppendBE64(&start, kMaxId - o.after + 1);  // just past the cursor
  auto it = r_.NewIterator(PrefixEnd(prefix));
  std::string v;
  uint64_t last = 0;
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != prefix.size() + 8) continue;
    if (out->entries.size() == o.limit) {
      out->next = last;
      break;
    }
    const uint64_t id = IdOfBoxKey(it->key(), prefix.size());
    const bool read = tag == 's' || (tag == 'r' && it->value() == kRead);
    Status s = r_.Get(IdKey('M', id), &v);
    if (s.IsNotFound()) return Status::Corruption("inbox model: an entry without its message");
    ORGD_RETURN_IF_ERROR(s);
    if (v.size() < 9) return Status::Corruption("inbox model: short message");
    std::string entry(std::string_view(v).substr(8));
    entry.append(read ? ",\"read\":true}" : ",\"read\":false}");
    out->entries.push_back(std::move(entry));
    last = id;
  }
  return it->status();
}

}  // namespace orgd
