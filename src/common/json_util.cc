#include "src/common/json_util.h"

#include <nlohmann/json.hpp>

namespace orgd {
namespace {

struct TooDeep {};

}  // namespace

Status ParseJson(std::string_view text, nlohmann::json* out, int max_depth) {
  // The callback sees the depth of every token; stop at the first one too deep,
  // before the parser builds anything beneath it.
  auto limit = [max_depth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start ||
        event == nlohmann::json::parse_event_t::array_start) {
      if (depth >= max_depth) throw TooDeep{};
    }
    return true;
  };
  try {
    *out = nlohmann::json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/true,
                                 /*ignore_comments=*/false);
  } catch (const TooDeep&) {
    return Status::InvalidArgument("JSON nesting is deeper than " + std::to_string(max_depth) +
                                       " levels",
                                   "json_too_deep");
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    return Status::InvalidArgument("malformed JSON: " + what, "malformed_json");
  }
  return Status::OK();
}

}  // namespace orgd
