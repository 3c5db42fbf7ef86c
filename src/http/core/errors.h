// The one place where errors become HTTP responses.
//
// Every error leaves the native API as
//   {"error": {"code": "<machine code>", "message": "<for people>"}}
// with the status that Status::Code maps to here. Stateless and thread-safe.
#pragma once

#include <string_view>

#include "common/status.h"
#include "src/http/core/message.h"

namespace orgd::http {

// The HTTP status for an error code: kInvalidArgument -> 400, kNotFound -> 404, ...
int HttpStatusFor(Status::Code code);

// The error response for s (REQUIRES: !s.ok()). The machine code is s.reason()
// when set ("name_taken"), else the code's name ("not_found").
HttpResponse ErrorResponse(const Status& s);

// An error response made outside the Status world (the server's own limits:
// 413, 431, 405, ...).
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);

}  // namespace orgd::http
