#include "src/commands/core/command.h"

#include <nlohmann/json.hpp>

namespace orgd {

// {"kind":1,"entity":"org","id":"42","stream":"org-42","version":1,
//  "position":17,"snapshot":"..."}: the typed result, which each surface
// renders on a replay exactly as it rendered the first reply.
std::string EncodeOutcome(const CommandResult& r) {
  return nlohmann::json{{"kind", static_cast<int>(r.kind)}, {"entity", r.entity},
                        {"id", r.id},                       {"stream", r.stream},
                        {"version", r.version},             {"position", r.position},
                        {"snapshot", r.snapshot}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status DecodeOutcome(std::string_view bytes, CommandResult* out) {
  auto j = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::Corruption("idempotency outcome");
  try {
    const int kind = j.at("kind").get<int>();
    if (kind < 1 || kind > 3) return Status::Corruption("idempotency outcome kind");
    out->kind = static_cast<CommandResult::Kind>(kind);
    out->entity = j.at("entity").get<std::string>();
    out->id = j.at("id").get<std::string>();
    out->stream = j.at("stream").get<std::string>();
    out->version = j.at("version").get<uint64_t>();
    out->position = j.at("position").get<uint64_t>();
    out->snapshot = j.at("snapshot").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return Status::Corruption("idempotency outcome fields");
  }
  return Status::OK();
}

Status CheckIfMatch(const CommandMeta& m, uint64_t version, std::string_view what) {
  if (!m.if_match || *m.if_match == version) return Status::OK();
  return Status::PreconditionFailed(std::string(what) + " is at version " + std::to_string(version) +
                                        ", If-Match expected " + std::to_string(*m.if_match),
                                    "version_mismatch")
      .WithCurrentVersion(version);
}

}  // namespace orgd
