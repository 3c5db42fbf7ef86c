// Api: orgd's HTTP request handling, from HttpRequest to HttpResponse.
//
// Routes are registered by each surface's files (src/http/native/*_routes.cc,
// later src/http/compat/<product>/) through Add(): a method, a pattern, who
// may call it (RoutePolicy) and a handler. Handle() matches the route,
// authenticates the caller with the credential forms of the route's surface,
// asks Authorize() and runs the handler. Writes become commands for the
// Writer (SubmitCommand); reads use the typed ReadViews. No sockets here: the
// server (server.cc) feeds it, and tests call Handle() directly.
//
// Thread safety: Add() only before serving starts; afterwards Handle() is
// safe from any number of threads at once. A reply may be delivered on
// another thread (the writer's) after Handle() returned.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <memory>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "common/thread_annotations.h"
#include "src/http/core/auth.h"
#include "src/http/core/message.h"
#include "src/http/core/router.h"

namespace orgd {
class CredentialCache;
class ReadViews;
class Writer;
class Command;
struct CommandOutcome;
}  // namespace orgd

namespace orgd::http {

struct ApiOptions {
  size_t default_page_size = 30;
  size_t max_page_size = 100;
  // The deepest offset page (page × per_page) /orgs serves; cursors have no bound.
  size_t max_page_offset = 10'000;
  std::function<int64_t()> clock;  // ms since the epoch; nullptr: the system clock
  // A credential's use is recorded (an event) at most this often; 0 turns
  // the recording off.
  int64_t credential_use_interval_ms = 5 * 60 * 1000;
  // The plan catalog: the roles an org may have (`orgd serve --org-plans`).
  // The first is a new org's plan when it names none.
  std::vector<std::string> org_plans = {"default", "guest", "org_default"};
};

// Counters the socket layer keeps and /metrics shows.
struct ConnectionStats {
  std::atomic<int64_t> open{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};  // over the connection limit
};

// A family of routes that share a wire format: the credential forms they
// accept and the shape of their errors. Surfaces outlive the Api.
struct Surface {
  std::string name;  // "native": also part of every idempotency fingerprint
  std::vector<CredentialParser> credentials;
  std::function<HttpResponse(const Status&)> error;  // REQUIRES: !s.ok()
};

// One request on its way through: what a handler receives.
struct Call {
  using Reply = std::function<void(HttpResponse)>;
  HttpRequest req;
  std::vector<std::string> params;  // the pattern's {parameters}, decoded
  Principal principal;              // empty on a public route
  std::string request_id;
  const Surface* surface = nullptr;
  Reply reply;

  // Replies with the surface's rendering of s (REQUIRES: !s.ok()).
  void Fail(const Status& s) { reply(surface->error(s)); }
};

class Api : private MembershipLookup {
 public:
  using Reply = Call::Reply;
  using Handler = std::function<void(Call)>;

  // "*views", "*writer" and "*credentials" must outlive the Api; the writer
  // must feed the cache its commits (CredentialCache::Apply).
  Api(const ReadViews* views, Writer* writer, const CredentialCache* credentials,
      ApiOptions options = {});
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  // Registers a route. "*surface" must outlive the Api.
  void Add(const Surface* surface, std::string_view method, std::string_view pattern,
           RoutePolicy policy, Handler handler);

  // Handles req and calls reply exactly once, on this thread or another.
  void Handle(HttpRequest req, Reply reply);

  // Fills cmd's meta from the call (actor, request id, Idempotency-Key and
  // the request's fingerprint, If-Match), submits it, and replies with
  // render(outcome) once it is decided and durable; errors go through the
  // call's surface.
  void SubmitCommand(Call call, Command cmd,
                     std::function<HttpResponse(const CommandOutcome&)> render);

  // After this, /readyz answers 503 so balancers stop sending work.
  void SetDraining() { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  ConnectionStats& connection_stats() { return connections_; }
  HistogramFamily& latency() { return latency_; }

  // Records an exchange answered outside Handle() (the server's own limits).
  void Observe(std::string_view route, std::string_view method, int status, double seconds);

  const ReadViews& views() const { return *views_; }
  const Authenticator& authenticator() const { return auth_; }
  Writer& writer() const { return *writer_; }
  const ApiOptions& options() const { return options_; }
  int64_t Now() const;

  // Every registered route, in registration order.
  struct RouteInfo {
    std::string method;
    std::string pattern;
    RoutePolicy policy;
    std::string surface;
  };
  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    RouteInfo info;
    const Surface* surface;
    Handler handler;
  };

  // Authorize's view of the members model.
  Status Holds(std::string_view org_ref, std::string_view account_id, std::string_view capability,
               bool* member, bool* holds) const override;

  // Records the use of an account's credential unless it was recorded within
  // credential_use_interval_ms (the event is sent without waiting for it).
  void NoteCredentialUse(const Principal& who);

  // Constant after construction (and registration).
  const ReadViews* const views_;
  Writer* const writer_;
  const ApiOptions options_;
  const Authenticator auth_;
  Router router_;
  std::vector<Route> handlers_;  // by router id

  std::atomic<bool> draining_{false};
  // When each credential's use was last recorded, in shards by key id.
  struct UseShard {
    Mutex mu;
    std::unordered_map<std::string, int64_t> last_ms GUARDED_BY(mu);
  };
  static constexpr size_t kUseShards = 16;
  std::unique_ptr<UseShard[]> uses_{new UseShard[kUseShards]};
  ConnectionStats connections_;
  HistogramFamily latency_{Histogram::LatencyBounds()};
  // latency_'s series by the addresses of their labels, so that a reply
  // finds its series without building the label text (see Observe).
  struct SeriesKey {
    const char* route;
    size_t route_size;
    const char* method;
    int status;
    bool operator==(const SeriesKey&) const = default;
  };
  struct SeriesKeyHash {
    size_t operator()(const SeriesKey& k) const {
      size_t h = std::hash<const void*>{}(k.route);
      h = h * 31 + std::hash<const void*>{}(k.method);
      return (h * 31 + k.route_size) * 31 + static_cast<size_t>(k.status);
    }
  };
  struct CachedSeries {
    std::string route, method;
    Histogram* histogram;
  };
  static constexpr size_t kMaxCachedSeries = 4096;
  SharedMutex series_mu_;
  std::unordered_map<SeriesKey, CachedSeries, SeriesKeyHash> series_ GUARDED_BY(series_mu_);
};

// Parses an If-Match value holding one entity tag (RFC 9110 13.1.1): "3",
// W/"3", a bare 3 (accepted for old clients) or "*" (nullopt: any version).
// If-Match compares strongly, and versions are decimal numbers from 1: a weak
// tag or any other well-formed tag ("stale-0", a number beyond 64 bits) can
// never match and yields version 0, which makes the write fail with 412.
// InvalidArgument "bad_if_match" only for a malformed value.
Status ParseIfMatch(std::string_view value, std::optional<uint64_t>* out);

}  // namespace orgd::http
