// orgd-replay: the audit-log tool. Reads the log of a data directory, also
// while a server is running on it.
//
//   orgd-replay show    --data DIR [filters] [--format table|jsonl]
//   orgd-replay verify  --data DIR
//   orgd-replay stats   --data DIR [--format table|jsonl] [--top N]
//   orgd-replay restore --data DIR --to DIR2 (--until-position N | --until-time T)
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/time_util.h"
#include "src/events/org_events.h"
#include "src/events/registry.h"
#include "src/projections/core/projection.h"
#include "src/projections/core/rebuild.h"
#include "storage/event_store.h"
#include "storage/log_stats.h"
#include "storage/log_verify.h"
#include "storage/restore.h"

namespace {

constexpr const char* kUsage = R"(orgd-replay - read, verify, count and restore orgd's audit log

Usage:
  orgd-replay show    --data DIR [options]   print events in log order
  orgd-replay verify  --data DIR [options]   check positions, stream versions and the hash chain
  orgd-replay stats   --data DIR [options]   events per type, per day (UTC) and per org
  orgd-replay restore --data DIR --to DIR2 (--until-position N | --until-time TIME)
                                             a new data directory as of that moment
  orgd-replay --help

Options of show:
  --from-position N / --to-position N       position range (inclusive)
  --since TIME / --until TIME               time range, ISO 8601 UTC ("2026-11-23T10:00:00Z")
  --stream ID     --type TYPE     --actor ACTOR     --org ID     filters (all must hold)
  --format table|jsonl                      default: table
  --limit N                                 stop after N events

Options of verify:
  --threads N                               check N parts of the log at once (default: one
                                            per core); fewer threads use less memory

Options of stats:
  --format table|jsonl                      default: table
  --top N                                   only the N orgs with the most events

restore copies the events up to position N, or up to TIME inclusive, byte for byte (the hash
chain still verifies), with their stream index and idempotency records, rebuilds every read
model and verifies the copy. DIR2 must not exist or be empty. `orgd serve --data DIR2` then
shows the state as of that moment.

Every command reads DIR while a server may be running on it. verify exits 0 when the log is
sound, 1 naming the first bad position otherwise; every command exits 2 on an error.
)";

struct ShowOptions {
  uint64_t from = 1, to = UINT64_MAX, limit = UINT64_MAX;
  int64_t since = INT64_MIN, until = INT64_MAX;
  std::string stream, type, actor;
};

struct Args {
  std::string command, data, to, format = "table";
  ShowOptions show;
  orgd::RestorePoint point;
  int restore_points = 0;  // how many of --until-position/--until-time were given
  uint64_t top = UINT64_MAX;
  uint64_t threads = 0;  // verify: 0 for one per core
};

int Fail(const std::string& msg) {
  std::fprintf(stderr, "orgd-replay: %s\n", msg.c_str());
  return 2;
}

bool ParseU64(std::string_view s, uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string U64(uint64_t v) { return std::to_string(v); }

// ------------------------------------------------------------------ show

nlohmann::json EventJson(const orgd::EventEnvelope& e) {
  // Decoded through the event registry: the payload at its type's current
  // schema (schema_version says which was stored); unknown types as stored.
  nlohmann::json payload = orgd::PayloadForDisplay(e.type, e.schema_version, e.payload);
  return {{"position", e.position},     {"time", orgd::FormatIsoMs(e.timestamp_ms)},
          {"stream", e.stream_id},      {"stream_version", e.stream_version},
          {"type", e.type},             {"schema_version", e.schema_version},
          {"actor", e.actor},           {"request_id", e.request_id},
          {"idempotency_key", e.idempotency_key},
          {"payload", payload},
          {"hash", orgd::ToHex(e.hash)}};
}

void PrintLine(const nlohmann::json& j) {
  std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

bool Matches(const orgd::EventEnvelope& e, const ShowOptions& o) {
  return e.timestamp_ms >= o.since && e.timestamp_ms <= o.until &&
         (o.stream.empty() || e.stream_id == o.stream) && (o.type.empty() || e.type == o.type) &&
         (o.actor.empty() || e.actor == o.actor);
}

int Show(orgd::EventStore& store, const ShowOptions& o, bool table) {
  if (table) {
    std::printf("%-9s %-24s %-22s %-5s %-14s %s\n", "POSITION", "TIME", "STREAM", "VER", "TYPE",
                "ACTOR");
  }
  uint64_t shown = 0;
  orgd::EventEnvelope e;
  auto it = store.NewLogIterator(o.from);
  for (; it->Valid() && it->position() <= o.to && shown < o.limit; it->Next()) {
    orgd::Status s = it->Decode(&e);
    if (!s.ok()) return Fail("position " + U64(it->position()) + ": " + s.ToString());
    if (!Matches(e, o)) continue;
    ++shown;
    if (!table) {
      PrintLine(EventJson(e));
      continue;
    }
    std::printf("%-9s %-24s %-22s %-5s %-14s %s\n", U64(e.position).c_str(),
                orgd::FormatIsoMs(e.timestamp_ms).c_str(), e.stream_id.c_str(),
                U64(e.stream_version).c_str(), e.type.c_str(), e.actor.c_str());
  }
  if (!it->status().ok()) return Fail(it->status().ToString());
  return 0;
}

// ------------------------------------------------------------------ verify

int Verify(orgd::EventStore& store, const Args& a) {
  orgd::VerifyReport r;
  orgd::VerifyOptions options;
  options.threads = static_cast<unsigned>(std::min<uint64_t>(a.threads, 64));
  orgd::Status s = orgd::VerifyLog(store, &r, nullptr, options);
  if (!s.ok()) return Fail(s.ToString());
  if (!r.problem.empty()) {
    std::printf("BROKEN at position %s: %s\n", U64(r.first_bad_position).c_str(),
                r.problem.c_str());
    return 1;
  }
  std::printf("OK: %s events, positions gap-free, stream versions consecutive, hash chain intact\n",
              U64(r.events).c_str());
  if (r.events > 0) std::printf("last hash: %s\n", orgd::ToHex(r.last_hash).c_str());
  return 0;
}

// ------------------------------------------------------------------ stats

// Orgs by events, most first, then by id.
std::vector<std::pair<std::string, uint64_t>> OrgsByEvents(const orgd::LogStats& st, uint64_t top) {
  std::vector<std::pair<std::string, uint64_t>> orgs(st.by_group.begin(), st.by_group.end());
  auto by_id = [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;  // numeric order for digits
  };
  std::sort(orgs.begin(), orgs.end(), [&](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : by_id(a.first, b.first);
  });
  if (orgs.size() > top) orgs.resize(top);
  return orgs;
}

nlohmann::json OrgId(const std::string& id) {
  uint64_t n = 0;
  return ParseU64(id, &n) ? nlohmann::json(n) : nlohmann::json(id);
}

void PrintStatsJsonl(const orgd::LogStats& st, uint64_t top) {
  nlohmann::json all{{"by", "all"}, {"events", st.events}};
  if (st.events > 0) {
    all["first"] = orgd::FormatIsoMs(st.first_ms);
    all["last"] = orgd::FormatIsoMs(st.last_ms);
  }
  PrintLine(all);
  for (const auto& [type, n] : st.by_type) {
    PrintLine({{"by", "type"}, {"type", type}, {"events", n}});
  }
  for (const auto& [day, n] : st.by_day) {
    PrintLine({{"by", "day"}, {"day", orgd::FormatDay(day)}, {"events", n}});
  }
  for (const auto& [org, n] : OrgsByEvents(st, top)) {
    PrintLine({{"by", "org"}, {"org", OrgId(org)}, {"events", n}});
  }
}

void PrintStatsTable(const orgd::LogStats& st, uint64_t top) {
  std::printf("%s events", U64(st.events).c_str());
  if (st.events > 0) {
    std::printf(", %s .. %s", orgd::FormatIsoMs(st.first_ms).c_str(),
                orgd::FormatIsoMs(st.last_ms).c_str());
  }
  std::printf("\n\n%-24s %12s\n", "TYPE", "EVENTS");
  for (const auto& [type, n] : st.by_type) {
    std::printf("%-24s %12s\n", type.c_str(), U64(n).c_str());
  }
  std::printf("\n%-24s %12s\n", "DAY (UTC)", "EVENTS");
  for (const auto& [day, n] : st.by_day) {
    std::printf("%-24s %12s\n", orgd::FormatDay(day).c_str(), U64(n).c_str());
  }
  auto orgs = OrgsByEvents(st, top);
  std::printf("\n%-24s %12s\n", "ORG", "EVENTS");
  for (const auto& [org, n] : orgs) std::printf("%-24s %12s\n", org.c_str(), U64(n).c_str());
  if (orgs.size() < st.by_group.size()) {
    std::printf("(%s more orgs)\n", U64(st.by_group.size() - orgs.size()).c_str());
  }
}

int Stats(orgd::EventStore& store, const Args& a) {
  orgd::LogStats st;
  orgd::Status s = orgd::ComputeLogStats(store, orgd::kOrgStreamPrefix, &st);
  if (!s.ok()) return Fail(s.ToString());
  if (a.format == "jsonl") {
    PrintStatsJsonl(st, a.top);
  } else {
    PrintStatsTable(st, a.top);
  }
  return 0;
}

// ------------------------------------------------------------------ restore

// Rebuilds every read model of the store at dir and verifies its log.
orgd::Status RebuildAndVerify(const std::string& dir, orgd::VerifyReport* report) {
  orgd::StoreOptions so;
  so.path = dir;
  so.extra_column_families = orgd::AllProjectionColumnFamilies();
  std::unique_ptr<orgd::EventStore> store;
  ORGD_RETURN_IF_ERROR(orgd::EventStore::Open(so, &store));
  orgd::RebuildOptions ro;
  ro.events_per_batch = 16384;
  ro.cache_bytes = size_t{256} << 20;
  for (const auto& p : orgd::AllProjections()) {
    ORGD_RETURN_IF_ERROR(
        orgd::RebuildInto(store.get(), *p, orgd::ColumnFamilyName(p->name()), nullptr, ro));
  }
  ORGD_RETURN_IF_ERROR(orgd::VerifyLog(*store, report));
  return store->Close();
}

int Restore(orgd::EventStore& source, const Args& a) {
  if (a.to.empty()) return Fail("restore needs --to DIR2");
  if (a.restore_points != 1) return Fail("restore needs one of --until-position N, --until-time T");
  orgd::RestoreReport r;
  orgd::Status s = orgd::RestoreLogPrefix(source, a.to, a.point, &r);
  orgd::VerifyReport v;
  if (s.ok()) s = RebuildAndVerify(a.to, &v);
  if (!s.ok()) {
    std::error_code ec;  // the directory was empty or new: leave nothing half-made
    if (s.reason() != "target_exists") std::filesystem::remove_all(a.to, ec);
    return Fail("restore failed: " + s.ToString());
  }
  if (!v.problem.empty()) {
    return Fail("the restored log does not verify at position " + U64(v.first_bad_position) +
                ": " + v.problem + " (left in " + a.to + ")");
  }
  std::printf("restored %s events into %s", U64(r.events).c_str(), a.to.c_str());
  if (r.events > 0) {
    std::printf(" (positions 1-%s, the last at %s)", U64(r.events).c_str(),
                orgd::FormatIsoMs(r.last_timestamp_ms).c_str());
  }
  std::printf("\n  %s streams, %s idempotency records; read models rebuilt\n",
              U64(r.streams).c_str(), U64(r.idempotency_records).c_str());
  std::printf("  verify: OK, hash chain intact over %s events\n", U64(v.events).c_str());
  std::printf("serve it with: orgd serve --data %s\n", a.to.c_str());
  return 0;
}

// ------------------------------------------------------------------ main

bool ParsePoint(std::string_view flag, const std::string& v, Args* a) {
  ++a->restore_points;
  if (flag == "--until-position") return ParseU64(v, &a->point.until_position);
  return orgd::ParseIsoMs(v, &a->point.until_ms);
}

// Parses the flags after the command; an error message, or "" when fine.
std::string ParseFlags(const std::vector<std::string_view>& args, Args* a) {
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view f = args[i];
    if (i + 1 >= args.size()) return "missing value for " + std::string(f);
    std::string v(args[++i]);
    ShowOptions& o = a->show;
    bool ok = true;
    if (f == "--data") a->data = v;
    else if (f == "--to") a->to = v;
    else if (f == "--from-position") ok = ParseU64(v, &o.from);
    else if (f == "--to-position") ok = ParseU64(v, &o.to);
    else if (f == "--limit") ok = ParseU64(v, &o.limit);
    else if (f == "--since") ok = orgd::ParseIsoMs(v, &o.since);
    else if (f == "--until") ok = orgd::ParseIsoMs(v, &o.until);
    else if (f == "--stream") o.stream = v;
    else if (f == "--org") o.stream = std::string(orgd::kOrgStreamPrefix) + v;
    else if (f == "--type") o.type = v;
    else if (f == "--actor") o.actor = v;
    else if (f == "--format") ok = (a->format = v) == "table" || v == "jsonl";
    else if (f == "--top") ok = ParseU64(v, &a->top);
    else if (f == "--threads") ok = ParseU64(v, &a->threads);
    else if (f == "--until-position" || f == "--until-time") ok = ParsePoint(f, v, a);
    else return "unknown option " + std::string(f);
    if (!ok) return "bad value for " + std::string(f) + ": " + v;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  const bool help = std::find(args.begin(), args.end(), "--help") != args.end() ||
                    std::find(args.begin(), args.end(), "-h") != args.end();
  if (args.empty() || help) {
    std::fputs(kUsage, stdout);
    return args.empty() ? 2 : 0;
  }
  Args a;
  a.command = args[0];
  if (std::string error = ParseFlags(args, &a); !error.empty()) return Fail(error);
  if (a.data.empty()) return Fail("--data DIR is required");
  const std::vector<std::string> commands = {"show", "verify", "stats", "restore"};
  if (std::find(commands.begin(), commands.end(), a.command) == commands.end()) {
    return Fail("unknown command '" + a.command + "' (see --help)");
  }
  orgd::StoreOptions so;
  so.path = a.data;
  so.read_only = true;
  std::unique_ptr<orgd::EventStore> store;
  orgd::Status s = orgd::EventStore::Open(so, &store);
  if (!s.ok()) return Fail(s.ToString());
  if (a.command == "show") return Show(*store, a.show, a.format == "table");
  if (a.command == "verify") return Verify(*store, a);
  if (a.command == "stats") return Stats(*store, a);
  return Restore(*store, a);
}
