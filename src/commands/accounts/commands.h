// Commands on accounts, their stateless checks and their decisions (see
// src/commands/core/command.h for the shape). Plain values.
//
// Who may: a site admin creates, changes and deletes any account; an account
// changes its own names, username, email and password. (Org admins of an
// account's home org arrive with memberships.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/commands/core/command.h"

namespace orgd {

struct OrgRecord;

// The id comes from the caller (random numbers are not a decision's
// business), and so does the password's hash (Argon2id is slow work for the
// hashing pool, never for the writer).
struct CreateAccount {
  static constexpr std::string_view kName = "CreateAccount";
  std::string account_id;
  std::string email;  // as given; Validate checks it, the decision normalises it
  std::string first_name;
  std::string last_name;
  std::string username;
  bool site_admin = false;
  std::string home_org;       // an org id or name; empty: none
  std::string password_hash;  // empty: no password (it cannot sign in by password)
};

// All of them or none; errors name the entry ("accounts[3]: ...").
struct CreateAccounts {
  static constexpr std::string_view kName = "CreateAccounts";
  static constexpr size_t kMaxAccounts = 1000;
  std::vector<CreateAccount> accounts;
};

// Absent fields stay as they are; an empty username or home_org clears it.
struct UpdateAccount {
  static constexpr std::string_view kName = "UpdateAccount";
  std::string account;  // id or email
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> username;
  std::optional<bool> site_admin;
  std::optional<std::string> home_org;
  std::optional<bool> active;
};

struct DeleteAccount {
  static constexpr std::string_view kName = "DeleteAccount";
  std::string account;  // id or email
};

struct SetPassword {
  static constexpr std::string_view kName = "SetPassword";
  std::string account;  // id or email
  std::string password_hash;
};

Status Validate(const CreateAccount& c);
Status Validate(const CreateAccounts& c);
Status Validate(const UpdateAccount& c);
Status Validate(const DeleteAccount& c);
Status Validate(const SetPassword& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateAccount& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateAccounts& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateAccount& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteAccount& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const SetPassword& c);

// The events that create c's account, appended to d, without asking who may:
// for commands that decided that themselves (an org admin creating an
// account in the org). With founded (an org the same decision creates, so
// not in the state yet), that org is the home org and c.home_org is ignored.
Status DecideNewAccount(const StateView& s, const CommandMeta& m, const CreateAccount& c,
                        Decision* d, const OrgRecord* founded = nullptr);

// 1-39 characters of [A-Za-z0-9_.-], starting with a letter or digit.
Status ValidateUsername(std::string_view username);
// Names: at most 254 characters, one line.
Status ValidatePersonName(std::string_view field, std::string_view name);

}  // namespace orgd
