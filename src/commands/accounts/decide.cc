// Decisions about accounts: against state only (the stateless checks are in
// validate.cc and ran before the command was queued).
#include <set>

#include <nlohmann/json.hpp>

#include "common/email.h"
#include "src/commands/accounts/commands.h"
#include "src/events/account_events.h"
#include "src/events/member_events.h"
#include "src/projections/accounts/account_projection.h"
#include "src/projections/domains/domain_projection.h"
#include "src/projections/members/member_projection.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd {
namespace {

CommandResult AccountResult(CommandResult::Kind kind, const std::string& id) {
  return CommandResult{kind, std::string(AccountProjection::kEntity), id, AccountStream(id), 0, 0,
                       {}};
}

// The org an account's home_org names: its id and name; {0, ""} for none.
Status ResolveHomeOrg(const StateView& s, const std::string& ref, uint64_t* id, std::string* name) {
  *id = 0;
  name->clear();
  if (ref.empty()) return Status::OK();
  OrgRecord org;
  Status found = OrgReader(s.model(OrgProjection::kName)).Find(ref, &org);
  if (found.IsNotFound()) {
    return Status::InvalidArgument("home_org: no org '" + ref + "'", "unknown_org");
  }
  ORGD_RETURN_IF_ERROR(found);
  *id = org.id;
  *name = org.name;
  return Status::OK();
}

// The account a command addresses, as far as the caller may know of it: a
// caller who is neither a site admin nor the account itself learns nothing.
Status LoadAccount(const StateView& s, const CommandMeta& m, const std::string& ref,
                   AccountRecord* a) {
  Status found = AccountReader(s.model(AccountProjection::kName)).Find(ref, a);
  if (found.ok() && !m.site_admin && a->id != m.account_id) found = Status::NotFound("");
  if (found.IsNotFound()) {
    return Status::NotFound("no account '" + ref + "'", "unknown_account");
  }
  ORGD_RETURN_IF_ERROR(found);
  return CheckIfMatch(m, a->version, "account " + a->id);
}

Status EmailTaken(const std::string& email) {
  return Status::Conflict("an account with email " + email + " exists", "email_taken");
}
Status UsernameTaken(const std::string& username) {
  return Status::Conflict("username '" + username + "' is taken", "username_taken");
}

// A new account whose email's domain an org verified, and that org opted in
// to auto_join: it joins with the org's auto_join_role. Nothing happens (the
// account is still made) when the org is full or the role is gone.
Status DecideAutoJoin(const StateView& s, const CommandMeta& m, const AccountCreated& a,
                      Decision* d) {
  uint64_t org_id = 0;
  Status found = FindOrgForEmailDomain(s.model(DomainProjection::kName), a.email, &org_id);
  if (found.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(found);
  OrgRecord org;
  found = OrgReader(s.model(OrgProjection::kName)).Find(std::to_string(org_id), &org);
  if (found.IsNotFound() || (found.ok() && !org.auto_join)) return Status::OK();
  ORGD_RETURN_IF_ERROR(found);
  MemberReader members(s.model(MemberProjection::kName));
  RoleDef role;
  found = members.FindRole(org.id, org.auto_join_role, &role);
  if (found.IsNotFound()) return Status::OK();
  ORGD_RETURN_IF_ERROR(found);
  uint64_t count = 0;
  ORGD_RETURN_IF_ERROR(members.MemberCount(org.id, &count));
  uint64_t pending = 0;  // earlier accounts of the same batch that joined it
  for (const NewEvent& n : d->events) {
    if (n.type == MemberAdded::kType && n.stream_id == MembersStream(org.id)) ++pending;
  }
  if (org.max_members != 0 && count + pending >= org.max_members) return Status::OK();
  MemberAdded e;
  e.org_id = org.id;
  e.org_name = org.name;
  e.account_id = a.account_id;
  e.role = role.name;
  e.content_permission = "none";
  e.members_permission = "none";
  e.via = "auto_join";
  e.added_by = m.actor;
  e.first_name = a.first_name;
  e.last_name = a.last_name;
  e.email = a.email;
  e.home_org_id = a.home_org_id;
  d->events.push_back(MakeEvent(MembersStream(org.id), e));
  return Status::OK();
}

// One new account's events into d. taken_* hold what earlier entries of the
// same batch claimed (the state does not show them yet).
Status DecideCreate(const StateView& s, const CommandMeta& m, const CreateAccount& c,
                    std::set<std::string>* taken_emails, std::set<std::string>* taken_usernames,
                    Decision* d, const OrgRecord* founded = nullptr) {
  AccountReader accounts(s.model(AccountProjection::kName));
  AccountCreated e;
  e.account_id = c.account_id;
  e.email = NormalizeEmail(c.email);
  std::string other;
  Status found = accounts.IdForEmail(e.email, &other);
  if (found.ok() || taken_emails->count(e.email)) return EmailTaken(e.email);
  if (!found.IsNotFound()) return found;
  if (!c.username.empty()) {
    const std::string key = LowerAscii(c.username);
    found = accounts.IdForUsername(c.username, &other);
    if (found.ok() || taken_usernames->count(key)) return UsernameTaken(c.username);
    if (!found.IsNotFound()) return found;
    taken_usernames->insert(key);
  }
  taken_emails->insert(e.email);
  uint64_t version;
  ORGD_RETURN_IF_ERROR(s.StreamVersion(AccountStream(c.account_id), &version));
  if (version != 0) return Status::Conflict("account id " + c.account_id + " is taken", "id_taken");
  if (founded != nullptr) {
    e.home_org_id = founded->id;
    e.home_org = founded->name;
  } else {
    ORGD_RETURN_IF_ERROR(ResolveHomeOrg(s, c.home_org, &e.home_org_id, &e.home_org));
  }
  e.first_name = c.first_name;
  e.last_name = c.last_name;
  e.username = c.username;
  e.site_admin = c.site_admin;
  e.created_by = m.actor;
  const std::string stream = AccountStream(c.account_id);
  d->events.push_back(MakeEvent(stream, e));
  if (!c.password_hash.empty()) {
    d->events.push_back(MakeEvent(stream, AccountPasswordSet{c.account_id, c.password_hash}));
  }
  d->expected.push_back({stream, 0});
  return DecideAutoJoin(s, m, e, d);
}

Status RequireSiteAdmin(const CommandMeta& m, std::string_view what) {
  if (m.site_admin || m.actor == "system") return Status::OK();
  return Status::Forbidden("only site admins may " + std::string(what));
}

}  // namespace

Status DecideNewAccount(const StateView& s, const CommandMeta& m, const CreateAccount& c,
                        Decision* d, const OrgRecord* founded) {
  std::set<std::string> emails, usernames;
  return DecideCreate(s, m, c, &emails, &usernames, d, founded);
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateAccount& c) {
  ORGD_RETURN_IF_ERROR(RequireSiteAdmin(m, "create accounts"));
  if (m.if_match) {
    return Status::PreconditionFailed("If-Match cannot hold for an account that does not exist yet",
                                      "version_mismatch");
  }
  std::set<std::string> emails, usernames;
  Decision d;
  ORGD_RETURN_IF_ERROR(DecideCreate(s, m, c, &emails, &usernames, &d));
  d.result = AccountResult(CommandResult::Kind::kCreated, c.account_id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateAccounts& c) {
  ORGD_RETURN_IF_ERROR(RequireSiteAdmin(m, "create accounts"));
  std::set<std::string> emails, usernames;
  Decision d;
  nlohmann::json ids = nlohmann::json::array();
  for (size_t i = 0; i < c.accounts.size(); ++i) {
    Status st = DecideCreate(s, m, c.accounts[i], &emails, &usernames, &d);
    if (!st.ok()) {
      return st.Prefixed("accounts[" + std::to_string(i) + "]: ");
    }
    ids.push_back(c.accounts[i].account_id);
  }
  // No model keeps a batch: its result is the ids it created, in order.
  d.result.kind = CommandResult::Kind::kCreated;
  d.result.snapshot = ids.dump();
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateAccount& c) {
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(LoadAccount(s, m, c.account, &a));
  if (!m.site_admin && (c.site_admin || c.home_org || c.active)) {
    return Status::Forbidden("only site admins may change site_admin, home_org or active");
  }
  AccountReader accounts(s.model(AccountProjection::kName));
  AccountUpdated e;
  e.account_id = a.id;
  e.first_name = c.first_name;
  e.last_name = c.last_name;
  e.site_admin = c.site_admin;
  e.active = c.active;
  if (c.email) {
    e.email = NormalizeEmail(*c.email);
    std::string other;
    Status found = accounts.IdForEmail(*e.email, &other);
    if (found.ok() && other != a.id) return EmailTaken(*e.email);
    if (!found.ok() && !found.IsNotFound()) return found;
  }
  if (c.username && !c.username->empty()) {
    std::string other;
    Status found = accounts.IdForUsername(*c.username, &other);
    if (found.ok() && other != a.id) return UsernameTaken(*c.username);
    if (!found.ok() && !found.IsNotFound()) return found;
  }
  e.username = c.username;
  if (c.home_org) {
    uint64_t id;
    std::string name;
    ORGD_RETURN_IF_ERROR(ResolveHomeOrg(s, *c.home_org, &id, &name));
    e.home_org_id = id;
    e.home_org = name;
  }
  Decision d;
  d.events.push_back(MakeEvent(AccountStream(a.id), e));
  d.expected.push_back({AccountStream(a.id), a.version});
  d.result = AccountResult(CommandResult::Kind::kChanged, a.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteAccount& c) {
  ORGD_RETURN_IF_ERROR(RequireSiteAdmin(m, "delete accounts"));
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(LoadAccount(s, m, c.account, &a));
  Decision d;
  d.events.push_back(MakeEvent(AccountStream(a.id), AccountDeleted{a.id, m.actor}));
  d.expected.push_back({AccountStream(a.id), a.version});
  d.result = AccountResult(CommandResult::Kind::kDeleted, a.id);
  return d;
}

Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetPassword& c) {
  AccountRecord a;
  ORGD_RETURN_IF_ERROR(LoadAccount(s, m, c.account, &a));
  Decision d;
  d.events.push_back(MakeEvent(AccountStream(a.id), AccountPasswordSet{a.id, c.password_hash}));
  d.expected.push_back({AccountStream(a.id), a.version});
  d.result = AccountResult(CommandResult::Kind::kChanged, a.id);
  return d;
}

}  // namespace orgd
