// orgd-genlog: writes a synthetic but valid orgd store of N events, for
// measuring the audit tools (docs/benchmarks.md).
//
//   orgd-genlog --data DIR --events N [--batch N] [--seed S] [--days D]
//               [--start TIME] [--admin-key KEY]
//
// The events go through the real storage path, without HTTP and without the
// command layer: EventStore batches (Append, the stream index, a few
// idempotency records) with every projection's Apply and checkpoint, as the
// writer does, so the result is a store `orgd serve`, orgd-replay and
// orgd-rebuild accept. Batches are large and unsynced; the store is flushed
// to disk once at the end.
//
// The mix: position 1 issues the site-admin key, then 20% OrgCreated (payload
// about 330 bytes), 76% OrgUpdated of a random live org (one to four fields,
// 40-250 bytes) and 4% OrgDeleted, with timestamps spread evenly over --days.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/events/credential_events.h"
#include "src/events/org_events.h"
#include "src/projections/core/projection.h"
#include "storage/event_store.h"

namespace {

constexpr const char* kUsage = R"(orgd-genlog - write a synthetic orgd store for benchmarks

Usage:
  orgd-genlog --data DIR --events N [options]

  --batch N         events per committed batch (default 20000)
  --seed S          random seed (default 1)
  --days D          spread the timestamps over D days (default 30)
  --start TIME      the first timestamp (default 2026-01-01T00:00:00Z)
  --admin-key KEY   the site-admin API key to register (default: a fixed test key)

DIR must not exist or be empty.
)";

constexpr char kDefaultAdminKey[] = "sk-genlogadminkeygenlogadminkeygenlogadmin";
constexpr char kActor[] = "key:genlog-admin";

struct Args {
  std::string data, admin_key = kDefaultAdminKey;
  uint64_t events = 0, batch = 20000, seed = 1, days = 30;
  int64_t start_ms = 0;
};

int Fail(const std::string& msg) {
  std::fprintf(stderr, "orgd-genlog: %s\n", msg.c_str());
  return 2;
}

bool ParseU64(std::string_view s, uint64_t* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Words for names, titles and descriptions of plausible length.
constexpr std::string_view kWords[] = {
    "alpha",   "bright",  "cedar",   "delta",    "ember",      "fjord",  "granite", "harbor",
    "indigo",  "juniper", "kestrel", "lumen",    "meadow",     "nimbus", "orchard", "prairie",
    "quartz",  "river",   "summit",  "timber",   "umber",      "valley", "willow",  "zephyr",
    "systems", "labs",    "group",   "partners", "collective", "works",  "studio",  "network"};

// The events of the synthetic history, one at a time.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  orgd::NewEvent Next() {
    const uint64_t r = Pick(100);
    if (live_.empty() || r < 20) return Create();
    if (r < 96) return Update();
    return Delete();
  }

 private:
  uint64_t Pick(uint64_t n) { return rng_() % n; }
  std::string_view Word() { return kWords[Pick(std::size(kWords))]; }
  std::string Words(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.append(i ? " " : "").append(Word());
    return s;
  }
  static std::string NameOf(uint64_t id) { return "gen-" + std::to_string(id); }

  orgd::NewEvent Create() {
    orgd::OrgCreated c;
    c.id = next_id_++;
    c.uuid = orgd::NewUuid();
    c.name = NameOf(c.id);
    c.title = Words(3 + Pick(3));
    c.description = Words(12 + Pick(12));
    c.email_address = "contact@" + c.name + ".example.com";
    c.link = "https://" + c.name + ".example.com/about";
    c.created_by = kActor;
    live_.push_back(c.id);
    return orgd::MakeEvent(orgd::OrgStream(c.id), c);
  }

  orgd::NewEvent Update() {
    orgd::OrgUpdated u;
    u.id = live_[Pick(live_.size())];
    if (Pick(10) < 7) u.title = Words(2 + Pick(4));
    if (Pick(10) < 3) u.description = Words(8 + Pick(20));
    if (Pick(10) < 2) u.email_address = "team" + std::to_string(Pick(100)) + "@example.org";
    if (Pick(10) < 2 || !(u.title || u.description || u.email_address)) {
      u.link = "https://example.org/" + std::string(Word());
    }
    return orgd::MakeEvent(orgd::OrgStream(u.id), u);
  }

  orgd::NewEvent Delete() {
    const size_t i = Pick(live_.size());
    orgd::OrgDeleted d{live_[i], NameOf(live_[i])};
    live_[i] = live_.back();
    live_.pop_back();
    return orgd::MakeEvent(orgd::OrgStream(d.id), d);
  }

  std::mt19937_64 rng_;
  std::vector<uint64_t> live_;
  uint64_t next_id_ = 1;
};

// The first event: the site-admin key, so `orgd serve` accepts the store.
orgd::NewEvent AdminKey(const std::string& key) {
  orgd::ApiKeyIssued k;
  k.key_id = "genlog-admin";
  k.key_sha256 = orgd::ToHex(orgd::Sha256Of(key));
  k.site_admin = true;
  k.label = "orgd-genlog site admin";
  return orgd::MakeEvent(orgd::ApiKeyStream(k.key_id), k);
}

// Appends one event and folds it into every model, inside batch.
orgd::Status AppendOne(const orgd::ProjectionSet& projections, orgd::LogBatch* batch,
                       const orgd::NewEvent& event, const orgd::AppendContext& ctx) {
  std::vector<orgd::EventEnvelope> appended;
  ORGD_RETURN_IF_ERROR(batch->Append({&event, 1}, {}, ctx, &appended));
  for (const auto& e : appended) ORGD_RETURN_IF_ERROR(projections.Apply(e, batch));
  if (!ctx.idempotency_key.empty()) {
    const uint64_t position = batch->head().last_position;
    orgd::IdempotencyRecord record;
    record.fingerprint = "genlog";
    record.outcome = "{}";
    record.position = position;
    record.created_ms = ctx.now_ms;
    batch->PutIdempotency(ctx.actor, ctx.idempotency_key, record);
  }
  return orgd::Status::OK();
}

orgd::Status Generate(orgd::EventStore* store, const Args& a) {
  std::unique_ptr<orgd::ProjectionSet> projections;
  ORGD_RETURN_IF_ERROR(orgd::ProjectionSet::Open(store, store, &projections));
  Generator gen(a.seed);
  const double step_ms = static_cast<double>(a.days) * 86400000.0 / static_cast<double>(a.events);
  const auto t0 = std::chrono::steady_clock::now();
  double last_report = 0;
  for (uint64_t done = 0; done < a.events;) {
    auto batch = store->NewBatch();
    for (uint64_t k = 0; k < a.batch && done < a.events; ++k, ++done) {
      orgd::AppendContext ctx{
          kActor, "gen-" + std::to_string(done + 1), "",
          a.start_ms + static_cast<int64_t>(static_cast<double>(done) * step_ms)};
      if (done % 100 == 99) ctx.idempotency_key = "idem-" + std::to_string(done + 1);
      ORGD_RETURN_IF_ERROR(
          AppendOne(*projections, batch.get(), done ? gen.Next() : AdminKey(a.admin_key), ctx));
    }
    projections->Checkpoint(batch.get());
    ORGD_RETURN_IF_ERROR(store->Commit(batch.get()));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (secs - last_report >= 5 || done == a.events) {
      last_report = secs;
      std::fprintf(stderr, "%llu/%llu events, %.0f ev/s\n", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(a.events), done / secs);
    }
  }
  return store->Flush();
}

std::string ParseArgs(const std::vector<std::string_view>& args, Args* a) {
  orgd::ParseIsoMs("2026-01-01T00:00:00Z", &a->start_ms);
  for (size_t i = 0; i < args.size(); ++i) {
    if (i + 1 >= args.size()) return "missing value for " + std::string(args[i]);
    const std::string_view flag = args[i];
    const std::string v(args[++i]);
    bool ok = true;
    if (flag == "--data") {
      a->data = v;
    } else if (flag == "--events") {
      ok = ParseU64(v, &a->events) && a->events > 0;
    } else if (flag == "--batch") {
      ok = ParseU64(v, &a->batch) && a->batch > 0;
    } else if (flag == "--seed") {
      ok = ParseU64(v, &a->seed);
    } else if (flag == "--days") {
      ok = ParseU64(v, &a->days) && a->days > 0;
    } else if (flag == "--start") {
      ok = orgd::ParseIsoMs(v, &a->start_ms);
    } else if (flag == "--admin-key") {
      a->admin_key = v;
    } else {
      return "unknown option " + std::string(flag);
    }
    if (!ok) return "bad value for " + std::string(flag) + ": " + v;
  }
  if (a->data.empty() || a->events == 0) return "--data DIR and --events N are required";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fputs(kUsage, stdout);
    return args.empty() ? 2 : 0;
  }
  Args a;
  if (std::string error = ParseArgs(args, &a); !error.empty()) return Fail(error);
  std::error_code ec;
  if (std::filesystem::exists(a.data, ec) && !std::filesystem::is_empty(a.data, ec)) {
    return Fail(a.data + " exists and is not empty");
  }
  orgd::StoreOptions so;
  so.path = a.data;
  so.extra_column_families = orgd::AllProjectionColumnFamilies();
  so.sync = false;  // one flush at the end instead of an fsync per batch
  std::unique_ptr<orgd::EventStore> store;
  orgd::Status s = orgd::EventStore::Open(so, &store);
  if (s.ok()) s = Generate(store.get(), a);
  if (s.ok()) s = store->Close();
  if (!s.ok()) return Fail(s.ToString());
  std::printf("wrote %llu events to %s; site-admin key: %s\n",
              static_cast<unsigned long long>(a.events), a.data.c_str(), a.admin_key.c_str());
  return 0;
}
