// Commands on organizations, their stateless checks and their decisions
// (see src/commands/core/command.h for the shape). Plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"

namespace orgd {

struct OrgRecord;

// Uuid comes from the caller (random numbers are not a decision's business).
// The plan (role) is checked against the server's plan catalog by the
// surface before submitting; the decision only records it.
struct CreateOrg {
  static constexpr std::string_view kName = "CreateOrg";
  std::string uuid;
  std::string name;
  std::string title;
  std::string description;
  std::string email_address;
  std::string link;
  std::string role{};  // the plan; empty: "default"
  // Quotas: 0 is unlimited.
  uint64_t max_members = 0;
  uint64_t row_limit = 0;
  uint64_t storage_quota = 0;
  uint64_t asset_quota_mb = 0;
  std::string subscription = "none";  // "none", "active", "cancelled"
  bool auto_join = false;
  std::string auto_join_role = "member";
  // The name is derived from the title in the decision, for products whose
  // org name is a display name that need not be unique (SeaTable, AI &
  // Analytics Engine): SlugOfTitle's slug, or the first of slug-2, slug-3,
  // ... that no live org holds. name must then be empty and title not.
  bool derive_name = false;
};

// The slug of a display name: ASCII letters and digits lower-cased, every
// other run of characters one '-', no leading or trailing '-', at most 32
// characters (room for a "-N" suffix); "org" when nothing is left, "org-"
// before an all-digit result. Always a valid org name.
std::string SlugOfTitle(std::string_view title);

// Absent fields stay as they are; an empty string clears a text field, a
// quota of 0 makes it unlimited.
struct UpdateOrg {
  static constexpr std::string_view kName = "UpdateOrg";
  std::string org;  // id or name
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> email_address;
  std::optional<std::string> link;
  std::optional<std::string> role{};
  std::optional<uint64_t> max_members{};
  std::optional<uint64_t> row_limit{};
  std::optional<uint64_t> storage_quota{};
  std::optional<uint64_t> asset_quota_mb{};
  std::optional<std::string> subscription{};
  std::optional<bool> auto_join{};
  std::optional<std::string> auto_join_role{};
};

// Refused (Conflict "active_subscription") while the org's subscription is active.
struct DeleteOrg {
  static constexpr std::string_view kName = "DeleteOrg";
  std::string org;  // id or name
};

// The usage counters a site admin reports; absent ones stay as they are.
struct SetOrgUsage {
  static constexpr std::string_view kName = "SetOrgUsage";
  std::string org;  // id or name
  std::optional<uint64_t> rows{};
  std::optional<uint64_t> storage{};
  std::optional<uint64_t> assets_mb{};
};

// Adds or replaces one metadata entry: a created result when the key is new.
struct SetOrgMetadata {
  static constexpr std::string_view kName = "SetOrgMetadata";
  std::string org;  // id or name
  std::string key;
  std::string value;
};

// Removes one metadata entry; NotFound "unknown_metadata_key" when absent.
struct RemoveOrgMetadata {
  static constexpr std::string_view kName = "RemoveOrgMetadata";
  std::string org;  // id or name
  std::string key;
};

Status Validate(const CreateOrg& c);
Status Validate(const UpdateOrg& c);
Status Validate(const DeleteOrg& c);
Status Validate(const SetOrgUsage& c);
Status Validate(const SetOrgMetadata& c);
Status Validate(const RemoveOrgMetadata& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrg& c);
// The events that create c's org, appended to d, and the org as the models
// will hold it (its id and final name), without asking who may: for
// commands that decided that themselves (an org founded with its owner).
Status DecideNewOrg(const StateView& s, const CommandMeta& m, const CreateOrg& c, Decision* d,
                    OrgRecord* created);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateOrg& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteOrg& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetOrgUsage& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetOrgMetadata& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RemoveOrgMetadata& c);

// 1-39 characters of [a-z0-9-], not all digits (an all-digit reference is
// always an id), no leading, trailing or double hyphen.
Status ValidateOrgName(std::string_view name);

// A plan's name (an org's role): 1-64 characters of [a-z0-9_-]
// (InvalidArgument "invalid_plan"). Whether the plan exists is the catalog's
// business (the surface's, before submitting).
Status ValidatePlanName(std::string_view plan);

// Bounds of the org attributes.
inline constexpr uint64_t kMaxOrgCounter = (uint64_t{1} << 53) - 1;  // quotas and usage
inline constexpr size_t kMaxOrgMetadataKeys = 100;
inline constexpr size_t kMaxOrgMetadataKey = 64;
inline constexpr size_t kMaxOrgMetadataValue = 4096;  // bytes

// A metadata key: 1-64 characters of [A-Za-z0-9_.-] (InvalidArgument
// "invalid_metadata_key").
Status ValidateOrgMetadataKey(std::string_view key);

}  // namespace orgd
