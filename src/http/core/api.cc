#include "src/http/core/api.h"

#include "src/commands/core/writer.h"
#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/http/core/errors.h"
#include "src/projections/orgs/org_projection.h"

namespace orgd::http {

namespace {

// Longest Idempotency-Key and X-Request-Id accepted.
constexpr size_t kMaxIdempotencyKey = 255;
constexpr size_t kMaxRequestId = 128;

bool IsVisibleAscii(std::string_view s) {
  for (char c : s) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

// Methods outside this set share one label, so clients cannot grow /metrics.
std::string_view MethodLabel(std::string_view m) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (m == known) return known;
  }
  return "other";
}

std::string RequestIdFor(const HttpRequest& req) {
  auto given = req.Header("X-Request-Id");
  if (given && !given->empty() && given->size() <= kMaxRequestId && IsVisibleAscii(*given)) {
    return std::string(*given);
  }
  return NewRequestId();
}

}  // namespace

Api::Api(EventStore* store, Writer* writer, ApiOptions options)
    : store_(store),
      writer_(writer),
      options_(std::move(options)),
      orgs_cf_(store->cf(ColumnFamilyName(OrgProjection::kName))),
      auth_(store, options_.clock ? options_.clock : NowMs) {
  router_.Add("GET", "/healthz", kHealthz);
  router_.Add("GET", "/readyz", kReadyz);
  router_.Add("GET", "/metrics", kMetrics);
  router_.Add("POST", "/api/v1/orgs", kCreateOrg);
  router_.Add("GET", "/api/v1/orgs", kListOrgs);
  router_.Add("GET", "/api/v1/orgs/{org}", kGetOrg);
  router_.Add("PATCH", "/api/v1/orgs/{org}", kUpdateOrg);
  router_.Add("DELETE", "/api/v1/orgs/{org}", kDeleteOrg);
}

int64_t Api::Now() const { return options_.clock ? options_.clock() : NowMs(); }

void Api::Observe(std::string_view route, std::string_view method, int status, double seconds) {
  std::string labels;
  labels.reserve(64);
  labels.append("route=\"").append(route).append("\",method=\"").append(MethodLabel(method));
  labels.append("\",status=\"").append(std::to_string(status)).append("\"");
  latency_.Get(labels)->Observe(seconds);
}

void Api::Handle(HttpRequest req, Reply reply) {
  const auto start = std::chrono::steady_clock::now();
  Router::Match m = router_.Find(req.method, req.Path());
  std::string route = m.pattern.empty() ? "unmatched" : m.pattern;
  std::string request_id = RequestIdFor(req);
  Reply observed = [this, route, method = req.method, request_id, start,
                    reply = std::move(reply)](HttpResponse r) {
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    Observe(route, method, r.status, took.count());
    r.AddHeader("X-Request-Id", request_id);
    reply(std::move(r));
  };
  switch (m.kind) {
    case Router::Match::Kind::kBadPath:
      return observed(ErrorResponse(400, "bad_target", "the request target must be an absolute path"));
    case Router::Match::Kind::kNoRoute:
      return observed(ErrorResponse(404, "no_route", "no such endpoint: " + std::string(req.Path())));
    case Router::Match::Kind::kWrongMethod: {
      HttpResponse r = ErrorResponse(405, "method_not_allowed",
                                     req.method + " is not allowed here; allowed: " + m.allow);
      r.AddHeader("Allow", m.allow);
      return observed(std::move(r));
    }
    case Router::Match::Kind::kFound:
      break;
  }
  Call call{std::move(req), std::move(m.params), {}, std::move(request_id), std::move(observed)};
  if (route.starts_with("/api/")) {
    Status s = auth_.Authenticate(call.req.Header("Authorization"), &call.principal);
    if (!s.ok()) return call.reply(ErrorResponse(s));
  }
  Dispatch(m.id, std::move(call));
}

void Api::Dispatch(int route, Call call) {
  switch (static_cast<Route>(route)) {
    case kHealthz: return call.reply(Healthz());
    case kReadyz: return call.reply(Readyz());
    case kMetrics: return call.reply(Metrics());
    case kCreateOrg: return OnCreateOrg(std::move(call));
    case kListOrgs: return OnListOrgs(std::move(call));
    case kGetOrg: return OnGetOrg(std::move(call));
    case kUpdateOrg: return OnUpdateOrg(std::move(call));
    case kDeleteOrg: return OnDeleteOrg(std::move(call));
  }
  call.reply(ErrorResponse(Status::Internal("unhandled route")));
}

bool Api::PrepareWrite(Call& call, Command& cmd) {
  CommandMeta& meta = cmd.meta;
  meta.actor = call.principal.Actor();
  meta.site_admin = call.principal.site_admin;
  meta.request_id = call.request_id;
  if (auto key = call.req.Header("Idempotency-Key")) {
    if (key->empty() || key->size() > kMaxIdempotencyKey || !IsVisibleAscii(*key)) {
      call.reply(ErrorResponse(400, "bad_idempotency_key",
                               "Idempotency-Key must be 1-255 visible ASCII characters"));
      return false;
    }
    meta.idempotency_key = std::string(*key);
    // The same key with another method, target or body is a different request.
    Sha256 h;
    h.Update(call.req.method);
    h.Update("\n");
    h.Update(call.req.target);
    h.Update("\n");
    h.Update(call.req.body);
    meta.fingerprint = ToHex(h.Final());
  }
  if (auto if_match = call.req.Header("If-Match")) {
    Status s = ParseIfMatch(*if_match, &meta.if_match);
    if (!s.ok()) {
      call.reply(ErrorResponse(s));
      return false;
    }
  }
  return true;
}

void Api::Submit(Call call, Command cmd) {
  if (!PrepareWrite(call, cmd)) return;
  Reply reply = call.reply;
  Status s = writer_->Submit(std::move(cmd), [reply](CommandOutcome o) { reply(ResponseFor(o)); });
  if (!s.ok()) call.reply(ErrorResponse(s));
}

HttpResponse ResponseFor(const CommandOutcome& o) {
  if (!o.error.ok()) return ErrorResponse(o.error);
  HttpResponse r;
  r.status = o.status;
  r.body = o.body;
  if (o.version != 0) r.AddHeader("ETag", "\"" + std::to_string(o.version) + "\"");
  if (o.replayed) r.AddHeader("Idempotent-Replayed", "true");
  return r;
}

Status ParseIfMatch(std::string_view v, std::optional<uint64_t>* out) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v == "*") {
    out->reset();
    return Status::OK();
  }
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 19;
  for (char c : v) {
    if (c < '0' || c > '9') ok = false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok) {
    return Status::InvalidArgument("If-Match must be an ETag this server gave, such as \"3\"",
                                   "bad_if_match");
  }
  *out = n;
  return Status::OK();
}

}  // namespace orgd::http
