// Decisions about organizations.
#include "src/commands/core/decision.h"
#include "common/random.h"
#include "src/events/event_types.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {
namespace {

constexpr size_t kMaxTitle = 254;
constexpr size_t kMaxDescription = 4000;
constexpr size_t kMaxLink = 254;

Status ValidateOrgFields(const std::string* title, const std::string* description,
                         const std::string* email, const std::string* link) {
  if (title) ORGD_RETURN_IF_ERROR(ValidateText("title", *title, kMaxTitle));
  if (description) {
    ORGD_RETURN_IF_ERROR(ValidateText("description", *description, kMaxDescription, true));
  }
  if (email) ORGD_RETURN_IF_ERROR(ValidateEmail("email_address", *email));
  if (link) ORGD_RETURN_IF_ERROR(ValidateText("link", *link, kMaxLink));
  return Status::OK();
}

// Finds the org a command addresses and checks If-Match against its version.
Status LoadForChange(const StateView& s, const CommandMeta& m, const std::string& ref,
                     OrgRecord* org) {
  ORGD_RETURN_IF_ERROR(OrgReader(s.model("orgs")).Find(ref, org));
  if (m.if_match && *m.if_match != org->version) {
    return Status::PreconditionFailed("org " + org->name + " is at version " +
                                          std::to_string(org->version) + ", If-Match expected " +
                                          std::to_string(*m.if_match),
                                      "version_mismatch")
        .WithCurrentVersion(org->version);
  }
  return Status::OK();
}

}  // namespace

Result<Decision> DecideCreateOrg(const StateView& s, const CommandMeta& m, const CreateOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may create organizations");
  ORGD_RETURN_IF_ERROR(ValidateOrgName(c.name));
  ORGD_RETURN_IF_ERROR(ValidateOrgFields(&c.title, &c.description, &c.email_address, &c.link));
  if (!IsUuid(c.uuid)) return Status::Internal("CreateOrg without a uuid");
  if (m.if_match) {
    return Status::PreconditionFailed("If-Match cannot hold for an org that does not exist yet",
                                      "version_mismatch");
  }
  OrgReader orgs(s.model("orgs"));
  bool taken;
  ORGD_RETURN_IF_ERROR(orgs.NameTaken(c.name, &taken));
  if (taken) return Status::Conflict("name '" + c.name + "' is already taken", "name_taken");
  OrgCreated e;
  ORGD_RETURN_IF_ERROR(orgs.NextId(&e.id));
  e.uuid = c.uuid;
  e.name = c.name;
  e.title = c.title;
  e.description = c.description;
  e.email_address = c.email_address;
  e.link = c.link;
  e.created_by = m.actor;
  Decision d;
  d.events.push_back(MakeEvent(OrgStream(e.id), e));
  d.expected.push_back({OrgStream(e.id), 0});
  d.status = 201;
  d.show = Decision::Show::kOrg;
  d.org_id = e.id;
  d.version_of = OrgStream(e.id);
  return d;
}

Result<Decision> DecideUpdateOrg(const StateView& s, const CommandMeta& m, const UpdateOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may change organizations");
  if (!c.title && !c.description && !c.email_address && !c.link) {
    return Status::InvalidArgument(
        "nothing to change: give at least one of title, description, email_address, link",
        "empty_update");
  }
  ORGD_RETURN_IF_ERROR(ValidateOrgFields(c.title ? &*c.title : nullptr,
                                         c.description ? &*c.description : nullptr,
                                         c.email_address ? &*c.email_address : nullptr,
                                         c.link ? &*c.link : nullptr));
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, &org));
  OrgUpdated e;
  e.id = org.id;
  e.title = c.title;
  e.description = c.description;
  e.email_address = c.email_address;
  e.link = c.link;
  Decision d;
  d.events.push_back(MakeEvent(OrgStream(org.id), e));
  d.expected.push_back({OrgStream(org.id), org.version});
  d.show = Decision::Show::kOrg;
  d.org_id = org.id;
  d.version_of = OrgStream(org.id);
  return d;
}

Result<Decision> DecideDeleteOrg(const StateView& s, const CommandMeta& m, const DeleteOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may delete organizations");
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, &org));
  OrgDeleted e{org.id, org.name};
  Decision d;
  d.events.push_back(MakeEvent(OrgStream(org.id), e));
  d.expected.push_back({OrgStream(org.id), org.version});
  d.status = 204;
  d.version_of = OrgStream(org.id);
  return d;
}

}  // namespace orgd
