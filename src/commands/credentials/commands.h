// Commands on credentials (see src/commands/core/command.h). Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "src/commands/core/command.h"

namespace orgd {

// Records a new API key; only the hash of its secret is recorded. The
// caller draws the key and its id (random numbers are not a decision's business).
struct IssueApiKey {
  static constexpr std::string_view kName = "IssueApiKey";
  std::string key_id;
  std::string key_sha256;
  std::string account_id;  // empty: a site key
  bool site_admin = false;
  std::string label;
  int64_t expires_ms = 0;  // 0: never
};

// Revokes a key by its id: it stops working with the commit.
struct RevokeApiKey {
  static constexpr std::string_view kName = "RevokeApiKey";
  std::string key_id;
};

Status Validate(const IssueApiKey& c);
Status Validate(const RevokeApiKey& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const IssueApiKey& c);
Result<Decision> Decide(const StateView& s, const CommandMeta& m, const RevokeApiKey& c);

// Key ids: 1-64 characters of [0-9A-Za-z_-].
Status ValidateKeyId(std::string_view key_id);

}  // namespace orgd
