// Stateless checks of the org commands: run on the submitting thread.
#include <string>

#include "common/json_util.h"
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

// 1 to 64 characters of [a-z0-9_-].
bool IsSlug(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Status ValidateCounter(std::string_view field, uint64_t v, std::string_view reason) {
  if (v <= kMaxOrgCounter) return Status::OK();
  return Status::InvalidArgument(
      std::string(field) + " must be a whole number from 0 to " + std::to_string(kMaxOrgCounter),
      std::string(reason));
}

Status ValidateQuota(std::string_view field, const uint64_t* v) {
  return v ? ValidateCounter(field, *v, "invalid_quota") : Status::OK();
}

Status ValidateSubscription(std::string_view s) {
  if (s == "none" || s == "active" || s == "cancelled") return Status::OK();
  return Status::InvalidArgument("subscription must be \"none\", \"active\" or \"cancelled\"",
                                 "invalid_subscription");
}

Status ValidateAutoJoinRole(std::string_view role) {
  if (IsSlug(role)) return Status::OK();
  return Status::InvalidArgument("auto_join_role must be 1 to 64 characters of a-z 0-9 _ -",
                                 "invalid_auto_join_role");
}

// The attributes of issue 15, each when present.
struct OrgAttributes {
  const std::string* role = nullptr;
  const uint64_t* max_members = nullptr;
  const uint64_t* row_limit = nullptr;
  const uint64_t* storage_quota = nullptr;
  const uint64_t* asset_quota_mb = nullptr;
  const std::string* subscription = nullptr;
  const std::string* auto_join_role = nullptr;
};

Status ValidateAttributes(const OrgAttributes& a) {
  if (a.role) ORGD_RETURN_IF_ERROR(ValidatePlanName(*a.role));
  ORGD_RETURN_IF_ERROR(ValidateQuota("max_members", a.max_members));
  ORGD_RETURN_IF_ERROR(ValidateQuota("row_limit", a.row_limit));
  ORGD_RETURN_IF_ERROR(ValidateQuota("storage_quota", a.storage_quota));
  ORGD_RETURN_IF_ERROR(ValidateQuota("asset_quota_mb", a.asset_quota_mb));
  if (a.subscription) ORGD_RETURN_IF_ERROR(ValidateSubscription(*a.subscription));
  if (a.auto_join_role) ORGD_RETURN_IF_ERROR(ValidateAutoJoinRole(*a.auto_join_role));
  return Status::OK();
}

template <typename T>
const T* Ptr(const std::optional<T>& v) {
  return v ? &*v : nullptr;
}

}  // namespace

Status ValidatePlanName(std::string_view plan) {
  if (IsSlug(plan)) return Status::OK();
  return Status::InvalidArgument("a plan (role) is 1 to 64 characters of a-z 0-9 _ -",
                                 "invalid_plan");
}

Status ValidateOrgMetadataKey(std::string_view key) {
  bool ok = !key.empty() && key.size() <= kMaxOrgMetadataKey;
  for (char c : key) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '-');
  }
  return ok ? Status::OK()
            : Status::InvalidArgument("a metadata key is 1 to 64 characters of A-Z a-z 0-9 _ . -",
                                      "invalid_metadata_key");
}

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

std::string SlugOfTitle(std::string_view title) {
  constexpr size_t kMaxSlug = 32;
  std::string slug;
  bool gap = false;
  for (char ch : title) {
    const char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (gap && !slug.empty()) slug.push_back('-');
      gap = false;
      slug.push_back(c);
      if (slug.size() >= kMaxSlug) break;
    } else {
      gap = true;
    }
  }
  if (slug.empty()) return "org";
  if (slug.find_first_not_of("0123456789") == std::string::npos) {
    slug = "org-" + slug.substr(0, kMaxSlug - 4);
  }
  while (slug.back() == '-') slug.pop_back();
  return slug;
}

Status Validate(const CreateOrg& c) {
  if (c.derive_name) {
    if (!c.name.empty()) {
      return Status::InvalidArgument("a derived name cannot be given too", "invalid_name");
    }
    if (c.title.empty()) {
      return Status::InvalidArgument("title is required: the name is derived from it",
                                     "invalid_title");
    }
  } else {
    ORGD_RETURN_IF_ERROR(ValidateOrgName(c.name));
  }
  ORGD_RETURN_IF_ERROR(ValidateOrgFields(&c.title, &c.description, &c.email_address, &c.link));
  if (!IsUuid(c.uuid)) return Status::InvalidArgument("CreateOrg needs a uuid", "invalid_uuid");
  return ValidateAttributes({c.role.empty() ? nullptr : &c.role, &c.max_members, &c.row_limit,
                             &c.storage_quota, &c.asset_quota_mb, &c.subscription,
                             &c.auto_join_role});
}

Status Validate(const UpdateOrg& c) {
  ORGD_RETURN_IF_ERROR(ValidateRef(c.org));
  if (!c.title && !c.description && !c.email_address && !c.link && !c.role && !c.max_members &&
      !c.row_limit && !c.storage_quota && !c.asset_quota_mb && !c.subscription && !c.auto_join &&
      !c.auto_join_role) {
    return Status::InvalidArgument(
        "nothing to change: give at least one of title, description, email_address, link, role, "
        "max_members, row_limit, storage_quota, asset_quota_mb, subscription, auto_join, "
        "auto_join_role",
        "empty_update");
  }
  ORGD_RETURN_IF_ERROR(
      ValidateOrgFields(Ptr(c.title), Ptr(c.description), Ptr(c.email_address), Ptr(c.link)));
  return ValidateAttributes({Ptr(c.role), Ptr(c.max_members), Ptr(c.row_limit),
                             Ptr(c.storage_quota), Ptr(c.asset_quota_mb), Ptr(c.subscription),
                             Ptr(c.auto_join_role)});
}

Status Validate(const DeleteOrg& c) { return ValidateRef(c.org); }

Status Validate(const SetOrgUsage& c) {
  ORGD_RETURN_IF_ERROR(ValidateRef(c.org));
  if (!c.rows && !c.storage && !c.assets_mb) {
    return Status::InvalidArgument(
        "nothing to change: give at least one of rows, storage, assets_mb", "empty_update");
  }
  if (c.rows) ORGD_RETURN_IF_ERROR(ValidateCounter("rows", *c.rows, "invalid_usage"));
  if (c.storage) ORGD_RETURN_IF_ERROR(ValidateCounter("storage", *c.storage, "invalid_usage"));
  if (c.assets_mb) {
    ORGD_RETURN_IF_ERROR(ValidateCounter("assets_mb", *c.assets_mb, "invalid_usage"));
  }
  return Status::OK();
}

Status Validate(const SetOrgMetadata& c) {
  ORGD_RETURN_IF_ERROR(ValidateRef(c.org));
  ORGD_RETURN_IF_ERROR(ValidateOrgMetadataKey(c.key));
  if (c.value.size() > kMaxOrgMetadataValue) {
    return Status::InvalidArgument(
        "a metadata value is at most " + std::to_string(kMaxOrgMetadataValue) + " bytes",
        "metadata_value_too_long");
  }
  std::string scratch;
  if (!AppendJsonString(&scratch, c.value)) {
    return Status::InvalidArgument("a metadata value must be UTF-8 text", "invalid_metadata_value");
  }
  return Status::OK();
}

Status Validate(const RemoveOrgMetadata& c) {
  ORGD_RETURN_IF_ERROR(ValidateRef(c.org));
  return ValidateOrgMetadataKey(c.key);
}

}  // namespace orgd
