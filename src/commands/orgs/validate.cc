// Stateless checks of the org commands: run on the submitting thread.
#include <string>

#include "common/random.h"
#include "src/commands/core/validate.h"
#include "src/commands/orgs/commands.h"

namespace orgd {
namespace {

constexpr size_t kMaxTitle = 254;
constexpr size_t kMaxDescription = 4000;
constexpr size_t kMaxLink = 254;
constexpr size_t kMaxRef = 64;

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

Status ValidateRef(std::string_view ref) {
  if (ref.empty() || ref.size() > kMaxRef) {
    return Status::InvalidArgument("an org is named by its id or name", "invalid_org");
  }
  return Status::OK();
}

}  // namespace

Status ValidateOrgName(std::string_view name) {
  if (name.empty() || name.size() > 39) {
    return Status::InvalidArgument("name must be 1 to 39 characters long", "invalid_name");
  }
  bool all_digits = true;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) {
      return Status::InvalidArgument(
          "name may contain only lower-case letters a-z, digits 0-9 and '-'", "invalid_name");
    }
    all_digits = all_digits && c >= '0' && c <= '9';
  }
  if (all_digits) {
    return Status::InvalidArgument(
        "name must not be all digits: /orgs/<digits> always means an org's id", "invalid_name");
  }
  if (name.front() == '-' || name.back() == '-') {
    return Status::InvalidArgument("name must not start or end with '-'", "invalid_name");
  }
  if (name.find("--") != std::string_view::npos) {
    return Status::InvalidArgument("name must not contain '--'", "invalid_name");
  }
  return Status::OK();
}

Status Validate(const CreateOrg& c) {
  ORGD_RETURN_IF_ERROR(ValidateOrgName(c.name));
  ORGD_RETURN_IF_ERROR(ValidateOrgFields(&c.title, &c.description, &c.email_address, &c.link));
  if (!IsUuid(c.uuid)) return Status::InvalidArgument("CreateOrg needs a uuid", "invalid_uuid");
  return Status::OK();
}

Status Validate(const UpdateOrg& c) {
  ORGD_RETURN_IF_ERROR(ValidateRef(c.org));
  if (!c.title && !c.description && !c.email_address && !c.link) {
    return Status::InvalidArgument(
        "nothing to change: give at least one of title, description, email_address, link",
        "empty_update");
  }
  return ValidateOrgFields(c.title ? &*c.title : nullptr,
                           c.description ? &*c.description : nullptr,
                           c.email_address ? &*c.email_address : nullptr,
                           c.link ? &*c.link : nullptr);
}

Status Validate(const DeleteOrg& c) { return ValidateRef(c.org); }

}  // namespace orgd
