// Bounded JSON parsing and small helpers over nlohmann::json, and a fast
// reader and writer for the flat objects orgd stores. The functions are
// thread-safe; a FlatJson object is not shareable.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace orgd {

// Largest nesting depth of objects/arrays accepted from outside.
inline constexpr int kMaxJsonDepth = 32;

// Parses text as JSON, refusing invalid UTF-8, nesting deeper than max_depth,
// and trailing garbage. Returns InvalidArgument with a readable message.
Status ParseJson(std::string_view text, nlohmann::json* out, int max_depth = kMaxJsonDepth);

// A JSON object whose values are all scalars, read without building a
// nlohmann::json and without allocating: the fast path for event payloads and
// read-model records, which are written that way and read millions of times
// by a rebuild. Parse() accepts a subset of what ParseJson accepts and returns
// false for anything else (a nested value, an escape sequence, a negative or
// fractional number, more than kMaxMembers members, invalid JSON or UTF-8);
// the caller then falls back to ParseJson. Values are views into the parsed
// text, which must outlive them.
struct FlatJsonValue {
  enum class Kind { kString, kUnsigned, kTrue, kFalse, kNull } kind = Kind::kNull;
  std::string_view text;  // kString: the text (it had no escapes)
  uint64_t number = 0;    // kUnsigned
};

class FlatJson {
 public:
  static constexpr size_t kMaxMembers = 32;
  using Value = FlatJsonValue;

  bool Parse(std::string_view text);
  // The value of key (as nlohmann: the last one when repeated), or nullptr.
  const Value* Find(std::string_view key) const;

 private:
  std::pair<std::string_view, Value> members_[kMaxMembers];
  size_t size_ = 0;
};

// Appends s as a JSON string exactly as nlohmann::json::dump() writes it
// (short escapes, other control characters as \u00xx, UTF-8 as is). False,
// with *out unspecified, when s is not valid UTF-8 (dump() throws there).
bool AppendJsonString(std::string* out, std::string_view s);

}  // namespace orgd
