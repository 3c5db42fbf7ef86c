#include "src/commands/core/validate.h"

#include <string>

#include "common/email.h"

namespace orgd {

Status ValidateText(std::string_view field, std::string_view value, size_t max_chars,
                    bool multiline) {
  size_t chars = 0;
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++chars;  // count code points, not bytes
    bool control = c < 0x20 || c == 0x7f;
    if (control && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
      return Status::InvalidArgument(std::string(field) + " must not contain control characters",
                                     "invalid_" + std::string(field));
    }
  }
  if (chars > max_chars) {
    return Status::InvalidArgument(
        std::string(field) + " must be at most " + std::to_string(max_chars) + " characters",
        "invalid_" + std::string(field));
  }
  return Status::OK();
}

Status ValidateEmail(std::string_view field, std::string_view value) {
  if (value.empty()) return Status::OK();
  ORGD_RETURN_IF_ERROR(ValidateText(field, value, 254));
  if (!IsValidEmail(value)) {
    return Status::InvalidArgument(std::string(field) + " is not a valid email address",
                                   "invalid_" + std::string(field));
  }
  return Status::OK();
}

}  // namespace orgd
