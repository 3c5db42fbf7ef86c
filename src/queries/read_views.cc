#include "src/queries/read_views.h"

namespace orgd {

ReadViews::ReadViews(const ModelStore* models, const EventLog* log)
    : models_(models),
      log_(log),
      orgs_(models->FindModel(ColumnFamilyName(OrgProjection::kName))),
      credentials_(models->FindModel(ColumnFamilyName(CredentialProjection::kName))),
      accounts_(models->FindModel(ColumnFamilyName(AccountProjection::kName))),
      orgs_now_(models->ReadModel(orgs_)),
      credentials_now_(models->ReadModel(credentials_)),
      accounts_now_(models->ReadModel(accounts_)) {}

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

}  // namespace orgd
