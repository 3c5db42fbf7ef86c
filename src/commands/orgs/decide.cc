// Decisions about organizations: against state only (the stateless checks
// are in validate.cc and ran before the command was queued).
#include <optional>
#include <string>

#include "src/commands/members/standing.h"
#include "src/commands/orgs/commands.h"
#include "src/events/org_events.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {
namespace {

// Finds the org a command addresses, checks that the caller holds the
// capability there (site admins hold all; outsiders learn nothing: NotFound)
// and checks If-Match against its version.
Status LoadForChange(const StateView& s, const CommandMeta& m, const std::string& ref,
                     std::string_view capability, std::string_view what, OrgRecord* org) {
  Standing who;
  ORGD_RETURN_IF_ERROR(LoadStanding(s, m, ref, &who));
  ORGD_RETURN_IF_ERROR(Require(who, capability, what));
  *org = std::move(who.org);
  return CheckIfMatch(m, org->version, "org " + org->name);
}

// Plan, quotas and subscription are the operator's (billing), not the org's.
Status CheckOperatorFields(const CommandMeta& m, const UpdateOrg& c) {
  if (m.site_admin || m.actor == "system") return Status::OK();
  if (c.role || c.max_members || c.row_limit || c.storage_quota || c.asset_quota_mb ||
      c.subscription) {
    return Status::Forbidden("an org's plan, quotas and subscription are set by site admins",
                             "site_admin_only");
  }
  return Status::OK();
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

Status DecideNewOrg(const StateView& s, const CommandMeta& m, const CreateOrg& c, Decision* d,
                    OrgRecord* created) {
  if (m.if_match) {
    return Status::PreconditionFailed("If-Match cannot hold for an org that does not exist yet",
                                      "version_mismatch");
  }
  OrgReader orgs(s.model(OrgProjection::kName));
  std::string name = c.derive_name ? SlugOfTitle(c.title) : c.name;
  bool taken;
  ORGD_RETURN_IF_ERROR(orgs.NameTaken(name, &taken));
  if (taken && !c.derive_name) {
    return Status::Conflict("name '" + name + "' is already taken", "name_taken");
  }
  // A derived name takes the first free suffix: one read per org that holds
  // the slug already.
  const std::string slug = name;
  for (uint64_t n = 2; taken; ++n) {
    name = slug + "-" + std::to_string(n);
    ORGD_RETURN_IF_ERROR(orgs.NameTaken(name, &taken));
  }
  OrgCreated e;
  ORGD_RETURN_IF_ERROR(orgs.NextId(&e.id));
  e.uuid = c.uuid;
  e.name = name;
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
  d->events.push_back(MakeEvent(OrgStream(e.id), e));
  d->expected.push_back({OrgStream(e.id), 0});
  d->result = OrgResult(CommandResult::Kind::kCreated, e.id);
  *created = OrgRecord{};
  created->id = e.id;
  created->uuid = e.uuid;
  created->name = e.name;
  created->title = e.title;
  created->role = e.role;
  created->max_members = c.max_members;
  created->subscription = c.subscription;
  created->created_by = e.created_by;
  return Status::OK();
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrg& c) {
  if (!m.site_admin) return Status::Forbidden("only site admins may create organizations");
  Decision d;
  OrgRecord created;
  ORGD_RETURN_IF_ERROR(DecideNewOrg(s, m, c, &d, &created));
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateOrg& c) {
  ORGD_RETURN_IF_ERROR(CheckOperatorFields(m, c));
  const bool org_fields = c.title || c.description || c.email_address || c.link;
  const bool join_fields = c.auto_join || c.auto_join_role;
  OrgRecord org;
  if (join_fields) {
    ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, "manage_domains", "set auto-join", &org));
  }
  if (org_fields || !join_fields) {
    ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, "manage_org", "change the org", &org));
  }
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
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, "delete_org", "delete the org", &org));
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
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, "manage_org", "report usage", &org));
  return OneEvent(org, OrgUsageSet{org.id, c.rows, c.storage, c.assets_mb},
                  CommandResult::Kind::kChanged);
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetOrgMetadata& c) {
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, "manage_org", "change its metadata", &org));
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
  OrgRecord org;
  ORGD_RETURN_IF_ERROR(LoadForChange(s, m, c.org, "manage_org", "change its metadata", &org));
  std::string old;
  ORGD_RETURN_IF_ERROR(OrgReader(s.model(OrgProjection::kName)).Metadata(org.id, c.key, &old));
  Decision d = OneEvent(org, OrgMetadataRemoved{org.id, c.key}, CommandResult::Kind::kDeleted);
  MetadataResult(org.id, c.key, &d);
  return d;
}

}  // namespace orgd
