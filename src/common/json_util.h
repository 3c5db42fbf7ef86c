// Bounded JSON parsing and small helpers over nlohmann::json. Thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string_view>

#include "src/common/status.h"

namespace orgd {

// Largest nesting depth of objects/arrays accepted from outside.
inline constexpr int kMaxJsonDepth = 32;

// Parses text as JSON, refusing invalid UTF-8, nesting deeper than max_depth,
// and trailing garbage. Returns InvalidArgument with a readable message.
Status ParseJson(std::string_view text, nlohmann::json* out, int max_depth = kMaxJsonDepth);

}  // namespace orgd
