// Decisions about organizations: against state only (the stateless checks
// are in validate.cc and ran before the command was queued).
#include "src/commands/orgs/commands.h"
#include "src/events/org_events.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {
namespace {

// Finds the org a command addresses and checks If-Match against its version.
Status LoadForChange(const StateView& s, const CommandMeta& m, const std::string& ref,
                     OrgRecord* org) {
  ORGD_RETURN_IF_ERROR(OrgReader(s.model(OrgProjection::kName)).Find(ref, org));
  return CheckIfMatch(m, org->version, "org " + org->name);
}

CommandResult OrgResult(CommandResult::Kind kind, uint64_t id) {
  return CommandResult{kind, std::string(OrgProjection::kEntity), std::to_string(id), OrgStream(id), 0, 0, {}};
}

}  // namespace

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may create organizations");
  if (m.if_match) {
    return Status::PreconditionFailed("If-Match cannot hold for an org that does not exist yet",
                                      "version_mismatch");
  }
  OrgReader orgs(s.model(OrgProjection::kName));
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
  d.result = OrgResult(CommandResult::Kind::kCreated, e.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may change organizations");
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
  d.result = OrgResult(CommandResult::Kind::kChanged, org.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may delete organizations");
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, &org));
  OrgDeleted e{org.id, org.name};
  Decision d;
  d.events.push_back(MakeEvent(OrgStream(org.id), e));
  d.expected.push_back({OrgStream(org.id), org.version});
  d.result = OrgResult(CommandResult::Kind::kDeleted, org.id);
  return d;
}

}  // namespace orgd
