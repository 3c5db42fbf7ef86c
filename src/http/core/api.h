// Api: orgd's HTTP request handling, from HttpRequest to HttpResponse.
//
// Routes requests, authenticates /api/v1 callers, turns writes into commands
// for the Writer and answers reads from the read models. No sockets here: the
// server (server.cc) feeds it, and tests call Handle() directly.
//
// Thread safety: Handle() is safe from any number of threads at once. A reply
// may be delivered on another thread (the writer's) after Handle() returned.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "src/http/core/auth.h"
#include "src/http/core/message.h"
#include "src/http/core/router.h"

namespace rocksdb {
class ColumnFamilyHandle;
}

namespace orgd {
class EventStore;
class Writer;
struct Command;
struct CommandOutcome;
struct CreateOrg;
struct UpdateOrg;
}  // namespace orgd

namespace orgd::http {

struct ApiOptions {
  size_t default_page_size = 30;
  size_t max_page_size = 100;
  std::function<int64_t()> clock;  // ms since the epoch; nullptr: the system clock
};

// Counters the socket layer keeps and /metrics shows.
struct ConnectionStats {
  std::atomic<int64_t> open{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};  // over the connection limit
};

class Api {
 public:
  using Reply = std::function<void(HttpResponse)>;

  // "*store" and "*writer" must outlive the Api.
  Api(EventStore* store, Writer* writer, ApiOptions options = {});
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Handles req and calls reply exactly once, on this thread or another.
  void Handle(HttpRequest req, Reply reply);

  // After this, /readyz answers 503 so balancers stop sending work.
  void SetDraining() { draining_.store(true, std::memory_order_relaxed); }

  ConnectionStats& connection_stats() { return connections_; }

  // Records an exchange answered outside Handle() (the server's own limits).
  void Observe(std::string_view route, std::string_view method, int status, double seconds);

 private:
  // One request on its way through: what routes receive.
  struct Call {
    HttpRequest req;
    std::vector<std::string> params;
    Principal principal;
    std::string request_id;
    Reply reply;
  };
  enum Route : int {
    kHealthz,
    kReadyz,
    kMetrics,
    kCreateOrg,
    kListOrgs,
    kGetOrg,
    kUpdateOrg,
    kDeleteOrg,
  };

  void Dispatch(int route, Call call);
  // Fills c.meta from the request (actor, ids, If-Match); false after replying with an error.
  bool PrepareWrite(Call& call, Command& cmd);
  void Submit(Call call, Command cmd);
  int64_t Now() const;

  // org_api.cc
  void OnCreateOrg(Call call);
  void OnGetOrg(Call call);
  void OnListOrgs(Call call);
  void OnUpdateOrg(Call call);
  void OnDeleteOrg(Call call);

  // ops_api.cc
  HttpResponse Healthz() const;
  HttpResponse Readyz() const;
  HttpResponse Metrics();

  // Constant after construction.
  EventStore* const store_;
  Writer* const writer_;
  const ApiOptions options_;
  rocksdb::ColumnFamilyHandle* const orgs_cf_;
  const Authenticator auth_;
  Router router_;

  std::atomic<bool> draining_{false};
  ConnectionStats connections_;
  HistogramFamily latency_{Histogram::LatencyBounds()};
};

// Native-API body decoding, separate from the handlers so tests and fuzzers
// reach it directly. InvalidArgument names the offending field.
Status DecodeCreateOrg(std::string_view body, CreateOrg* out);
Status DecodeUpdateOrg(std::string_view body, UpdateOrg* out);

// Parses an If-Match value: "3", W/"3" or 3; "*" yields nullopt.
Status ParseIfMatch(std::string_view value, std::optional<uint64_t>* out);

// The reply for what the writer answered.
HttpResponse ResponseFor(const CommandOutcome& outcome);

}  // namespace orgd::http
