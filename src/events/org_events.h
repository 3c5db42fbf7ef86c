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
  std::string role = "default";  // the org's plan, from the role catalog
  std::string created_by;
  static constexpr auto kFields = std::make_tuple(
      Field("id", &OrgCreated::id), Field("uuid", &OrgCreated::uuid),
      Field("name", &OrgCreated::name), Field("title", &OrgCreated::title),
      Field("description", &OrgCreated::description),
      Field("email_address", &OrgCreated::email_address), Field("link", &OrgCreated::link),
      Field("role", &OrgCreated::role), Field("created_by", &OrgCreated::created_by));
};

// Only the fields present change; an empty string clears a field.
struct OrgUpdated {
  static constexpr std::string_view kType = "OrgUpdated";
  static constexpr uint32_t kVersion = 1;
  uint64_t id = 0;
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> email_address;
  std::optional<std::string> link;
  static constexpr auto kFields = std::make_tuple(
      Field("id", &OrgUpdated::id), Field("title", &OrgUpdated::title),
      Field("description", &OrgUpdated::description),
      Field("email_address", &OrgUpdated::email_address), Field("link", &OrgUpdated::link));
};

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
