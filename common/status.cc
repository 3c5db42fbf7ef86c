#include "common/status.h"

namespace orgd {

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "ok";
    case Status::Code::kInvalidArgument: return "invalid_argument";
    case Status::Code::kNotFound: return "not_found";
    case Status::Code::kConflict: return "conflict";
    case Status::Code::kPreconditionFailed: return "precondition_failed";
    case Status::Code::kForbidden: return "forbidden";
    case Status::Code::kUnauthenticated: return "unauthenticated";
    case Status::Code::kQuotaExceeded: return "quota_exceeded";
    case Status::Code::kUnavailable: return "unavailable";
    case Status::Code::kCorruption: return "corruption";
    case Status::Code::kIOError: return "io_error";
    case Status::Code::kInternal: return "internal";
    case Status::Code::kGone: return "gone";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(CodeName(code_));
  if (!reason_.empty()) s += "(" + reason_ + ")";
  s += ": ";
  s += message_;
  return s;
}

}  // namespace orgd
