#include "src/queries/read_views.h"

namespace orgd {

ReadViews::ReadViews(const ModelStore* models, const EventLog* log)
    : models_(models),
      log_(log),
      orgs_(models->FindModel(ColumnFamilyName(OrgProjection::kName))),
      credentials_(models->FindModel(ColumnFamilyName(CredentialProjection::kName))) {}

Status ReadViews::FindOrg(std::string_view id_or_name, OrgRecord* out) const {
  return OrgReader(*models_->ReadModel(orgs_)).Find(id_or_name, out);
}

Status ReadViews::FindOrgDoc(std::string_view id_or_name, OrgDoc* out) const {
  return OrgReader(*models_->ReadModel(orgs_)).FindJson(id_or_name, &out->version, &out->json);
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
  return CredentialReader(*models_->ReadModel(credentials_)).FindBySha256(sha256_hex, out);
}

Status ReadViews::CountCredentials(uint64_t* n) const {
  return CredentialReader(*models_->ReadModel(credentials_)).Count(n);
}

}  // namespace orgd
