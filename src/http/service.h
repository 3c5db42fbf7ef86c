// Service: one running orgd, assembled from its parts.
//
//   EventStore -> ProjectionSet (caught up) -> Writer -> Api -> Server
//
// Open() brings the parts up in that order, and the local control socket in
// the data directory (control_socket.h: `orgd backup` of a running server);
// Run() serves until a signal or
// Stop(); Close() takes them down in reverse (drained server, stopped writer,
// closed store) and reports whether the store closed cleanly. Used by `orgd
// serve` and by the HTTP tests, which run a real server on a loopback port.
//
// Thread safety: Stop() and port() from any thread, the rest from one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "src/http/control_socket.h"
#include "src/http/core/api.h"
#include "src/http/core/rate_limit.h"
#include "src/http/core/server.h"
#include "src/http/core/work_pool.h"
#include "src/http/native/native.h"

namespace orgd {
struct StoreOptions;
class EventStore;
class ReadViews;
class ProjectionSet;
class Writer;
class UserSearch;
class CredentialCache;
}  // namespace orgd

namespace orgd::http {

struct ServiceOptions {
  std::string data_dir = "./data";
  ServerOptions server;
  ApiOptions api;
  size_t writer_queue = 8192;
  size_t writer_max_batch = 1024;
  // How long a retried request with the same Idempotency-Key gets the first
  // reply (see docs/storage.md).
  int64_t idempotency_retention_ms = int64_t{24} * 3600 * 1000;
  // Serve ControlSocketPath(data_dir). When it cannot be bound (a path too
  // long for a socket address) the server logs a warning and runs without it.
  bool control_socket = true;
  // Adjusts the store's options before it opens: tests inject storage faults
  // here (StoreOptions::env, storage/event_store.h).
  std::function<void(StoreOptions&)> configure_store;
  // Sign-in: public URL, session and token lifetimes, Argon2id limits.
  AuthOptions auth;
  // The password-hashing pool: threads (0: one per core) and waiting jobs
  // beyond which sign-ins get 503.
  WorkPoolOptions hash_pool{0, 256};
  SignInLimitOptions sign_in;
};

class Service {
 public:
  static Status Open(ServiceOptions options, std::unique_ptr<Service>* out);
  ~Service();  // Close()s, ignoring errors.

  // On a store without credentials, registers a site-admin key: admin_key when
  // given, else a new random one. Returns the key registered, or nullopt when
  // the store already had credentials (then nothing changes).
  Result<std::optional<std::string>> Bootstrap(std::optional<std::string> admin_key);

  // Binds the listener (after this, port() is known) and serves until a
  // signal or Stop(), then drains.
  Status Listen();
  void Run();
  void Stop();
  uint16_t port() const;

  // Stops the writer and closes the store. Idempotent.
  Status Close();

  EventStore* store() const { return store_.get(); }
  Writer* writer() const { return writer_.get(); }
  Api* api() const { return api_.get(); }
  const UserSearch* search() const { return search_.get(); }

 private:
  Service() = default;

  std::unique_ptr<EventStore> store_;
  std::unique_ptr<ProjectionSet> projections_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<ReadViews> views_;
  std::unique_ptr<UserSearch> search_;
  std::unique_ptr<CredentialCache> credentials_;
  std::unique_ptr<WorkPool> hash_pool_;
  std::unique_ptr<SignInLimiter> limiter_;
  NativeDeps deps_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<ControlSocket> control_;
  bool closed_ = false;
};

}  // namespace orgd::http
