#include "src/http/service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

#include "common/random.h"
#include "common/sha256.h"
#include "src/commands/core/writer.h"
#include "src/commands/credentials/commands.h"
#include "src/http/compat/cocalc/cocalc.h"
#include "src/http/compat/seatable/seatable.h"
#include "src/http/native/native.h"
#include "src/queries/credential_cache.h"
#include "src/queries/read_views.h"
#include "src/queries/user_search.h"
#include "storage/event_store.h"

namespace orgd::http {

Status Service::Open(ServiceOptions options, std::unique_ptr<Service>* out) {
  std::unique_ptr<Service> s(new Service());
  StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.extra_column_families = AllProjectionColumnFamilies();
  if (options.configure_store) options.configure_store(store_options);
  store_options.idempotency_retention_ms = options.idempotency_retention_ms;
  ORGD_RETURN_IF_ERROR(EventStore::Open(store_options, &s->store_));
  ORGD_RETURN_IF_ERROR(ProjectionSet::Open(s->store_.get(), s->store_.get(), &s->projections_));
  uint64_t caught_up = 0;
  ORGD_RETURN_IF_ERROR(s->projections_->CatchUp(&caught_up));
  s->views_ = std::make_unique<ReadViews>(s->store_.get(), s->store_.get());
  // The search index, before the writer starts: it then misses no event.
  s->search_ = std::make_unique<UserSearch>(s->views_.get());
  const auto load_start = std::chrono::steady_clock::now();
  ORGD_RETURN_IF_ERROR(s->search_->Load());
  spdlog::info("user search: {} accounts indexed in {:.2f} s ({} MB)", s->search_->index().size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count(),
               s->search_->index().MemoryBytes() >> 20);
  WriterOptions writer_options;
  writer_options.queue_capacity = options.writer_queue;
  writer_options.max_batch = options.writer_max_batch;
  writer_options.clock = options.api.clock;
  s->credentials_ = std::make_unique<CredentialCache>(s->views_.get());
  UserSearch* search = s->search_.get();
  CredentialCache* credentials = s->credentials_.get();
  writer_options.after_commit = [search, credentials](const std::vector<EventEnvelope>& events) {
    credentials->Apply(events);
    search->Apply(events);
  };
  s->writer_ = std::make_unique<Writer>(s->store_.get(), s->projections_.get(), writer_options);
  s->writer_->Start();
  s->hash_pool_ = std::make_unique<WorkPool>(options.hash_pool);
  s->limiter_ = std::make_unique<SignInLimiter>(options.sign_in);
  s->deps_ = NativeDeps{s->hash_pool_.get(), s->limiter_.get(), s->search_.get(), options.auth};
  s->api_ = std::make_unique<Api>(s->views_.get(), s->writer_.get(), s->credentials_.get(),
                                  options.api);
  RegisterNativeRoutes(*s->api_, s->deps_);
  RegisterCocalcRoutes(*s->api_, s->deps_);
  RegisterSeatableRoutes(*s->api_, s->deps_);
  s->server_ = std::make_unique<Server>(s->api_.get(), options.server);
  if (options.control_socket) {
    EventStore* store = s->store_.get();
    s->control_ = std::make_unique<ControlSocket>(
        ControlSocketPath(options.data_dir),
        [store](std::string_view request) {
          return HandleControlRequest(
              [store](const std::string& dir, uint64_t* position) {
                return store->Backup(dir, position);
              },
              request);
        });
    Status started = s->control_->Start();
    if (!started.ok()) {
      spdlog::warn("no control socket, so `orgd backup` cannot reach this server: {}",
                   started.ToString());
      s->control_.reset();
    }
  }
  *out = std::move(s);
  return Status::OK();
}

Service::~Service() { Close().PermitUncheckedError(); }

Result<std::optional<std::string>> Service::Bootstrap(std::optional<std::string> admin_key) {
  uint64_t keys = 0;
  ORGD_RETURN_IF_ERROR(views_->CountCredentials(&keys));
  if (keys > 0) return std::optional<std::string>();
  std::string key = admin_key ? std::move(*admin_key) : NewApiKey();
  IssueApiKey issue;
  issue.key_id = RandomBase62(16);
  issue.key_sha256 = ToHex(Sha256Of(key));
  issue.site_admin = true;
  issue.label = "bootstrap site admin";
  Command cmd{{}, std::move(issue)};
  cmd.meta.actor = "system";
  cmd.meta.request_id = "bootstrap";
  std::promise<CommandOutcome> done;
  ORGD_RETURN_IF_ERROR(writer_->Submit(std::move(cmd), [&done](CommandOutcome o) {
    done.set_value(std::move(o));
  }));
  CommandOutcome outcome = done.get_future().get();
  ORGD_RETURN_IF_ERROR(outcome.error);
  return std::optional<std::string>(std::move(key));
}

Status Service::Listen() { return server_->Listen(); }
void Service::Run() { server_->Run(); }
void Service::Stop() {
  if (server_) server_->Stop();
}
uint16_t Service::port() const { return server_ ? server_->port() : 0; }

Status Service::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  control_.reset();  // lets a backup in progress finish
  // The hashing pool first (its jobs submit commands), then the writer: its
  // last completions are posted into the (stopped) server. Any part may be
  // missing when Open() failed half-way.
  if (hash_pool_) hash_pool_->Stop();
  if (writer_) writer_->Stop();
  server_.reset();
  api_.reset();
  hash_pool_.reset();
  limiter_.reset();
  writer_.reset();
  credentials_.reset();
  search_.reset();
  views_.reset();
  projections_.reset();
  return store_ ? store_->Close() : Status::OK();
}

}  // namespace orgd::http
