#include "src/projections/invitations/invitation_projection.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <functional>

#include "src/events/invitation_events.h"
#include "src/events/org_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using nlohmann::json;

// ------------------------------------------------------------------ keys

constexpr std::string_view kNextIdKey = "n";

std::string IdKey(uint64_t id) {
  std::string k = "i";
  storage::AppendBE64(&k, id);
  return k;
}
std::string TokenKey(std::string_view sha256) { return "t" + std::string(sha256); }
std::string OrgPrefix(uint64_t org) {
  std::string k = "o";
  storage::AppendBE64(&k, org);
  return k;
}
std::string OrgKey(uint64_t org, uint64_t id) {
  std::string k = OrgPrefix(org);
  storage::AppendBE64(&k, id);
  return k;
}
std::string StatusPrefix(uint64_t org, std::string_view status) {
  std::string k = "s";
  storage::AppendBE64(&k, org);
  k.append(status).push_back('\0');
  return k;
}
std::string StatusKey(uint64_t org, std::string_view status, uint64_t id) {
  std::string k = StatusPrefix(org, status);
  storage::AppendBE64(&k, id);
  return k;
}

// ------------------------------------------------------------------ folding

Status Load(const ModelReader& r, uint64_t id, InvitationRecord* out) {
  std::string v;
  Status s = r.Get(IdKey(id), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no invitation " + std::to_string(id), "unknown_invitation");
  }
  ORGD_RETURN_IF_ERROR(s);
  return DecodeInvitation(v, out);
}

// Writes after in place of before (nullptr: a new one), keeping the indexes.
void Store(ModelWriter& w, const InvitationRecord* before, const InvitationRecord& after) {
  if (before) {
    if (before->status != after.status) {
      w.Delete(StatusKey(before->org_id, before->status, before->id));
    }
    if (before->token_sha256 != after.token_sha256) w.Delete(TokenKey(before->token_sha256));
  }
  w.Put(IdKey(after.id), EncodeInvitation(after));
  w.Put(OrgKey(after.org_id, after.id), "");
  w.Put(StatusKey(after.org_id, after.status, after.id), "");
  // Only a pending invitation's token leads anywhere; a used or revoked one
  // stays findable so its holder learns why it no longer works.
  w.Put(TokenKey(after.token_sha256), storage::EncodeBE64(after.id));
}

Status ApplyCreated(const EventEnvelope& e, ModelWriter& w) {
  InvitationCreated c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  InvitationRecord r;
  r.id = c.id;
  r.org_id = c.org_id;
  r.email = c.email;
  r.role = c.role;
  r.department = c.department;
  r.any_email = c.any_email;
  r.token_sha256 = c.token_sha256;
  r.expires_ms = c.expires_ms;
  r.created_by = c.created_by;
  r.inviter_account = c.inviter_account;
  r.created_ms = e.timestamp_ms;
  r.updated_ms = e.timestamp_ms;
  Store(w, nullptr, r);
  uint64_t last = 0;
  ORGD_RETURN_IF_ERROR(ReadBE64(w, kNextIdKey, 0, &last));
  if (c.id > last) w.Put(kNextIdKey, storage::EncodeBE64(c.id));
  return Status::OK();
}

// Applies change to the invitation with id, if the model still has it.
Status Change(const EventEnvelope& e, ModelWriter& w, uint64_t id,
              const std::function<void(InvitationRecord*)>& change) {
  // The invitation is gone only when its org's deletion took it: nothing to do.
  InvitationRecord before;
  Status found = Load(w, id, &before);
  if (found.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(found);
  InvitationRecord after = before;
  change(&after);
  after.updated_ms = e.timestamp_ms;
  Store(w, &before, after);
  return Status::OK();
}

Status ApplyResent(const EventEnvelope& e, ModelWriter& w) {
  InvitationResent r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  return Change(e, w, r.id, [&](InvitationRecord* i) {
    i->token_sha256 = r.token_sha256;
    i->expires_ms = r.expires_ms;
    i->status = std::string(kInvitationPending);
  });
}

Status ApplyRevoked(const EventEnvelope& e, ModelWriter& w) {
  InvitationRevoked r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  return Change(e, w, r.id,
                [&](InvitationRecord* i) { i->status = std::string(kInvitationRevoked); });
}

Status ApplyAccepted(const EventEnvelope& e, ModelWriter& w) {
  InvitationAccepted a;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &a));
  return Change(e, w, a.id, [&](InvitationRecord* i) {
    i->status = std::string(kInvitationAccepted);
    i->used_by = a.account_id;
  });
}

Status ApplyDeclined(const EventEnvelope& e, ModelWriter& w) {
  InvitationDeclined d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  return Change(e, w, d.id, [&](InvitationRecord* i) {
    i->status = std::string(kInvitationDeclined);
    i->used_by = d.account_id;
  });
}

// Everything of the org goes (the id counter stays).
Status ApplyOrgDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string prefix = OrgPrefix(d.id);
  std::vector<uint64_t> ids;
  {
    // Collect first: a writer's iterator must not see its own deletes mid-walk.
    auto it = w.NewIterator(PrefixEnd(prefix));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (it->key().size() == prefix.size() + 8) {
        ids.push_back(storage::DecodeBE64(it->key().substr(prefix.size())));
      }
    }
    ORGD_RETURN_IF_ERROR(it->status());
  }
  for (uint64_t id : ids) {
    InvitationRecord r;
    Status s = Load(w, id, &r);
    if (s.ok()) {
      w.Delete(TokenKey(r.token_sha256));
      w.Delete(StatusKey(r.org_id, r.status, r.id));
      w.Delete(IdKey(id));
    } else if (!s.IsNotFound()) {
      return s;
    }
    w.Delete(OrgKey(d.id, id));
  }
  return Status::OK();
}

std::string TextOr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t IntOr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool ParseId(std::string_view text, uint64_t* id) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *id);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string EncodeInvitation(const InvitationRecord& r) {
  return json{{"id", r.id},
              {"org_id", r.org_id},
              {"email", r.email},
              {"role", r.role},
              {"department", r.department},
              {"any_email", r.any_email},
              {"token_sha256", r.token_sha256},
              {"expires_ms", r.expires_ms},
              {"status", r.status},
              {"created_by", r.created_by},
              {"inviter_account", r.inviter_account},
              {"created_ms", r.created_ms},
              {"updated_ms", r.updated_ms},
              {"used_by", r.used_by}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Status DecodeInvitation(std::string_view text, InvitationRecord* out) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Corruption("invitations model: bad invitation");
  auto id = j.find("id");
  auto org = j.find("org_id");
  if (id == j.end() || !id->is_number_unsigned() || org == j.end() || !org->is_number_unsigned()) {
    return Status::Corruption("invitations model: invitation without id");
  }
  out->id = id->get<uint64_t>();
  out->org_id = org->get<uint64_t>();
  out->email = TextOr(j, "email");
  out->role = TextOr(j, "role");
  out->department = TextOr(j, "department");
  auto any = j.find("any_email");
  out->any_email = any != j.end() && any->is_boolean() && any->get<bool>();
  out->token_sha256 = TextOr(j, "token_sha256");
  out->expires_ms = IntOr(j, "expires_ms");
  out->status = TextOr(j, "status");
  out->created_by = TextOr(j, "created_by");
  out->inviter_account = TextOr(j, "inviter_account");
  out->created_ms = IntOr(j, "created_ms");
  out->updated_ms = IntOr(j, "updated_ms");
  out->used_by = TextOr(j, "used_by");
  return Status::OK();
}

Status InvitationProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  const std::string_view t = e.type;
  if (t == InvitationCreated::kType) return ApplyCreated(e, w);
  if (t == InvitationResent::kType) return ApplyResent(e, w);
  if (t == InvitationRevoked::kType) return ApplyRevoked(e, w);
  if (t == InvitationAccepted::kType) return ApplyAccepted(e, w);
  if (t == InvitationDeclined::kType) return ApplyDeclined(e, w);
  if (t == OrgDeleted::kType) return ApplyOrgDeleted(e, w);
  return Status::OK();
}

Status InvitationProjection::Snapshot(std::string_view kind, std::string_view id,
                                      const ModelReader& r, std::string* out) const {
  uint64_t n = 0;
  if (kind != kEntity || !ParseId(id, &n)) return Status::NotFound("no snapshot");
  return r.Get(IdKey(n), out);
}

// ------------------------------------------------------------------ reader

Status InvitationReader::Find(uint64_t id, InvitationRecord* out) const {
  return Load(r_, id, out);
}

Status InvitationReader::FindByToken(std::string_view token_sha256, InvitationRecord* out) const {
  std::string v;
  Status s = r_.Get(TokenKey(token_sha256), &v);
  if (s.IsNotFound()) return Status::NotFound("no such invitation", "unknown_invitation");
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() != 8) return Status::Corruption("invitations model: bad token index");
  ORGD_RETURN_IF_ERROR(Load(r_, storage::DecodeBE64(v), out));
  if (out->token_sha256 != token_sha256) {
    return Status::NotFound("no such invitation", "unknown_invitation");
  }
  return Status::OK();
}

Status InvitationReader::NextId(uint64_t* id) const {
  uint64_t last = 0;
  ORGD_RETURN_IF_ERROR(ReadBE64(r_, kNextIdKey, 0, &last));
  *id = last + 1;
  return Status::OK();
}

Status InvitationReader::List(uint64_t org_id, const ListOptions& o, Page* out) const {
  out->invitations.clear();
  out->next = 0;
  // "pending" and "expired" are both stored as pending; the others as themselves.
  const bool by_status = !o.status.empty();
  const std::string_view stored =
      o.status == kInvitationExpired ? kInvitationPending : std::string_view(o.status);
  const std::string prefix = by_status ? StatusPrefix(org_id, stored) : OrgPrefix(org_id);
  auto it = r_.NewIterator(PrefixEnd(prefix));
  std::string start = prefix;
  if (o.after != 0) storage::AppendBE64(&start, o.after + 1);
  uint64_t last = 0;
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != prefix.size() + 8) continue;
    const uint64_t id = storage::DecodeBE64(it->key().substr(prefix.size()));
    InvitationRecord r;
    Status s = Load(r_, id, &r);
    if (s.IsNotFound()) return Status::Corruption("invitations model: index without invitation");
    ORGD_RETURN_IF_ERROR(s);
    if (by_status && r.StatusAt(o.now_ms) != o.status) continue;
    if (out->invitations.size() == o.limit) {
      out->next = last;
      break;
    }
    out->invitations.push_back(std::move(r));
    last = id;
  }
  return it->status();
}

}  // namespace orgd
