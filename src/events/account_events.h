// The accounts' events: who may call orgd, and what is known of them.
//
// Names and versions are written to disk and should not be changed (see
// src/events/registry.h). A password appears only as its Argon2id hash, in
// AccountPasswordSet. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "src/events/registry.h"

namespace orgd {

struct AccountCreated {
  static constexpr std::string_view kType = "AccountCreated";
  static constexpr uint32_t kVersion = 1;
  std::string account_id;  // a UUID
  std::string email;       // normalised: trimmed, lower case
  std::string first_name;
  std::string last_name;
  std::string username;  // empty: none
  bool site_admin = false;
  uint64_t home_org_id = 0;  // 0: none
  std::string home_org;      // its name (org names never change)
  std::string created_by;
  static constexpr auto kFields = std::make_tuple(
      Field("account_id", &AccountCreated::account_id), Field("email", &AccountCreated::email),
      Field("first_name", &AccountCreated::first_name),
      Field("last_name", &AccountCreated::last_name), Field("username", &AccountCreated::username),
      Field("site_admin", &AccountCreated::site_admin),
      Field("home_org_id", &AccountCreated::home_org_id),
      Field("home_org", &AccountCreated::home_org),
      Field("created_by", &AccountCreated::created_by));
};

// Only the fields present change; an empty username or home org clears it.
struct AccountUpdated {
  static constexpr std::string_view kType = "AccountUpdated";
  static constexpr uint32_t kVersion = 1;
  std::string account_id;
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> username;
  std::optional<bool> site_admin;
  std::optional<uint64_t> home_org_id;
  std::optional<std::string> home_org;
  std::optional<bool> active;
  static constexpr auto kFields = std::make_tuple(
      Field("account_id", &AccountUpdated::account_id), Field("email", &AccountUpdated::email),
      Field("first_name", &AccountUpdated::first_name),
      Field("last_name", &AccountUpdated::last_name), Field("username", &AccountUpdated::username),
      Field("site_admin", &AccountUpdated::site_admin),
      Field("home_org_id", &AccountUpdated::home_org_id),
      Field("home_org", &AccountUpdated::home_org), Field("active", &AccountUpdated::active));
};

// The account is gone: read models keep no personal data of it, its email
// and username are free again, and every credential of it stops working.
struct AccountDeleted {
  static constexpr std::string_view kType = "AccountDeleted";
  static constexpr uint32_t kVersion = 1;
  std::string account_id;
  std::string deleted_by;
  static constexpr auto kFields = std::make_tuple(Field("account_id", &AccountDeleted::account_id),
                                                  Field("deleted_by", &AccountDeleted::deleted_by));
};

// A new password, as an Argon2id hash string ("$argon2id$v=19$...").
struct AccountPasswordSet {
  static constexpr std::string_view kType = "AccountPasswordSet";
  static constexpr uint32_t kVersion = 1;
  std::string account_id;
  std::string password_hash;
  static constexpr auto kFields =
      std::make_tuple(Field("account_id", &AccountPasswordSet::account_id),
                      Field("password_hash", &AccountPasswordSet::password_hash));
};

// "account-<uuid>": the stream of one account. Written to disk.
std::string AccountStream(std::string_view account_id);
inline constexpr std::string_view kAccountStreamPrefix = "account-";

void RegisterAccountEvents(EventRegistry& r);

}  // namespace orgd
