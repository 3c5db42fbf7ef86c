// Micro benchmarks of the hot pure functions (Google Benchmark): the event
// codec derived from the registry, a decision against an in-memory state,
// and the native rendering of a command's outcome. Build with
// -DORGD_BUILD_BENCHMARKS=ON and run ./build/orgd-microbench; figures go to
// docs/benchmarks.md as ratios between rows of one run.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "src/commands/orgs/commands.h"
#include "src/events/org_events.h"
#include "src/http/native/native.h"
#include "src/projections/core/projection.h"
#include "src/projections/orgs/org_projection.h"
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

}  // namespace
}  // namespace orgd

BENCHMARK_MAIN();
