#include "src/http/core/api.h"

#include "common/random.h"
#include "common/sha256.h"
#include "common/time_util.h"
#include "src/commands/core/writer.h"
#include "src/commands/credentials/commands.h"
#include "src/http/core/errors.h"
#include "src/queries/read_views.h"

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

Status Api::Holds(std::string_view org_ref, std::string_view account_id,
                  std::string_view capability, bool* member, bool* holds) const {
  uint64_t org_id = 0;
  CapabilitySet caps = 0;
  ORGD_RETURN_IF_ERROR(views_->MemberCapabilities(org_ref, account_id, &org_id, member, &caps));
  const CapabilitySet wanted = CapabilityBit(capability);
  *holds = *member && wanted != 0 && (caps & wanted) == wanted;
  return Status::OK();
}

Api::Api(const ReadViews* views, Writer* writer, const CredentialCache* credentials,
         ApiOptions options)
    : views_(views),
      writer_(writer),
      options_(std::move(options)),
      auth_(credentials, options_.clock ? options_.clock : NowMs) {}

void Api::Add(const Surface* surface, std::string_view method, std::string_view pattern,
              RoutePolicy policy, Handler handler) {
  router_.Add(method, pattern, static_cast<int>(handlers_.size()));
  handlers_.push_back(Route{RouteInfo{std::string(method), std::string(pattern), policy,
                                      surface->name},
                            surface, std::move(handler)});
}

std::vector<Api::RouteInfo> Api::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : handlers_) out.push_back(r.info);
  return out;
}

int64_t Api::Now() const { return options_.clock ? options_.clock() : NowMs(); }

void Api::Observe(std::string_view route, std::string_view method, int status, double seconds) {
  // Most replies find their series in the cache, by the labels' addresses
  // (the router's patterns and literals, which live as long as the Api).
  const SeriesKey key{route.data(), route.size(), method.data(), status};
  {
    ReaderLock lock(&series_mu_);
    auto it = series_.find(key);
    // The text is compared too: a caller's label may be a temporary whose
    // address a later, different label reuses.
    if (it != series_.end() && it->second.route == route && it->second.method == method) {
      return it->second.histogram->Observe(seconds);
    }
  }
  std::string labels;
  labels.reserve(64);
  labels.append("route=\"").append(route).append("\",method=\"").append(MethodLabel(method));
  labels.append("\",status=\"").append(std::to_string(status)).append("\"");
  Histogram* h = latency_.Get(labels);
  h->Observe(seconds);
  WriterLock lock(&series_mu_);
  if (series_.size() < kMaxCachedSeries) {
    series_.insert_or_assign(key, CachedSeries{std::string(route), std::string(method), h});
  }
}

void Api::Handle(HttpRequest req, Reply reply) {
  const auto start = std::chrono::steady_clock::now();
  Router::Match m = router_.Find(req.method, req.Path());
  // Both labels point into the router or at literals: the closure copies no text.
  const std::string_view route = m.pattern.empty() ? std::string_view("unmatched") : m.pattern;
  const std::string_view method = MethodLabel(req.method);
  std::string request_id = RequestIdFor(req);
  Reply observed = [this, route, method, request_id, start,
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
  const Route& route_entry = handlers_[static_cast<size_t>(m.id)];
  Call call{std::move(req),         std::move(m.params),  {},
            std::move(request_id),  route_entry.surface,  std::move(observed)};
  if (route_entry.info.policy.access != RoutePolicy::Access::kPublic) {
    Status s = auth_.Authenticate(call.req, call.surface->credentials, &call.principal);
    if (s.ok()) NoteCredentialUse(call.principal);
    if (s.ok()) s = Authorize(call.principal, route_entry.info.policy, call.params, *this);
    if (!s.ok()) return call.Fail(s);
  }
  route_entry.handler(std::move(call));
}

void Api::NoteCredentialUse(const Principal& who) {
  // Only an account's credentials: their use is shown (last_used_at, the
  // account's last_active); a site key's is not.
  if (options_.credential_use_interval_ms <= 0 || who.account_id.empty()) return;
  const int64_t now = Now();
  {
    UseShard& shard = uses_[std::hash<std::string>{}(who.key_id) % kUseShards];
    MutexLock lock(&shard.mu);
    auto [it, added] = shard.last_ms.try_emplace(who.key_id, now);
    if (!added) {
      if (now - it->second < options_.credential_use_interval_ms) return;
      it->second = now;
    }
    // Bounded: forgetting only means an extra event for a key used again.
    if (shard.last_ms.size() > 100'000 / kUseShards) {
      shard.last_ms.clear();
      shard.last_ms.emplace(who.key_id, now);
    }
  }
  Command cmd{CommandMeta{}, RecordCredentialUse{who.key_id, now}};
  cmd.meta.actor = "system";
  // A full queue or a store that refuses writes: the use goes unrecorded.
  writer_->Submit(std::move(cmd), [](CommandOutcome) {}).PermitUncheckedError();
}

namespace {

// The same key with another surface, method, target, body or precondition
// is a different request.
std::string Fingerprint(const Call& call) {
  Sha256 h;
  for (std::string_view part : {std::string_view(call.surface->name), std::string_view(call.req.method),
                                std::string_view(call.req.target)}) {
    h.Update(part);
    h.Update("\n");
  }
  h.Update(call.req.Header("If-Match").value_or("<none>"));
  h.Update("\n");
  h.Update(call.req.body);
  return ToHex(h.Final());
}

}  // namespace

void Api::SubmitCommand(Call call, Command cmd,
                        std::function<HttpResponse(const CommandOutcome&)> render) {
  CommandMeta& meta = cmd.meta;
  meta.actor = call.principal.Actor();
  meta.account_id = call.principal.account_id;
  meta.site_admin = call.principal.site_admin;
  meta.request_id = call.request_id;
  if (auto key = call.req.Header("Idempotency-Key")) {
    if (key->empty() || key->size() > kMaxIdempotencyKey || !IsVisibleAscii(*key)) {
      return call.Fail(Status::InvalidArgument(
          "Idempotency-Key must be 1-255 visible ASCII characters", "bad_idempotency_key"));
    }
    meta.idempotency_key = std::string(*key);
    meta.fingerprint = Fingerprint(call);
  }
  if (auto if_match = call.req.Header("If-Match")) {
    Status s = ParseIfMatch(*if_match, &meta.if_match);
    if (!s.ok()) return call.Fail(s);
  }
  Reply reply = call.reply;
  const Surface* surface = call.surface;
  Status s = writer_->Submit(std::move(cmd), [reply, surface, render](CommandOutcome o) {
    reply(o.error.ok() ? render(o) : surface->error(o.error));
  });
  if (!s.ok()) call.Fail(s);
}

Status ParseIfMatch(std::string_view v, std::optional<uint64_t>* out) {
  auto bad = [] {
    return Status::InvalidArgument(
        "If-Match must be one entity tag, such as \"3\" (the ETag this server gave), or *",
        "bad_if_match");
  };
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v == "*") {
    out->reset();
    return Status::OK();
  }
  const bool weak = v.starts_with("W/");
  if (weak) v.remove_prefix(2);
  const bool quoted = v.size() >= 2 && v.front() == '"' && v.back() == '"';
  if (quoted) {
    v = v.substr(1, v.size() - 2);
    for (char c : v) {  // etagc: %x21 / %x23-7E / obs-text
      const auto u = static_cast<unsigned char>(c);
      if (u == '"' || u < 0x21 || u == 0x7f) return bad();
    }
  } else if (weak || v.empty()) {
    return bad();
  }
  uint64_t n = 0;
  bool number = !v.empty() && v.size() <= 19 && v.find_first_not_of("0123456789") == v.npos;
  for (char c : v) n = number ? n * 10 + static_cast<uint64_t>(c - '0') : 0;
  if (!quoted && !number) return bad();  // a bare value must be a version
  *out = (number && !weak) ? n : 0;      // 0: a tag no version ever has
  return Status::OK();
}

}  // namespace orgd::http
