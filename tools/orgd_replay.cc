// orgd-replay: the audit-log tool. Reads the log of a data directory, also
// while a server is running on it.
//
//   orgd-replay show   --data DIR [filters] [--format table|jsonl]
//   orgd-replay verify --data DIR
#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "src/common/time_util.h"
#include "storage/event_store.h"
#include "storage/log_verify.h"

namespace {

constexpr const char* kUsage = R"(orgd-replay - read and verify orgd's audit log

Usage:
  orgd-replay show   --data DIR [options]   print events in log order
  orgd-replay verify --data DIR             check positions, stream versions and the hash chain
  orgd-replay --help

Options of show:
  --from-position N / --to-position N       position range (inclusive)
  --since TIME / --until TIME               time range, ISO 8601 UTC ("2026-11-23T10:00:00Z")
  --stream ID     --type TYPE     --actor ACTOR     --org ID     filters (all must hold)
  --format table|jsonl                      default: table
  --limit N                                 stop after N events

verify exits 0 when the log is sound, 1 naming the first bad position otherwise.
)";

struct ShowOptions {
  uint64_t from = 1, to = UINT64_MAX, limit = UINT64_MAX;
  int64_t since = INT64_MIN, until = INT64_MAX;
  std::string stream, type, actor, format = "table";
};

int Fail(const std::string& msg) {
  std::fprintf(stderr, "orgd-replay: %s\n", msg.c_str());
  return 2;
}

bool ParseU64(std::string_view s, uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

nlohmann::json EventJson(const orgd::EventEnvelope& e) {
  nlohmann::json payload = nlohmann::json::parse(e.payload, nullptr, false);
  return {{"position", e.position},     {"time", orgd::FormatIsoMs(e.timestamp_ms)},
          {"stream", e.stream_id},      {"stream_version", e.stream_version},
          {"type", e.type},             {"schema_version", e.schema_version},
          {"actor", e.actor},           {"request_id", e.request_id},
          {"idempotency_key", e.idempotency_key},
          {"payload", payload.is_discarded() ? nlohmann::json(e.payload) : payload},
          {"hash", orgd::ToHex(e.hash)}};
}

bool Matches(const orgd::EventEnvelope& e, const ShowOptions& o) {
  return e.timestamp_ms >= o.since && e.timestamp_ms <= o.until &&
         (o.stream.empty() || e.stream_id == o.stream) && (o.type.empty() || e.type == o.type) &&
         (o.actor.empty() || e.actor == o.actor);
}

int Show(orgd::EventStore& store, const ShowOptions& o) {
  const bool table = o.format == "table";
  if (table) std::printf("%-9s %-24s %-22s %-5s %-14s %s\n", "POSITION", "TIME", "STREAM", "VER", "TYPE", "ACTOR");
  uint64_t shown = 0;
  orgd::EventEnvelope e;
  auto it = store.NewLogIterator(o.from);
  for (; it->Valid() && it->position() <= o.to && shown < o.limit; it->Next()) {
    orgd::Status s = it->Decode(&e);
    if (!s.ok()) return Fail("position " + std::to_string(it->position()) + ": " + s.ToString());
    if (!Matches(e, o)) continue;
    ++shown;
    if (table) {
      std::printf("%-9llu %-24s %-22s %-5llu %-14s %s\n", static_cast<unsigned long long>(e.position),
                  orgd::FormatIsoMs(e.timestamp_ms).c_str(), e.stream_id.c_str(),
                  static_cast<unsigned long long>(e.stream_version), e.type.c_str(), e.actor.c_str());
    } else {
      std::puts(EventJson(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
  }
  if (!it->status().ok()) return Fail(it->status().ToString());
  return 0;
}

int Verify(orgd::EventStore& store) {
  orgd::VerifyReport r;
  orgd::Status s = orgd::VerifyLog(store, &r);
  if (!s.ok()) return Fail(s.ToString());
  if (!r.problem.empty()) {
    std::printf("BROKEN at position %llu: %s\n", static_cast<unsigned long long>(r.first_bad_position),
                r.problem.c_str());
    return 1;
  }
  std::printf("OK: %llu events, positions gap-free, stream versions consecutive, hash chain intact\n",
              static_cast<unsigned long long>(r.events));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, stdout);
    return args.empty() ? 2 : 0;
  }
  std::string_view cmd = args[0];
  std::string data;
  ShowOptions o;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view f = args[i];
    if (f == "--help" || f == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 >= args.size()) return Fail("missing value for " + std::string(f));
    std::string v(args[++i]);
    bool ok = true;
    if (f == "--data") data = v;
    else if (f == "--from-position") ok = ParseU64(v, &o.from);
    else if (f == "--to-position") ok = ParseU64(v, &o.to);
    else if (f == "--limit") ok = ParseU64(v, &o.limit);
    else if (f == "--since") ok = orgd::ParseIsoMs(v, &o.since);
    else if (f == "--until") ok = orgd::ParseIsoMs(v, &o.until);
    else if (f == "--stream") o.stream = v;
    else if (f == "--org") o.stream = "org-" + v;
    else if (f == "--type") o.type = v;
    else if (f == "--actor") o.actor = v;
    else if (f == "--format") ok = (o.format = v) == "table" || v == "jsonl";
    else return Fail("unknown option " + std::string(f));
    if (!ok) return Fail("bad value for " + std::string(f) + ": " + v);
  }
  if (data.empty()) return Fail("--data DIR is required");
  orgd::StoreOptions so;
  so.path = data;
  so.read_only = true;
  std::unique_ptr<orgd::EventStore> store;
  orgd::Status s = orgd::EventStore::Open(so, &store);
  if (!s.ok()) return Fail(s.ToString());
  if (cmd == "show") return Show(*store, o);
  if (cmd == "verify") return Verify(*store);
  return Fail("unknown command '" + std::string(cmd) + "'");
}
