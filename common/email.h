// The one definition of what an email address looks like, and of how two
// addresses are compared (case-insensitively, after trimming). Pure
// functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace orgd {

// True when s has the shape of an address: exactly one '@', not first; after
// it a domain holding a '.' that is neither its first nor its last character;
// and no space, control character or DEL anywhere. Says nothing about
// length: ValidateEmail (src/commands/core/validate.h) also bounds it.
bool IsValidEmail(std::string_view s);

// s without leading and trailing ASCII whitespace, ASCII letters lower-cased
// (other bytes kept as they are). Emails are stored and compared in this form.
std::string NormalizeEmail(std::string_view s);

}  // namespace orgd
