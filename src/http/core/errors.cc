#include "src/http/core/errors.h"

#include <nlohmann/json.hpp>

namespace orgd::http {

int HttpStatusFor(Status::Code code) {
  using C = Status::Code;
  switch (code) {
    case C::kOk: return 200;
    case C::kInvalidArgument: return 400;
    case C::kUnauthenticated: return 401;
    case C::kForbidden: return 403;
    case C::kNotFound: return 404;
    case C::kConflict: return 409;
    case C::kPreconditionFailed: return 412;
    case C::kGone: return 410;
    case C::kQuotaExceeded: return 422;
    case C::kUnavailable: return 503;
    case C::kCorruption:
    case C::kIOError:
    case C::kInternal: return 500;
  }
  return 500;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  HttpResponse r;
  r.status = status;
  // Replace, never throw, on bytes that are not UTF-8 (they may echo input).
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (status == 401) r.AddHeader("WWW-Authenticate", "Bearer realm=\"orgd\"");
  if (status == 503) r.AddHeader("Retry-After", "1");
  return r;
}

HttpResponse ErrorResponse(const Status& s) {
  std::string_view code = s.reason().empty() ? CodeName(s.code()) : std::string_view(s.reason());
  int status = HttpStatusFor(s.code());
  // Internal details of storage failures stay in the log, not on the wire.
  std::string_view message = status == 500 ? "internal error" : std::string_view(s.message());
  HttpResponse r = ErrorResponse(status, code, message);
  if (s.current_version()) r.AddHeader("ETag", "\"" + std::to_string(*s.current_version()) + "\"");
  return r;
}

}  // namespace orgd::http
