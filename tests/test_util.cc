#include "tests/test_util.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "common/random.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd::test {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/orgd-test-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

::testing::AssertionResult AssertStatus(const char* expr, const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expr << " returned " << s.ToString();
}

StoreOptions DomainStoreOptions(const std::string& path, rocksdb::Env* env) {
  StoreOptions o;
  o.path = path;
  o.extra_column_families = AllProjectionColumnFamilies();
  o.env = env;
  o.block_cache_bytes = size_t{8} << 20;
  return o;
}

// ------------------------------------------------------------------ WritePath

WritePath::~WritePath() { Close().PermitUncheckedError(); }

Status WritePath::Open(std::function<void(size_t)> hook) {
  ORGD_RETURN_IF_ERROR(EventStore::Open(options_, &store_));
  ORGD_RETURN_IF_ERROR(ProjectionSet::Open(store_.get(), store_.get(), &projections_));
  ORGD_RETURN_IF_ERROR(projections_->CatchUp(&caught_up_));
  writer_ = std::make_unique<Writer>(store_.get(), projections_.get(), writer_options_);
  if (hook) writer_->TEST_SetBeforeCommitHook(std::move(hook));
  writer_->Start();
  return Status::OK();
}

void WritePath::StopWriter() {
  if (writer_) writer_->Stop();
  writer_.reset();
}

Status WritePath::Close() {
  StopWriter();
  projections_.reset();
  Status s;
  if (store_) s = store_->Close();
  store_.reset();
  return s;
}

std::future<CommandOutcome> WritePath::Submit(Command cmd) {
  auto promise = std::make_shared<std::promise<CommandOutcome>>();
  auto future = promise->get_future();
  Status s = writer_->Submit(std::move(cmd),
                             [promise](CommandOutcome o) { promise->set_value(std::move(o)); });
  if (!s.ok()) {
    CommandOutcome refused;
    refused.error = s;
    promise->set_value(std::move(refused));
  }
  return future;
}

ModelHandle WritePath::orgs() const {
  return ModelHandle(store_->ReadModel(store_->FindModel(ColumnFamilyName(OrgProjection::kName))));
}

int StatusOf(const CommandOutcome& o) {
  if (!o.error.ok()) return 0;
  switch (o.result.kind) {
    case CommandResult::Kind::kCreated: return 201;
    case CommandResult::Kind::kChanged: return 200;
    case CommandResult::Kind::kDeleted: return 204;
  }
  return 0;
}

// ------------------------------------------------------------------ commands

CommandMeta AdminMeta(std::string actor) {
  CommandMeta m;
  m.actor = std::move(actor);
  m.site_admin = true;
  m.request_id = "req-" + RandomBase62(8);
  return m;
}

Command MakeCreateOrg(const std::string& name, CommandMeta meta) {
  CreateOrg c;
  c.uuid = NewUuid();
  c.name = name;
  c.title = "Title of " + name;
  return Command{std::move(meta), std::move(c)};
}

Command MakeUpdateOrgTitle(const std::string& org, const std::string& title,
                           std::optional<uint64_t> if_match, CommandMeta meta) {
  UpdateOrg u;
  u.org = org;
  u.title = title;
  meta.if_match = if_match;
  return Command{std::move(meta), std::move(u)};
}

Command MakeDeleteOrg(const std::string& org, CommandMeta meta) {
  return Command{std::move(meta), DeleteOrg{org}};
}

}  // namespace orgd::test
