#include "src/queries/read_views.h"

#include <algorithm>

namespace orgd {

ReadViews::ReadViews(const ModelStore* models, const EventLog* log)
    : models_(models),
      log_(log),
      orgs_(models->FindModel(ColumnFamilyName(OrgProjection::kName))),
      credentials_(models->FindModel(ColumnFamilyName(CredentialProjection::kName))),
      accounts_(models->FindModel(ColumnFamilyName(AccountProjection::kName))),
      members_(models->FindModel(ColumnFamilyName(MemberProjection::kName))),
      orgs_now_(models->ReadModel(orgs_)),
      credentials_now_(models->ReadModel(credentials_)),
      accounts_now_(models->ReadModel(accounts_)),
      members_now_(models->ReadModel(members_)) {}

Status ReadViews::FindOrgAccess(std::string_view org_ref, std::string_view account_id,
                                OrgAccess* out) const {
  Status found = OrgReader(*orgs_now_).Find(org_ref, &out->org);
  if (found.IsNotFound()) {
    return Status::NotFound("no org '" + std::string(org_ref) + "'", "unknown_org");
  }
  ORGD_RETURN_IF_ERROR(found);
  out->member = out->listed = false;
  if (account_id.empty()) return Status::OK();
  MemberReader members(*members_now_);
  Status listed = members.Find(out->org.id, account_id, &out->entry);
  if (listed.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(listed);
  out->listed = true;
  if (!out->entry.member) return Status::OK();
  ORGD_RETURN_IF_ERROR(members.FindRole(out->org.id, out->entry.role, &out->role));
  out->member = true;
  return Status::OK();
}

Status ReadViews::FindRole(uint64_t org_id, std::string_view name, RoleDef* out) const {
  return MemberReader(*members_now_).FindRole(org_id, name, out);
}
Status ReadViews::ListCustomRoles(uint64_t org_id, std::vector<RoleDef>* out) const {
  return MemberReader(*members_now_).CustomRoles(org_id, out);
}
Status ReadViews::FindDepartment(uint64_t org_id, std::string_view name,
                                 DepartmentRecord* out) const {
  return MemberReader(*members_now_).FindDepartment(org_id, name, out);
}
Status ReadViews::ListDepartments(uint64_t org_id, std::vector<DepartmentRecord>* out) const {
  return MemberReader(*members_now_).Departments(org_id, out);
}
Status ReadViews::FindMember(uint64_t org_id, std::string_view account_id,
                             MemberRecord* out) const {
  return MemberReader(*members_now_).Find(org_id, account_id, out);
}
Status ReadViews::ListMembersInto(uint64_t org_id, const MemberReader::ListOptions& o,
                                  std::string* json, size_t* count, std::string* next,
                                  uint64_t* total) const {
  auto snapshot = models_->ReadModel(members_, /*snapshot=*/true);
  MemberReader members(*snapshot);
  ORGD_RETURN_IF_ERROR(members.ListInto(org_id, o, json, count, next));
  return members.EntryCount(org_id, total);
}

Status ReadViews::MemberCapabilities(std::string_view org_ref, std::string_view account_id,
                                     uint64_t* org_id, bool* member,
                                     CapabilitySet* capabilities) const {
  ORGD_RETURN_IF_ERROR(OrgReader(*orgs_now_).IdOf(org_ref, org_id));
  return MemberReader(*members_now_).CapabilitiesOf(*org_id, account_id, member, capabilities);
}

Status ReadViews::AccountsWithRoles(uint64_t org_id, const std::vector<std::string_view>& roles,
                                    std::vector<std::string>* out) const {
  MemberReader members(*members_now_);  // no snapshot: each role's list is one scan
  for (std::string_view role : roles) {
    ORGD_RETURN_IF_ERROR(members.AccountsWithRole(org_id, role, out));
  }
  std::sort(out->begin(), out->end());
  return Status::OK();
}

Status ReadViews::ForEachMember(uint64_t org_id,
                                const std::function<Status(const MemberRecord&)>& fn) const {
  auto snapshot = models_->ReadModel(members_, /*snapshot=*/true);
  return MemberReader(*snapshot).ForEachMember(org_id, fn);
}

Status ReadViews::CountMembers(uint64_t org_id, uint64_t* n) const {
  return MemberReader(*members_now_).MemberCount(org_id, n);
}
Status ReadViews::ListAccountOrgs(std::string_view account_id, uint64_t after_org, size_t limit,
                                  MemberReader::OrgsPage* out, uint64_t* total) const {
  auto snapshot = models_->ReadModel(members_, /*snapshot=*/true);
  MemberReader members(*snapshot);
  ORGD_RETURN_IF_ERROR(members.AccountOrgs(account_id, after_org, limit, out));
  return members.OrgCount(account_id, total);
}

Status ReadViews::ListInbox(std::string_view account_id, const InboxReader::ListOptions& o,
                            InboxReader::Page* out, uint64_t* unread) const {
  auto snapshot =
      models_->ReadModel(models_->FindModel(ColumnFamilyName(InboxProjection::kName)), true);
  InboxReader inbox(*snapshot);
  ORGD_RETURN_IF_ERROR(inbox.List(account_id, o, out));
  return inbox.UnreadCount(account_id, unread);
}

Status ReadViews::FindOrg(std::string_view id_or_name, OrgRecord* out) const {
  return OrgReader(*orgs_now_).Find(id_or_name, out);
}

Status ReadViews::FindOrgDoc(std::string_view id_or_name, OrgDoc* out) const {
  return OrgReader(*orgs_now_).FindJson(id_or_name, &out->version, &out->json);
}

Status ReadViews::ListOrgs(uint64_t after, size_t skip, size_t limit, OrgPage* out) const {
  auto snapshot = models_->ReadModel(orgs_, /*snapshot=*/true);
  OrgReader orgs(*snapshot);
  OrgReader::Page page;
  ORGD_RETURN_IF_ERROR(orgs.List(after, skip, limit, &page));
  ORGD_RETURN_IF_ERROR(orgs.Count(&out->total));
  out->orgs = std::move(page.orgs);
  out->next_after = page.next_after;
  return Status::OK();
}

Status ReadViews::FindOrgMetadata(std::string_view org, std::string_view key,
                                  std::string* value) const {
  auto snapshot = models_->ReadModel(orgs_, /*snapshot=*/true);
  OrgReader orgs(*snapshot);
  OrgRecord record;
  ORGD_RETURN_IF_ERROR(orgs.Find(org, &record));
  return orgs.Metadata(record.id, key, value);
}

Status ReadViews::ListOrgMetadata(std::string_view org,
                                  std::vector<std::pair<std::string, std::string>>* out) const {
  auto snapshot = models_->ReadModel(orgs_, /*snapshot=*/true);
  OrgReader orgs(*snapshot);
  OrgRecord record;
  ORGD_RETURN_IF_ERROR(orgs.Find(org, &record));
  return orgs.ListMetadata(record.id, out);
}

Status ReadViews::FindCredential(std::string_view sha256_hex, Credential* out) const {
  return CredentialReader(*credentials_now_).FindBySha256(sha256_hex, out);
}

Status ReadViews::CountCredentials(uint64_t* n) const {
  return CredentialReader(*credentials_now_).Count(n);
}

Status ReadViews::FindCredentialById(std::string_view key_id, Credential* out) const {
  return CredentialReader(*credentials_now_).FindById(key_id, out);
}

Status ReadViews::ListAccountKeys(std::string_view account_id, std::vector<KeyInfo>* out) const {
  auto r = models_->ReadModel(credentials_, /*snapshot=*/true);
  CredentialReader keys(*r);
  std::vector<Credential> found;
  ORGD_RETURN_IF_ERROR(keys.ListForAccount(account_id, kKindApiKey, &found));
  for (auto& k : found) {
    KeyInfo info;
    ORGD_RETURN_IF_ERROR(keys.LastUsed(k.key_id, &info.last_used_ms));
    info.key = std::move(k);
    out->push_back(std::move(info));
  }
  return Status::OK();
}

Status ReadViews::FindPasswordHash(std::string_view account_id, std::string* hash) const {
  return CredentialReader(*credentials_now_).PasswordHash(account_id, hash);
}

Status ReadViews::FindAccount(std::string_view ref, AccountRecord* out) const {
  return AccountReader(*accounts_now_).Find(ref, out);
}

Status ReadViews::FindAccounts(const std::vector<std::string>& ids,
                               std::vector<AccountRecord>* out) const {
  AccountReader accounts(*accounts_now_);
  for (const auto& id : ids) {
    AccountRecord a;
    Status s = accounts.FindById(id, &a);
    if (s.IsNotFound()) continue;
    ORGD_RETURN_IF_ERROR(s);
    out->push_back(std::move(a));
  }
  return Status::OK();
}

Status ReadViews::CountAccounts(uint64_t* n) const {
  return AccountReader(*accounts_now_).Count(n);
}

Status ReadViews::ForEachAccount(const std::function<Status(const AccountRecord&)>& fn) const {
  return AccountReader(*models_->ReadModel(accounts_, /*snapshot=*/true)).ForEach(fn);
}

// The projects model is read through a snapshot for every call, so a page
// and its total (or a project and its collaborators) agree.
namespace {
std::unique_ptr<ModelReader> ProjectsSnapshot(const ModelStore* models) {
  return models->ReadModel(models->FindModel(ColumnFamilyName(ProjectProjection::kName)),
                           /*snapshot=*/true);
}
}  // namespace

Status ReadViews::FindGroup(uint64_t org_id, std::string_view group_id, GroupRecord* out) const {
  return ProjectReader(*ProjectsSnapshot(models_)).FindGroup(org_id, group_id, out);
}
Status ReadViews::ListGroups(uint64_t org_id, const ProjectReader::PageOptions& o,
                             ProjectReader::Page<GroupRecord>* out, uint64_t* total) const {
  auto snapshot = ProjectsSnapshot(models_);
  ProjectReader projects(*snapshot);
  ORGD_RETURN_IF_ERROR(projects.ListGroups(org_id, o, out));
  return projects.GroupCount(org_id, total);
}
Status ReadViews::FindProject(uint64_t org_id, std::string_view project_id,
                              ProjectRecord* out) const {
  return ProjectReader(*ProjectsSnapshot(models_)).FindProject(org_id, project_id, out);
}
Status ReadViews::ListProjects(uint64_t org_id, const ProjectReader::ProjectFilter& f,
                               const ProjectReader::PageOptions& o,
                               ProjectReader::Page<ProjectRecord>* out, uint64_t* total) const {
  auto snapshot = ProjectsSnapshot(models_);
  ProjectReader projects(*snapshot);
  ORGD_RETURN_IF_ERROR(projects.ListProjects(org_id, f, o, out));
  return projects.ProjectCount(org_id, total);
}
Status ReadViews::ListCollaborators(uint64_t org_id, std::string_view project_id,
                                    const ProjectReader::PageOptions& o,
                                    ProjectReader::Page<CollaboratorRecord>* out) const {
  auto snapshot = ProjectsSnapshot(models_);
  ProjectReader projects(*snapshot);
  ProjectRecord p;
  ORGD_RETURN_IF_ERROR(projects.FindProject(org_id, project_id, &p));
  return projects.ListCollaborators(org_id, project_id, o, out);
}

namespace {
std::unique_ptr<ModelReader> SnapshotOf(const ModelStore* models, std::string_view projection) {
  return models->ReadModel(models->FindModel(ColumnFamilyName(projection)), /*snapshot=*/true);
}
}  // namespace

Status ReadViews::FindInvitation(uint64_t id, InvitationRecord* out) const {
  return InvitationReader(*SnapshotOf(models_, InvitationProjection::kName)).Find(id, out);
}
Status ReadViews::FindInvitationByToken(std::string_view token_sha256,
                                        InvitationRecord* out) const {
  return InvitationReader(*SnapshotOf(models_, InvitationProjection::kName))
      .FindByToken(token_sha256, out);
}
Status ReadViews::ListInvitations(uint64_t org_id, const InvitationReader::ListOptions& o,
                                  InvitationReader::Page* out) const {
  return InvitationReader(*SnapshotOf(models_, InvitationProjection::kName)).List(org_id, o, out);
}
Status ReadViews::ListDomains(uint64_t org_id, std::string_view after, size_t limit,
                              DomainReader::Page* out) const {
  return DomainReader(*SnapshotOf(models_, DomainProjection::kName)).List(org_id, after, limit, out);
}
Status ReadViews::ResolveDomain(std::string_view host, DomainMatch* out) const {
  return DomainReader(*SnapshotOf(models_, DomainProjection::kName)).Resolve(host, out);
}

}  // namespace orgd
