// ReadViews: the typed read side of orgd, shared by every surface (native
// API, compat adapters, tools). Reads the committed read models; no JSON
// rendering here (the org model keeps the native rendering of each org, which
// OrgDoc hands through as is for the surfaces that speak it).
//
// Thread safety: a ReadViews is immutable after construction and safe from
// any number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "src/projections/accounts/account_projection.h"
#include "src/projections/credentials/credential_projection.h"
#include "src/projections/domains/domain_projection.h"
#include "src/projections/invitations/invitation_projection.h"
#include "src/projections/inbox/inbox_projection.h"
#include "src/projections/members/member_projection.h"
#include "src/projections/orgs/org_projection.h"
#include "src/projections/projects/project_projection.h"
#include "storage/kv/model_store.h"
#include "storage/log/event_log.h"

namespace orgd {

// An org as the model stores it: its version and its native JSON.
struct OrgDoc {
  uint64_t version = 0;
  std::string json;
};

struct OrgPage {
  std::vector<std::string> orgs;  // native JSON, ascending id
  uint64_t total = 0;             // live orgs, read at the same moment as the page
  uint64_t next_after = 0;        // the cursor of the next page; 0 at the end
};

// A caller's place in an org, as the members model says.
struct OrgAccess {
  OrgRecord org;
  bool member = false;  // listed as a member (not only as a collaborator)
  MemberRecord entry;   // when listed at all
  bool listed = false;
  RoleDef role;         // when member
  bool Can(CapabilitySet c) const { return member && c != 0 && (role.capabilities & c) == c; }
};

class ReadViews {
 public:
  // "*models" and "*log" must outlive the views.
  ReadViews(const ModelStore* models, const EventLog* log);

  // id_or_name: all digits is an id, anything else a name. NotFound if absent.
  Status FindOrg(std::string_view id_or_name, OrgRecord* out) const;
  Status FindOrgDoc(std::string_view id_or_name, OrgDoc* out) const;
  // Up to limit orgs with id > after (a cursor), skipping the first skip of
  // them (offset pages, bounded by the caller), with the total from the same
  // snapshot.
  Status ListOrgs(uint64_t after, size_t skip, size_t limit, OrgPage* out) const;
  // The value of the org's metadata key: NotFound for an unknown org, or
  // "unknown_metadata_key".
  Status FindOrgMetadata(std::string_view org, std::string_view key, std::string* value) const;
  // Every metadata entry of the org, in key order, read at one moment.
  Status ListOrgMetadata(std::string_view org,
                         std::vector<std::pair<std::string, std::string>>* out) const;

  // The live credential whose secret hashes to sha256_hex. NotFound when none.
  Status FindCredential(std::string_view sha256_hex, Credential* out) const;
  Status FindCredentialById(std::string_view key_id, Credential* out) const;
  Status CountCredentials(uint64_t* n) const;
  // An account's live API keys, with when each was last used.
  struct KeyInfo {
    Credential key;
    int64_t last_used_ms = 0;
  };
  Status ListAccountKeys(std::string_view account_id, std::vector<KeyInfo>* out) const;
  // The account's password hash; NotFound "no_password" when it has none.
  Status FindPasswordHash(std::string_view account_id, std::string* hash) const;

  // ref: a UUID or an email (any case). NotFound when no live account has it.
  Status FindAccount(std::string_view ref, AccountRecord* out) const;
  // Each live account of ids, in that order; absent or deleted ones are left out.
  Status FindAccounts(const std::vector<std::string>& ids, std::vector<AccountRecord>* out) const;
  Status CountAccounts(uint64_t* n) const;
  // Every live account, in id order (the search index's cold start).
  Status ForEachAccount(const std::function<Status(const AccountRecord&)>& fn) const;

  // The org and account_id's place in it (account_id empty: none).
  // NotFound "unknown_org" when there is no such org.
  Status FindOrgAccess(std::string_view org_ref, std::string_view account_id,
                       OrgAccess* out) const;
  // A role of the org (built-in or its own), the org's own roles, its departments.
  Status FindRole(uint64_t org_id, std::string_view name, RoleDef* out) const;
  Status ListCustomRoles(uint64_t org_id, std::vector<RoleDef>* out) const;
  Status FindDepartment(uint64_t org_id, std::string_view name, DepartmentRecord* out) const;
  Status ListDepartments(uint64_t org_id, std::vector<DepartmentRecord>* out) const;
  Status FindMember(uint64_t org_id, std::string_view account_id, MemberRecord* out) const;
  // A page of the org's member list appended to *json (comma-separated
  // entries), with the number of entries from the same snapshot.
  Status ListMembersInto(uint64_t org_id, const MemberReader::ListOptions& o, std::string* json,
                         size_t* count, std::string* next, uint64_t* total) const;
  // What account_id (a UUID) may do in the org, reading neither the org's
  // record nor the account's: NotFound "unknown_org" for no such org.
  Status MemberCapabilities(std::string_view org_ref, std::string_view account_id,
                            uint64_t* org_id, bool* member, CapabilitySet* capabilities) const;
  Status CountMembers(uint64_t org_id, uint64_t* n) const;
  // The ids of the org's members with any of roles, in account-id order
  // (each role's list read at its own moment).
  Status AccountsWithRoles(uint64_t org_id, const std::vector<std::string_view>& roles,
                           std::vector<std::string>* out) const;
  // Calls fn for every member (not the external collaborators) of the org,
  // in account-id order, from one snapshot.
  Status ForEachMember(uint64_t org_id,
                       const std::function<Status(const MemberRecord&)>& fn) const;
  // A page of the orgs an account is listed in, with their number.
  Status ListAccountOrgs(std::string_view account_id, uint64_t after_org, size_t limit,
                         MemberReader::OrgsPage* out, uint64_t* total) const;

  // The org's groups and projects and a project's collaborators (the
  // projects model); a page and its total are read at one moment.
  Status FindGroup(uint64_t org_id, std::string_view group_id, GroupRecord* out) const;
  Status ListGroups(uint64_t org_id, const ProjectReader::PageOptions& o,
                    ProjectReader::Page<GroupRecord>* out, uint64_t* total) const;
  Status FindProject(uint64_t org_id, std::string_view project_id, ProjectRecord* out) const;
  Status ListProjects(uint64_t org_id, const ProjectReader::ProjectFilter& f,
                      const ProjectReader::PageOptions& o, ProjectReader::Page<ProjectRecord>* out,
                      uint64_t* total) const;
  // The project (NotFound "unknown_project") and a page of its collaborators.
  Status ListCollaborators(uint64_t org_id, std::string_view project_id,
                           const ProjectReader::PageOptions& o,
                           ProjectReader::Page<CollaboratorRecord>* out) const;

  // A page of the account's inbox (received, unread or sent), newest first,
  // with its unread count from the same snapshot.
  Status ListInbox(std::string_view account_id, const InboxReader::ListOptions& o,
                   InboxReader::Page* out, uint64_t* unread) const;

  // Invitations (the invitations model): by id, by the SHA-256 of the token
  // (NotFound "unknown_invitation"), and a page of an org's.
  Status FindInvitation(uint64_t id, InvitationRecord* out) const;
  Status FindInvitationByToken(std::string_view token_sha256, InvitationRecord* out) const;
  Status ListInvitations(uint64_t org_id, const InvitationReader::ListOptions& o,
                         InvitationReader::Page* out) const;
  // Domains (the domains model): a page of an org's claims, and the org a
  // host name resolves to (DomainReader::Resolve).
  Status ListDomains(uint64_t org_id, std::string_view after, size_t limit,
                     DomainReader::Page* out) const;
  Status ResolveDomain(std::string_view host, DomainMatch* out) const;

  // The log's last position (0 when empty).
  uint64_t last_position() const { return log_->last_position(); }

 private:
  const ModelStore* const models_;
  const EventLog* const log_;
  const ModelId orgs_;
  const ModelId credentials_;
  const ModelId accounts_;
  const ModelId members_;
  // Readers of the committed state without a snapshot: stateless, so one of
  // each serves every thread (and a read allocates none).
  const std::unique_ptr<ModelReader> orgs_now_;
  const std::unique_ptr<ModelReader> credentials_now_;
  const std::unique_ptr<ModelReader> accounts_now_;
  const std::unique_ptr<ModelReader> members_now_;
};

}  // namespace orgd
