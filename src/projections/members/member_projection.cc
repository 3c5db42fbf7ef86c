#include "src/projections/members/member_projection.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "common/json_util.h"
#include "common/time_util.h"
#include "src/events/account_events.h"
#include "src/events/member_events.h"
#include "src/events/org_events.h"
#include "src/events/project_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using nlohmann::json;
using storage::DecodeBE64;
using storage::EncodeBE64;

// ------------------------------------------------------------------ keys

std::string OrgKey(char tag, uint64_t org) {
  std::string k(1, tag);
  storage::AppendBE64(&k, org);
  return k;
}
std::string EntryKey(uint64_t org, std::string_view account) {
  return OrgKey('m', org).append(account);
}
std::string AccountOrgKey(std::string_view account, uint64_t org) {
  std::string k = "a" + std::string(account);
  storage::AppendBE64(&k, org);
  return k;
}
std::string IndexKey(char tag, uint64_t org, std::string_view value, std::string_view account) {
  std::string k = OrgKey(tag, org);
  k.append(value).push_back('\0');
  k.append(account);
  return k;
}
std::string IndexPrefix(char tag, uint64_t org, std::string_view value) {
  std::string k = OrgKey(tag, org);
  k.append(value).push_back('\0');
  return k;
}
std::string RoleCountKey(uint64_t org, std::string_view role) {
  return OrgKey('o', org).append(role);
}
std::string CollabCountKey(uint64_t org, std::string_view account) {
  return OrgKey('k', org).append(account);
}
std::string CollabKey(uint64_t org, std::string_view project, std::string_view account) {
  return OrgKey('p', org).append(project).append(account);
}
std::string AccountCountKey(std::string_view account) { return "n" + std::string(account); }

Status ReadCount(const ModelReader& r, const std::string& key, uint64_t* n) {
  return ReadBE64(r, key, 0, n);
}

// Collects keys first: a writer's iterator must not see its own deletes mid-walk.
Status KeysWithPrefix(const ModelReader& r, const std::string& prefix,
                      std::vector<std::string>* keys) {
  return ScanPrefix(r, prefix, [&](std::string_view k, std::string_view) {
    keys->emplace_back(k);
    return Status::OK();
  });
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
void StrOrNull(std::string* out, std::string_view v) {
  if (v.empty()) {
    out->append("null");
  } else {
    Str(out, v);
  }
}

// The entry without its email and without the closing brace.
std::string EntryHead(const MemberRecord& m) {
  std::string out = "{";
  Key(&out, "account_id");
  Str(&out, m.account_id);
  Key(&out, "first_name");
  Str(&out, m.first_name);
  Key(&out, "last_name");
  Str(&out, m.last_name);
  Key(&out, "role");
  Str(&out, m.role);
  Key(&out, "content_permission");
  Str(&out, m.content_permission);
  Key(&out, "members_permission");
  Str(&out, m.members_permission);
  Key(&out, "department");
  StrOrNull(&out, m.department);
  Key(&out, "external");
  out.append(m.external() ? "true" : "false");
  Key(&out, "home_org_id");
  if (m.home_org_id == 0) {
    out.append("null");
  } else {
    out.append(std::to_string(m.home_org_id));
  }
  Key(&out, "added_at");
  Str(&out, FormatIsoMs(m.added_ms));
  Key(&out, "added_by");
  Str(&out, m.added_by);
  return out;
}

std::string EncodeEntry(const MemberRecord& m) {
  std::string head = EntryHead(m);
  std::string v(2, '\0');
  v[0] = static_cast<char>(head.size() >> 8);
  v[1] = static_cast<char>(head.size() & 0xff);
  v += head;
  Key(&v, "email");
  Str(&v, m.email);
  v.push_back('}');
  return v;
}

size_t HeadLength(std::string_view v) {
  return (static_cast<size_t>(static_cast<unsigned char>(v[0])) << 8) |
         static_cast<unsigned char>(v[1]);
}

// The stored entry rendered, with or without the email.
void RenderEntry(std::string_view v, bool with_email, std::string* out) {
  if (with_email) {
    out->assign(v.substr(2));
  } else {
    out->assign(v.substr(2, HeadLength(v)));
    out->push_back('}');
  }
}

std::string TextOr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The entry from its stored JSON: FlatJson's allocation-free path for the
// entries EncodeEntry writes, nlohmann for the rest (escaped text).
Status DecodeEntry(uint64_t org, std::string_view v, MemberRecord* m) {
  if (v.size() < 2 || HeadLength(v) + 2 > v.size()) {
    return Status::Corruption("members model: short entry");
  }
  const std::string_view text = v.substr(2);
  m->org_id = org;
  FlatJson flat;
  if (flat.Parse(text)) {
    auto str = [&](std::string_view key, std::string* out) {
      const FlatJson::Value* f = flat.Find(key);
      if (f && f->kind == FlatJson::Value::Kind::kString) {
        out->assign(f->text);
      } else {
        out->clear();
      }
    };
    str("account_id", &m->account_id);
    str("first_name", &m->first_name);
    str("last_name", &m->last_name);
    str("role", &m->role);
    str("content_permission", &m->content_permission);
    str("members_permission", &m->members_permission);
    str("department", &m->department);
    str("email", &m->email);
    str("added_by", &m->added_by);
    const FlatJson::Value* home = flat.Find("home_org_id");
    m->home_org_id = home && home->kind == FlatJson::Value::Kind::kUnsigned ? home->number : 0;
    std::string added;
    str("added_at", &added);
    if (!ParseIsoMs(added, &m->added_ms)) m->added_ms = 0;
  } else {
    json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return Status::Corruption("members model: bad entry");
    m->account_id = TextOr(j, "account_id");
    m->first_name = TextOr(j, "first_name");
    m->last_name = TextOr(j, "last_name");
    m->role = TextOr(j, "role");
    m->content_permission = TextOr(j, "content_permission");
    m->members_permission = TextOr(j, "members_permission");
    m->department = TextOr(j, "department");
    m->email = TextOr(j, "email");
    m->added_by = TextOr(j, "added_by");
    auto home = j.find("home_org_id");
    m->home_org_id = home != j.end() && home->is_number_unsigned() ? home->get<uint64_t>() : 0;
    if (!ParseIsoMs(TextOr(j, "added_at"), &m->added_ms)) m->added_ms = 0;
  }
  m->member = m->role != kExternalRole;
  return Status::OK();
}

// ------------------------------------------------------------------ folding

Status LoadEntry(const ModelReader& r, uint64_t org, std::string_view account, MemberRecord* m,
                 bool* found) {
  std::string v;
  Status s = r.Get(EntryKey(org, account), &v);
  *found = s.ok();
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  return DecodeEntry(org, v, m);
}

// Moves the entry of (org, account) from before to after (nullptr: none),
// keeping every index and count in step.
Status Transition(ModelWriter& w, uint64_t org, std::string_view account,
                  const MemberRecord* before, const MemberRecord* after) {
  if (before) {
    w.Delete(IndexKey('r', org, before->role, account));
    if (!before->department.empty()) {
      w.Delete(IndexKey('d', org, before->department, account));
    }
    if (before->member) {
      ORGD_RETURN_IF_ERROR(AddCount(w, OrgKey('q', org), -1));
      ORGD_RETURN_IF_ERROR(AddCount(w, RoleCountKey(org, before->role), -1));
    }
  }
  if (after) {
    w.Put(EntryKey(org, account), EncodeEntry(*after));
    w.Put(AccountOrgKey(account, org), AccountOrgJson(*after));
    w.Put(IndexKey('r', org, after->role, account), "");
    if (!after->department.empty()) w.Put(IndexKey('d', org, after->department, account), "");
    if (after->member) {
      ORGD_RETURN_IF_ERROR(AddCount(w, OrgKey('q', org), 1));
      ORGD_RETURN_IF_ERROR(AddCount(w, RoleCountKey(org, after->role), 1));
    }
  } else if (before) {
    w.Delete(EntryKey(org, account));
    w.Delete(AccountOrgKey(account, org));
  }
  if (!before && after) {
    ORGD_RETURN_IF_ERROR(AddCount(w, OrgKey('c', org), 1));
    ORGD_RETURN_IF_ERROR(AddCount(w, AccountCountKey(account), 1));
  }
  if (before && !after) {
    ORGD_RETURN_IF_ERROR(AddCount(w, OrgKey('c', org), -1));
    ORGD_RETURN_IF_ERROR(AddCount(w, AccountCountKey(account), -1));
  }
  return Status::OK();
}

// What remains of an entry once its membership ends: an external
// collaborator while the account still collaborates on a project.
Status EndMembership(ModelWriter& w, uint64_t org, std::string_view account,
                     const MemberRecord& before) {
  uint64_t collaborations = 0;
  ORGD_RETURN_IF_ERROR(ReadCount(w, CollabCountKey(org, account), &collaborations));
  if (collaborations == 0) return Transition(w, org, account, &before, nullptr);
  MemberRecord after = before;
  after.member = false;
  after.role = std::string(kExternalRole);
  after.content_permission = "none";
  after.members_permission = "none";
  after.department.clear();
  return Transition(w, org, account, &before, &after);
}

Status ApplyMemberAdded(const EventEnvelope& e, ModelWriter& w) {
  MemberAdded a;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &a));
  MemberRecord before;
  bool found;
  ORGD_RETURN_IF_ERROR(LoadEntry(w, a.org_id, a.account_id, &before, &found));
  MemberRecord m;
  m.org_id = a.org_id;
  m.org_name = a.org_name;
  m.account_id = a.account_id;
  m.role = a.role;
  m.content_permission = a.content_permission;
  m.members_permission = a.members_permission;
  m.department = a.department;
  m.first_name = a.first_name;
  m.last_name = a.last_name;
  m.email = a.email;
  m.home_org_id = a.home_org_id;
  m.added_ms = e.timestamp_ms;
  m.added_by = a.added_by;
  return Transition(w, a.org_id, a.account_id, found ? &before : nullptr, &m);
}

// The org's name, as the account's own entry of it keeps it.
Status OrgNameOf(const ModelReader& r, std::string_view account, uint64_t org, std::string* name) {
  std::string v;
  Status s = r.Get(AccountOrgKey(account, org), &v);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  json j = json::parse(v, nullptr, false);
  if (j.is_object()) *name = TextOr(j, "org");
  return Status::OK();
}

Status LoadExisting(const ModelReader& r, uint64_t org, std::string_view account,
                    std::string_view type, MemberRecord* m) {
  bool found;
  ORGD_RETURN_IF_ERROR(LoadEntry(r, org, account, m, &found));
  if (!found) {
    return Status::Corruption(std::string(type) + " for " + std::string(account) +
                              ", not listed in org " + std::to_string(org));
  }
  return OrgNameOf(r, account, org, &m->org_name);
}

Status ApplyMemberUpdated(const EventEnvelope& e, ModelWriter& w) {
  MemberUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  MemberRecord before;
  ORGD_RETURN_IF_ERROR(LoadExisting(w, u.org_id, u.account_id, MemberUpdated::kType, &before));
  MemberRecord after = before;
  if (u.role) after.role = *u.role;
  if (u.content_permission) after.content_permission = *u.content_permission;
  if (u.members_permission) after.members_permission = *u.members_permission;
  if (u.department) after.department = *u.department;
  return Transition(w, u.org_id, u.account_id, &before, &after);
}

Status ApplyMemberRemoved(const EventEnvelope& e, ModelWriter& w) {
  MemberRemoved r;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &r));
  MemberRecord before;
  ORGD_RETURN_IF_ERROR(LoadExisting(w, r.org_id, r.account_id, MemberRemoved::kType, &before));
  return EndMembership(w, r.org_id, r.account_id, before);
}

Status ApplyCollaboratorSet(const EventEnvelope& e, ModelWriter& w) {
  ProjectCollaboratorSet c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  const std::string key = CollabKey(c.org_id, c.project_id, c.account_id);
  std::string ignored;
  Status s = w.Get(key, &ignored);
  if (!s.IsNotFound()) return s;  // a new role on the same project changes no entry
  w.Put(key, "");
  ORGD_RETURN_IF_ERROR(AddCount(w, CollabCountKey(c.org_id, c.account_id), 1));
  MemberRecord before;
  bool found;
  ORGD_RETURN_IF_ERROR(LoadEntry(w, c.org_id, c.account_id, &before, &found));
  if (found) return Status::OK();
  MemberRecord m;
  m.org_id = c.org_id;
  m.account_id = c.account_id;
  m.member = false;
  m.role = std::string(kExternalRole);
  m.first_name = c.first_name;
  m.last_name = c.last_name;
  m.email = c.email;
  m.home_org_id = c.home_org_id;
  m.added_ms = e.timestamp_ms;
  m.added_by = c.set_by;
  return Transition(w, c.org_id, c.account_id, nullptr, &m);
}

Status RemoveCollaboration(ModelWriter& w, uint64_t org, std::string_view project,
                           std::string_view account) {
  const std::string key = CollabKey(org, project, account);
  std::string ignored;
  Status s = w.Get(key, &ignored);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  w.Delete(key);
  ORGD_RETURN_IF_ERROR(AddCount(w, CollabCountKey(org, account), -1));
  uint64_t left = 0;
  ORGD_RETURN_IF_ERROR(ReadCount(w, CollabCountKey(org, account), &left));
  MemberRecord before;
  bool found;
  ORGD_RETURN_IF_ERROR(LoadEntry(w, org, account, &before, &found));
  if (left == 0 && found && !before.member) return Transition(w, org, account, &before, nullptr);
  return Status::OK();
}

Status ApplyCollaboratorRemoved(const EventEnvelope& e, ModelWriter& w) {
  ProjectCollaboratorRemoved c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  return RemoveCollaboration(w, c.org_id, c.project_id, c.account_id);
}

Status ApplyProjectDeleted(const EventEnvelope& e, ModelWriter& w) {
  ProjectDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string prefix = OrgKey('p', d.org_id).append(d.project_id);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, prefix, &keys));
  for (const auto& k : keys) {
    ORGD_RETURN_IF_ERROR(
        RemoveCollaboration(w, d.org_id, d.project_id, std::string_view(k).substr(prefix.size())));
  }
  return Status::OK();
}

// The orgs an account is listed in, from its own index.
Status OrgsOf(const ModelReader& r, std::string_view account, std::vector<uint64_t>* orgs) {
  const std::string prefix = "a" + std::string(account);
  return ScanPrefix(r, prefix, [&](std::string_view k, std::string_view) {
    if (k.size() == prefix.size() + 8) orgs->push_back(DecodeBE64(k.substr(prefix.size())));
    return Status::OK();
  });
}

Status ApplyAccountUpdated(const EventEnvelope& e, ModelWriter& w) {
  AccountUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  if (!u.first_name && !u.last_name && !u.email && !u.home_org_id) return Status::OK();
  std::vector<uint64_t> orgs;
  ORGD_RETURN_IF_ERROR(OrgsOf(w, u.account_id, &orgs));
  for (uint64_t org : orgs) {
    MemberRecord before;
    ORGD_RETURN_IF_ERROR(LoadExisting(w, org, u.account_id, AccountUpdated::kType, &before));
    MemberRecord after = before;
    if (u.first_name) after.first_name = *u.first_name;
    if (u.last_name) after.last_name = *u.last_name;
    if (u.email) after.email = *u.email;
    if (u.home_org_id) after.home_org_id = *u.home_org_id;
    ORGD_RETURN_IF_ERROR(Transition(w, org, u.account_id, &before, &after));
  }
  return Status::OK();
}

Status ApplyAccountDeleted(const EventEnvelope& e, ModelWriter& w) {
  AccountDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  std::vector<uint64_t> orgs;
  ORGD_RETURN_IF_ERROR(OrgsOf(w, d.account_id, &orgs));
  for (uint64_t org : orgs) {
    MemberRecord before;
    ORGD_RETURN_IF_ERROR(LoadExisting(w, org, d.account_id, AccountDeleted::kType, &before));
    ORGD_RETURN_IF_ERROR(Transition(w, org, d.account_id, &before, nullptr));
    w.Delete(CollabCountKey(org, d.account_id));
  }
  return Status::OK();
}

// Everything of the org goes, and each listed account's entry of it.
Status ApplyOrgDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string entries = OrgKey('m', d.id);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, entries, &keys));
  for (const auto& k : keys) {
    const std::string_view account = std::string_view(k).substr(entries.size());
    w.Delete(AccountOrgKey(account, d.id));
    ORGD_RETURN_IF_ERROR(AddCount(w, AccountCountKey(account), -1));
    w.Delete(k);
  }
  for (char tag : {'r', 'd', 'k', 'p', 'R', 'D', 'o'}) {
    keys.clear();
    ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, OrgKey(tag, d.id), &keys));
    for (const auto& k : keys) w.Delete(k);
  }
  for (char tag : {'c', 'q'}) w.Delete(OrgKey(tag, d.id));
  return Status::OK();
}

Status ApplyRoleDefined(const EventEnvelope& e, ModelWriter& w) {
  RoleDefined d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  CapabilitySet caps = 0;
  for (const auto& c : d.capabilities) caps |= CapabilityBit(c);  // unknown ones: none
  w.Put(OrgKey('R', d.org_id).append(d.name), RoleJson(RoleDef{d.name, caps, d.rank, false}));
  return Status::OK();
}

Status ApplyRoleRemoved(const EventEnvelope& e, ModelWriter& w) {
  RoleRemoved d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  w.Delete(OrgKey('R', d.org_id).append(d.name));
  return Status::OK();
}

Status DecodeDepartment(std::string_view v, DepartmentRecord* d) {
  json j = json::parse(v, nullptr, false);
  if (!j.is_object()) return Status::Corruption("members model: bad department");
  d->name = TextOr(j, "name");
  d->default_role = TextOr(j, "default_role");
  d->content_permission = TextOr(j, "content_permission");
  d->members_permission = TextOr(j, "members_permission");
  d->created_by = TextOr(j, "created_by");
  if (!ParseIsoMs(TextOr(j, "created_at"), &d->created_ms)) d->created_ms = 0;
  return Status::OK();
}

Status ApplyDepartmentCreated(const EventEnvelope& e, ModelWriter& w) {
  DepartmentCreated c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  DepartmentRecord d{c.name, c.default_role, c.content_permission, c.members_permission,
                     e.timestamp_ms, c.created_by};
  w.Put(OrgKey('D', c.org_id).append(c.name), DepartmentJson(d));
  return Status::OK();
}

Status ApplyDepartmentUpdated(const EventEnvelope& e, ModelWriter& w) {
  DepartmentUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  const std::string key = OrgKey('D', u.org_id).append(u.name);
  std::string v;
  Status s = w.Get(key, &v);
  if (s.IsNotFound()) return Status::Corruption("DepartmentUpdated for unknown " + u.name);
  ORGD_RETURN_IF_ERROR(s);
  DepartmentRecord d;
  ORGD_RETURN_IF_ERROR(DecodeDepartment(v, &d));
  if (u.default_role) d.default_role = *u.default_role;
  if (u.content_permission) d.content_permission = *u.content_permission;
  if (u.members_permission) d.members_permission = *u.members_permission;
  w.Put(key, DepartmentJson(d));
  return Status::OK();
}

Status ApplyDepartmentDeleted(const EventEnvelope& e, ModelWriter& w) {
  DepartmentDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  w.Delete(OrgKey('D', d.org_id).append(d.name));
  return Status::OK();
}

// "<org id>/<rest>"
bool SplitId(std::string_view id, uint64_t* org, std::string_view* rest) {
  const size_t slash = id.find('/');
  if (slash == std::string_view::npos) return false;
  auto [end, ec] = std::from_chars(id.data(), id.data() + slash, *org);
  if (ec != std::errc() || end != id.data() + slash) return false;
  *rest = id.substr(slash + 1);
  return true;
}

}  // namespace

std::string MemberJson(const MemberRecord& m, bool with_email) {
  std::string out;
  RenderEntry(EncodeEntry(m), with_email, &out);
  return out;
}

std::string AccountOrgJson(const MemberRecord& m) {
  std::string out = "{";
  Key(&out, "org_id");
  out.append(std::to_string(m.org_id));
  Key(&out, "org");
  Str(&out, m.org_name);
  Key(&out, "role");
  Str(&out, m.role);
  Key(&out, "content_permission");
  Str(&out, m.content_permission);
  Key(&out, "members_permission");
  Str(&out, m.members_permission);
  Key(&out, "department");
  StrOrNull(&out, m.department);
  Key(&out, "external");
  out.append(m.external() ? "true" : "false");
  Key(&out, "added_at");
  Str(&out, FormatIsoMs(m.added_ms));
  out.push_back('}');
  return out;
}

std::string RoleJson(const RoleDef& r) {
  return json{{"name", r.name},
              {"capabilities", CapabilityNames(r.capabilities)},
              {"rank", r.rank},
              {"builtin", r.builtin}}
      .dump();
}

std::string DepartmentJson(const DepartmentRecord& d) {
  auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return json{{"name", d.name},
              {"default_role", or_null(d.default_role)},
              {"content_permission", or_null(d.content_permission)},
              {"members_permission", or_null(d.members_permission)},
              {"created_at", FormatIsoMs(d.created_ms)},
              {"created_by", d.created_by}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Status MemberProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  const std::string_view t = e.type;
  if (t == MemberAdded::kType) return ApplyMemberAdded(e, w);
  if (t == MemberUpdated::kType) return ApplyMemberUpdated(e, w);
  if (t == MemberRemoved::kType) return ApplyMemberRemoved(e, w);
  if (t == RoleDefined::kType) return ApplyRoleDefined(e, w);
  if (t == RoleRemoved::kType) return ApplyRoleRemoved(e, w);
  if (t == DepartmentCreated::kType) return ApplyDepartmentCreated(e, w);
  if (t == DepartmentUpdated::kType) return ApplyDepartmentUpdated(e, w);
  if (t == DepartmentDeleted::kType) return ApplyDepartmentDeleted(e, w);
  if (t == ProjectCollaboratorSet::kType) return ApplyCollaboratorSet(e, w);
  if (t == ProjectCollaboratorRemoved::kType) return ApplyCollaboratorRemoved(e, w);
  if (t == ProjectDeleted::kType) return ApplyProjectDeleted(e, w);
  if (t == AccountUpdated::kType) return ApplyAccountUpdated(e, w);
  if (t == AccountDeleted::kType) return ApplyAccountDeleted(e, w);
  if (t == OrgDeleted::kType) return ApplyOrgDeleted(e, w);
  return Status::OK();
}

Status MemberProjection::Snapshot(std::string_view kind, std::string_view id,
                                  const ModelReader& r, std::string* out) const {
  uint64_t org = 0;
  std::string_view rest;
  if (!SplitId(id, &org, &rest)) return Status::NotFound("no snapshot");
  MemberReader members(r);
  if (kind == kMemberEntity) {
    std::string v;
    ORGD_RETURN_IF_ERROR(r.Get(EntryKey(org, rest), &v));
    RenderEntry(v, true, out);
    return Status::OK();
  }
  if (kind == kRoleEntity) {
    RoleDef role;
    ORGD_RETURN_IF_ERROR(members.FindRole(org, rest, &role));
    *out = RoleJson(role);
    return Status::OK();
  }
  if (kind == kDepartmentEntity) {
    return r.Get(OrgKey('D', org).append(rest), out);
  }
  return Status::NotFound("no snapshot");
}

// ------------------------------------------------------------------ reader

Status MemberReader::Find(uint64_t org_id, std::string_view account_id, MemberRecord* out) const {
  bool found;
  ORGD_RETURN_IF_ERROR(LoadEntry(r_, org_id, account_id, out, &found));
  if (!found) return Status::NotFound("not a member", "not_a_member");
  return Status::OK();
}

Status MemberReader::CapabilitiesOf(uint64_t org_id, std::string_view account_id, bool* member,
                                    CapabilitySet* capabilities) const {
  *member = false;
  *capabilities = 0;
  std::string v;
  Status s = r_.Get(EntryKey(org_id, account_id), &v);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  if (v.size() < 2) return Status::Corruption("members model: short entry");
  FlatJson flat;
  std::string role;
  if (flat.Parse(std::string_view(v).substr(2))) {
    const FlatJson::Value* r = flat.Find("role");
    if (r && r->kind == FlatJson::Value::Kind::kString) role.assign(r->text);
  } else {
    MemberRecord m;
    ORGD_RETURN_IF_ERROR(DecodeEntry(org_id, v, &m));
    role = m.role;
  }
  if (role.empty() || role == kExternalRole) return Status::OK();
  if (const RoleDef* b = FindBuiltinRole(role)) {
    *capabilities = b->capabilities;
  } else {
    RoleDef custom;
    ORGD_RETURN_IF_ERROR(FindRole(org_id, role, &custom));
    *capabilities = custom.capabilities;
  }
  *member = true;
  return Status::OK();
}

namespace {
Status DecodeRole(std::string_view v, RoleDef* out) {
  json j = json::parse(v, nullptr, false);
  if (!j.is_object()) return Status::Corruption("members model: bad role");
  out->name = TextOr(j, "name");
  out->rank = j.value("rank", uint64_t{0});
  out->builtin = false;
  out->capabilities = 0;
  auto caps = j.find("capabilities");
  if (caps != j.end() && caps->is_array()) {
    for (const auto& c : *caps) {
      if (c.is_string()) out->capabilities |= CapabilityBit(c.get<std::string>());
    }
  }
  return Status::OK();
}
}  // namespace

Status MemberReader::FindRole(uint64_t org_id, std::string_view name, RoleDef* out) const {
  if (const RoleDef* b = FindBuiltinRole(name)) {
    *out = *b;
    return Status::OK();
  }
  std::string v;
  Status s = r_.Get(OrgKey('R', org_id).append(name), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no role '" + std::string(name) + "' in this org", "unknown_role");
  }
  ORGD_RETURN_IF_ERROR(s);
  return DecodeRole(v, out);
}

Status MemberReader::CustomRoles(uint64_t org_id, std::vector<RoleDef>* out) const {
  return ScanPrefix(r_, OrgKey('R', org_id), [&](std::string_view, std::string_view v) {
    RoleDef role;
    ORGD_RETURN_IF_ERROR(DecodeRole(v, &role));
    out->push_back(std::move(role));
    return Status::OK();
  });
}

Status MemberReader::FindDepartment(uint64_t org_id, std::string_view name,
                                    DepartmentRecord* out) const {
  std::string v;
  Status s = r_.Get(OrgKey('D', org_id).append(name), &v);
  if (s.IsNotFound()) {
    return Status::NotFound("no department '" + std::string(name) + "'", "unknown_department");
  }
  ORGD_RETURN_IF_ERROR(s);
  return DecodeDepartment(v, out);
}

Status MemberReader::Departments(uint64_t org_id, std::vector<DepartmentRecord>* out) const {
  return ScanPrefix(r_, OrgKey('D', org_id), [&](std::string_view, std::string_view v) {
    DepartmentRecord d;
    ORGD_RETURN_IF_ERROR(DecodeDepartment(v, &d));
    out->push_back(std::move(d));
    return Status::OK();
  });
}

Status MemberReader::RoleCount(uint64_t org_id, std::string_view role, uint64_t* n) const {
  return ReadCount(r_, RoleCountKey(org_id, role), n);
}

Status MemberReader::DepartmentHasMembers(uint64_t org_id, std::string_view department,
                                          bool* any) const {
  const std::string prefix = IndexPrefix('d', org_id, department);
  auto it = r_.NewIterator(PrefixEnd(prefix));
  it->Seek(prefix);
  *any = it->Valid() && it->key().starts_with(prefix);
  return it->status();
}

Status MemberReader::MemberCount(uint64_t org_id, uint64_t* n) const {
  return ReadCount(r_, OrgKey('q', org_id), n);
}
Status MemberReader::EntryCount(uint64_t org_id, uint64_t* n) const {
  return ReadCount(r_, OrgKey('c', org_id), n);
}
Status MemberReader::OrgCount(std::string_view account_id, uint64_t* n) const {
  return ReadCount(r_, AccountCountKey(account_id), n);
}

Status MemberReader::ListInto(uint64_t org_id, const ListOptions& o, std::string* json,
                              size_t* count, std::string* next) const {
  *count = 0;
  next->clear();
  // Unfiltered, or by role, or by department (the other filter checked per entry).
  const bool by_role = !o.role.empty();
  const bool by_dept = !by_role && !o.department.empty();
  const std::string prefix = by_role   ? IndexPrefix('r', org_id, o.role)
                             : by_dept ? IndexPrefix('d', org_id, o.department)
                                       : OrgKey('m', org_id);
  auto it = r_.NewIterator(PrefixEnd(prefix));
  std::string start = prefix + o.after;
  if (!o.after.empty()) start.push_back('\0');  // just past the cursor
  std::string v, last;
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view account = it->key().substr(prefix.size());
    std::string_view stored;
    if (by_role || by_dept) {
      Status s = r_.Get(EntryKey(org_id, account), &v);
      if (s.IsNotFound()) return Status::Corruption("members model: index without entry");
      ORGD_RETURN_IF_ERROR(s);
      stored = v;
      if (by_role && !o.department.empty()) {
        std::string ignored;
        Status d = r_.Get(IndexKey('d', org_id, o.department, account), &ignored);
        if (d.IsNotFound()) continue;
        ORGD_RETURN_IF_ERROR(d);
      }
    } else {
      stored = it->value();
    }
    if (*count == o.limit) {
      *next = last;
      break;
    }
    if (stored.size() < 2 || HeadLength(stored) + 2 > stored.size()) {
      return Status::Corruption("members model: short entry");
    }
    if (*count) json->push_back(',');
    if (o.with_email) {
      json->append(stored.substr(2));
    } else {
      json->append(stored.substr(2, HeadLength(stored)));
      json->push_back('}');
    }
    ++*count;
    last.assign(account);
  }
  return it->status();
}

Status MemberReader::AccountOrgs(std::string_view account_id, uint64_t after_org, size_t limit,
                                 OrgsPage* out) const {
  out->entries.clear();
  out->next = 0;
  const std::string prefix = "a" + std::string(account_id);
  auto it = r_.NewIterator(PrefixEnd(prefix));
  uint64_t last = 0;
  for (it->Seek(after_org ? AccountOrgKey(account_id, after_org + 1) : prefix);
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != prefix.size() + 8) continue;
    if (out->entries.size() == limit) {
      out->next = last;
      break;
    }
    out->entries.emplace_back(it->value());
    last = DecodeBE64(it->key().substr(prefix.size()));
  }
  return it->status();
}

Status MemberReader::AccountsWithRole(uint64_t org_id, std::string_view role,
                                      std::vector<std::string>* out) const {
  const std::string prefix = IndexPrefix('r', org_id, role);
  return ScanPrefix(r_, prefix, [&](std::string_view key, std::string_view) {
    out->emplace_back(key.substr(prefix.size()));
    return Status::OK();
  });
}

Status MemberReader::ForEachMember(uint64_t org_id,
                                   const std::function<Status(const MemberRecord&)>& fn) const {
  return ScanPrefix(r_, OrgKey('m', org_id), [&](std::string_view, std::string_view v) {
    MemberRecord m;
    ORGD_RETURN_IF_ERROR(DecodeEntry(org_id, v, &m));
    if (!m.member) return Status::OK();
    return fn(m);
  });
}

}  // namespace orgd
