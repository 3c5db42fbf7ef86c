// Commands on organizations, their stateless checks and their decisions
// (see src/commands/core/command.h for the shape). Plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"

namespace orgd {

// Uuid comes from the caller (random numbers are not a decision's business).
struct CreateOrg {
  static constexpr std::string_view kName = "CreateOrg";
  std::string uuid;
  std::string name;
  std::string title;
  std::string description;
  std::string email_address;
  std::string link;
};

// Absent fields stay as they are; an empty string clears a field.
struct UpdateOrg {
  static constexpr std::string_view kName = "UpdateOrg";
  std::string org;  // id or name
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> email_address;
  std::optional<std::string> link;
};

struct DeleteOrg {
  static constexpr std::string_view kName = "DeleteOrg";
  std::string org;  // id or name
};

Status Validate(const CreateOrg& c);
Status Validate(const UpdateOrg& c);
Status Validate(const DeleteOrg& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const CreateOrg& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const UpdateOrg& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const DeleteOrg& c);

// 1-39 characters of [a-z0-9-], not all digits (an all-digit reference is
// always an id), no leading, trailing or double hyphen.
Status ValidateOrgName(std::string_view name);

}  // namespace orgd
