// Decisions about organizations: against state only (the stateless checks
// are in validate.cc and ran before the command was queued).
#include <optional>
#include <string>

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

// One event E on the org's stream, expecting the version the org was read at.
template <typename E>
Decision OneEvent(const OrgRecord& org, const E& e, CommandResult::Kind kind) {
  Decision d;
  d.events.push_back(MakeEvent(OrgStream(org.id), e));
  d.expected.push_back({OrgStream(org.id), org.version});
  d.result = OrgResult(kind, org.id);
  return d;
}

// The result names the metadata entry ("<org id>/<key>"), whose snapshot the
// surface renders; the version is still the org stream's.
void MetadataResult(uint64_t org_id, const std::string& key, Decision* d) {
  d->result.entity = std::string(OrgProjection::kMetadataEntity);
  d->result.id = std::to_string(org_id) + "/" + key;
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
  if (!c.role.empty()) e.role = c.role;
  e.created_by = m.actor;
  // The attributes are recorded only when they differ from their defaults.
  auto quota = [](uint64_t v) { return v ? std::optional<uint64_t>(v) : std::nullopt; };
  e.max_members = quota(c.max_members);
  e.row_limit = quota(c.row_limit);
  e.storage_quota = quota(c.storage_quota);
  e.asset_quota_mb = quota(c.asset_quota_mb);
  if (c.subscription != "none") e.subscription = c.subscription;
  if (c.auto_join) e.auto_join = true;
  if (c.auto_join_role != "member") e.auto_join_role = c.auto_join_role;
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
  e.role = c.role;
  e.max_members = c.max_members;
  e.row_limit = c.row_limit;
  e.storage_quota = c.storage_quota;
  e.asset_quota_mb = c.asset_quota_mb;
  e.subscription = c.subscription;
  e.auto_join = c.auto_join;
  e.auto_join_role = c.auto_join_role;
  return OneEvent(org, e, CommandResult::Kind::kChanged);
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may delete organizations");
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, &org));
  if (org.subscription == "active") {
    return Status::Conflict("org " + org.name +
                                " has an active subscription: cancel it (PATCH subscription "
                                "\"cancelled\") before deleting the org",
                            "active_subscription");
  }
  return OneEvent(org, OrgDeleted{org.id, org.name}, CommandResult::Kind::kDeleted);
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetOrgUsage& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may report an org's usage");
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, &org));
  return OneEvent(org, OrgUsageSet{org.id, c.rows, c.storage, c.assets_mb},
                  CommandResult::Kind::kChanged);
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetOrgMetadata& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may change an org's metadata");
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, &org));
  OrgReader orgs(s.model(OrgProjection::kName));
  std::string old;
  Status found = orgs.Metadata(org.id, c.key, &old);
  if (!found.ok() && !found.IsNotFound()) return found;
  if (found.IsNotFound()) {
    size_t n = 0;
    ORGD_RETURN_IF_ERROR(orgs.MetadataCount(org.id, &n));
    if (n >= kMaxOrgMetadataKeys) {
      return Status::Conflict("org " + org.name + " already has " +
                                  std::to_string(kMaxOrgMetadataKeys) +
                                  " metadata keys: remove one first",
                              "metadata_limit");
    }
  }
  Decision d = OneEvent(org, OrgMetadataSet{org.id, c.key, c.value},
                        found.ok() ? CommandResult::Kind::kChanged : CommandResult::Kind::kCreated);
  MetadataResult(org.id, c.key, &d);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveOrgMetadata& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may change an org's metadata");
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, &org));
  std::string old;
  ORGD_RETURN_IF_ERROR(OrgReader(s.model(OrgProjection::kName)).Metadata(org.id, c.key, &old));
  Decision d = OneEvent(org, OrgMetadataRemoved{org.id, c.key}, CommandResult::Kind::kDeleted);
  MetadataResult(org.id, c.key, &d);
  return d;
}

}  // namespace orgd
