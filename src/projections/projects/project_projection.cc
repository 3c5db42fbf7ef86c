#include "src/projections/projects/project_projection.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <functional>

#include "common/time_util.h"
#include "src/events/account_events.h"
#include "src/events/org_events.h"
#include "src/events/project_events.h"
#include "storage/keys.h"

namespace orgd {
namespace {

using nlohmann::json;
using storage::EncodeBE64;

// A project's id is a UUID (CreateProject's Validate), so "c" keys split at it.
constexpr size_t kProjectIdLength = 36;

// ------------------------------------------------------------------ keys

std::string OrgKey(char tag, uint64_t org) {
  std::string k(1, tag);
  storage::AppendBE64(&k, org);
  return k;
}
std::string GroupKey(uint64_t org, std::string_view group) {
  return OrgKey('g', org).append(group);
}
std::string ProjectKey(uint64_t org, std::string_view project) {
  return OrgKey('p', org).append(project);
}
std::string OwnerPrefix(uint64_t org, std::string_view kind, std::string_view owner) {
  std::string k = OrgKey('o', org);
  k.append(kind).push_back('\0');
  k.append(owner).push_back('\0');
  return k;
}
std::string OwnerKey(const ProjectRecord& p) {
  return OwnerPrefix(p.org_id, p.owner_kind, p.owner_id).append(p.id);
}
std::string CollaboratorPrefix(uint64_t org, std::string_view project) {
  return OrgKey('c', org).append(project);
}
std::string CollaboratorKey(uint64_t org, std::string_view project, std::string_view account) {
  return CollaboratorPrefix(org, project).append(account);
}
std::string AccountKey(std::string_view account, uint64_t org, std::string_view project) {
  std::string k = "a" + std::string(account);
  storage::AppendBE64(&k, org);
  return k.append(project);
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

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string TextOr(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t TimeOr(const json& j, const char* key) {
  int64_t ms = 0;
  return ParseIsoMs(TextOr(j, key), &ms) ? ms : 0;
}

Status ParseStored(std::string_view v, std::string_view what, json* j) {
  *j = json::parse(v, nullptr, false);
  if (!j->is_object()) return Status::Corruption("projects model: bad " + std::string(what));
  return Status::OK();
}

Status DecodeGroup(uint64_t org, std::string_view v, GroupRecord* g) {
  json j;
  ORGD_RETURN_IF_ERROR(ParseStored(v, "group", &j));
  g->org_id = org;
  g->id = TextOr(j, "id");
  g->name = TextOr(j, "name");
  g->creator = TextOr(j, "creator");
  g->created_ms = TimeOr(j, "created_at");
  return Status::OK();
}

Status DecodeProject(uint64_t org, std::string_view v, ProjectRecord* p) {
  json j;
  ORGD_RETURN_IF_ERROR(ParseStored(v, "project", &j));
  p->org_id = org;
  p->id = TextOr(j, "id");
  p->name = TextOr(j, "name");
  p->description = TextOr(j, "description");
  auto owner = j.find("owner");
  if (owner == j.end() || !owner->is_object()) {
    return Status::Corruption("projects model: a project without an owner");
  }
  p->owner_kind = TextOr(*owner, "kind");
  p->owner_id = p->owner_kind == kOwnerOrg ? std::string() : TextOr(*owner, "id");
  p->created_by = TextOr(j, "created_by");
  p->created_ms = TimeOr(j, "created_at");
  return Status::OK();
}

Status DecodeCollaborator(uint64_t org, std::string_view v, CollaboratorRecord* c) {
  json j;
  ORGD_RETURN_IF_ERROR(ParseStored(v, "collaborator", &j));
  c->org_id = org;
  c->project_id = TextOr(j, "project_id");
  c->account_id = TextOr(j, "account_id");
  c->role = TextOr(j, "role");
  c->first_name = TextOr(j, "first_name");
  c->last_name = TextOr(j, "last_name");
  c->email = TextOr(j, "email");
  auto home = j.find("home_org_id");
  c->home_org_id = home != j.end() && home->is_number_unsigned() ? home->get<uint64_t>() : 0;
  c->added_ms = TimeOr(j, "added_at");
  c->set_by = TextOr(j, "set_by");
  return Status::OK();
}

// ------------------------------------------------------------------ folding

// The stored record under key into *out; *found says whether there was one.
template <typename R>
Status Load(const ModelReader& r, const std::string& key, uint64_t org,
            Status (*decode)(uint64_t, std::string_view, R*), R* out, bool* found) {
  std::string v;
  Status s = r.Get(key, &v);
  *found = s.ok();
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  return decode(org, v, out);
}

// The record an update or delete event names; Corruption when the model lacks it.
template <typename R>
Status LoadExisting(const ModelReader& r, const std::string& key, uint64_t org,
                    Status (*decode)(uint64_t, std::string_view, R*), std::string_view type,
                    std::string_view id, R* out) {
  bool found;
  ORGD_RETURN_IF_ERROR(Load(r, key, org, decode, out, &found));
  if (!found) {
    return Status::Corruption(std::string(type) + " for " + std::string(id) + ", unknown in org " +
                              std::to_string(org));
  }
  return Status::OK();
}

Status ApplyGroupCreated(const EventEnvelope& e, ModelWriter& w) {
  GroupCreated c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  const std::string key = GroupKey(c.org_id, c.group_id);
  std::string ignored;
  Status s = w.Get(key, &ignored);
  if (!s.ok() && !s.IsNotFound()) return s;
  if (s.IsNotFound()) ORGD_RETURN_IF_ERROR(AddCount(w, OrgKey('G', c.org_id), 1));
  w.Put(key, GroupJson(GroupRecord{c.org_id, c.group_id, c.name, c.created_by, e.timestamp_ms}));
  return Status::OK();
}

Status ApplyGroupUpdated(const EventEnvelope& e, ModelWriter& w) {
  GroupUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  const std::string key = GroupKey(u.org_id, u.group_id);
  GroupRecord g;
  ORGD_RETURN_IF_ERROR(
      LoadExisting(w, key, u.org_id, DecodeGroup, GroupUpdated::kType, u.group_id, &g));
  if (u.name) g.name = *u.name;
  w.Put(key, GroupJson(g));
  return Status::OK();
}

Status ApplyGroupDeleted(const EventEnvelope& e, ModelWriter& w) {
  GroupDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string key = GroupKey(d.org_id, d.group_id);
  std::string ignored;
  Status s = w.Get(key, &ignored);
  if (s.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(s);
  w.Delete(key);
  return AddCount(w, OrgKey('G', d.org_id), -1);
}

Status ApplyProjectCreated(const EventEnvelope& e, ModelWriter& w) {
  ProjectCreated c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  ProjectRecord p{c.org_id,     c.project_id, c.name,       c.description,
                  c.owner_kind, c.owner_id,   c.created_by, e.timestamp_ms};
  if (p.owner_kind == kOwnerOrg) p.owner_id.clear();
  const std::string key = ProjectKey(c.org_id, c.project_id);
  ProjectRecord before;
  bool found;
  ORGD_RETURN_IF_ERROR(Load(w, key, c.org_id, DecodeProject, &before, &found));
  if (found) {
    w.Delete(OwnerKey(before));
  } else {
    ORGD_RETURN_IF_ERROR(AddCount(w, OrgKey('P', c.org_id), 1));
  }
  w.Put(key, ProjectJson(p));
  w.Put(OwnerKey(p), "");
  return Status::OK();
}

Status ApplyProjectUpdated(const EventEnvelope& e, ModelWriter& w) {
  ProjectUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  const std::string key = ProjectKey(u.org_id, u.project_id);
  ProjectRecord p;
  ORGD_RETURN_IF_ERROR(
      LoadExisting(w, key, u.org_id, DecodeProject, ProjectUpdated::kType, u.project_id, &p));
  w.Delete(OwnerKey(p));
  if (u.name) p.name = *u.name;
  if (u.description) p.description = *u.description;
  if (u.owner_kind) {
    p.owner_kind = *u.owner_kind;
    p.owner_id = u.owner_id.value_or("");
  } else if (u.owner_id) {
    p.owner_id = *u.owner_id;
  }
  if (p.owner_kind == kOwnerOrg) p.owner_id.clear();
  w.Put(key, ProjectJson(p));
  w.Put(OwnerKey(p), "");
  return Status::OK();
}

// Drops every collaborator of the project, and each one's account index entry.
Status DropCollaborators(ModelWriter& w, uint64_t org, std::string_view project) {
  const std::string prefix = CollaboratorPrefix(org, project);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, prefix, &keys));
  for (const auto& k : keys) {
    w.Delete(AccountKey(std::string_view(k).substr(prefix.size()), org, project));
    w.Delete(k);
  }
  return Status::OK();
}

Status ApplyProjectDeleted(const EventEnvelope& e, ModelWriter& w) {
  ProjectDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string key = ProjectKey(d.org_id, d.project_id);
  ProjectRecord p;
  bool found;
  ORGD_RETURN_IF_ERROR(Load(w, key, d.org_id, DecodeProject, &p, &found));
  if (!found) return Status::OK();
  w.Delete(OwnerKey(p));
  w.Delete(key);
  ORGD_RETURN_IF_ERROR(AddCount(w, OrgKey('P', d.org_id), -1));
  return DropCollaborators(w, d.org_id, d.project_id);
}

Status ApplyCollaboratorSet(const EventEnvelope& e, ModelWriter& w) {
  ProjectCollaboratorSet c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  const std::string key = CollaboratorKey(c.org_id, c.project_id, c.account_id);
  CollaboratorRecord r;
  bool found;
  ORGD_RETURN_IF_ERROR(Load(w, key, c.org_id, DecodeCollaborator, &r, &found));
  if (!found) r.added_ms = e.timestamp_ms;  // a new role keeps when it joined
  r.org_id = c.org_id;
  r.project_id = c.project_id;
  r.account_id = c.account_id;
  r.role = c.role;
  r.first_name = c.first_name;
  r.last_name = c.last_name;
  r.email = c.email;
  r.home_org_id = c.home_org_id;
  r.set_by = c.set_by;
  w.Put(key, CollaboratorJson(r, true));
  w.Put(AccountKey(c.account_id, c.org_id, c.project_id), "");
  return Status::OK();
}

Status ApplyCollaboratorRemoved(const EventEnvelope& e, ModelWriter& w) {
  ProjectCollaboratorRemoved c;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &c));
  w.Delete(CollaboratorKey(c.org_id, c.project_id, c.account_id));
  w.Delete(AccountKey(c.account_id, c.org_id, c.project_id));
  return Status::OK();
}

// Calls fn(org, project) for each collaboration of the account, from its index.
Status ForEachCollaboration(const ModelReader& r, std::string_view account,
                            const std::function<Status(uint64_t, std::string_view)>& fn) {
  const std::string prefix = "a" + std::string(account);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(r, prefix, &keys));
  for (const auto& k : keys) {
    const std::string_view rest = std::string_view(k).substr(prefix.size());
    if (rest.size() < 8) return Status::Corruption("projects model: short account index key");
    ORGD_RETURN_IF_ERROR(fn(storage::DecodeBE64(rest), rest.substr(8)));
  }
  return Status::OK();
}

Status ApplyAccountUpdated(const EventEnvelope& e, ModelWriter& w) {
  AccountUpdated u;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &u));
  if (!u.first_name && !u.last_name && !u.email && !u.home_org_id) return Status::OK();
  return ForEachCollaboration(w, u.account_id, [&](uint64_t org, std::string_view project) {
    const std::string key = CollaboratorKey(org, project, u.account_id);
    CollaboratorRecord c;
    ORGD_RETURN_IF_ERROR(
        LoadExisting(w, key, org, DecodeCollaborator, AccountUpdated::kType, u.account_id, &c));
    if (u.first_name) c.first_name = *u.first_name;
    if (u.last_name) c.last_name = *u.last_name;
    if (u.email) c.email = *u.email;
    if (u.home_org_id) c.home_org_id = *u.home_org_id;
    w.Put(key, CollaboratorJson(c, true));
    return Status::OK();
  });
}

Status ApplyAccountDeleted(const EventEnvelope& e, ModelWriter& w) {
  AccountDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  return ForEachCollaboration(w, d.account_id, [&](uint64_t org, std::string_view project) {
    w.Delete(CollaboratorKey(org, project, d.account_id));
    w.Delete(AccountKey(d.account_id, org, project));
    return Status::OK();
  });
}

// Everything of the org goes, and each collaborator's index entry of it.
Status ApplyOrgDeleted(const EventEnvelope& e, ModelWriter& w) {
  OrgDeleted d;
  ORGD_RETURN_IF_ERROR(DecodeAs(e, &d));
  const std::string collaborators = OrgKey('c', d.id);
  std::vector<std::string> keys;
  ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, collaborators, &keys));
  for (const auto& k : keys) {
    const std::string_view rest = std::string_view(k).substr(collaborators.size());
    if (rest.size() < kProjectIdLength) {
      return Status::Corruption("projects model: short collaborator key");
    }
    w.Delete(AccountKey(rest.substr(kProjectIdLength), d.id, rest.substr(0, kProjectIdLength)));
    w.Delete(k);
  }
  for (char tag : {'g', 'p', 'o'}) {
    keys.clear();
    ORGD_RETURN_IF_ERROR(KeysWithPrefix(w, OrgKey(tag, d.id), &keys));
    for (const auto& k : keys) w.Delete(k);
  }
  for (char tag : {'G', 'P'}) w.Delete(OrgKey(tag, d.id));
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

// A page of records in key order under prefix, after the id `after`; each
// key's last part is the record's id, its record read by load.
template <typename T>
Status ListUnder(
    const ModelReader& r, const std::string& prefix, const ProjectReader::PageOptions& o,
    const std::function<Status(std::string_view key, std::string_view value, T*)>& load,
    ProjectReader::Page<T>* out) {
  out->items.clear();
  out->next.clear();
  auto it = r.NewIterator(PrefixEnd(prefix));
  std::string start = prefix + o.after;
  if (!o.after.empty()) start.push_back('\0');  // just past the cursor
  std::string last;
  for (it->Seek(start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (out->items.size() == o.limit) {
      out->next = last;
      break;
    }
    T item;
    ORGD_RETURN_IF_ERROR(load(it->key(), it->value(), &item));
    out->items.push_back(std::move(item));
    last.assign(it->key().substr(prefix.size()));
  }
  return it->status();
}

}  // namespace

bool IsOwnerKind(std::string_view kind) {
  return kind == kOwnerOrg || kind == kOwnerGroup || kind == kOwnerAccount;
}

bool IsCollaboratorRole(std::string_view role) {
  for (std::string_view r : kCollaboratorRoles) {
    if (r == role) return true;
  }
  return false;
}

std::string GroupJson(const GroupRecord& g) {
  return Dump(json{{"id", g.id},
                   {"name", g.name},
                   {"creator", g.creator},
                   {"created_at", FormatIsoMs(g.created_ms)}});
}

std::string ProjectJson(const ProjectRecord& p) {
  const std::string owner_id = p.owner_kind == kOwnerOrg ? std::to_string(p.org_id) : p.owner_id;
  return Dump(json{{"id", p.id},
                   {"name", p.name},
                   {"description", p.description},
                   {"owner", {{"kind", p.owner_kind}, {"id", owner_id}}},
                   {"created_by", p.created_by},
                   {"created_at", FormatIsoMs(p.created_ms)}});
}

std::string CollaboratorJson(const CollaboratorRecord& c, bool with_email) {
  json j{{"project_id", c.project_id},
         {"account_id", c.account_id},
         {"role", c.role},
         {"first_name", c.first_name},
         {"last_name", c.last_name}};
  if (with_email) j["email"] = c.email;
  j["home_org_id"] = c.home_org_id == 0 ? json(nullptr) : json(c.home_org_id);
  j["added_at"] = FormatIsoMs(c.added_ms);
  j["set_by"] = c.set_by;
  return Dump(j);
}

Status ProjectProjection::Apply(const EventEnvelope& e, ModelWriter& w) const {
  const std::string_view t = e.type;
  if (t == GroupCreated::kType) return ApplyGroupCreated(e, w);
  if (t == GroupUpdated::kType) return ApplyGroupUpdated(e, w);
  if (t == GroupDeleted::kType) return ApplyGroupDeleted(e, w);
  if (t == ProjectCreated::kType) return ApplyProjectCreated(e, w);
  if (t == ProjectUpdated::kType) return ApplyProjectUpdated(e, w);
  if (t == ProjectDeleted::kType) return ApplyProjectDeleted(e, w);
  if (t == ProjectCollaboratorSet::kType) return ApplyCollaboratorSet(e, w);
  if (t == ProjectCollaboratorRemoved::kType) return ApplyCollaboratorRemoved(e, w);
  if (t == AccountUpdated::kType) return ApplyAccountUpdated(e, w);
  if (t == AccountDeleted::kType) return ApplyAccountDeleted(e, w);
  if (t == OrgDeleted::kType) return ApplyOrgDeleted(e, w);
  return Status::OK();
}

Status ProjectProjection::Snapshot(std::string_view kind, std::string_view id, const ModelReader& r,
                                   std::string* out) const {
  uint64_t org = 0;
  std::string_view rest;
  if (!SplitId(id, &org, &rest)) return Status::NotFound("no snapshot");
  if (kind == kGroupEntity) return r.Get(GroupKey(org, rest), out);
  if (kind == kProjectEntity) return r.Get(ProjectKey(org, rest), out);
  if (kind == kCollaboratorEntity) {
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return Status::NotFound("no snapshot");
    return r.Get(CollaboratorKey(org, rest.substr(0, slash), rest.substr(slash + 1)), out);
  }
  return Status::NotFound("no snapshot");
}

// ------------------------------------------------------------------ reader

Status ProjectReader::FindGroup(uint64_t org_id, std::string_view group_id,
                                GroupRecord* out) const {
  bool found;
  ORGD_RETURN_IF_ERROR(Load(r_, GroupKey(org_id, group_id), org_id, DecodeGroup, out, &found));
  if (!found) return Status::NotFound("no group '" + std::string(group_id) + "'", "unknown_group");
  return Status::OK();
}

Status ProjectReader::FindProject(uint64_t org_id, std::string_view project_id,
                                  ProjectRecord* out) const {
  bool found;
  ORGD_RETURN_IF_ERROR(
      Load(r_, ProjectKey(org_id, project_id), org_id, DecodeProject, out, &found));
  if (!found) {
    return Status::NotFound("no project '" + std::string(project_id) + "'", "unknown_project");
  }
  return Status::OK();
}

Status ProjectReader::FindCollaborator(uint64_t org_id, std::string_view project_id,
                                       std::string_view account_id, CollaboratorRecord* out) const {
  bool found;
  ORGD_RETURN_IF_ERROR(Load(r_, CollaboratorKey(org_id, project_id, account_id), org_id,
                            DecodeCollaborator, out, &found));
  if (!found) {
    return Status::NotFound(
        std::string(account_id) + " does not collaborate on project " + std::string(project_id),
        "not_a_collaborator");
  }
  return Status::OK();
}

Status ProjectReader::GroupHasProjects(uint64_t org_id, std::string_view group_id,
                                       bool* any) const {
  const std::string prefix = OwnerPrefix(org_id, kOwnerGroup, group_id);
  auto it = r_.NewIterator(PrefixEnd(prefix));
  it->Seek(prefix);
  *any = it->Valid() && it->key().starts_with(prefix);
  return it->status();
}

Status ProjectReader::GroupCount(uint64_t org_id, uint64_t* n) const {
  return ReadBE64(r_, OrgKey('G', org_id), 0, n);
}

Status ProjectReader::ProjectCount(uint64_t org_id, uint64_t* n) const {
  return ReadBE64(r_, OrgKey('P', org_id), 0, n);
}

Status ProjectReader::ListGroups(uint64_t org_id, const PageOptions& o,
                                 Page<GroupRecord>* out) const {
  return ListUnder<GroupRecord>(
      r_, OrgKey('g', org_id), o,
      [&](std::string_view, std::string_view v, GroupRecord* g) {
        return DecodeGroup(org_id, v, g);
      },
      out);
}

Status ProjectReader::ListProjects(uint64_t org_id, const ProjectFilter& f, const PageOptions& o,
                                   Page<ProjectRecord>* out) const {
  if (f.owner_kind.empty()) {
    return ListUnder<ProjectRecord>(
        r_, OrgKey('p', org_id), o,
        [&](std::string_view, std::string_view v, ProjectRecord* p) {
          return DecodeProject(org_id, v, p);
        },
        out);
  }
  const std::string prefix =
      OwnerPrefix(org_id, f.owner_kind, f.owner_kind == kOwnerOrg ? "" : f.owner_id);
  std::string v;
  return ListUnder<ProjectRecord>(
      r_, prefix, o,
      [&](std::string_view key, std::string_view, ProjectRecord* p) {
        Status s = r_.Get(ProjectKey(org_id, key.substr(prefix.size())), &v);
        if (s.IsNotFound())
          return Status::Corruption("projects model: owner index without project");
        ORGD_RETURN_IF_ERROR(s);
        return DecodeProject(org_id, v, p);
      },
      out);
}

Status ProjectReader::ListCollaborators(uint64_t org_id, std::string_view project_id,
                                        const PageOptions& o, Page<CollaboratorRecord>* out) const {
  return ListUnder<CollaboratorRecord>(
      r_, CollaboratorPrefix(org_id, project_id), o,
      [&](std::string_view, std::string_view v, CollaboratorRecord* c) {
        return DecodeCollaborator(org_id, v, c);
      },
      out);
}

}  // namespace orgd
