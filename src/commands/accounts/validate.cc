// Stateless checks of account commands: they run on the submitting thread.
#include <string>

#include "common/email.h"
#include "common/random.h"
#include "src/commands/accounts/commands.h"
#include "src/commands/core/validate.h"

namespace orgd {
namespace {

Status ValidateAccountRef(std::string_view ref) {
  if (ref.empty() || ref.size() > 254) {
    return Status::InvalidArgument("an account is named by its id or its email", "invalid_account");
  }
  return Status::OK();
}

Status ValidateRequiredEmail(std::string_view email) {
  const std::string e = NormalizeEmail(email);
  if (e.empty()) return Status::InvalidArgument("email is required", "invalid_email");
  return ValidateEmail("email", e);
}

Status ValidateHomeOrg(std::string_view org) {
  return org.size() <= 64
             ? Status::OK()
             : Status::InvalidArgument("home_org is an org id or name", "invalid_home_org");
}

}  // namespace

Status ValidateUsername(std::string_view u) {
  bool ok = !u.empty() && u.size() <= 39;
  for (size_t i = 0; ok && i < u.size(); ++i) {
    const char c = u[i];
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    ok = alnum || (i > 0 && (c == '_' || c == '.' || c == '-'));
  }
  return ok ? Status::OK()
            : Status::InvalidArgument(
                  "username must be 1 to 39 characters of A-Z a-z 0-9 _ . -, starting with a "
                  "letter or digit",
                  "invalid_username");
}

Status ValidatePersonName(std::string_view field, std::string_view name) {
  return ValidateText(field, name, 254);
}

Status Validate(const CreateAccount& c) {
  if (!IsUuid(c.account_id))
    return Status::InvalidArgument("account id must be a UUID", "invalid_id");
  ORGD_RETURN_IF_ERROR(ValidateRequiredEmail(c.email));
  ORGD_RETURN_IF_ERROR(ValidatePersonName("first_name", c.first_name));
  ORGD_RETURN_IF_ERROR(ValidatePersonName("last_name", c.last_name));
  if (!c.username.empty()) ORGD_RETURN_IF_ERROR(ValidateUsername(c.username));
  return ValidateHomeOrg(c.home_org);
}

Status Validate(const CreateAccounts& c) {
  if (c.accounts.empty() || c.accounts.size() > CreateAccounts::kMaxAccounts) {
    return Status::InvalidArgument(
        "accounts must hold 1 to " + std::to_string(CreateAccounts::kMaxAccounts) + " entries",
        "invalid_batch");
  }
  for (size_t i = 0; i < c.accounts.size(); ++i) {
    Status s = Validate(c.accounts[i]);
    if (!s.ok()) return s.Prefixed("accounts[" + std::to_string(i) + "]: ");
  }
  return Status::OK();
}

Status Validate(const UpdateAccount& c) {
  ORGD_RETURN_IF_ERROR(ValidateAccountRef(c.account));
  if (c.email) ORGD_RETURN_IF_ERROR(ValidateRequiredEmail(*c.email));
  if (c.first_name) ORGD_RETURN_IF_ERROR(ValidatePersonName("first_name", *c.first_name));
  if (c.last_name) ORGD_RETURN_IF_ERROR(ValidatePersonName("last_name", *c.last_name));
  if (c.username && !c.username->empty()) ORGD_RETURN_IF_ERROR(ValidateUsername(*c.username));
  if (c.home_org) ORGD_RETURN_IF_ERROR(ValidateHomeOrg(*c.home_org));
  return Status::OK();
}

Status Validate(const DeleteAccount& c) { return ValidateAccountRef(c.account); }

Status Validate(const SetPassword& c) {
  ORGD_RETURN_IF_ERROR(ValidateAccountRef(c.account));
  if (c.password_hash.rfind("$argon2id$", 0) != 0) {
    return Status::InvalidArgument("not an Argon2id hash", "invalid_password_hash");
  }
  return Status::OK();
}

}  // namespace orgd
