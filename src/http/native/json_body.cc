#include "src/http/native/json_body.h"

#include <charconv>

#include "common/json_util.h"
#include "src/http/core/message.h"

namespace orgd::http {

using nlohmann::json;

Status ParseBodyObject(std::string_view body, json* j) {
  ORGD_RETURN_IF_ERROR(ParseJson(body, j));
  if (!j->is_object()) return Status::InvalidArgument("the body must be a JSON object", "bad_body");
  return Status::OK();
}

Status UnknownFieldError(const std::string& key, std::string_view allowed) {
  return Status::InvalidArgument("unknown field '" + key + "'; allowed: " + std::string(allowed),
                                 "unknown_field");
}

Status BadFieldError(const std::string& key, std::string_view want) {
  return Status::InvalidArgument("'" + key + "' must be " + std::string(want), "bad_field");
}

Status ReadString(const std::string& key, const json& v, std::string* out) {
  if (!v.is_string()) return BadFieldError(key, "a string");
  *out = v.get<std::string>();
  return Status::OK();
}

Status ReadStringOrNull(const std::string& key, const json& v, std::string* out) {
  if (v.is_null()) {
    out->clear();
    return Status::OK();
  }
  return ReadString(key, v, out);
}

Status ReadBool(const std::string& key, const json& v, bool* out) {
  if (!v.is_boolean()) return BadFieldError(key, "true or false");
  *out = v.get<bool>();
  return Status::OK();
}

Status ReadUnsigned(const std::string& key, const json& v, uint64_t* out) {
  if (!v.is_number_unsigned()) return BadFieldError(key, "a non-negative integer");
  *out = v.get<uint64_t>();
  return Status::OK();
}

Status ReadStringList(const std::string& key, const json& v, size_t max,
                      std::vector<std::string>* out) {
  if (!v.is_array() || v.size() > max) {
    return BadFieldError(key, "a list of at most " + std::to_string(max) + " strings");
  }
  out->clear();
  for (const auto& item : v) {
    if (!item.is_string()) return BadFieldError(key, "a list of strings");
    out->push_back(item.get<std::string>());
  }
  return Status::OK();
}

bool HasQueryParam(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    if (pair.substr(0, pair.find('=')) == key) return true;
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return false;
}

Status LimitParam(std::string_view query, std::string_view key, size_t def, size_t max,
                  size_t* out) {
  auto raw = QueryParam(query, key);
  if (!raw && !HasQueryParam(query, key)) {
    *out = def;
    return Status::OK();
  }
  size_t n = 0;
  std::string_view v = raw ? std::string_view(*raw) : std::string_view();
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (!raw || ec != std::errc() || end != v.data() + v.size() || n < 1 || n > max) {
    return Status::InvalidArgument(
        std::string(key) + " must be an integer from 1 to " + std::to_string(max),
        "bad_pagination");
  }
  *out = n;
  return Status::OK();
}

Status TextParam(std::string_view query, std::string_view key, std::string* out) {
  auto raw = QueryParam(query, key);
  if (!raw && HasQueryParam(query, key)) {
    return Status::InvalidArgument(std::string(key) + " is badly escaped", "bad_query");
  }
  *out = raw ? std::string(*raw) : std::string();
  return Status::OK();
}

std::string DumpJson(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace orgd::http
