// Status and Result<T>: the outcome of an operation, as a value.
//
// Errors inside commands, events, projections and storage are values from the
// small closed set in Status::Code (never exceptions). A Status is a plain value:
// copy it freely; distinct objects may be used from different threads.
// Ignoring one is visible: both types are [[nodiscard]], and the only way to drop
// an error on purpose is the greppable PermitUncheckedError().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace orgd {

class [[nodiscard]] Status {
 public:
  // The closed set of error kinds. These cross into src/http, which maps each
  // to exactly one HTTP status in src/http/core/errors.cc.
  enum class Code : uint8_t {
    kOk = 0,
    // The input breaks a rule (bad name, missing field, value out of range).
    kInvalidArgument = 1,
    // The addressed thing does not exist (or the caller may not know it does).
    kNotFound = 2,
    // The change collides with current state: a taken name, a stream version
    // that moved, an idempotency key reused for another request.
    kConflict = 3,
    // An If-Match precondition did not hold.
    kPreconditionFailed = 4,
    // The caller is known but lacks the right.
    kForbidden = 5,
    // The caller's credential is missing or wrong.
    kUnauthenticated = 6,
    // A configured limit would be exceeded (members per org, ...).
    kQuotaExceeded = 7,
    // Temporarily unable to serve: writer queue full, store read-only.
    kUnavailable = 8,
    // Stored data is damaged (bad encoding, broken hash chain).
    kCorruption = 9,
    // The storage engine failed to read or write.
    kIOError = 10,
    // A bug: a broken invariant of our own.
    kInternal = 11,
    // The addressed thing existed and is gone for good (an expired or revoked
    // invitation): retrying cannot help.
    kGone = 12,
  };

  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg, std::string reason = {}) {
    return Status(Code::kInvalidArgument, std::move(msg), std::move(reason));
  }
  static Status NotFound(std::string msg, std::string reason = {}) {
    return Status(Code::kNotFound, std::move(msg), std::move(reason));
  }
  static Status Conflict(std::string msg, std::string reason = {}) {
    return Status(Code::kConflict, std::move(msg), std::move(reason));
  }
  static Status PreconditionFailed(std::string msg, std::string reason = {}) {
    return Status(Code::kPreconditionFailed, std::move(msg), std::move(reason));
  }
  static Status Forbidden(std::string msg, std::string reason = {}) {
    return Status(Code::kForbidden, std::move(msg), std::move(reason));
  }
  static Status Unauthenticated(std::string msg, std::string reason = {}) {
    return Status(Code::kUnauthenticated, std::move(msg), std::move(reason));
  }
  static Status QuotaExceeded(std::string msg, std::string reason = {}) {
    return Status(Code::kQuotaExceeded, std::move(msg), std::move(reason));
  }
  static Status Unavailable(std::string msg, std::string reason = {}) {
    return Status(Code::kUnavailable, std::move(msg), std::move(reason));
  }
  static Status Corruption(std::string msg, std::string reason = {}) {
    return Status(Code::kCorruption, std::move(msg), std::move(reason));
  }
  static Status IOError(std::string msg, std::string reason = {}) {
    return Status(Code::kIOError, std::move(msg), std::move(reason));
  }
  static Status Gone(std::string msg, std::string reason = {}) {
    return Status(Code::kGone, std::move(msg), std::move(reason));
  }
  static Status Internal(std::string msg, std::string reason = {}) {
    return Status(Code::kInternal, std::move(msg), std::move(reason));
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsPreconditionFailed() const { return code_ == Code::kPreconditionFailed; }
  bool IsForbidden() const { return code_ == Code::kForbidden; }
  bool IsUnauthenticated() const { return code_ == Code::kUnauthenticated; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsGone() const { return code_ == Code::kGone; }

  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // A short machine-readable refinement of code() ("name_taken"), or empty.
  const std::string& reason() const { return reason_; }

  // For conflicts on a stream version: the version the stream has now.
  std::optional<uint64_t> current_version() const { return current_version_; }
  Status& WithCurrentVersion(uint64_t v) {
    current_version_ = v;
    return *this;
  }

  // The same status with "prefix" before its message ("accounts[3]: ...").
  Status Prefixed(std::string_view prefix) const {
    Status s = *this;
    s.message_.insert(0, prefix);
    return s;
  }

  // "InvalidArgument: name must ..." for logs and test failures.
  std::string ToString() const;

  // Drops the status on purpose; greppable (RocksDB's idiom).
  void PermitUncheckedError() const {}

 private:
  Status(Code code, std::string msg, std::string reason)
      : code_(code), message_(std::move(msg)), reason_(std::move(reason)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::string reason_;
  std::optional<uint64_t> current_version_;
};

// The stable lower-case name of a code ("not_found"), used on the wire.
std::string_view CodeName(Status::Code code);

// Either a T or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}              // NOLINT: implicit on purpose
  Result(Status status) : v_(std::move(status)) {}       // NOLINT: implicit on purpose

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace orgd

// Returns early from the enclosing function with a non-OK status.
#define ORGD_RETURN_IF_ERROR(expr)          \
  do {                                      \
    ::orgd::Status _orgd_s = (expr);        \
    if (!_orgd_s.ok()) return _orgd_s;      \
  } while (0)
