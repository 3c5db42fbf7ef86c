// Micro benchmarks of the hot pure functions (Google Benchmark): the event
// codec derived from the registry, a decision against an in-memory state,
// the native rendering of a command's outcome, and the user search index
// (build and Match at 100k and 1M synthetic accounts). Build with
// -DORGD_BUILD_BENCHMARKS=ON and run ./build/orgd-microbench; figures go to
// docs/benchmarks.md as ratios between rows of one run.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "src/commands/orgs/commands.h"
#include "src/events/org_events.h"
#include "src/http/native/native.h"
#include "src/projections/core/projection.h"
#include "src/projections/orgs/org_projection.h"
#include "src/queries/user_search_index.h"
#include "storage/kv/memory_model.h"

namespace orgd {
namespace {

OrgCreated SampleOrg() {
  OrgCreated e;
  e.id = 42;
  e.uuid = "3f1c2a9e-8f0b-4c53-9d7e-2b6a1c0d9e11";
  e.name = "acme-rockets";
  e.title = "Acme Rockets, Inc.";
  e.description = "Rockets, anvils and other fine products since 1949.";
  e.email_address = "ops@acme.example";
  e.link = "https://acme.example/";
  e.created_by = "key:Zx81bench";
  return e;
}

void BM_EncodeOrgCreated(benchmark::State& state) {
  const OrgCreated e = SampleOrg();
  for (auto _ : state) benchmark::DoNotOptimize(ToPayload(e));
}
BENCHMARK(BM_EncodeOrgCreated);

void BM_DecodeOrgCreated(benchmark::State& state) {
  const std::string payload = ToPayload(SampleOrg());
  for (auto _ : state) {
    OrgCreated e;
    benchmark::DoNotOptimize(FromPayload(payload, OrgCreated::kVersion, &e));
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_DecodeOrgCreated);

// One model per projection in memory, filled by folding real events.
class MemoryState final : public StateView {
 public:
  MemoryState() {
    for (auto& p : AllProjections()) models_[std::string(p->name())];
  }
  const ModelReader& model(std::string_view projection) const override {
    return models_.find(std::string(projection))->second;
  }
  Status StreamVersion(std::string_view, uint64_t* version) const override {
    *version = 1;
    return Status::OK();
  }
  void Fold(const OrgCreated& e) {
    EventEnvelope env;
    env.position = e.id;
    env.stream_id = OrgStream(e.id);
    env.stream_version = 1;
    env.type = std::string(OrgCreated::kType);
    env.payload = ToPayload(e);
    OrgProjection().Apply(env, models_[std::string(OrgProjection::kName)]).PermitUncheckedError();
  }

 private:
  std::map<std::string, MemoryModel> models_;
};

void BM_DecideUpdateOrg(benchmark::State& state) {
  MemoryState s;
  s.Fold(SampleOrg());
  CommandMeta m;
  m.actor = "key:bench";
  m.site_admin = true;
  UpdateOrg u;
  u.org = "acme-rockets";
  u.title = "Acme Rockets (renamed)";
  for (auto _ : state) benchmark::DoNotOptimize(Decide(s, m, u));
}
BENCHMARK(BM_DecideUpdateOrg);

void BM_RenderNativeOutcome(benchmark::State& state) {
  OrgRecord org;
  org.id = 42;
  org.name = "acme-rockets";
  org.title = "Acme Rockets, Inc.";
  org.version = 3;
  CommandOutcome o;
  o.result.kind = CommandResult::Kind::kChanged;
  o.result.version = 3;
  o.result.snapshot = OrgToJson(org);
  for (auto _ : state) benchmark::DoNotOptimize(http::ResponseFor(o));
}
BENCHMARK(BM_RenderNativeOutcome);

void BM_OrgToJson(benchmark::State& state) {
  OrgRecord org;
  org.id = 42;
  org.uuid = "3f1c2a9e-8f0b-4c53-9d7e-2b6a1c0d9e11";
  org.name = "acme-rockets";
  org.title = "Acme Rockets, Inc.";
  org.description = "Rockets, anvils and other fine products since 1949.";
  org.version = 3;
  for (auto _ : state) benchmark::DoNotOptimize(OrgToJson(org));
}
BENCHMARK(BM_OrgToJson);

// ---- user search ------------------------------------------------------------

// Deterministic names: ~1000 first and ~1000 last names from syllables,
// usernames like first+digits for three accounts in four.
std::vector<std::string> SyllableNames(uint32_t seed, size_t n) {
  static const char* const kSyllables[] = {
      "an", "bel", "car", "da", "el", "fi", "gor", "ha", "is", "jo", "ka", "li", "mar",
      "ne", "o", "pe", "qui", "ro", "sa", "ta", "u", "vi", "wen", "xa", "yo", "ze",
      "ton", "ric", "son", "mil", "ber", "ley", "na", "th", "ia", "ster"};
  constexpr size_t kCount = sizeof(kSyllables) / sizeof(kSyllables[0]);
  std::vector<std::string> names;
  std::map<std::string, bool> seen;
  uint64_t x = seed;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(x >> 33);
  };
  while (names.size() < n) {
    std::string name;
    for (uint32_t k = 2 + next() % 2; k > 0; --k) name += kSyllables[next() % kCount];
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    if (!seen[name]) {
      seen[name] = true;
      names.push_back(name);
    }
  }
  return names;
}

std::vector<SearchAccount> SyntheticAccounts(size_t n) {
  const std::vector<std::string> firsts = SyllableNames(1, 1000), lasts = SyllableNames(2, 1000);
  std::vector<SearchAccount> accounts(n);
  uint64_t x = 42;
  auto next = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(x >> 33);
  };
  const int64_t kStart = 1400000000000, kSpan = 10LL * 365 * 24 * 3600 * 1000;
  for (size_t i = 0; i < n; ++i) {
    SearchAccount& a = accounts[i];
    char id[40];
    std::snprintf(id, sizeof(id), "%08x-0000-4000-8000-%012zx", next(), i);
    a.account_id = id;
    a.first_name = firsts[next() % firsts.size()];
    a.last_name = lasts[next() % lasts.size()];
    if (next() % 4 != 0) a.username = a.first_name + std::to_string(next() % 10000);
    a.created_ms = kStart + static_cast<int64_t>(next() % 1000000) * (kSpan / 1000000);
    if (next() % 10 < 7) a.last_active_ms = a.created_ms + static_cast<int64_t>(next() % 1000000) * 1000;
  }
  return accounts;
}

long ResidentBytes() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return resident * 4096;
}

// One index per size, built once and shared by the Match benchmarks.
const UserSearchIndex& IndexOf(size_t n) {
  static std::map<size_t, std::unique_ptr<UserSearchIndex>> indexes;
  auto& index = indexes[n];
  if (!index) {
    std::vector<SearchAccount> accounts = SyntheticAccounts(n);
    long rss = ResidentBytes();
    index = std::make_unique<UserSearchIndex>();
    auto start = std::chrono::steady_clock::now();
    index->UpsertMany(accounts);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "user search index: %zu accounts, UpsertMany %.2f s, MemoryBytes %.1f MB, "
                 "RSS growth %.1f MB\n", n, secs, index->MemoryBytes() / 1e6,
                 (ResidentBytes() - rss) / 1e6);
  }
  return *index;
}

void UserSearchMatch(benchmark::State& state, std::vector<std::vector<std::string>> terms) {
  const UserSearchIndex& index = IndexOf(static_cast<size_t>(state.range(0)));
  state.counters["hits"] = static_cast<double>(index.Match(terms, SIZE_MAX).size());
  for (auto _ : state) benchmark::DoNotOptimize(index.Match(terms, 20));
}

void BM_UserSearchMatchWord5(benchmark::State& state) { UserSearchMatch(state, {{"milto"}}); }
void BM_UserSearchMatchWord4(benchmark::State& state) { UserSearchMatch(state, {{"anel"}}); }
void BM_UserSearchMatchWord2(benchmark::State& state) { UserSearchMatch(state, {{"an"}}); }
void BM_UserSearchMatchWord1(benchmark::State& state) { UserSearchMatch(state, {{"a"}}); }
void BM_UserSearchMatchAtPrefix(benchmark::State& state) { UserSearchMatch(state, {{"@jori"}}); }
void BM_UserSearchMatchTwoWords(benchmark::State& state) {
  UserSearchMatch(state, {{"mar", "son"}});
}
void BM_UserSearchMatchTwoTerms(benchmark::State& state) {
  UserSearchMatch(state, {{"milto"}, {"quiel"}});
}
BENCHMARK(BM_UserSearchMatchWord5)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UserSearchMatchWord4)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UserSearchMatchWord2)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UserSearchMatchWord1)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UserSearchMatchAtPrefix)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UserSearchMatchTwoWords)->Arg(100000)->Arg(1000000);
BENCHMARK(BM_UserSearchMatchTwoTerms)->Arg(100000)->Arg(1000000);

// A fresh index per iteration: the cold-start build of n accounts.
void BM_UserSearchBuild(benchmark::State& state) {
  const std::vector<SearchAccount> accounts = SyntheticAccounts(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    UserSearchIndex index;
    index.UpsertMany(accounts);
    state.counters["MB"] = static_cast<double>(index.MemoryBytes()) / 1e6;
  }
}
BENCHMARK(BM_UserSearchBuild)->Arg(100000)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace orgd

BENCHMARK_MAIN();
