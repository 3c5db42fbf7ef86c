// Small helpers the native routes share to read JSON bodies and query
// parameters: every error is InvalidArgument naming the field, with a code.
// Stateless functions, safe from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace orgd::http {

// The body as a JSON object ("bad_body" otherwise).
Status ParseBodyObject(std::string_view body, nlohmann::json* j);
// "unknown_field" listing what is allowed.
Status UnknownFieldError(const std::string& key, std::string_view allowed);
// "bad_field": 'key' must be <want>.
Status BadFieldError(const std::string& key, std::string_view want);

// v as a string into *out.
Status ReadString(const std::string& key, const nlohmann::json& v, std::string* out);
// v as a string, or null (meaning "none": an empty string).
Status ReadStringOrNull(const std::string& key, const nlohmann::json& v, std::string* out);
Status ReadBool(const std::string& key, const nlohmann::json& v, bool* out);
Status ReadUnsigned(const std::string& key, const nlohmann::json& v, uint64_t* out);
// A list of strings, at most max of them.
Status ReadStringList(const std::string& key, const nlohmann::json& v, size_t max,
                      std::vector<std::string>* out);

// True when the query names key, however its value is encoded.
bool HasQueryParam(std::string_view query, std::string_view key);
// An integer query parameter within [1, max], def when absent ("bad_pagination").
Status LimitParam(std::string_view query, std::string_view key, size_t def, size_t max,
                  size_t* out);
// A text query parameter; empty when absent.
Status TextParam(std::string_view query, std::string_view key, std::string* out);

// The body of a JSON reply (invalid UTF-8 replaced).
std::string DumpJson(const nlohmann::json& j);

}  // namespace orgd::http
