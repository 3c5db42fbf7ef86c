// Groups and projects of an org and the collaborators of a project:
// /api/v1/orgs/{org}/groups, /api/v1/orgs/{org}/projects and
// /api/v1/orgs/{org}/projects/{id}/collaborators.
//
// Who may is decided twice on purpose: each route's policy turns outsiders
// away early (404) and members lacking the capability (403), and the
// command's decision rules again against the writer's state
// (manage_projects). Reading takes view_projects.
#include <nlohmann/json.hpp>

#include "common/random.h"
#include "src/commands/projects/commands.h"
#include "src/http/native/json_body.h"
#include "src/http/native/native.h"
#include "src/queries/read_views.h"

namespace orgd::http {
namespace {

using nlohmann::json;

constexpr size_t kDefaultPage = 100;
constexpr size_t kMaxPage = 1000;

HttpResponse JsonReply(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

// The org in path parameter 0 and the caller's place in it (the route's
// policy already turned outsiders away).
Status CallerAccess(const Api& api, const Call& call, OrgAccess* out) {
  return api.views().FindOrgAccess(call.params[0], call.principal.account_id, out);
}

// ?limit=&after= of a list.
Status PageParams(std::string_view q, ProjectReader::PageOptions* o) {
  ORGD_RETURN_IF_ERROR(LimitParam(q, "limit", kDefaultPage, kMaxPage, &o->limit));
  ORGD_RETURN_IF_ERROR(TextParam(q, "after", &o->after));
  if (o->after.size() > 64) {
    return Status::InvalidArgument("after must be the 'next' of a previous page", "bad_cursor");
  }
  return Status::OK();
}

// {"<name>":[items...],"limit":n[,"total":t],"next":...}
template <typename T, typename Render>
std::string ListBody(std::string_view name, const ProjectReader::Page<T>& page, size_t limit,
                     const uint64_t* total, Render render) {
  std::string body = "{\"" + std::string(name) + "\":[";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i) body += ',';
    body += render(page.items[i]);
  }
  body += "],\"limit\":" + std::to_string(limit);
  if (total) body += ",\"total\":" + std::to_string(*total);
  body += ",\"next\":" + (page.next.empty() ? std::string("null") : json(page.next).dump()) + "}";
  return body;
}

// Only the keys in allowed (a comma-separated list, for the error) may appear.
Status OnlyFields(const json& j, std::initializer_list<std::string_view> keys,
                  std::string_view allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (std::string_view k : keys) known = known || it.key() == k;
    if (!known) return UnknownFieldError(it.key(), allowed);
  }
  return Status::OK();
}

// ------------------------------------------------------------------ groups

void CreateGroupRoute(Api& api, Call call) {
  json j;
  CreateGroup c;
  c.org = call.params[0];
  c.group_id = NewUuid();
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok()) s = OnlyFields(j, {"name"}, "name");
  if (s.ok() && !j.contains("name")) {
    s = Status::InvalidArgument("'name' is required", "missing_field");
  }
  if (s.ok()) s = ReadString("name", j["name"], &c.name);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void UpdateGroupRoute(Api& api, Call call) {
  json j;
  UpdateGroup c;
  c.org = call.params[0];
  c.group_id = call.params[1];
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok()) s = OnlyFields(j, {"name"}, "name");
  if (s.ok() && j.contains("name")) s = ReadString("name", j["name"], &c.name.emplace());
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteGroupRoute(Api& api, Call call) {
  DeleteGroup c{call.params[0], call.params[1]};
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// GET /orgs/{org}/groups?limit=&after=
void ListGroupsRoute(const Api& api, Call call) {
  OrgAccess access;
  ProjectReader::PageOptions o;
  Status s = PageParams(call.req.Query(), &o);
  if (s.ok()) s = CallerAccess(api, call, &access);
  ProjectReader::Page<GroupRecord> page;
  uint64_t total = 0;
  if (s.ok()) s = api.views().ListGroups(access.org.id, o, &page, &total);
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(ListBody("groups", page, o.limit, &total, GroupJson)));
}

void GetGroupRoute(const Api& api, Call call) {
  OrgAccess access;
  GroupRecord g;
  Status s = CallerAccess(api, call, &access);
  if (s.ok()) s = api.views().FindGroup(access.org.id, call.params[1], &g);
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(GroupJson(g)));
}

// ------------------------------------------------------------------ projects

// owner: {"kind": "org"|"group"|"account", "id"?: string (or an org's number)}
Status DecodeOwner(const json& v, OwnerRef* out) {
  if (!v.is_object()) return BadFieldError("owner", "an object {kind, id}");
  ORGD_RETURN_IF_ERROR(OnlyFields(v, {"kind", "id"}, "kind, id"));
  if (!v.contains("kind")) {
    return Status::InvalidArgument("owner.kind is required", "bad_owner");
  }
  ORGD_RETURN_IF_ERROR(ReadString("owner.kind", v["kind"], &out->kind));
  out->id.clear();
  if (v.contains("id")) {
    const json& id = v["id"];
    if (id.is_number_unsigned()) {
      out->id = std::to_string(id.get<uint64_t>());
    } else if (!id.is_null()) {
      ORGD_RETURN_IF_ERROR(ReadString("owner.id", id, &out->id));
    }
  }
  return Status::OK();
}

// The fields of a project body: name, description, owner.
Status DecodeProjectFields(const json& j, std::optional<std::string>* name,
                           std::optional<std::string>* description,
                           std::optional<OwnerRef>* owner) {
  ORGD_RETURN_IF_ERROR(OnlyFields(j, {"name", "description", "owner"}, "name, description, owner"));
  if (j.contains("name")) ORGD_RETURN_IF_ERROR(ReadString("name", j["name"], &name->emplace()));
  if (j.contains("description")) {
    ORGD_RETURN_IF_ERROR(
        ReadStringOrNull("description", j["description"], &description->emplace()));
  }
  if (j.contains("owner") && !j["owner"].is_null()) {
    ORGD_RETURN_IF_ERROR(DecodeOwner(j["owner"], &owner->emplace()));
  }
  return Status::OK();
}

void CreateProjectRoute(Api& api, Call call) {
  json j;
  CreateProject c;
  c.org = call.params[0];
  c.project_id = NewUuid();
  std::optional<std::string> name, description;
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok()) s = DecodeProjectFields(j, &name, &description, &c.owner);
  if (s.ok() && !name) s = Status::InvalidArgument("'name' is required", "missing_field");
  c.name = name.value_or("");
  c.description = description.value_or("");
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void UpdateProjectRoute(Api& api, Call call) {
  json j;
  UpdateProject c;
  c.org = call.params[0];
  c.project_id = call.params[1];
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok()) s = DecodeProjectFields(j, &c.name, &c.description, &c.owner);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteProjectRoute(Api& api, Call call) {
  DeleteProject c{call.params[0], call.params[1]};
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// ?owner_kind=&owner_id= of the project list; an account may be named by email.
Status OwnerFilter(const Api& api, std::string_view q, ProjectReader::ProjectFilter* f) {
  ORGD_RETURN_IF_ERROR(TextParam(q, "owner_kind", &f->owner_kind));
  ORGD_RETURN_IF_ERROR(TextParam(q, "owner_id", &f->owner_id));
  if (f->owner_kind.empty()) {
    if (f->owner_id.empty()) return Status::OK();
    return Status::InvalidArgument("owner_id needs owner_kind", "bad_owner");
  }
  if (!IsOwnerKind(f->owner_kind)) {
    return Status::InvalidArgument("owner_kind must be org, group or account", "bad_owner");
  }
  if (f->owner_kind != kOwnerOrg && f->owner_id.empty()) {
    return Status::InvalidArgument("owner_id is required with owner_kind " + f->owner_kind,
                                   "bad_owner");
  }
  if (f->owner_kind == kOwnerAccount) {
    AccountRecord a;
    Status found = api.views().FindAccount(f->owner_id, &a);
    if (found.ok()) f->owner_id = a.id;
    if (!found.ok() && !found.IsNotFound()) return found;
  }
  return Status::OK();
}

// GET /orgs/{org}/projects?owner_kind=&owner_id=&limit=&after=
void ListProjectsRoute(const Api& api, Call call) {
  const std::string_view q = call.req.Query();
  OrgAccess access;
  ProjectReader::PageOptions o;
  ProjectReader::ProjectFilter f;
  Status s = PageParams(q, &o);
  if (s.ok()) s = OwnerFilter(api, q, &f);
  if (s.ok()) s = CallerAccess(api, call, &access);
  ProjectReader::Page<ProjectRecord> page;
  uint64_t total = 0;
  if (s.ok()) s = api.views().ListProjects(access.org.id, f, o, &page, &total);
  if (!s.ok()) return call.Fail(s);
  // The count is of every project; a filtered page shows none.
  const uint64_t* shown_total = f.owner_kind.empty() ? &total : nullptr;
  call.reply(JsonReply(ListBody("projects", page, o.limit, shown_total, ProjectJson)));
}

void GetProjectRoute(const Api& api, Call call) {
  OrgAccess access;
  ProjectRecord p;
  Status s = CallerAccess(api, call, &access);
  if (s.ok()) s = api.views().FindProject(access.org.id, call.params[1], &p);
  if (!s.ok()) return call.Fail(s);
  call.reply(JsonReply(ProjectJson(p)));
}

// ------------------------------------------------------------------ collaborators

void PutCollaboratorRoute(Api& api, Call call) {
  json j;
  SetCollaborator c;
  c.org = call.params[0];
  c.project_id = call.params[1];
  c.account = call.params[2];
  Status s = ParseBodyObject(call.req.body, &j);
  if (s.ok()) s = OnlyFields(j, {"role"}, "role");
  if (s.ok() && !j.contains("role")) {
    s = Status::InvalidArgument("'role' is required: owner, editor or viewer", "missing_field");
  }
  if (s.ok()) s = ReadString("role", j["role"], &c.role);
  if (s.ok()) s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

void DeleteCollaboratorRoute(Api& api, Call call) {
  RemoveCollaborator c{call.params[0], call.params[1], call.params[2]};
  Status s = Validate(c);
  if (!s.ok()) return call.Fail(s);
  api.SubmitCommand(std::move(call), Command{{}, std::move(c)}, ResponseFor);
}

// GET /orgs/{org}/projects/{id}/collaborators?limit=&after=; emails with
// view_emails (and each caller's own).
void ListCollaboratorsRoute(const Api& api, Call call) {
  OrgAccess access;
  ProjectReader::PageOptions o;
  Status s = PageParams(call.req.Query(), &o);
  if (s.ok()) s = CallerAccess(api, call, &access);
  ProjectReader::Page<CollaboratorRecord> page;
  if (s.ok()) s = api.views().ListCollaborators(access.org.id, call.params[1], o, &page);
  if (!s.ok()) return call.Fail(s);
  const bool emails = call.principal.site_admin || access.Can(CapabilityBit("view_emails"));
  const std::string& self = call.principal.account_id;
  call.reply(
      JsonReply(ListBody("collaborators", page, o.limit, nullptr, [&](const CollaboratorRecord& c) {
        return CollaboratorJson(c, emails || (!self.empty() && c.account_id == self));
      })));
}

}  // namespace

void RegisterProjectRoutes(Api& api) {
  const Surface* native = &NativeSurface();
  using P = RoutePolicy;
  const std::string groups = "/api/v1/orgs/{org}/groups";
  const std::string projects = "/api/v1/orgs/{org}/projects";
  const std::string collaborators = projects + "/{id}/collaborators";
  const P view = P::OrgCapability("view_projects");
  const P manage = P::OrgCapability("manage_projects");
  api.Add(native, "POST", groups, manage, [&api](Call c) { CreateGroupRoute(api, std::move(c)); });
  api.Add(native, "GET", groups, view, [&api](Call c) { ListGroupsRoute(api, std::move(c)); });
  api.Add(native, "GET", groups + "/{id}", view,
          [&api](Call c) { GetGroupRoute(api, std::move(c)); });
  api.Add(native, "PATCH", groups + "/{id}", manage,
          [&api](Call c) { UpdateGroupRoute(api, std::move(c)); });
  api.Add(native, "DELETE", groups + "/{id}", manage,
          [&api](Call c) { DeleteGroupRoute(api, std::move(c)); });
  api.Add(native, "POST", projects, manage,
          [&api](Call c) { CreateProjectRoute(api, std::move(c)); });
  api.Add(native, "GET", projects, view, [&api](Call c) { ListProjectsRoute(api, std::move(c)); });
  api.Add(native, "GET", projects + "/{id}", view,
          [&api](Call c) { GetProjectRoute(api, std::move(c)); });
  api.Add(native, "PATCH", projects + "/{id}", manage,
          [&api](Call c) { UpdateProjectRoute(api, std::move(c)); });
  api.Add(native, "DELETE", projects + "/{id}", manage,
          [&api](Call c) { DeleteProjectRoute(api, std::move(c)); });
  api.Add(native, "GET", collaborators, view,
          [&api](Call c) { ListCollaboratorsRoute(api, std::move(c)); });
  api.Add(native, "PUT", collaborators + "/{account}", manage,
          [&api](Call c) { PutCollaboratorRoute(api, std::move(c)); });
  api.Add(native, "DELETE", collaborators + "/{account}", manage,
          [&api](Call c) { DeleteCollaboratorRoute(api, std::move(c)); });
}

}  // namespace orgd::http
