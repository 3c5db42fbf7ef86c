// Stateless validation rules shared by every aggregate and every surface.
// Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"

namespace orgd {

// At most max_chars code points; no control characters (newline and tab
// allowed when multiline). InvalidArgument, reason "invalid_<field>".
Status ValidateText(std::string_view field, std::string_view value, size_t max_chars,
                    bool multiline = false);
// Empty, or a plausible address of at most 254 characters.
Status ValidateEmail(std::string_view field, std::string_view value);

}  // namespace orgd
