// The organizations' events: immutable facts, named in the past tense.
//
// The names (kType) and versions (kVersion) are written to disk and should
// not be changed; a changed schema raises kVersion and adds an upcaster (see
// src/events/registry.h). Plain values; distinct objects may be used from
// different threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "src/events/registry.h"

namespace orgd {

struct OrgCreated {
  static constexpr std::string_view kType = "OrgCreated";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string uuid;
  std::string name;
  std::string title;
  std::string description;
  std::string email_address;
  std::string link;
  std::string role = "default";  // the org's plan, from the plan catalog
  std::string created_by;
  // Added with org attributes (issue 15); absent in older events and when
  // they hold the default. Quotas: 0 or absent is unlimited.
  std::optional<uint64_t> max_members{};
  std::optional<uint64_t> row_limit{};
  std::optional<uint64_t> storage_quota{};
  std::optional<uint64_t> asset_quota_mb{};
  std::optional<std::string> subscription{};    // "none" (absent), "active", "cancelled"
  std::optional<bool> auto_join{};              // absent: false
  std::optional<std::string> auto_join_role{};  // absent: "member"
  static constexpr auto kFields = std::make_tuple(
      Field("id", &OrgCreated::id), Field("uuid", &OrgCreated::uuid),
      Field("name", &OrgCreated::name), Field("title", &OrgCreated::title),
      Field("description", &OrgCreated::description),
      Field("email_address", &OrgCreated::email_address), Field("link", &OrgCreated::link),
      Field("role", &OrgCreated::role), Field("created_by", &OrgCreated::created_by),
      Field("max_members", &OrgCreated::max_members), Field("row_limit", &OrgCreated::row_limit),
      Field("storage_quota", &OrgCreated::storage_quota),
      Field("asset_quota_mb", &OrgCreated::asset_quota_mb),
      Field("subscription", &OrgCreated::subscription), Field("auto_join", &OrgCreated::auto_join),
      Field("auto_join_role", &OrgCreated::auto_join_role));
};

// Only the fields present change; an empty string clears a text field, a
// quota of 0 makes it unlimited.
struct OrgUpdated {
  static constexpr std::string_view kType = "OrgUpdated";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> email_address;
  std::optional<std::string> link;
  // Added with org attributes (issue 15); absent in older events.
  std::optional<std::string> role{};
  std::optional<uint64_t> max_members{};
  std::optional<uint64_t> row_limit{};
  std::optional<uint64_t> storage_quota{};
  std::optional<uint64_t> asset_quota_mb{};
  std::optional<std::string> subscription{};
  std::optional<bool> auto_join{};
  std::optional<std::string> auto_join_role{};
  static constexpr auto kFields = std::make_tuple(
      Field("id", &OrgUpdated::id), Field("title", &OrgUpdated::title),
      Field("description", &OrgUpdated::description),
      Field("email_address", &OrgUpdated::email_address), Field("link", &OrgUpdated::link),
      Field("role", &OrgUpdated::role), Field("max_members", &OrgUpdated::max_members),
      Field("row_limit", &OrgUpdated::row_limit),
      Field("storage_quota", &OrgUpdated::storage_quota),
      Field("asset_quota_mb", &OrgUpdated::asset_quota_mb),
      Field("subscription", &OrgUpdated::subscription), Field("auto_join", &OrgUpdated::auto_join),
      Field("auto_join_role", &OrgUpdated::auto_join_role));
};

// A site admin reported the org's usage; only the counters present change.
struct OrgUsageSet {
  static constexpr std::string_view kType = "OrgUsageSet";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::optional<uint64_t> rows{};
  std::optional<uint64_t> storage{};
  std::optional<uint64_t> assets_mb{};
  static constexpr auto kFields = std::make_tuple(
      Field("id", &OrgUsageSet::id), Field("rows", &OrgUsageSet::rows),
      Field("storage", &OrgUsageSet::storage), Field("assets_mb", &OrgUsageSet::assets_mb));
};

// One metadata entry of the org was set (added or replaced).
struct OrgMetadataSet {
  static constexpr std::string_view kType = "OrgMetadataSet";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string key;
  std::string value;
  static constexpr auto kFields =
      std::make_tuple(Field("id", &OrgMetadataSet::id), Field("key", &OrgMetadataSet::key),
                      Field("value", &OrgMetadataSet::value));
};

// One metadata entry of the org was removed.
struct OrgMetadataRemoved {
  static constexpr std::string_view kType = "OrgMetadataRemoved";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string key;
  static constexpr auto kFields =
      std::make_tuple(Field("id", &OrgMetadataRemoved::id), Field("key", &OrgMetadataRemoved::key));
};

// The org and everything kept with it (metadata, org-scoped keys, the home
// org of its accounts) go. DeleteOrg refuses while its subscription is active.
struct OrgDeleted {
  static constexpr std::string_view kType = "OrgDeleted";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::string name;  // freed for reuse
  static constexpr auto kFields =
      std::make_tuple(Field("id", &OrgDeleted::id), Field("name", &OrgDeleted::name));
};

// "org-<id>": the stream of one organization. Written to disk.
std::string OrgStream(uint64_t org_id);
inline constexpr std::string_view kOrgStreamPrefix = "org-";

void RegisterOrgEvents(EventRegistry& r);

}  // namespace orgd
